//! SQLite: one database with the tables of the schema, their keys as
//! primary and foreign keys, indexes for the usual questions, and the
//! full-text index [`SEARCH_TABLE`] that `referat search` queries.
//!
//! The database is built in a temporary file beside the target and renamed
//! over it when complete: a reader never sees half a database, and an
//! export is the same file whether it follows an incremental or a fresh
//! ingest.

use super::{Counts, ExportError, Row, SCHEMA, Sink, TableDef, Type, Value, feed};
use rusqlite::Connection;
use rusqlite::types::ToSqlOutput;
use std::path::{Path, PathBuf};

/// The full-text index: one row per item title, item section, decision,
/// proposal and document head, with the keys of what it belongs to.
pub const SEARCH_TABLE: &str = "search";

/// Indexes for joins and facets beyond the keys.
const INDEXES: &[(&str, &str)] = &[
    ("items", "case_number"),
    ("meetings", "meeting_id"),
    ("meetings", "date"),
    ("documents", "meeting_id"),
    ("decisions", "outcome"),
    ("history", "date"),
];

/// The full-text index and what fills it. Diacritics are kept (æ, ø, å are
/// letters of their own in Danish, and "år" is not "ar") and case is
/// folded. Prefix queries ("skole*" finds "skolen", "skolernes") scan the
/// sorted terms; prefix indexes (`prefix = '2 3 4'`) would double the
/// export's time for milliseconds per query. Decision sections are indexed
/// once, as decisions.
const SEARCH_SQL: &str = r#"
CREATE VIRTUAL TABLE search USING fts5(
    text, kind UNINDEXED, path UNINDEXED, item UNINDEXED, part UNINDEXED,
    tokenize = "unicode61 remove_diacritics 0"
);
INSERT INTO search (text, kind, path, item, part)
    SELECT title, 'title', path, item, NULL FROM items
    UNION ALL
    SELECT coalesce(heading || char(10), '') || text, 'section', path, item, section
        FROM sections WHERE kind IS NOT 'decision'
    UNION ALL
    SELECT text, 'decision', path, item, decision FROM decisions
    UNION ALL
    SELECT title || coalesce(char(10) || summary, ''), 'proposal', path, NULL, proposal
        FROM proposals
    UNION ALL
    SELECT concat_ws(char(10), title, preamble, text), 'document', path, NULL, NULL
        FROM documents WHERE coalesce(title, preamble, text) IS NOT NULL;
INSERT INTO search (search) VALUES ('optimize');
"#;

/// Export `OUT/records.jsonl` as the SQLite database `file` (replacing it),
/// and its Datasette metadata beside it (`<stem>.metadata.json`); returns
/// the number of rows per table.
pub fn to_sqlite(out: &Path, file: &Path) -> Result<Counts, ExportError> {
    let records = super::records_file(out)?;
    let tmp = sibling(file, ".tmp");
    let _ = std::fs::remove_file(&tmp);
    let counts = match build(&records, &tmp, file) {
        Ok(counts) => counts,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, file).map_err(|e| ExportError::write(file, e))?;
    let metadata = file.with_extension("metadata.json");
    let stem = file
        .file_stem()
        .map_or("referat".into(), |s| s.to_string_lossy().into_owned());
    let json = serde_json::to_string_pretty(&datasette_metadata(&stem)).expect("JSON");
    std::fs::write(&metadata, json + "\n").map_err(|e| ExportError::write(&metadata, e))?;
    Ok(counts)
}

/// Write the database of `records` into `tmp` (errors name `file`).
fn build(records: &Path, tmp: &Path, file: &Path) -> Result<Counts, ExportError> {
    let db_err = |e: rusqlite::Error| ExportError::write(file, e);
    let conn = Connection::open(tmp).map_err(db_err)?;
    // No journal: the file is new and renamed into place only when
    // complete. A page cache of up to 256 MiB: pages are written once, at
    // the end, rather than spilled and read back while loading. Foreign
    // keys are declared, not checked while loading: every row is written
    // after its parent (a test runs `PRAGMA foreign_key_check` on the
    // result).
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 16384; \
         PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -262144; \
         PRAGMA temp_store = MEMORY;",
    )
    .map_err(db_err)?;
    conn.execute_batch(&create_tables()).map_err(db_err)?;
    conn.execute_batch("BEGIN").map_err(db_err)?;
    let mut sink = SqliteSink {
        conn: &conn,
        file,
        inserts: SCHEMA.iter().map(insert_sql).collect(),
    };
    let counts = feed(records, &mut sink)?;
    conn.execute_batch(&create_indexes()).map_err(db_err)?;
    conn.execute_batch(SEARCH_SQL).map_err(db_err)?;
    conn.execute_batch("COMMIT; ANALYZE;").map_err(db_err)?;
    conn.close().map_err(|(_, e)| db_err(e))?;
    Ok(counts)
}

