//! `referat export`: the records of an output folder as tidy tables, one
//! row per fact, with the keys that join them (`path`, `item`, `table`).
//!
//! The tables and their columns are [`SCHEMA`], one schema for every
//! format: CSV writes one file per table, SQLite one database (with foreign
//! keys and a full-text index, see [`to_sqlite`]), Parquet one file per
//! table. Exporting is a pure function of `records.jsonl`: exporting again
//! after an incremental ingest gives the same output as exporting from
//! scratch.

mod csv;
mod parquet;
mod sqlite;

pub use csv::to_csv;
pub use parquet::to_parquet;
pub use sqlite::{SEARCH_TABLE, datasette_metadata, to_sqlite};

use crate::record::{Item, Location, Record, Table};
use std::io::BufRead as _;
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
    /// The database of `referat search` / `referat case` cannot be used.
    #[error("{path}: {message}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl ExportError {
    /// A write error of `path`.
    fn write(path: &Path, e: impl std::error::Error + Send + Sync + 'static) -> ExportError {
        ExportError::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other(e),
        }
    }
}

/// The type of a column: how SQLite and Parquet store it (CSV writes text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// UTF-8 text.
    Text,
    /// A 64-bit integer.
    Int,
    /// A 64-bit float.
    Real,
    /// true / false.
    Bool,
}

/// A column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its name.
    pub name: &'static str,
    /// Its type.
    pub ty: Type,
}

/// A table of the export: its columns, key and the table its rows belong to.
#[derive(Debug, Clone, Copy)]
pub struct TableDef {
    /// Its name.
    pub name: &'static str,
    /// What a row is.
    pub description: &'static str,
    /// Its columns, in order.
    pub columns: &'static [Column],
    /// The columns that identify a row (empty: none).
    pub key: &'static [&'static str],
    /// The table a row belongs to and the columns that join them (the
    /// parent's key): a foreign key in SQLite.
    pub parent: Option<(&'static str, &'static [&'static str])>,
}

const fn t(name: &'static str) -> Column {
    Column {
        name,
        ty: Type::Text,
    }
}
const fn i(name: &'static str) -> Column {
    Column {
        name,
        ty: Type::Int,
    }
}
const fn r(name: &'static str) -> Column {
    Column {
        name,
        ty: Type::Real,
    }
}
const fn b(name: &'static str) -> Column {
    Column {
        name,
        ty: Type::Bool,
    }
}

const DOC: Option<(&str, &[&str])> = Some(("documents", &["path"]));
const ITEM: Option<(&str, &[&str])> = Some(("items", &["path", "item"]));

/// Every table of the export, its columns, keys and parents: one schema
/// for CSV, SQLite and Parquet.
pub const SCHEMA: &[TableDef] = &[
    TableDef {
        name: "documents",
        description: "One row per input file: what it is, how it was read, and its status.",
        columns: &[
            t("path"),
            t("sha256"),
            t("format"),
            t("kind"),
            t("profile"),
            t("status"),
            t("meeting_id"),
            t("title"),
            i("pages"),
            t("preamble"),
            t("text"),
        ],
        key: &["path"],
        parent: None,
    },
    TableDef {
        name: "meetings",
        description: "The meeting a set of minutes records (one row per document; meeting_id joins the prints of one meeting).",
        columns: &[
            t("path"),
            t("meeting_id"),
            t("body"),
            t("date"),
            t("start_time"),
            t("location"),
            t("participants"),
        ],
        key: &["path"],
        parent: DOC,
    },
    TableDef {
        name: "items",
        description: "One row per agenda item.",
        columns: &[
            t("path"),
            i("item"),
            i("number"),
            t("title"),
            t("case_number"),
            b("public"),
            t("background"),
            t("recommendation"),
            t("case_description"),
            i("page"),
            i("line"),
        ],
        key: &["path", "item"],
        parent: DOC,
    },
    TableDef {
        name: "sections",
        description: "Every section of an item in order, as printed (lossless).",
        columns: &[
            t("path"),
            i("item"),
            i("section"),
            t("heading"),
            t("kind"),
            t("text"),
        ],
        key: &["path", "item", "section"],
        parent: ITEM,
    },
    TableDef {
        name: "decisions",
        description: "One row per decision of a body on an item, with its outcome.",
        columns: &[
            t("path"),
            i("item"),
            i("decision"),
            t("body"),
            t("date"),
            t("outcome"),
            t("text"),
            i("page"),
            i("line"),
        ],
        key: &["path", "item", "decision"],
        parent: ITEM,
    },
    TableDef {
        name: "history",
        description: "Earlier treatments of an item's case, as the minutes list them.",
        columns: &[
            t("path"),
            i("item"),
            i("entry"),
            t("body"),
            t("date"),
            i("item_number"),
            t("text"),
        ],
        key: &["path", "item", "entry"],
        parent: ITEM,
    },
    TableDef {
        name: "attachments",
        description: "The attachments (Bilag) of an item, with their link where the source gives one.",
        columns: &[t("path"), i("item"), i("attachment"), t("title"), t("href")],
        key: &["path", "item", "attachment"],
        parent: ITEM,
    },
    TableDef {
        name: "amounts",
        description: "Money amounts in an item's text, in DKK.",
        columns: &[
            t("path"),
            i("item"),
            i("amount"),
            t("text"),
            r("dkk"),
            t("section"),
            i("page"),
            i("line"),
        ],
        key: &["path", "item", "amount"],
        parent: ITEM,
    },
    TableDef {
        name: "proposals",
        description: "Business-case proposals of a catalogue.",
        columns: &[
            t("path"),
            i("proposal"),
            t("code"),
            i("number"),
            t("type"),
            t("title"),
            t("summary"),
            r("payback_service"),
            r("payback_total"),
            i("page"),
            i("line"),
        ],
        key: &["path", "proposal"],
        parent: DOC,
    },
    TableDef {
        name: "tables",
        description: "Numeric tables: where they are (document, item:N, proposal:N), unit and price level.",
        columns: &[
            t("path"),
            i("table"),
            t("container"),
            t("caption"),
            t("unit"),
            r("scale"),
            i("price_level"),
            i("page"),
            i("line"),
        ],
        key: &["path", "table"],
        parent: DOC,
    },
    TableDef {
        name: "table_cells",
        description: "One row per number printed in a table cell (one without a value for a cell of text); value_scaled is the value times the unit's scale.",
        columns: &[
            t("path"),
            i("table"),
            t("caption"),
            t("row_label"),
            t("row_role"),
            t("column_label"),
            t("raw"),
            i("value_index"),
            r("value"),
            r("value_scaled"),
            t("unit"),
            i("price_level"),
            i("page"),
            i("line"),
        ],
        key: &[],
        parent: Some(("tables", &["path", "table"])),
    },
];

/// A value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value (empty in CSV, NULL in SQLite and Parquet).
    Null,
    /// Text.
    Text(String),
    /// An integer.
    Int(i64),
    /// A float.
    Real(f64),
    /// A boolean.
    Bool(bool),
}

