//! Decision headings in their common forms:
//! "Beslutning Direktionen den 14-06-2021", "Beslutning i Byrådet den
//! 16-09-2025:", a bare "Beslutninger" (body and date are the meeting's),
//! an inline "Beslutning: Godkendt.", and the body first in the genitive:
//! "Økonomiudvalgets beslutning den 03.09.2025 Punkt 4".

use super::words::{collapse, find_date, phrase, strip_phrase};
use crate::profile::Profile;
use nom::Parser;

/// What a decision heading line says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecisionHead {
    /// Body named in the heading.
    pub body: Option<String>,
    /// ISO date named in the heading.
    pub date: Option<String>,
    /// Decision text on the heading line itself ("Beslutning: Godkendt.").
    pub inline: Option<String>,
}

/// Recognise a decision heading by the profile's words.
pub fn decision_heading(text: &str, profile: &Profile) -> Option<DecisionHead> {
    let text = text.trim();
    prefix_form(text, profile).or_else(|| body_first_form(text, profile))
}

/// "Beslutning [i] [<body>] [den] <date>[:] [Punkt N] [text]", "Beslutning", "Beslutning: text".
fn prefix_form(text: &str, profile: &Profile) -> Option<DecisionHead> {
    let words = &profile.sections;
    let (rest, word) = phrase(&words.decision).parse(text).ok()?;
    let rest = rest.trim_start();
    if rest.trim_end_matches(':').trim().is_empty() {
        return Some(DecisionHead::default());
    }
    let colon = word.ends_with(':').then_some(rest);
    if let Some(inline) = colon.or_else(|| rest.strip_prefix([':', '–', '-'])) {
        return Some(DecisionHead {
            inline: non_empty(inline),
            ..Default::default()
        });
    }
    // "Beslutning (Teknisk Udvalg, 05.05.2026):", "Beslutning, Byrådet, 05.05.2026".
    let (rest, closing) = match rest.strip_prefix('(') {
        Some(inner) => {
            let (inner, after) = inner.split_once(')')?;
            (inner.trim(), Some(after))
        }
        None => (rest.strip_prefix(',').map_or(rest, str::trim_start), None),
    };
    let rest = phrase(&words.decision_body_fillers)
        .parse(rest)
        .map(|(r, _)| r.trim_start())
        .unwrap_or(rest);
    let (body, date, after) = body_and_date(rest, profile)?;
    let after = closing.unwrap_or(after);
    if body
        .as_deref()
        .is_some_and(|b| !plausible_body(b) || b.contains(':'))
    {
        return None;
    }
    Some(DecisionHead {
        body,
        date: Some(date),
        inline: non_empty(after_date(after, profile)),
    })
}

/// "<Body>s beslutning den <date> [Punkt N] [text]".
fn body_first_form(text: &str, profile: &Profile) -> Option<DecisionHead> {
    let words = &profile.sections;
    let text = text.trim_end_matches(':').trim_end();
    let lower = text.to_lowercase();
    for word in &words.decision_after_body {
        let word = word.to_lowercase();
        // "FORRETNINGSUDVALGETS BESLUTNING", "Bestyrelsens beslutning:": the
        // meeting's date.
        if let Some(before) = lower.strip_suffix(&word).filter(|b| b.ends_with(' '))
            && text.is_char_boundary(before.len())
            && plausible_body(text[..before.len()].trim())
            && text[..before.len()]
                .trim()
                .ends_with(genitive(&words.genitive_endings))
        {
            return Some(DecisionHead {
                body: Some(strip_genitive(
                    text[..before.len()].trim(),
                    &words.genitive_endings,
                )),
                ..Default::default()
            });
        }
        let needle = format!(" {word} ");
        let Some(at) = lower.find(&needle) else {
            continue;
        };
        if !text.is_char_boundary(at) || !text.is_char_boundary(at + needle.len()) {
            continue;
        }
        let before = text[..at].trim();
        if !plausible_body(before) {
            continue;
        }
        let rest = text[at + needle.len()..].trim_start();
        let rest = phrase(&words.decision_date_words)
            .parse(rest)
            .map(|(r, _)| r.trim_start())
            .unwrap_or(rest);
        let (date, after) = date_at(rest, profile)?;
        return Some(DecisionHead {
            body: Some(strip_genitive(before, &words.genitive_endings)),
            date: Some(date),
            inline: non_empty(after_date(after, profile)),
        });
    }
    None
}

