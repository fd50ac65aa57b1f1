//! Money amounts in running text ("255.000 kr.", "1,5 mio. kr.", "600 t.kr.").

use super::words::{danish_number, strip_phrase};
use crate::profile::{AmountWords, MoneyUnit};

/// A money amount found in text: as printed and its value in the base currency.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundAmount {
    /// Number and unit as printed.
    pub text: String,
    /// Value in the base currency (DKK).
    pub value: f64,
}

/// Rounded to hundredths, so "4,1 mio. kr." is 4100000, not 4099999.9999999995.
fn in_cents(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// Every money amount of the profile's words in order: a number followed by
/// a unit ("1,5 mio. kr."), or after a prefix unit ("kr. 450.000", "kr. 4,2
/// mio.").
pub fn find_amounts_with(text: &str, words: &AmountWords) -> Vec<FoundAmount> {
    find(text, &words.units, &words.prefix_units, &words.multipliers)
}

/// Every number followed by a money unit of the profile, in order.
#[cfg(test)]
fn find_amounts(text: &str, units: &[MoneyUnit]) -> Vec<FoundAmount> {
    find(text, units, &[], &[])
}

/// The scanner behind both: suffix units, or a prefix unit before the number.
fn find(
    text: &str,
    units: &[MoneyUnit],
    prefixes: &[String],
    multipliers: &[MoneyUnit],
) -> Vec<FoundAmount> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let at = &text[i..];
        let c = at.chars().next().expect("in bounds");
        let starts_number =
            c.is_ascii_digit() || (c == '-' && at[1..].starts_with(|d: char| d.is_ascii_digit()));
        let prev = text[..i].chars().last();
        let boundary = prev
            .is_none_or(|p| !(p.is_alphanumeric() || p == '.' || p == ',' || p == '-' || p == '/'));
        if starts_number
            && boundary
            && let Ok((rest, value)) = danish_number(at)
        {
            let after = rest.trim_start_matches([' ', '\u{a0}']);
            if let Some((unit, tail)) = longest_unit(after, units) {
                let end = text.len() - tail.len();
                found.push(FoundAmount {
                    text: text[i..end].trim().to_string(),
                    value: in_cents(value * unit.scale),
                });
                i = end;
                continue;
            }
            if let Some(start) = prefix_before(&text[..i], prefixes) {
                let (scale, tail) = longest_unit(after, multipliers)
                    .map_or((1.0, rest), |(m, tail)| (m.scale, tail));
                let end = text.len() - tail.len();
                found.push(FoundAmount {
                    text: text[start..end].trim().to_string(),
                    value: in_cents(value * scale),
                });
                i = end;
                continue;
            }
            i = text.len() - rest.len();
            continue;
        }
        i += c.len_utf8();
    }
    found
}

/// Where a prefix unit ("kr. ") ends `before`, if one does.
fn prefix_before(before: &str, prefixes: &[String]) -> Option<usize> {
    let trimmed = before.trim_end_matches([' ', '\u{a0}']);
    if trimmed.len() == before.len() {
        return None;
    }
    prefixes.iter().find_map(|p| {
        let start = trimmed.len().checked_sub(p.len())?;
        if !trimmed.is_char_boundary(start) {
            return None;
        }
        let word_start = trimmed[..start]
            .chars()
            .last()
            .is_none_or(|c| !c.is_alphanumeric());
        (trimmed[start..].eq_ignore_ascii_case(p) && word_start).then_some(start)
    })
}

/// The longest unit at the start of `input`.
fn longest_unit<'a, 'u>(
    input: &'a str,
    units: &'u [MoneyUnit],
) -> Option<(&'u MoneyUnit, &'a str)> {
    units
        .iter()
        .filter_map(|u| strip_phrase(input, &u.text).map(|rest| (u, rest)))
        .max_by_key(|(u, _)| u.text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_units_and_multipliers() {
        let profiles = crate::profile::Profiles::builtin();
        let words = &profiles.get("generic").unwrap().amounts;
        let values: Vec<f64> = find_amounts_with(
            "Prisen er kr. 450.000, i alt kr. 4,2 mio.; møde på å 12 timer og 600 t.kr.",
            words,
        )
        .iter()
        .map(|a| a.value)
        .collect();
        assert_eq!(values, [450_000.0, 4_200_000.0, 600_000.0]);
    }

    fn units() -> Vec<MoneyUnit> {
        [
            ("mio. kr.", 1e6),
            ("mio.", 1e6),
            ("t.kr.", 1e3),
            ("kr.", 1.0),
            ("kr", 1.0),
        ]
        .iter()
        .map(|(t, s)| MoneyUnit {
            text: t.to_string(),
            scale: *s,
        })
        .collect()
    }

    #[test]
    fn finds_danish_amounts() {
        let text = "på 255.000 kr. og 1,5 mio. kr., 600 t.kr. samt 7,96 kr. pr. borger, ca. 40.000 pr. barn i 2024";
        let values: Vec<f64> = find_amounts(text, &units())
            .iter()
            .map(|a| a.value)
            .collect();
        assert_eq!(values, vec![255000.0, 1500000.0, 600000.0, 7.96]);
        assert_eq!(
            find_amounts("1,5 mio. kr.", &units())[0].text,
            "1,5 mio. kr."
        );
    }

    #[test]
    fn ignores_numbers_inside_words_and_dates() {
        assert!(find_amounts("ØU03 og 2-3 kroner", &units()).is_empty());
        assert!(find_amounts("21/9445 kr", &units()).is_empty());
    }
}