impl Value {
    /// The value as CSV writes it.
    pub fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Text(s) => s.clone(),
            Value::Int(n) => n.to_string(),
            Value::Real(x) => x.to_string(),
            Value::Bool(b) => b.to_string(),
        }
    }
}

impl Value {
    /// Whether the value can be stored in a column of type `ty`.
    fn fits(&self, ty: Type) -> bool {
        matches!(
            (self, ty),
            (Value::Null, _)
                | (Value::Text(_), Type::Text)
                | (Value::Int(_), Type::Int)
                | (Value::Real(_), Type::Real)
                | (Value::Bool(_), Type::Bool)
        )
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Value {
        Value::Int(n.into())
    }
}
impl From<i32> for Value {
    fn from(n: i32) -> Value {
        Value::Int(n.into())
    }
}
impl From<usize> for Value {
    fn from(n: usize) -> Value {
        Value::Int(n as i64)
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Real(x)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// One row of one table.
pub type Row = Vec<Value>;

/// Where rows go: a writer of one format.
trait Sink {
    /// Take `row` of table `table` (an index of [`SCHEMA`]).
    fn row(&mut self, table: usize, row: Row) -> Result<(), ExportError>;
}

/// The records file of the output folder `out`, which must exist.
fn records_file(out: &Path) -> Result<PathBuf, ExportError> {
    let path = out.join("records.jsonl");
    if path.is_file() {
        return Ok(path);
    }
    Err(ExportError::Read {
        message: format!(
            "no records here: export reads the output folder of `referat ingest` \
             (e.g. `referat ingest minutes/ --out {}`)",
            out.display()
        ),
        path,
    })
}

/// Feed every row of the records file `records` to `sink`; returns the
/// number of rows per table.
fn feed(records: &Path, sink: &mut impl Sink) -> Result<Counts, ExportError> {
    let mut counting = Counting {
        sink,
        counts: vec![0; SCHEMA.len()],
    };
    for_each_record(records, |record| rows(&record, &mut counting))?;
    Ok(SCHEMA
        .iter()
        .zip(counting.counts)
        .map(|(def, n)| (def.name.to_string(), n))
        .collect())
}

/// Rows written per table, in [`SCHEMA`] order.
pub type Counts = Vec<(String, u64)>;

struct Counting<'a, S> {
    sink: &'a mut S,
    counts: Vec<u64>,
}

impl<S: Sink> Sink for Counting<'_, S> {
    fn row(&mut self, table: usize, row: Row) -> Result<(), ExportError> {
        let def = &SCHEMA[table];
        debug_assert_eq!(row.len(), def.columns.len(), "{}", def.name);
        debug_assert!(
            row.iter().zip(def.columns).all(|(v, c)| v.fits(c.ty)),
            "{}: {row:?}",
            def.name
        );
        self.counts[table] += 1;
        self.sink.row(table, row)
    }
}

/// Records parsed at once, in parallel, while the writer takes the batch before.
const BATCH: usize = 256;

/// Call `f` with each record of a records file, in order. A thread reads
/// and parses batches of lines (in parallel) while `f` writes the records
/// of the batch before.
fn for_each_record(
    path: &Path,
    mut f: impl FnMut(Record) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    use rayon::prelude::*;
    let read_err = |message: String| ExportError::Read {
        path: path.to_path_buf(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| read_err(e.to_string()))?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<Record>, ExportError>>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut lines = std::io::BufReader::new(file).lines().enumerate();
            loop {
                let mut batch = Vec::with_capacity(BATCH);
                for (n, line) in lines.by_ref() {
                    match line {
                        Ok(l) if l.trim().is_empty() => continue,
                        Ok(l) => batch.push((n, l)),
                        Err(e) => {
                            let _ = tx.send(Err(read_err(e.to_string())));
                            return;
                        }
                    }
                    if batch.len() == BATCH {
                        break;
                    }
                }
                if batch.is_empty() {
                    return;
                }
                let parsed = batch
                    .into_par_iter()
                    .map(|(n, line)| {
                        serde_json::from_str::<Record>(&line)
                            .map_err(|e| read_err(format!("line {}: {e}", n + 1)))
                    })
                    .collect();
                // The writer stopped (an error): nothing more to parse.
                if tx.send(parsed).is_err() {
                    return;
                }
            }
        });
        for batch in rx {
            for record in batch? {
                f(record)?;
            }
        }
        Ok(())
    })
}