/// An earlier decision quoted in an item: "Beslutning fra mødet den 29.
/// januar 2025, punkt 3:" → (date, item number).
pub fn earlier_decision(text: &str, profile: &Profile) -> Option<(String, Option<u32>)> {
    let (rest, _) = phrase(&profile.sections.decision).parse(text.trim()).ok()?;
    let (rest, _) = phrase(&profile.history.earlier_words)
        .parse(rest.trim_start())
        .ok()?;
    let rest = rest.trim_start();
    let rest = phrase(&profile.sections.decision_date_words)
        .parse(rest)
        .map(|(r, _)| r.trim_start())
        .unwrap_or(rest);
    let (date, after) = date_at(rest, profile)?;
    let after = after.trim_start_matches([',', ' ']);
    let reference = after_date(after, profile);
    let number = (reference.len() < after.trim_end_matches(':').len())
        .then(|| {
            let digits: String = after.chars().filter(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .flatten();
    Some((date, number))
}

/// A body named before a decision word: a few words, the first capitalised.
fn plausible_body(text: &str) -> bool {
    let words = text.split_whitespace().count();
    (1..=6).contains(&words) && text.starts_with(char::is_uppercase)
}

/// A predicate: the word ends in one of the genitive endings (either case).
fn genitive(endings: &[String]) -> impl Fn(char) -> bool + '_ {
    move |c: char| {
        endings
            .iter()
            .any(|e| e.chars().last().is_some_and(|l| l.eq_ignore_ascii_case(&c)))
    }
}

/// "Økonomiudvalgets" → "Økonomiudvalget".
fn strip_genitive(body: &str, endings: &[String]) -> String {
    let body = title_case_if_shouting(body);
    let body = body.as_str();
    endings
        .iter()
        .find_map(|e| body.strip_suffix(e.as_str()).map(str::to_string))
        .unwrap_or_else(|| body.to_string())
}

/// Split "Direktionen den 14-06-2021 rest" into body, date and what follows.
fn body_and_date<'a>(
    rest: &'a str,
    profile: &Profile,
) -> Option<(Option<String>, String, &'a str)> {
    let months = &profile.text.months;
    find_date(rest, months)?;
    let mut body_end = 0;
    let mut at = 0;
    for token in rest.split_whitespace() {
        let start = at + rest[at..].find(token).unwrap_or(0);
        at = start + token.len();
        if let Some((date, after)) = date_at(&rest[start..], profile) {
            let body = collapse(without_abbreviation(
                rest[..body_end].trim().trim_end_matches(','),
            ));
            return Some((
                (!body.is_empty()).then(|| title_case_if_shouting(&body)),
                date,
                after,
            ));
        }
        let date_word = profile
            .sections
            .decision_date_words
            .iter()
            .any(|w| w.eq_ignore_ascii_case(token));
        if token.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        if !date_word {
            body_end = at;
        }
    }
    None
}

/// "Økonomiudvalget (ØK)" → "Økonomiudvalget".
fn without_abbreviation(body: &str) -> &str {
    match body.rsplit_once(" (") {
        Some((name, tail)) if tail.ends_with(')') && !name.is_empty() => name,
        _ => body,
    }
}

/// A date at the start of `text` and what follows it, by the profile's months.
fn date_at<'a>(text: &'a str, profile: &Profile) -> Option<(String, &'a str)> {
    super::words::date_at(text, &profile.text.months)
}

/// Text after a heading's date, without ":" and an item reference ("Punkt 4").
fn after_date<'a>(after: &'a str, profile: &Profile) -> &'a str {
    let after = after
        .trim_start()
        .trim_start_matches([':', '.', ','])
        .trim_start();
    let items = &profile.history.item_words;
    for word in items.iter().chain(&profile.items.heading_words) {
        if let Some(rest) = strip_phrase(after, word) {
            let rest = rest.trim_start();
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if digits > 0 {
                return rest[digits..]
                    .trim_start()
                    .trim_start_matches([':', '.'])
                    .trim_start();
            }
        }
    }
    after
}

/// Some(trimmed text) unless empty.
fn non_empty(text: &str) -> Option<String> {
    let t = collapse(text.trim());
    (!t.is_empty()).then_some(t)
}

