//! The profile's table words ([`TableWords`]) applied to text: captions,
//! total rows, units, price levels and note lines.
//!
//! Matching is case-insensitive and whole-word; which words count is the
//! profile's business, never this module's.

use super::number::{is_year, strip_word_ci};
use crate::profile::TableWords;

/// A unit found in header text.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitMatch {
    /// The unit as printed ("1.000 kr.").
    pub text: String,
    /// Multiplier to the currency's base unit.
    pub scale: f64,
    /// Byte range of the match in the searched text.
    pub span: std::ops::Range<usize>,
}

/// Byte offsets of `text` where a word may start.
fn word_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut prev: Option<char> = None;
    text.char_indices().filter_map(move |(k, c)| {
        let start = prev.is_none_or(|p| !(p.is_alphanumeric() || p == '.' || p == ','));
        prev = Some(c);
        start.then_some(k)
    })
}

/// True when the line is a table caption: a caption word, then a short
/// number or letter ("Tabel 2.", "Table C.", "Tabel 1:").
pub fn is_caption(line: &str, words: &TableWords) -> bool {
    let line = line.trim();
    words.caption_words.iter().any(|w| {
        let Some(rest) = strip_word_ci(line, w) else {
            return false;
        };
        if !rest.starts_with(char::is_whitespace) {
            return false;
        }
        let rest = rest.trim_start();
        let id: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '.')
            .collect();
        let core = id.trim_end_matches('.');
        let after = rest[id.len()..].chars().next();
        let id_ok = !core.is_empty()
            && core.chars().count() <= 5
            && (core.chars().any(|c| c.is_ascii_digit())
                || (core.chars().count() <= 2 && core.chars().all(char::is_uppercase)));
        id_ok && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

/// True when a row label marks a total: it starts with a total word ("I alt",
/// "Samlet …", "Total") or holds a total suffix word ("… totalt, …").
pub fn is_total(label: &str, words: &TableWords) -> bool {
    let label = label.trim();
    if words
        .total_words
        .iter()
        .any(|w| !w.is_empty() && strip_word_ci(label, w).is_some())
    {
        return true;
    }
    word_starts(label).any(|k| {
        words
            .total_suffixes
            .iter()
            .any(|s| !s.is_empty() && strip_word_ci(&label[k..], s).is_some())
    })
}

/// The longest unit of the profile printed in `text` (first one on ties).
pub fn find_unit(text: &str, words: &TableWords) -> Option<UnitMatch> {
    let mut best: Option<UnitMatch> = None;
    for k in word_starts(text) {
        for u in words.units.iter().filter(|u| !u.text.is_empty()) {
            if let Some(rest) = strip_word_ci(&text[k..], &u.text) {
                let end = text.len() - rest.len();
                if best.as_ref().is_none_or(|b| end - k > b.span.len()) {
                    best = Some(UnitMatch {
                        text: text[k..end].to_string(),
                        scale: u.scale,
                        span: k..end,
                    });
                }
            }
        }
    }
    best
}

/// The year of a price level ("2025 p/l", "2025-p/l", "prisniveau 2025") and
/// the byte range it was printed in.
pub fn find_price_level(text: &str, words: &TableWords) -> Option<(i32, std::ops::Range<usize>)> {
    let starts: Vec<usize> = word_starts(text).collect();
    for &k in &starts {
        let rest = &text[k..];
        // "<year> <word>"
        if rest.len() >= 4 && rest.is_char_boundary(4) && is_year(&rest[..4]) {
            let after = rest[4..].trim_start_matches([' ', '-', '\u{a0}']);
            for w in words.price_level_words.iter().filter(|w| !w.is_empty()) {
                if let Some(tail) = strip_word_ci(after, w) {
                    let year = rest[..4].parse().ok()?;
                    return Some((year, k..text.len() - tail.len()));
                }
            }
        }
        // "<word> <year>"
        for w in words.price_level_words.iter().filter(|w| !w.is_empty()) {
            if let Some(tail) = strip_word_ci(rest, w) {
                let t = tail.trim_start_matches([' ', '\u{a0}']);
                if t.len() < tail.len() && t.len() >= 4 && t.is_char_boundary(4) {
                    let ends = t[4..].chars().next().is_none_or(|c| !c.is_alphanumeric());
                    if is_year(&t[..4]) && ends {
                        let year = t[..4].parse().ok()?;
                        return Some((year, k..text.len() - t.len() + 4));
                    }
                }
            }
        }
    }
    None
}

/// True when a header cell says only the unit and/or price level
/// ("1.000 kr. 2025 p/l"): it is the table's unit, not a column label.
pub fn is_meta_cell(text: &str, words: &TableWords) -> bool {
    let mut rest = text.to_string();
    let mut found = false;
    if let Some(u) = find_unit(&rest, words) {
        rest.replace_range(u.span, " ");
        found = true;
    }
    if let Some((_, span)) = find_price_level(&rest, words) {
        rest.replace_range(span, " ");
        found = true;
    }
    found
        && rest
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ':' | '-'))
}