/// `file` with `suffix` appended to its name.
fn sibling(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    file.with_file_name(name)
}

/// The `CREATE TABLE` statements of the schema.
fn create_tables() -> String {
    SCHEMA.iter().map(create_table).collect()
}

/// The `CREATE INDEX` statements (run after loading: faster than keeping
/// the indexes up to date row by row).
fn create_indexes() -> String {
    let mut sql = String::new();
    for (table, column) in INDEXES {
        sql.push_str(&format!(
            "CREATE INDEX \"{table}_{column}\" ON \"{table}\" (\"{column}\");\n"
        ));
    }
    sql
}

fn create_table(def: &TableDef) -> String {
    let quoted = |cols: &[&str]| {
        cols.iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts: Vec<String> = def
        .columns
        .iter()
        .map(|c| {
            let ty = match c.ty {
                Type::Text => "TEXT",
                Type::Int | Type::Bool => "INTEGER",
                Type::Real => "REAL",
            };
            let not_null = if def.key.contains(&c.name) {
                " NOT NULL"
            } else {
                ""
            };
            format!("\"{}\" {ty}{not_null}", c.name)
        })
        .collect();
    if !def.key.is_empty() {
        parts.push(format!("PRIMARY KEY ({})", quoted(def.key)));
    }
    if let Some((parent, cols)) = def.parent {
        parts.push(format!(
            "FOREIGN KEY ({c}) REFERENCES \"{parent}\" ({c})",
            c = quoted(cols)
        ));
    }
    format!(
        "CREATE TABLE \"{}\" (\n    {}\n);\n",
        def.name,
        parts.join(",\n    ")
    )
}

/// The `INSERT` statement of a table.
fn insert_sql(def: &TableDef) -> String {
    format!(
        "INSERT INTO \"{}\" VALUES ({})",
        def.name,
        vec!["?"; def.columns.len()].join(", ")
    )
}

struct SqliteSink<'a> {
    conn: &'a Connection,
    file: &'a Path,
    /// The `INSERT` statement of each table of the schema.
    inserts: Vec<String>,
}

impl Sink for SqliteSink<'_> {
    fn row(&mut self, table: usize, row: Row) -> Result<(), ExportError> {
        let mut stmt = self
            .conn
            .prepare_cached(&self.inserts[table])
            .map_err(|e| ExportError::write(self.file, e))?;
        stmt.execute(rusqlite::params_from_iter(row.iter()))
            .map_err(|e| ExportError::write(self.file, e))?;
        Ok(())
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        use rusqlite::types::ValueRef;
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Text(s) => ValueRef::Text(s.as_bytes()),
            Value::Int(n) => ValueRef::Integer(*n),
            Value::Real(x) => ValueRef::Real(*x),
            Value::Bool(b) => ValueRef::Integer(i64::from(*b)),
        }))
    }
}

/// Facets Datasette offers on each table.
const FACETS: &[(&str, &[&str])] = &[
    ("documents", &["format", "kind", "status", "profile"]),
    ("meetings", &["body", "date"]),
    ("items", &["public"]),
    ("sections", &["kind"]),
    ("decisions", &["outcome", "body"]),
    ("history", &["body"]),
    ("amounts", &["section"]),
    ("tables", &["container", "unit", "price_level"]),
    ("table_cells", &["row_role", "unit", "price_level"]),
];

/// Datasette's metadata for the database named `name` (its file stem):
/// titles, descriptions and facets of the tables, and two canned queries
/// (full-text search, a case's treatments).
pub fn datasette_metadata(name: &str) -> serde_json::Value {
    let mut tables = serde_json::Map::new();
    for def in SCHEMA {
        let facets = FACETS
            .iter()
            .find(|(t, _)| *t == def.name)
            .map_or(&[][..], |(_, f)| f);
        let mut table = serde_json::json!({
            "description": def.description,
            "facets": facets,
        });
        if def.name == "documents" {
            table["label_column"] = "title".into();
        }
        tables.insert(def.name.to_string(), table);
    }
    tables.insert(SEARCH_TABLE.into(), serde_json::json!({"hidden": true}));
    serde_json::json!({
        "title": "Minutes archive (referat)",
        "description": "Municipal minutes and business-case catalogues read by referat: \
            documents, meetings, agenda items, decisions with their outcome, amounts \
            and table cells, each with the page and line it is printed on.",
        "databases": {
            name: {
                "tables": tables,
                "queries": {
                    "search": {
                        "title": "Search items, sections and decisions",
                        "description": "Full-text search (diacritics kept; end a word with * for its inflected forms, e.g. skole*).",
                        "sql": crate::archive::SEARCH_SQL.trim(),
                    },
                    "case": {
                        "title": "A case's treatments",
                        "description": "Every item with this case number, oldest first.",
                        "sql": crate::archive::CASE_SQL.trim(),
                    }
                }
            }
        }
    })
}