/// "DIREKTIONEN" → "Direktionen"; mixed case is left alone.
pub fn title_case_if_shouting(text: &str) -> String {
    if text.chars().any(char::is_lowercase) {
        return text.to_string();
    }
    text.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profiles;

    fn head(body: Option<&str>, date: Option<&str>, inline: Option<&str>) -> Option<DecisionHead> {
        Some(DecisionHead {
            body: body.map(Into::into),
            date: date.map(Into::into),
            inline: inline.map(Into::into),
        })
    }

    #[test]
    fn decision_heading_forms() {
        let profiles = Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        let d = |t| decision_heading(t, p);
        assert_eq!(
            d("Beslutning Direktionen den 14-06-2021"),
            head(Some("Direktionen"), Some("2021-06-14"), None)
        );
        assert_eq!(
            d("BESLUTNING DIREKTIONEN DEN 10-03-2015"),
            head(Some("Direktionen"), Some("2015-03-10"), None)
        );
        assert_eq!(
            d("Beslutning i Økonomiudvalget den 5. maj 2020"),
            head(Some("Økonomiudvalget"), Some("2020-05-05"), None)
        );
        assert_eq!(
            d("Beslutning i Teknik- og Miljøudvalget den 02-09-2025:"),
            head(Some("Teknik- og Miljøudvalget"), Some("2025-09-02"), None)
        );
        assert_eq!(d("Beslutninger"), head(None, None, None));
        assert_eq!(d("Beslutning:"), head(None, None, None));
        assert_eq!(
            d("Beslutning: Godkendt."),
            head(None, None, Some("Godkendt."))
        );
        assert_eq!(
            d("Økonomiudvalgets beslutning den 03.09.2025 Punkt 4"),
            head(Some("Økonomiudvalget"), Some("2025-09-03"), None)
        );
        assert_eq!(
            d("Byrådets beslutning den 17.09.2025 Punkt 12 Godkendt."),
            head(Some("Byrådet"), Some("2025-09-17"), Some("Godkendt."))
        );
        assert_eq!(
            d("Beslutning (Teknik- og Miljøudvalget, 05.05.2026):"),
            head(Some("Teknik- og Miljøudvalget"), Some("2026-05-05"), None)
        );
        assert_eq!(
            d("Beslutning (Byrådet, 5. maj 2026): Godkendt."),
            head(Some("Byrådet"), Some("2026-05-05"), Some("Godkendt."))
        );
        assert_eq!(
            d("Beslutning, Økonomiudvalget, 12.03.2026"),
            head(Some("Økonomiudvalget"), Some("2026-03-12"), None)
        );
        assert_eq!(
            d("Beslutning truffet i Byrådet den 22. april 2026:"),
            head(Some("Byrådet"), Some("2026-04-22"), None)
        );
        assert_eq!(
            d("BESLUTNING I ØKONOMIUDVALGET DEN 12. MARTS 2026"),
            head(Some("Økonomiudvalget"), Some("2026-03-12"), None)
        );
        assert_eq!(
            d("Beslutning Økonomiudvalget 12. marts 2026"),
            head(Some("Økonomiudvalget"), Some("2026-03-12"), None)
        );
        assert_eq!(
            d("Beslutning af 12. marts 2026:"),
            head(None, Some("2026-03-12"), None)
        );
        // A bracket that names no date is no decision heading of this form.
        assert_eq!(d("Beslutning (se bilag)"), None);
    }

    #[test]
    fn decision_heading_forms_without_a_date_and_lookalikes() {
        let profiles = Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        let d = |t| decision_heading(t, p);
        assert_eq!(d("Beslutningen blev taget"), None);
        assert_eq!(
            d("FORRETNINGSUDVALGETS BESLUTNING"),
            head(Some("Forretningsudvalget"), None, None)
        );
        assert_eq!(
            d("Bestyrelsens beslutning:"),
            head(Some("Bestyrelsen"), None, None)
        );
        assert_eq!(d("Det var en god beslutning"), None);
        assert_eq!(
            d("Beslutning fra mødet den 29. januar 2025, punkt 3:"),
            None
        );
        assert_eq!(d("Referat Åbent referat Dato: 12.03.2012 Side 2"), None);
        assert_eq!(d("Referat: Drøftet."), head(None, None, Some("Drøftet.")));
        assert_eq!(
            earlier_decision("Beslutning fra mødet den 29. januar 2025, punkt 3:", p),
            Some(("2025-01-29".into(), Some(3)))
        );
        assert_eq!(d("Beslutning om skolerne"), None);
        assert_eq!(d("det er byrådets beslutning den 3. maj 2020"), None);
    }
}