/// True when the line starts like a note under a table. Note starts that are
/// numbers ("1.") count only when the table printed that footnote marker.
pub fn is_note(line: &str, words: &TableWords, markers: &[String]) -> bool {
    let line = line.trim();
    let unstarred: String = line.chars().filter(|c| *c != '*').collect();
    words.note_starts.iter().filter(|s| !s.is_empty()).any(|s| {
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && !markers.contains(&digits) {
            return false;
        }
        strip_word_ci(line, s).is_some()
            || (!s.starts_with('*') && strip_word_ci(&unstarred, s).is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::MoneyUnit;

    pub(crate) fn words() -> TableWords {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        TableWords {
            caption_words: s(&["Tabel", "Table", "Tablet"]),
            total_words: s(&["I alt", "Samlet", "Samlede", "Total"]),
            total_suffixes: s(&["totalt", "i alt"]),
            price_level_words: s(&["p/l", "p/1"]),
            units: vec![
                MoneyUnit {
                    text: "1.000 kr.".into(),
                    scale: 1e3,
                },
                MoneyUnit {
                    text: "mio. kr.".into(),
                    scale: 1e6,
                },
                MoneyUnit {
                    text: "kr.".into(),
                    scale: 1.0,
                },
            ],
            note_starts: s(&["Anm.", "Note", "*", "Alle besparelser", "1."]),
            cell_suffixes: s(&["år", "kr."]),
            currency: Some("DKK".into()),
        }
    }

    #[test]
    fn captions() {
        let w = words();
        assert!(is_caption(
            "Tabel 2. Forslagets samlede økonomiske konsekvenser",
            &w
        ));
        assert!(is_caption("Table C. Bevillingsmæssig effekt", &w));
        assert!(is_caption("Tablet 1. Forslagets samlede", &w));
        assert!(is_caption("Tabel 2: Forventet årlig udgift til FLIS", &w));
        assert!(!is_caption("Tabellen viser", &w));
        assert!(!is_caption("Tabel over udgifter", &w));
    }

    #[test]
    fn totals() {
        let w = words();
        for t in [
            "I alt",
            "Total",
            "Samlet økonomisk påvirkning",
            "Samlede implementeringsomkostninger",
            "Varige ændringer totalt, administration",
            "Udgifter i alt",
        ] {
            assert!(is_total(t, &w), "{t}");
        }
        for t in ["Samling af sager", "Totalløsning", "Koncern IT", "1"] {
            assert!(!is_total(t, &w), "{t}");
        }
    }

    #[test]
    fn units_and_price_levels() {
        let w = words();
        let u = find_unit("1.000 kr. 2025 p/l", &w).unwrap();
        assert_eq!((u.text.as_str(), u.scale), ("1.000 kr.", 1000.0));
        assert_eq!(find_unit("Mio. kr.", &w).unwrap().scale, 1e6);
        assert_eq!(find_unit("Udgift (kr.)", &w).unwrap().scale, 1.0);
        assert!(find_unit("21.000 kr.", &w).is_none_or(|u| u.scale == 1.0));
        assert_eq!(find_price_level("1.000 kr. 2025 p/l", &w).unwrap().0, 2025);
        assert_eq!(find_price_level("1.000 kr. 2025 p/1", &w).unwrap().0, 2025);
        assert_eq!(
            find_price_level("(1.000 kr. 2024 p/l)", &w).unwrap().0,
            2024
        );
        assert!(find_price_level("2025 planer", &w).is_none());
        assert!(is_meta_cell("1.000 kr. 2025 p/l", &w));
        assert!(!is_meta_cell("Grundabonnement (1.000 kr. 2025 p/l)", &w));
        assert!(!is_meta_cell("Udvalg", &w));
    }

    #[test]
    fn notes() {
        let w = words();
        let one = vec!["1".to_string()];
        assert!(is_note("Anm. Noter til alle tabeller", &w, &[]));
        assert!(is_note("*Det bemærkes", &w, &[]));
        assert!(is_note("Alle *besparelser* er angivet", &w, &[]));
        assert!(is_note("1. Tallet for 01-01-23", &w, &one));
        assert!(!is_note("1. Tallet for 01-01-23", &w, &[]));
        assert!(!is_note("Udover projektudgifterne", &w, &[]));
    }
}
