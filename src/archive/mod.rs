//! Answers from an exported archive database (`referat export --to
//! sqlite`): full-text [`search`] and a case's history ([`case`]).
//!
//! Both are SQL over the export's tables; the same SQL is offered as
//! canned queries in the database's Datasette metadata.

mod case;
mod search;

pub use case::{CASE_SQL, Source, Treatment, case};
pub use search::{Hit, SEARCH_SQL, Syntax, fts_query, search};

use crate::export::{ExportError, SEARCH_TABLE};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// The database file `referat export --to sqlite` writes into an output folder.
pub const DB_FILE: &str = "referat.sqlite";

/// The database at `path`: the file itself, or `DB_FILE` in a folder.
pub fn db_path(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join(DB_FILE)
    } else {
        path.to_path_buf()
    }
}

/// Open an exported database read-only; an error that says how to make
/// one when there is none.
fn open(path: &Path) -> Result<Connection, ExportError> {
    let err = |message: String| ExportError::Database {
        path: path.to_path_buf(),
        message,
    };
    if !path.is_file() {
        return Err(err(format!(
            "no database here: write one with `referat export OUT --to sqlite` \
             (it writes OUT/{DB_FILE}), then name it with --db"
        )));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| err(e.to_string()))?;
    let has_index: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = ?1",
            [SEARCH_TABLE],
            |row| row.get::<_, i64>(0),
        )
        .map(|n| n > 0)
        .map_err(|e| err(format!("not a database of referat's export: {e}")))?;
    if !has_index {
        return Err(err(format!(
            "not a database of referat's export (no {SEARCH_TABLE:?} table)"
        )));
    }
    Ok(conn)
}

/// A query error on the database at `path`.
fn query_err(path: &Path) -> impl Fn(rusqlite::Error) -> ExportError + '_ {
    move |e| ExportError::Database {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}
