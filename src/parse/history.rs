//! Earlier treatments of a case: a line naming one ("Kommunalbestyrelsen
//! den 30. januar 2012 Punkt 5", "Kommunstyrelsen 12.2.2025 § 14") and the
//! entries of a section listing them ("Udvalg: X / Dato: … / Punktnummer: N").

use super::decisions::title_case_if_shouting;
use super::text::assemble;
use super::words::{collapse, labelled, phrase};
use crate::extract::Line;
use crate::profile::Profile;
use crate::record::Treatment;
use nom::Parser;

/// Most words in the body named on a treatment line.
const MAX_BODY_WORDS: usize = 6;

/// A whole line naming a treatment: "<Body> [den] <date> [Punkt|§ N][:]".
pub fn treatment_line(text: &str, profile: &Profile) -> Option<Treatment> {
    // Both forms need a date or an item number, so a digit.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let text = collapse(text.trim().trim_end_matches(':'));
    if let Some(t) = number_before_date(&text, profile) {
        return Some(t);
    }
    let mut body_words = Vec::new();
    let mut at = 0;
    for token in text.split(' ') {
        let rest = &text[at..];
        at += token.len() + 1;
        if let Some((date, after)) = date_at(rest, profile) {
            let number = item_reference(after, profile)?;
            let body = collapse(body_words.join(" ").trim_end_matches(','));
            if !is_name(&body_words) {
                return None;
            }
            return Some(Treatment {
                body: Some(title_case_if_shouting(&body)),
                date: Some(date),
                item_number: number,
                text: None,
            });
        }
        let date_word = profile
            .sections
            .decision_date_words
            .iter()
            .any(|w| w.eq_ignore_ascii_case(token));
        if !date_word {
            if body_words.len() == MAX_BODY_WORDS || token.starts_with(|c: char| c.is_ascii_digit())
            {
                return None;
            }
            body_words.push(token);
        }
    }
    None
}

/// "Tekniska nämnden § 6 28.01.2025": body, item word and number, date.
fn number_before_date(text: &str, profile: &Profile) -> Option<Treatment> {
    // The item word follows at most MAX_BODY_WORDS words: search only there
    // (a first occurrence further on is rejected below all the same).
    let head_end = text
        .match_indices(' ')
        .nth(MAX_BODY_WORDS)
        .map_or(text.len(), |(k, _)| k);
    for word in &profile.history.item_words {
        let needle = format!(" {word} ");
        let end = (head_end + needle.len()).min(text.len());
        let head = text.get(..end).unwrap_or(text);
        let Some(at) = head.find(&needle) else {
            continue;
        };
        let body: Vec<&str> = text[..at].split(' ').collect();
        let rest = &text[at + needle.len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || body.len() > MAX_BODY_WORDS || !is_name(&body) {
            continue;
        }
        let (date, after) = date_at(rest[digits..].trim_start(), profile)?;
        if !after.trim().is_empty() {
            return None;
        }
        return Some(Treatment {
            body: Some(collapse(&body.join(" "))),
            date: Some(date),
            item_number: rest[..digits].parse().ok(),
            text: None,
        });
    }
    None
}

/// A body's name: capitalised words, joined by short lowercase words
/// ("Teknik- og Miljøudvalget", "Udvalget for Kultur"), at most one longer
/// lowercase word ("Tekniska nämnden").
fn is_name(words: &[&str]) -> bool {
    let lowercase_words = words
        .iter()
        .filter(|w| !w.starts_with(char::is_uppercase) && w.chars().count() > 3)
        .count();
    words
        .first()
        .is_some_and(|w| w.starts_with(char::is_uppercase))
        && words.iter().all(|w| !w.ends_with(':'))
        && lowercase_words <= 1
}

/// After the date: nothing, or an item word and a number (and nothing else).
/// Outer None: not a treatment line; inner: the item number if printed.
fn item_reference(after: &str, profile: &Profile) -> Option<Option<u32>> {
    let after = after.trim().trim_start_matches(',').trim();
    if after.is_empty() {
        return Some(None);
    }
    let (rest, _) = phrase(&profile.history.item_words).parse(after).ok()?;
    let rest = rest
        .trim_start()
        .trim_start_matches(['.', ':'])
        .trim_start();
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let tail = rest[digits..].trim();
    (digits > 0 && digits <= 4 && tail.is_empty()).then(|| rest[..digits].parse().ok())
}

/// A date at the start of `text` and what follows it, by the profile's months.
fn date_at<'a>(text: &'a str, profile: &Profile) -> Option<(String, &'a str)> {
    super::words::date_at(text, &profile.text.months)
}

