//! Table detection on the seed documents and on small made-up tables.

use referat::extract::Line;
use referat::record::{Location, RowRole, Table};
use referat::tables::detect;

mod common;
use common::{seed_tables as seed, table_words};

fn lines(text: &str) -> Vec<Line> {
    text.lines()
        .enumerate()
        .map(|(k, t)| Line {
            text: t.to_string(),
            number: k as u32 + 1,
            ..Line::default()
        })
        .collect()
}

fn made_up(text: &str) -> Vec<Table> {
    detect(&lines(text), &table_words())
}

/// The values of the cell in row `label`, column `column`.
fn cell(t: &Table, label: &str, column: &str) -> Vec<f64> {
    let row = t
        .rows
        .iter()
        .find(|r| r.label == label)
        .unwrap_or_else(|| panic!("no row {label:?}"));
    let c = t
        .columns
        .iter()
        .position(|c| c == column)
        .unwrap_or_else(|| panic!("no column {column:?} in {:?}", t.columns));
    row.cells[c]
        .as_ref()
        .map(|c| c.values.clone())
        .unwrap_or_default()
}

fn by_caption<'a>(tables: &'a [Table], caption: &str, nth: usize) -> &'a Table {
    tables
        .iter()
        .filter(|t| t.caption.as_deref() == Some(caption))
        .nth(nth)
        .unwrap_or_else(|| panic!("no table {caption:?} #{nth}"))
}

#[test]
fn overview_table_of_002() {
    let tables = seed("002_0aa691788063abd2");
    let t = &tables[0];
    assert_eq!(t.caption, None);
    let unit = t.unit.as_ref().unwrap();
    assert_eq!(
        (unit.text.as_str(), unit.scale, unit.currency.as_deref()),
        ("1.000 kr.", 1000.0, Some("DKK"))
    );
    assert_eq!(t.price_level, Some(2025));
    assert_eq!(
        t.columns,
        [
            "",
            "Effektiviseringsbidrag 2025",
            "Effektiviseringsbidrag 2026",
            "Effektiviseringsbidrag 2027",
            "Effektiviseringsbidrag 2028",
            "Samlet investering",
            "Godkendt med"
        ]
    );
    assert_eq!(cell(t, "1", "Effektiviseringsbidrag 2025"), [1895.0]);
    assert_eq!(cell(t, "4", "Samlet investering"), [30100.0]);
    assert_eq!(cell(t, "2", "Samlet investering"), Vec::<f64>::new());
    assert_eq!(cell(t, "I alt", "Samlet investering"), [68480.0]);
    let roles: Vec<_> = t.rows.iter().map(|r| r.role).collect();
    assert_eq!(roles.iter().filter(|r| **r == RowRole::Group).count(), 5);
    assert_eq!(roles.last(), Some(&RowRole::Total));
    assert_eq!(t.notes.len(), 1);
    assert!(t.notes[0].starts_with("Note: * Forslaget er godkendt"));
    assert_eq!(
        t.location,
        Location {
            page: None,
            line: 9
        }
    );
}

#[test]
fn continued_rows_are_right_aligned_and_one_table() {
    let tables = seed("002_0aa691788063abd2");
    let a = by_caption(
        &tables,
        "Tabel A. Måltaleffekt - hvis forslaget indarbejdes (nettoeffektivisering)",
        0,
    );
    assert_eq!(a.rows.len(), 12);
    // Before the page break: an empty "Bevilling" cell, then 2024 … 2029.
    assert_eq!(cell(a, "Børne- og Ungdomsudvalget", "2024"), [0.0]);
    // After it the empty leading cell is gone; the numbers still sit under
    // their years. (The extractor joined "Om-sorgsudvalget".)
    assert_eq!(cell(a, "Sundheds- og Omsorgsudvalget", "2024"), [0.0]);
    assert_eq!(cell(a, "Sundheds- og Omsorgsudvalget", "2029"), [-388.0]);
    assert_eq!(cell(a, "Total", "2025"), [-1892.0]);
    assert_eq!(
        cell(
            a,
            "Sundheds- og Omsorgsudvalget",
            "Bevilling, profitcenter mv.*"
        ),
        Vec::<f64>::new()
    );
}

