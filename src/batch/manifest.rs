//! `OUT/manifest.jsonl`: one line per input file (path, size, SHA-256,
//! status, error code, pages, tables, duration), and one per entry the walk
//! skipped (status `skipped` and its `reason`), sorted by path.
//!
//! The manifest is what incremental runs compare against: a file whose
//! SHA-256 matches its manifest line (and whose record is in
//! `records.jsonl`) is not processed again. Files that disappeared from the
//! inputs stay in the manifest with status `removed`.

use crate::error::warn;
use crate::record::{Record, Status};
use crate::walk::SkippedFile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;
use std::time::Duration;

/// Name of the manifest file inside OUT.
pub const MANIFEST_FILE: &str = "manifest.jsonl";

/// Status of a manifest line: the record's status, or `removed`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum EntryStatus {
    /// Parsed without loss.
    Ok,
    /// Parsed, with warnings that lost content.
    Partial,
    /// Nothing parsed; `error` says why.
    Failed,
    /// The file was an input of an earlier run and is gone now; it has no record.
    Removed,
    /// The walk passed over the entry (`reason` says why); it has no record.
    Skipped,
}

impl EntryStatus {
    /// Lowercase name, as written in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Ok => "ok",
            EntryStatus::Partial => "partial",
            EntryStatus::Failed => "failed",
            EntryStatus::Removed => "removed",
            EntryStatus::Skipped => "skipped",
        }
    }
}

impl From<Status> for EntryStatus {
    fn from(s: Status) -> Self {
        match s {
            Status::Ok => EntryStatus::Ok,
            Status::Partial => EntryStatus::Partial,
            Status::Failed => EntryStatus::Failed,
        }
    }
}

/// One line of `manifest.jsonl`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// `source.path` of the record.
    pub path: String,
    /// Size in bytes (0 when the file could not be read).
    pub size: u64,
    /// SHA-256 of the content, lowercase hex (empty when the file could not be read).
    pub sha256: String,
    /// Record status, or `removed`.
    pub status: EntryStatus,
    /// Code of the first error of a `failed` record, else null.
    pub error: Option<String>,
    /// Pages (PDF only).
    pub pages: Option<u32>,
    /// Tables found anywhere in the record.
    pub tables: u32,
    /// Wall time spent on the file in the run that produced its record, in milliseconds.
    pub duration_ms: u64,
    /// Why the file is not `ok`: for `failed`, its first error ("code:
    /// message"); for `partial`, the first warning that lost content; for
    /// `skipped`, the reason's code (`unsupported-format`, `hidden` (a
    /// hidden folder stands for everything in it), `temporary`,
    /// `not-a-file`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The record's warnings, counted by code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub warnings: BTreeMap<String, u32>,
}

impl Entry {
    /// The manifest line of a freshly produced record.
    pub fn from_record(record: &Record, size: u64, duration: Duration) -> Self {
        let tables = record.tables.len()
            + record.items.iter().map(|i| i.tables.len()).sum::<usize>()
            + record
                .proposals
                .iter()
                .map(|p| p.tables.len())
                .sum::<usize>();
        Entry {
            path: record.source.path.clone(),
            size,
            sha256: record.source.sha256.clone(),
            status: record.status.into(),
            error: if record.status == Status::Failed {
                record.errors.first().map(|e| e.code.clone())
            } else {
                None
            },
            pages: record.source.pages,
            tables: u32::try_from(tables).unwrap_or(u32::MAX),
            duration_ms: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
            reason: reason(record),
            warnings: record.warnings.iter().fold(BTreeMap::new(), |mut m, w| {
                *m.entry(w.code.clone()).or_default() += 1;
                m
            }),
        }
    }

    /// The line of an entry the walk skipped.
    pub fn skipped(skipped: &SkippedFile) -> Self {
        Entry {
            path: skipped.rel_path.clone(),
            size: 0,
            sha256: String::new(),
            status: EntryStatus::Skipped,
            error: None,
            pages: None,
            tables: 0,
            duration_ms: 0,
            reason: Some(skipped.reason.code().into()),
            warnings: BTreeMap::new(),
        }
    }

    /// Whether the file has a record (every status but `removed` and `skipped`).
    pub fn is_live(&self) -> bool {
        !matches!(self.status, EntryStatus::Removed | EntryStatus::Skipped)
    }

    /// The tombstone written when the file is no longer an input.
    pub fn removed(mut self) -> Self {
        self.status = EntryStatus::Removed;
        self.error = None;
        self
    }
}

/// Why a record is not `ok`: its first error, or its first warning that
/// lost content, as "code: message".
fn reason(record: &Record) -> Option<String> {
    let issue = match record.status {
        Status::Ok => None,
        Status::Failed => record.errors.first(),
        Status::Partial => record
            .warnings
            .iter()
            .find(|w| warn::LOSSY.contains(&w.code.as_str()))
            .or(record.warnings.first()),
    }?;
    Some(format!("{}: {}", issue.code, issue.message))
}

/// Read a whole manifest. A missing file is an empty manifest.
pub fn read(path: &Path) -> std::io::Result<Vec<Entry>> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut entries = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let entry = serde_json::from_str(&line).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}:{}: {e}", path.display(), n + 1),
            )
        })?;
        entries.push(entry);
    }
    Ok(entries)
}

/// Write one manifest line.
pub fn write_line(w: &mut impl Write, entry: &Entry) -> std::io::Result<()> {
    serde_json::to_writer(&mut *w, entry)?;
    w.write_all(b"\n")
}