/// Entries of a history section: a body label starts an entry, date and
/// number labels fill it, other lines are its text.
pub fn section_entries(lines: &[Line], profile: &Profile) -> Vec<Treatment> {
    let words = &profile.history;
    let mut entries: Vec<(Treatment, Vec<Line>)> = Vec::new();
    for line in lines {
        let text = line.text.trim();
        if let Some(t) = treatment_line(text, profile) {
            entries.push((t, Vec::new()));
        } else if let Some(body) = labelled(text, &words.body_labels).filter(|_| !text.is_empty()) {
            let t = Treatment {
                body: Some(collapse(body)),
                ..Default::default()
            };
            entries.push((t, Vec::new()));
        } else if let Some((entry, _)) = entries.last_mut()
            && fill_labelled(entry, text, profile)
        {
        } else if let Some((_, body)) = entries.last_mut() {
            body.push(line.clone());
        }
    }
    entries
        .into_iter()
        .map(|(mut t, body)| {
            let text = assemble(&body, &profile.text.compound_joiners);
            t.text = (!text.is_empty()).then_some(text);
            t
        })
        .collect()
}

/// Fill a date or item number from a labelled line; true when the line was one.
fn fill_labelled(entry: &mut Treatment, text: &str, profile: &Profile) -> bool {
    let words = &profile.history;
    if let Some(v) = labelled(text, &words.date_labels) {
        entry.date = super::words::find_date(v, &profile.text.months);
        return true;
    }
    if let Some(v) = labelled(text, &words.number_labels) {
        entry.item_number = v
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .ok();
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profiles;

    fn line(t: &str) -> Line {
        Line::plain(t)
    }

    #[test]
    fn treatment_lines() {
        let profiles = Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        let t = treatment_line("Kommunalbestyrelsen den 30. januar 2012 Punkt 5", p).unwrap();
        assert_eq!(t.body.as_deref(), Some("Kommunalbestyrelsen"));
        assert_eq!(t.date.as_deref(), Some("2012-01-30"));
        assert_eq!(t.item_number, Some(5));
        let t = treatment_line("Kommunstyrelsen 12.2.2025 § 14", p).unwrap();
        assert_eq!(
            (t.date.as_deref(), t.item_number),
            (Some("2025-02-12"), Some(14))
        );
        assert!(treatment_line("Mødet blev holdt den 3. maj 2020 om aftenen", p).is_none());
        let t = treatment_line("Tekniska nämnden § 6 28.01.2025", p).unwrap();
        assert_eq!(
            (t.body.as_deref(), t.item_number),
            (Some("Tekniska nämnden"), Some(6))
        );
        let t =
            treatment_line("Teknik- og Miljøudvalget, 10. september 2019, pkt. 65:", p).unwrap();
        assert_eq!(
            (t.body.as_deref(), t.item_number),
            (Some("Teknik- og Miljøudvalget"), Some(65))
        );
        assert!(treatment_line("den 3. maj 2020", p).is_none());
    }

    #[test]
    fn history_section_entries() {
        let profiles = Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        let lines: Vec<Line> = [
            "Udvalg: Økonomiudvalget",
            "Dato: 03-09-2025",
            "Punktnummer: 4",
            "Anbefalet.",
            "",
            "Udvalg: Teknisk Udvalg",
            "Dato: 20-08-2025",
            "Punktnummer: 7",
        ]
        .iter()
        .map(|t| line(t))
        .collect();
        let e = section_entries(&lines, p);
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].body.as_deref(), Some("Økonomiudvalget"));
        assert_eq!(e[0].date.as_deref(), Some("2025-09-03"));
        assert_eq!(e[0].item_number, Some(4));
        assert_eq!(e[0].text.as_deref(), Some("Anbefalet."));
        assert_eq!(e[1].text, None);
    }
}
