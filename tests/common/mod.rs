//! Helpers shared by the table tests: the Danish table words as the
//! profiles load them, and the tables of a seed's text.

// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

use referat::extract::{extract, pdf::PdfOptions};
use referat::profile::{Profiles, TableWords};
use referat::record::{Format, Table};
use std::path::Path;

/// The `[tables]` words of the minutes profile (inherited from `common-da`).
pub fn table_words() -> TableWords {
    let grammars = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars");
    let profiles = Profiles::load_dir(&grammars).expect("grammars load");
    profiles
        .get("minutes-da")
        .expect("minutes-da profile")
        .tables
        .clone()
}

/// Every table `detect` finds in a seed's text, read as the pipeline reads it.
pub fn seed_tables(stem: &str) -> Vec<Table> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("{stem}.txt"));
    let bytes = std::fs::read(&path).unwrap();
    let lines = extract(&bytes, Format::Text, &PdfOptions::default())
        .unwrap()
        .lines;
    referat::tables::detect(&lines, &table_words())
}

/// A text rendered as a PDF the way a word processor prints it: Helvetica
/// 10 pt (WinAnsi), one text line a line, blank lines as vertical gaps, a
/// new page at each form feed (and when a page is full), and cells of a
/// layout line (runs of three or more spaces) placed at their columns.
pub fn render_pdf(text: &str) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, dictionary};
    const TOP: f64 = 800.0;
    const BOTTOM: f64 = 50.0;
    const LEADING: f64 = 12.5;
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut pages: Vec<Vec<Operation>> = Vec::new();
    for page_text in text.split('\x0c') {
        let mut ops = Vec::new();
        let mut y = TOP;
        for line in page_text.lines() {
            if y < BOTTOM {
                pages.push(std::mem::take(&mut ops));
                y = TOP;
            }
            for (column, cell) in layout_cells(line) {
                let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(cell);
                ops.push(Operation::new("BT", vec![]));
                ops.push(Operation::new("Tf", vec!["F1".into(), 10.into()]));
                ops.push(Operation::new(
                    "Td",
                    vec![(56.0 + column as f64 * 5.0).into(), y.into()],
                ));
                ops.push(Operation::new(
                    "Tj",
                    vec![Object::String(
                        bytes.into_owned(),
                        lopdf::StringFormat::Literal,
                    )],
                ));
                ops.push(Operation::new("ET", vec![]));
            }
            y -= LEADING;
        }
        pages.push(ops);
    }
    let mut kids = Vec::new();
    for ops in pages {
        let content = Content { operations: ops };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(Object::from(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The cells of a layout line with their character columns: text separated
/// by runs of three or more spaces.
fn layout_cells(line: &str) -> Vec<(usize, &str)> {
    let mut cells = Vec::new();
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        if chars[k].1 == ' ' {
            k += 1;
            continue;
        }
        let start = k;
        let mut end = k;
        while end < chars.len() {
            let run = chars[end..].iter().take_while(|(_, c)| *c == ' ').count();
            if run >= 3 || end + run >= chars.len() {
                break;
            }
            end += run.max(1);
        }
        let from = chars[start].0;
        let to = chars.get(end).map_or(line.len(), |c| c.0);
        cells.push((start, line[from..to].trim_end()));
        k = end;
    }
    cells
}

/// Run the project's scorer (`tests/eval/score.py`) on `records` against
/// `gold` for one format: (category, F1) per category, and the overall F1.
pub fn score(records: &Path, gold: &str, format: &str) -> (Vec<(String, f64)>, f64) {
    let out = std::process::Command::new("python3")
        .args([
            "tests/eval/score.py",
            records.to_str().unwrap(),
            gold,
            "--format",
            format,
        ])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8(out.stdout).unwrap();
    println!("{format}:\n{report}");
    let overall = report
        .lines()
        .find_map(|l| l.split("F1=").nth(1))
        .and_then(|f| f.split_whitespace().next()?.parse().ok())
        .expect("overall F1");
    let categories = report
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with("overall"))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            Some((cols.first()?.to_string(), cols.get(3)?.parse().ok()?))
        })
        .collect();
    (categories, overall)
}