#[test]
fn economy_table_of_forslag_1() {
    let tables = seed("002_0aa691788063abd2");
    let t = by_caption(
        &tables,
        "Tabel 2. Forslagets samlede økonomiske konsekvenser",
        0,
    );
    assert_eq!(t.columns[0], "Styringsområde");
    assert_eq!(
        cell(t, "Bortfaldne opgaver i forvaltningerne (19 ÅV)", "2025"),
        [-6356.0]
    );
    assert_eq!(
        cell(t, "Bortfaldne opgaver i forvaltningerne (19 ÅV)", "2024"),
        Vec::<f64>::new()
    );
    // Trailing empty cells were dropped by the converter: left-aligned.
    assert_eq!(cell(t, "Spor 1: Forvaltningsinddragelse", "2024"), [1000.0]);
    // The label continued on the next line after a blank line.
    assert_eq!(
        cell(t, "Tilbagebetalingstid baseret på totaløkonomi", "2029"),
        [6.0]
    );
    let role = |l: &str| t.rows.iter().find(|r| r.label == l).unwrap().role;
    assert_eq!(
        role("Varige ændringer (effektiviseringer og drift)"),
        RowRole::Group
    );
    assert_eq!(role("Samlet økonomisk påvirkning"), RowRole::Total);
    assert_eq!(role("Indkøbs effektiviseringer**"), RowRole::Data);
    assert_eq!(t.notes.len(), 3);
    assert!(t.notes[1].starts_with("Alle besparelser"));
}

#[test]
fn payback_in_the_management_area_column() {
    let tables = seed("002_0aa691788063abd2");
    let t = by_caption(
        &tables,
        "Tabel 1. Forslagets samlede økonomiske konsekvenser",
        1,
    );
    assert_eq!(
        cell(
            t,
            "Tilbagebetalingstid baseret på Serviceeffektivisering",
            "Styringsområde"
        ),
        [11.0]
    );
    assert_eq!(
        cell(
            t,
            "Tilbagebetalingstid baseret på Totaløkonomi",
            "Styringsområde"
        ),
        [11.0]
    );
}

#[test]
fn slips_in_captions_and_price_levels() {
    let tables = seed("002_0aa691788063abd2");
    let t = by_caption(
        &tables,
        "Tablet 1. Forslagets samlede økonomiske konsekvenser",
        0,
    );
    assert_eq!(t.price_level, Some(2025));
    let c = by_caption(
        &tables,
        "Table C. Bevillingsmæssig effekt - hvis forslaget indarbejdes (bruttoeffektivisering)",
        0,
    );
    assert_eq!(
        cell(c, "Økonomiudvalget", "Bevilling, profitcenter mv.*"),
        [0.0]
    );
    // "1.000 kr. 2025 p/1" (Forslag 2, Tabel A).
    let a = by_caption(
        &tables,
        "Tabel A. Måltalseffekt - hvis forslaget indarbejdes (nettoeffektivisering)",
        0,
    );
    assert_eq!(a.price_level, Some(2025));
    assert_eq!(a.unit.as_ref().unwrap().scale, 1000.0);
}

