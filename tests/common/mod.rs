//! Helpers shared by the table tests: the Danish table words as the
//! profiles load them, and the tables of a seed's text.

// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

pub mod pdf;

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

/// Whether the tests run as CI: `.ci/run` sets `REFERAT_CI`, and there a
/// tool it installs (python3) must be there, so its absence fails the test.
pub fn in_ci() -> bool {
    std::env::var_os("REFERAT_CI").is_some()
}

/// Say that a test, or a part of one, is skipped and why: a `SKIPPED:` line
/// written to the process's stderr itself, past the test harness's output
/// capture, so that it shows in a plain `cargo test` run of a passing test.
pub fn skipped(what: &str, reason: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED: {what}: {reason}");
}

/// Why python3 cannot run the scorer here, or None when it can.
pub fn python3_missing() -> Option<String> {
    match std::process::Command::new("python3")
        .arg("--version")
        .output()
    {
        Err(e) => Some(format!("python3 cannot be started ({e})")),
        Ok(out) if !out.status.success() => Some(format!(
            "`python3 --version` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Ok(_) => None,
    }
}

/// Whether `test` can run the scorer. Without python3 it is skipped with a
/// `SKIPPED:` line, except under `REFERAT_CI`, where it fails: `.ci/run`
/// installs python3, so a missing one there is a broken CI, not a skip.
pub fn have_python3(test: &str) -> bool {
    let Some(reason) = python3_missing() else {
        return true;
    };
    assert!(
        !in_ci(),
        "{test}: {reason}; REFERAT_CI is set and .ci/run installs python3, so this fails instead of skipping"
    );
    skipped(test, &format!("{reason} (.ci/run installs it)"));
    false
}

/// One category of a scorer report.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub name: String,
    pub f1: f64,
    /// Facts right, facts in the gold, facts in the output.
    pub tp: usize,
    pub gold: usize,
    pub out: usize,
}

/// What the scorer reported for one format.
#[derive(Debug)]
pub struct Scores {
    /// Every category the report lists, in its (sorted) order.
    pub categories: Vec<Category>,
    /// The overall F1.
    pub overall: f64,
    /// How many records were scored against a gold file.
    pub documents: usize,
}

impl Scores {
    /// The category names, in the report's (sorted) order.
    pub fn names(&self) -> Vec<&str> {
        self.categories.iter().map(|c| c.name.as_str()).collect()
    }
}

/// Every category `tests/eval/score.py` can report.
pub const SCORER_CATEGORIES: &[&str] = &[
    "decision.date",
    "decision.outcome",
    "decision.text",
    "document",
    "item.amounts",
    "item.attachments",
    "item.case_number",
    "item.found",
    "item.public",
    "item.sections",
    "item.title",
    "meeting",
    "proposal.administrations",
    "proposal.found",
    "proposal.payback",
    "proposal.summary",
    "proposal.title",
    "proposal.type",
    "table.cells",
    "toc",
];

/// Run the project's scorer (`tests/eval/score.py`) on `records` against
/// `gold` for one format. Every line of its report must parse: a line this
/// cannot read fails the test rather than dropping out of the scores.
pub fn score(records: &Path, gold: &str, format: &str) -> Scores {
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
    parse_report(&report)
}

/// Read the scorer's text report (see `main` in `tests/eval/score.py`).
pub fn parse_report(report: &str) -> Scores {
    let mut lines = report.lines();
    let header = lines.next().unwrap_or_default();
    assert!(
        header.starts_with("category") && header.contains("F1"),
        "scorer report header: {header:?}"
    );
    let mut categories = Vec::new();
    let mut overall = None;
    for line in lines {
        if let Some(rest) = line.strip_prefix("overall:") {
            // "overall: P=1.000 R=1.000 F1=1.000 over 6 documents"
            let f1 = rest
                .split("F1=")
                .nth(1)
                .and_then(|f| f.split_whitespace().next()?.parse::<f64>().ok())
                .unwrap_or_else(|| panic!("overall F1 in {line:?}"));
            let documents = rest
                .split(" over ")
                .nth(1)
                .and_then(|d| d.split_whitespace().next()?.parse::<usize>().ok())
                .unwrap_or_else(|| panic!("document count in {line:?}"));
            overall = Some((f1, documents));
            continue;
        }
        // "table.cells                  1.000   1.000   1.000   (812/812/812)"
        let cols: Vec<&str> = line.split_whitespace().collect();
        let category = match cols.as_slice() {
            [name, p, r, f1, counts] => {
                let counts: Vec<usize> = counts
                    .strip_prefix('(')
                    .and_then(|c| c.strip_suffix(')'))
                    .map(|c| c.split('/').filter_map(|n| n.parse().ok()).collect())
                    .unwrap_or_default();
                match (
                    p.parse::<f64>(),
                    r.parse::<f64>(),
                    f1.parse::<f64>(),
                    &counts[..],
                ) {
                    (Ok(_), Ok(_), Ok(f1), &[tp, gold, out]) => Some(Category {
                        name: name.to_string(),
                        f1,
                        tp,
                        gold,
                        out,
                    }),
                    _ => None,
                }
            }
            _ => None,
        };
        categories.push(category.unwrap_or_else(|| panic!("unreadable scorer line {line:?}")));
    }
    let (overall, documents) = overall.unwrap_or_else(|| panic!("no overall line in {report}"));
    Scores {
        categories,
        overall,
        documents,
    }
}