/// Index of a table in [`SCHEMA`].
fn table(name: &str) -> usize {
    SCHEMA
        .iter()
        .position(|def| def.name == name)
        .expect("a table of the schema")
}

/// Page and line of a location.
fn at(l: Option<&Location>) -> [Value; 2] {
    [l.and_then(|l| l.page).into(), l.map(|l| l.line).into()]
}

/// A value of a record field that serializes as a string (`kind`, `status`, …).
fn word<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(Value::from))
        .unwrap_or(Value::Null)
}

/// The rows of one record.
fn rows(r: &Record, sink: &mut impl Sink) -> Result<(), ExportError> {
    let path = || Value::from(r.source.path.as_str());
    let meeting_id = Value::from(r.meeting_id.clone());
    sink.row(
        table("documents"),
        vec![
            path(),
            r.source.sha256.as_str().into(),
            word(&r.source.format),
            word(&r.kind),
            r.profile.clone().into(),
            word(&r.status),
            meeting_id.clone(),
            r.title.clone().into(),
            r.source.pages.into(),
            r.preamble.clone().into(),
            r.text.clone().into(),
        ],
    )?;
    if let Some(m) = &r.meeting {
        sink.row(
            table("meetings"),
            vec![
                path(),
                meeting_id,
                m.body.clone().into(),
                m.date.clone().into(),
                m.start_time.clone().into(),
                m.location.clone().into(),
                m.participants.join("; ").into(),
            ],
        )?;
    }
    let mut tables = 0usize;
    for t in &r.tables {
        table_rows(&r.source.path, &mut tables, "document", t, sink)?;
    }
    for (i, item) in r.items.iter().enumerate() {
        item_rows(&r.source.path, i + 1, item, &mut tables, sink)?;
    }
    for (i, p) in r.proposals.iter().enumerate() {
        let [page, line] = at(Some(&p.location));
        sink.row(
            table("proposals"),
            vec![
                path(),
                (i + 1).into(),
                p.code.clone().into(),
                p.number.into(),
                p.kind.clone().into(),
                p.title.as_str().into(),
                p.summary.clone().into(),
                p.payback_years.as_ref().and_then(|y| y.service).into(),
                p.payback_years.as_ref().and_then(|y| y.total).into(),
                page,
                line,
            ],
        )?;
        let container = format!("proposal:{}", i + 1);
        for t in &p.tables {
            table_rows(&r.source.path, &mut tables, &container, t, sink)?;
        }
    }
    Ok(())
}

