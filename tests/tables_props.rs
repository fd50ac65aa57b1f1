//! Property tests of the tables stage: Danish number formatting round-trips
//! through the cell grammar, and no input makes the grammar or `detect`
//! panic.

use proptest::prelude::*;
use referat::extract::Line;
use referat::profile::TableWords;
use referat::tables::detect;
use referat::tables::{format_danish, parse_cell};
use std::sync::LazyLock;

mod common;

static WORDS: LazyLock<TableWords> = LazyLock::new(common::table_words);

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(1.0)
}

proptest! {
    #[test]
    fn danish_numbers_round_trip(mantissa in -1_000_000_000_000i64..1_000_000_000_000, decimals in 0usize..4) {
        let value = mantissa as f64 / 10f64.powi(decimals as i32);
        let text = format_danish(value, decimals);
        let parsed = parse_cell(&text, &WORDS.cell_suffixes);
        prop_assert_eq!(parsed.numbers.len(), 1, "{}", text);
        prop_assert!(close(parsed.numbers[0].value, value), "{} -> {}", text, parsed.numbers[0].value);
        prop_assert_eq!(parsed.numbers[0].decimals as usize, decimals);
        prop_assert!(parsed.footnotes.is_empty());
    }

    #[test]
    fn suffixes_and_markers_do_not_change_the_value(
        mantissa in -10_000_000i64..10_000_000,
        decimals in 0usize..3,
        suffix in prop::sample::select(vec!["", " år", " kr.", "*", "**", " %"]),
    ) {
        let value = mantissa as f64 / 10f64.powi(decimals as i32);
        let text = format!("{}{}", format_danish(value, decimals), suffix);
        let parsed = parse_cell(&text, &WORDS.cell_suffixes);
        prop_assert_eq!(parsed.values().len(), 1, "{}", text);
        prop_assert!(close(parsed.values()[0], value), "{}", text);
    }

    #[test]
    fn several_numbers_in_a_cell(values in prop::collection::vec(-100_000i64..100_000, 1..4)) {
        let text = values.iter().map(|v| format_danish(*v as f64, 0)).collect::<Vec<_>>().join(" ");
        let parsed = parse_cell(&text, &WORDS.cell_suffixes);
        let expected: Vec<f64> = values.iter().map(|v| *v as f64).collect();
        prop_assert_eq!(parsed.values(), expected);
    }

    #[test]
    fn the_cell_grammar_never_panics(text in any::<String>()) {
        let _ = parse_cell(&text, &WORDS.cell_suffixes);
    }

    #[test]
    fn the_cell_grammar_never_panics_on_numberish_text(text in "[-−–+0-9.,*() ¹²³a-zÅå%]{0,24}") {
        let _ = parse_cell(&text, &WORDS.cell_suffixes);
    }

    #[test]
    fn detect_never_panics(rows in prop::collection::vec(any::<String>(), 0..30)) {
        let lines = to_lines(&rows);
        let _ = detect(&lines, &WORDS);
    }

    #[test]
    fn detect_never_panics_on_table_like_text(
        rows in prop::collection::vec(
            prop::collection::vec(
                prop_oneof![
                    Just(String::new()),
                    Just("I alt".to_string()),
                    Just("Total".to_string()),
                    Just("Samlet økonomisk påvirkning".to_string()),
                    Just("Tabel 1. Udgifter".to_string()),
                    Just("1.000 kr. 2025 p/l".to_string()),
                    Just("Anm. note".to_string()),
                    Just("-".to_string()),
                    Just("- * note".to_string()),
                    Just("1. Tallet".to_string()),
                    Just("Service".to_string()),
                    Just("Øvrige.....".to_string()),
                    "[a-zæøå ]{1,12}",
                    "-?[0-9]{1,3}(\\.[0-9]{3}){0,2}(,[0-9]{1,2})?[*]?",
                    "20[0-9]{2}",
                ],
                0..8,
            ),
            0..25,
        )
    ) {
        let rows: Vec<String> = rows.iter().map(|cells| cells.join("\t")).collect();
        let lines = to_lines(&rows);
        for t in detect(&lines, &WORDS) {
            for r in &t.rows {
                prop_assert_eq!(r.cells.len(), t.columns.len());
            }
            for c in &t.checks {
                prop_assert!(c.expected.is_finite() && c.found.is_finite());
            }
        }
    }
}

fn to_lines(rows: &[String]) -> Vec<Line> {
    rows.iter()
        .enumerate()
        .map(|(k, t)| Line {
            text: t.clone(),
            number: k as u32 + 1,
            ..Line::default()
        })
        .collect()
}
