//! Money amounts in running text ("255.000 kr.", "1,5 mio. kr.", "600 t.kr.").

use super::words::{danish_number, strip_phrase};
use crate::profile::MoneyUnit;

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

/// Every number followed by a money unit of the profile, in order.
pub fn find_amounts(text: &str, units: &[MoneyUnit]) -> Vec<FoundAmount> {
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
            i = text.len() - rest.len();
            continue;
        }
        i += c.len_utf8();
    }
    found
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