/// An item's row and the rows of its sections, decisions, history,
/// attachments, amounts and tables; `seq` is its 1-based place in the record.
fn item_rows(
    path: &str,
    seq: usize,
    item: &Item,
    tables: &mut usize,
    sink: &mut impl Sink,
) -> Result<(), ExportError> {
    let key = |n: usize| vec![Value::from(path), seq.into(), n.into()];
    let [page, line] = at(Some(&item.location));
    sink.row(
        table("items"),
        vec![
            path.into(),
            seq.into(),
            item.number.into(),
            item.title.as_str().into(),
            item.case_number.clone().into(),
            item.public.into(),
            item.background.clone().into(),
            item.recommendation.clone().into(),
            item.case_description.clone().into(),
            page,
            line,
        ],
    )?;
    for (n, s) in item.sections.iter().enumerate() {
        let mut row = key(n + 1);
        row.extend([
            s.heading.clone().into(),
            s.kind.as_ref().map_or(Value::Null, word),
            s.text.as_str().into(),
        ]);
        sink.row(table("sections"), row)?;
    }
    for (n, decision) in item.decisions.iter().enumerate() {
        let [page, line] = at(decision.location.as_ref());
        let mut row = key(n + 1);
        row.extend([
            decision.body.clone().into(),
            decision.date.clone().into(),
            word(&decision.outcome),
            decision.text.as_str().into(),
            page,
            line,
        ]);
        sink.row(table("decisions"), row)?;
    }
    for (n, h) in item.history.iter().enumerate() {
        let mut row = key(n + 1);
        row.extend([
            h.body.clone().into(),
            h.date.clone().into(),
            h.item_number.into(),
            h.text.clone().into(),
        ]);
        sink.row(table("history"), row)?;
    }
    for (n, title) in item.attachments.iter().enumerate() {
        let href = item
            .attachment_links
            .iter()
            .find(|l| &l.title == title)
            .map(|l| l.href.clone());
        let mut row = key(n + 1);
        row.extend([title.as_str().into(), href.into()]);
        sink.row(table("attachments"), row)?;
    }
    for (n, a) in item.amounts.iter().enumerate() {
        let [page, line] = at(a.location.as_ref());
        let mut row = key(n + 1);
        row.extend([
            a.text.as_str().into(),
            a.dkk.into(),
            a.section.as_ref().map_or(Value::Null, word),
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

/// A table's row and one row per number printed in a cell.
fn table_rows(
    path: &str,
    seq: &mut usize,
    container: &str,
    t: &Table,
    sink: &mut impl Sink,
) -> Result<(), ExportError> {
    *seq += 1;
    let id = *seq;
    let [page, line] = at(Some(&t.location));
    let unit = Value::from(t.unit.as_ref().map(|u| u.text.clone()));
    let scale = t.unit.as_ref().map(|u| u.scale);
    sink.row(
        table("tables"),
        vec![
            path.into(),
            id.into(),
            container.into(),
            t.caption.clone().into(),
            unit.clone(),
            scale.into(),
            t.price_level.into(),
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
                        path.into(),
                        id.into(),
                        t.caption.clone().into(),
                        row.label.as_str().into(),
                        word(&row.role),
                        column.as_str().into(),
                        cell.raw.as_str().into(),
                        value.map(|_| k + 1).into(),
                        value.into(),
                        value.map(|v| v * scale.unwrap_or(1.0)).into(),
                        unit.clone(),
                        t.price_level.into(),
                        page.clone(),
                        line.clone(),
                    ],
                )?;
            }
        }
    }
    Ok(())
}
