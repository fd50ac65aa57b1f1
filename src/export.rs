//! `referat export`: the records of an output folder as tidy tables, one
//! row per fact, with the keys that join them (`path`, `item`, `table`).
//!
//! The tables and their columns are [`SCHEMA`]; CSV writes one file per
//! table. Exporting is a pure function of `records.jsonl`: exporting again
//! after an incremental ingest gives the same files as exporting from
//! scratch.

use crate::record::{Item, Location, Record, Table};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why an export could not be written.
#[derive(Debug, Error)]
pub enum ExportError {
    /// `records.jsonl` (or a line of it) cannot be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// An output file cannot be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
}

/// Every table of the export and its columns, in order.
pub const SCHEMA: &[(&str, &[&str])] = &[
    (
        "documents",
        &[
            "path",
            "sha256",
            "format",
            "kind",
            "profile",
            "status",
            "meeting_id",
            "title",
            "pages",
        ],
    ),
    (
        "meetings",
        &[
            "path",
            "meeting_id",
            "body",
            "date",
            "start_time",
            "location",
            "participants",
        ],
    ),
    (
        "items",
        &[
            "path",
            "item",
            "number",
            "title",
            "case_number",
            "public",
            "background",
            "recommendation",
            "case_description",
            "page",
            "line",
        ],
    ),
    (
        "decisions",
        &[
            "path", "item", "decision", "body", "date", "outcome", "text", "page", "line",
        ],
    ),
    (
        "history",
        &["path", "item", "body", "date", "item_number", "text"],
    ),
    ("attachments", &["path", "item", "title", "href"]),
    (
        "amounts",
        &["path", "item", "text", "dkk", "section", "page", "line"],
    ),
    (
        "proposals",
        &[
            "path",
            "proposal",
            "code",
            "number",
            "type",
            "title",
            "summary",
            "payback_service",
            "payback_total",
            "page",
            "line",
        ],
    ),
    (
        "tables",
        &[
            "path",
            "table",
            "container",
            "caption",
            "unit",
            "scale",
            "price_level",
            "page",
            "line",
        ],
    ),
    (
        "table_cells",
        &[
            "path",
            "table",
            "caption",
            "row_label",
            "row_role",
            "column_label",
            "raw",
            "value_index",
            "value",
            "value_scaled",
            "unit",
            "price_level",
            "page",
            "line",
        ],
    ),
];

/// One row of one table: its values as text (empty for null).
type Row = Vec<String>;

/// Where rows go.
trait Sink {
    fn row(&mut self, table: usize, row: Row) -> std::io::Result<()>;
}