#[test]
fn minutes_004_tables() {
    let tables = seed("004_bad1072dfa3f0813");
    assert_eq!(tables.len(), 2, "the table of contents is not a table");
    let text = &tables[0];
    assert_eq!(text.caption.as_deref(), Some("Tabel 1: Dataområder i FLIS"));
    assert!(
        text.rows
            .iter()
            .flat_map(|r| r.cells.iter().flatten())
            .all(|c| c.values.is_empty())
    );
    // Continued after a blank line with fewer cells: right-aligned.
    let r = text.rows.iter().find(|r| r.label.is_empty()).unwrap();
    assert_eq!(r.cells[1].as_ref().unwrap().raw, "Fællessprog III");
    let t = &tables[1];
    assert_eq!(t.unit.as_ref().unwrap().scale, 1000.0);
    assert_eq!(t.price_level, None);
    assert_eq!(cell(t, "2023", "Forventet befolkningstal"), [55258.0]);
    let first = t.rows[0].cells[0].as_ref().unwrap();
    assert_eq!(first.footnotes, ["1"]);
    assert_eq!(cell(t, "2024", "Udgift pr. borger"), [7.96]);
    assert_eq!(t.notes, ["1. Tallet for 01-01-23 er det faktiske tal"]);
    assert_eq!(t.location.line, 135);
}

#[test]
fn stacked_header_and_scale() {
    let t = &made_up(
        "Tabel 3. Budget\n\
         \n\
         Mio. kr.\tBudget 2017\tBudget 2018\n\
         \tAntal\tAntal\n\
         Skoler\t12\t13\n\
         Daginstitutioner\t-4.603 881\t1.0001)\n\
         Total\t8,4\t-",
    )[0];
    assert_eq!(t.columns, ["Budget 2017 Antal", "Budget 2018 Antal"]);
    let unit = t.unit.as_ref().unwrap();
    assert_eq!((unit.text.as_str(), unit.scale), ("Mio. kr.", 1e6));
    assert_eq!(t.price_level, None);
    assert_eq!(
        cell(t, "Daginstitutioner", "Budget 2017 Antal"),
        [-4603.0, 881.0]
    );
    assert_eq!(cell(t, "Daginstitutioner", "Budget 2018 Antal"), [1000.0]);
    assert_eq!(cell(t, "Total", "Budget 2018 Antal"), Vec::<f64>::new());
    // A cell with two numbers cannot be summed: no check of that column.
    assert!(t.checks.iter().all(|c| c.column != "Budget 2017 Antal"));
}

#[test]
fn total_column_and_mismatch() {
    let t = &made_up(
        "Tabel 1. Udgifter\n\
         \n\
         1.000 kr.\t2024\t2025\tI alt\n\
         A\t10\t20\t30\n\
         B\t5\t5\t13\n\
         I alt\t15\t25\t43",
    )[0];
    let bad: Vec<_> = t
        .checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| (c.row.as_str(), c.column.as_str(), c.expected, c.found))
        .collect();
    // B: 5 + 5 = 10, printed 13, more than rounding can explain (1,5 for
    // two summands); so is the "I alt" row's 15 + 25 against 43. The "I alt"
    // row itself sums its column: 30 + 13 = 43.
    assert_eq!(
        bad,
        [("B", "I alt", 10.0, 13.0), ("I alt", "I alt", 40.0, 43.0)]
    );
    assert_eq!(t.checks.len(), 3 + 3);
}

#[test]
fn not_tables() {
    // Table of contents entries, ticked boxes, and captionless text grids.
    assert!(made_up("Øvrige sager.....\t3\nLukket.....\t4").is_empty());
    assert!(
        made_up("Berørte forvaltninger:\t☒ Økonomiforvaltningen\t☐ Socialforvaltningen").is_empty()
    );
    assert!(made_up("\tJa/Nej\tDato\nMED-udvalg\tJa\t6. februar 2024").is_empty());
    assert!(made_up("").is_empty());
}

#[test]
fn years_in_headers_and_counts_in_labels_are_not_values() {
    let t = &made_up(
        "Aktiviteter\t2021\t2022\n\
         Drift (19 ÅV)\t1.200\t1.300",
    )[0];
    assert_eq!(t.columns, ["2021", "2022"]);
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].label, "Drift (19 ÅV)");
    assert_eq!(cell(t, "Drift (19 ÅV)", "2021"), [1200.0]);
}