/// Export `OUT/records.jsonl` as CSV files (one per table of [`SCHEMA`])
/// into `dir`; returns the number of rows written per table.
pub fn to_csv(out: &Path, dir: &Path) -> Result<Vec<(String, u64)>, ExportError> {
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExportError::Write {
            path: path.clone(),
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    let mut sink = CsvSink {
        writers: Vec::new(),
        counts: vec![0; SCHEMA.len()],
    };
    for (name, columns) in SCHEMA {
        let path = dir.join(format!("{name}.csv"));
        let mut w = csv::Writer::from_path(&path)
            .map_err(|e| write_err(&path)(std::io::Error::other(e)))?;
        w.write_record(*columns)
            .map_err(|e| write_err(&path)(std::io::Error::other(e)))?;
        sink.writers.push((path, w));
    }
    for_each_record(&out.join("records.jsonl"), |record| {
        rows(&record, &mut sink).map_err(|e| ExportError::Write {
            path: dir.to_path_buf(),
            source: e,
        })
    })?;
    for (path, w) in &mut sink.writers {
        w.flush().map_err(write_err(path))?;
    }
    Ok(SCHEMA
        .iter()
        .zip(sink.counts)
        .map(|((name, _), n)| (name.to_string(), n))
        .collect())
}

struct CsvSink {
    writers: Vec<(PathBuf, csv::Writer<std::fs::File>)>,
    counts: Vec<u64>,
}

impl Sink for CsvSink {
    fn row(&mut self, table: usize, row: Row) -> std::io::Result<()> {
        self.counts[table] += 1;
        self.writers[table]
            .1
            .write_record(&row)
            .map_err(std::io::Error::other)
    }
}

/// Call `f` with each record of a records file, in order.
fn for_each_record(
    path: &Path,
    mut f: impl FnMut(Record) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let read_err = |message: String| ExportError::Read {
        path: path.to_path_buf(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| read_err(e.to_string()))?;
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| read_err(e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: Record =
            serde_json::from_str(&line).map_err(|e| read_err(format!("line {}: {e}", n + 1)))?;
        f(record)?;
    }
    Ok(())
}

/// Index of a table in [`SCHEMA`].
fn table(name: &str) -> usize {
    SCHEMA
        .iter()
        .position(|(n, _)| *n == name)
        .expect("a table of the schema")
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn at(l: Option<&Location>) -> [String; 2] {
    [opt(l.and_then(|l| l.page)), opt(l.map(|l| l.line))]
}

/// A value of a record field that serializes as a string (`kind`, `status`, …).
fn word<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The rows of one record.
fn rows(r: &Record, sink: &mut impl Sink) -> std::io::Result<()> {
    let path = r.source.path.clone();
    let meeting_id = opt(r.meeting_id.clone());
    sink.row(
        table("documents"),
        vec![
            path.clone(),
            r.source.sha256.clone(),
            word(&r.source.format),
            word(&r.kind),
            opt(r.profile.clone()),
            word(&r.status),
            meeting_id.clone(),
            opt(r.title.clone()),
            opt(r.source.pages),
        ],
    )?;
    if let Some(m) = &r.meeting {
        sink.row(
            table("meetings"),
            vec![
                path.clone(),
                meeting_id,
                opt(m.body.clone()),
                opt(m.date.clone()),
                opt(m.start_time.clone()),
                opt(m.location.clone()),
                m.participants.join("; "),
            ],
        )?;
    }
    let mut tables = 0usize;
    for t in &r.tables {
        table_rows(&path, &mut tables, "document", t, sink)?;
    }
    for (i, item) in r.items.iter().enumerate() {
        item_rows(&path, i + 1, item, &mut tables, sink)?;
    }
    for (i, p) in r.proposals.iter().enumerate() {
        let [page, line] = at(Some(&p.location));
        sink.row(
            table("proposals"),
            vec![
                path.clone(),
                (i + 1).to_string(),
                opt(p.code.clone()),
                opt(p.number),
                opt(p.kind.clone()),
                p.title.clone(),
                opt(p.summary.clone()),
                opt(p.payback_years.as_ref().and_then(|y| y.service)),
                opt(p.payback_years.as_ref().and_then(|y| y.total)),
                page,
                line,
            ],
        )?;
        let container = format!("proposal:{}", i + 1);
        for t in &p.tables {
            table_rows(&path, &mut tables, &container, t, sink)?;
        }
    }
    Ok(())
}

/// An item's row and the rows of its decisions, history, attachments,
/// amounts and tables; `seq` is its 1-based place in the record.
fn item_rows(
    path: &str,
    seq: usize,
    item: &Item,
    tables: &mut usize,
    sink: &mut impl Sink,
) -> std::io::Result<()> {
    let key = || vec![path.to_string(), seq.to_string()];
    let [page, line] = at(Some(&item.location));
    let mut row = key();
    row.extend([
        item.number.to_string(),
        item.title.clone(),
        opt(item.case_number.clone()),
        item.public.to_string(),
        opt(item.background.clone()),
        opt(item.recommendation.clone()),
        opt(item.case_description.clone()),
        page,
        line,
    ]);
    sink.row(table("items"), row)?;
    for (d, decision) in item.decisions.iter().enumerate() {
        let [page, line] = at(decision.location.as_ref());
        let mut row = key();
        row.extend([
            (d + 1).to_string(),
            opt(decision.body.clone()),
            opt(decision.date.clone()),
            word(&decision.outcome),
            decision.text.clone(),
            page,
            line,
        ]);
        sink.row(table("decisions"), row)?;
    }
    for h in &item.history {
        let mut row = key();
        row.extend([
            opt(h.body.clone()),
            opt(h.date.clone()),
            opt(h.item_number),
            opt(h.text.clone()),
        ]);
        sink.row(table("history"), row)?;
    }
    for title in &item.attachments {
        let href = item
            .attachment_links
            .iter()
            .find(|l| &l.title == title)
            .map(|l| l.href.clone());
        let mut row = key();
        row.extend([title.clone(), opt(href)]);
        sink.row(table("attachments"), row)?;
    }
    for a in &item.amounts {
        let [page, line] = at(a.location.as_ref());
        let mut row = key();
        row.extend([
            a.text.clone(),
            a.dkk.to_string(),
            opt(a.section.as_ref().map(word)),
            page,
            line,
        ]);
        sink.row(table("amounts"), row)?;
    }
    let container = format!("item:{seq}");
    for t in &item.tables {
        table_rows(path, tables, &container, t, sink)?;
    }
    Ok(())
}

/// A table's row and one row per non-empty cell.
fn table_rows(
    path: &str,
    seq: &mut usize,
    container: &str,
    t: &Table,
    sink: &mut impl Sink,
) -> std::io::Result<()> {
    *seq += 1;
    let id = seq.to_string();
    let [page, line] = at(Some(&t.location));
    let unit = opt(t.unit.as_ref().map(|u| u.text.clone()));
    let scale = t.unit.as_ref().map(|u| u.scale);
    sink.row(
        table("tables"),
        vec![
            path.to_string(),
            id.clone(),
            container.to_string(),
            opt(t.caption.clone()),
            unit.clone(),
            opt(scale),
            opt(t.price_level),
            page,
            line,
        ],
    )?;
    for row in &t.rows {
        let [page, line] = at(Some(&row.location));
        for (column, cell) in t.columns.iter().zip(&row.cells) {
            let Some(cell) = cell else { continue };
            // One row per number printed in the cell ("-4.603 881" is two);
            // a cell of text only is one row without a value.
            let values: Vec<Option<f64>> = if cell.values.is_empty() {
                vec![None]
            } else {
                cell.values.iter().copied().map(Some).collect()
            };
            for (k, value) in values.into_iter().enumerate() {
                sink.row(
                    table("table_cells"),
                    vec![
                        path.to_string(),
                        id.clone(),
                        opt(t.caption.clone()),
                        row.label.clone(),
                        word(&row.role),
                        column.clone(),
                        cell.raw.clone(),
                        opt(value.map(|_| k + 1)),
                        opt(value),
                        opt(value.map(|v| v * scale.unwrap_or(1.0))),
                        unit.clone(),
                        opt(t.price_level),
                        page.clone(),
                        line.clone(),
                    ],
                )?;
            }
        }
    }
    Ok(())
}
