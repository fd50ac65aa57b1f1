//! The end-of-run summary (files by status and error code, pages, tables,
//! what the run did and what the walk skipped, and the time taken), and
//! `OUT/run.json`, which describes the run that wrote the folder.

use super::manifest::{Entry, EntryStatus};
use crate::walk::{SkipReason, Skipped};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Name of the run description inside OUT.
pub const RUN_FILE: &str = "run.json";

/// Counts of one run (or merge), written to `run.json` and printed at the end.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    /// Files with a record in `records.jsonl`.
    pub files: u64,
    /// Files by status (`ok`, `partial`, `failed`).
    pub status: BTreeMap<String, u64>,
    /// Failed files by error code.
    pub errors: BTreeMap<String, u64>,
    /// Partial files by the code of the warning that made them partial.
    #[serde(default)]
    pub partial: BTreeMap<String, u64>,
    /// Warnings of all records, by code.
    #[serde(default)]
    pub warning_codes: BTreeMap<String, u64>,
    /// Manifest lines with status `removed`.
    pub removed: u64,
    /// Pages of all PDFs.
    pub pages: u64,
    /// Tables found in all records.
    pub tables: u64,
    /// Files processed by this run.
    pub processed: u64,
    /// Files whose record was kept from an earlier (or interrupted) run.
    pub unchanged: u64,
    /// Entries the walk skipped, by reason.
    pub skipped: Skipped,
    /// For a merge: the number of folders merged (0 for a run).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub merged_from: u64,
    /// Warnings (symlink loops, unreadable folders, duplicate paths).
    pub warnings: u64,
    /// Inputs named for the run that did not exist (their earlier records
    /// were kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_inputs: Vec<PathBuf>,
    /// Files named for the run in a format referat does not read (each
    /// has a failed record, `unsupported-format`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsupported_inputs: Vec<PathBuf>,
    /// Wall time of the run, in seconds.
    pub seconds: f64,
}

impl Summary {
    /// Add the counts of one manifest line.
    pub fn add(&mut self, entry: &Entry) {
        match entry.status {
            EntryStatus::Removed => {
                self.removed += 1;
                return;
            }
            // A run's walk counts these, in `skipped`; a merge counts
            // them with `add_skipped`.
            EntryStatus::Skipped => return,
            _ => {}
        }
        self.files += 1;
        *self
            .status
            .entry(entry.status.as_str().to_string())
            .or_default() += 1;
        if let Some(code) = &entry.error {
            *self.errors.entry(code.clone()).or_default() += 1;
        }
        if entry.status == EntryStatus::Partial
            && let Some(code) = entry.reason.as_deref().and_then(|r| r.split(':').next())
        {
            *self.partial.entry(code.to_string()).or_default() += 1;
        }
        for (code, n) in &entry.warnings {
            *self.warning_codes.entry(code.clone()).or_default() += u64::from(*n);
        }
        self.pages += u64::from(entry.pages.unwrap_or(0));
        self.tables += u64::from(entry.tables);
    }

    /// Count a `skipped` manifest line by its reason (for a merge, which
    /// has no walk of its own).
    pub fn add_skipped(&mut self, entry: &Entry) {
        if entry.status == EntryStatus::Skipped
            && let Some(reason) = entry.reason.as_deref().and_then(SkipReason::from_code)
        {
            self.skipped.count(reason);
        }
    }

    /// Whether an input named for the run does not exist or is of a
    /// format referat does not read.
    pub fn input_errors(&self) -> bool {
        !(self.missing_inputs.is_empty() && self.unsupported_inputs.is_empty())
    }

    /// Files whose status is `failed`.
    pub fn failed(&self) -> u64 {
        self.status.get("failed").copied().unwrap_or(0)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rate = if self.seconds > 0.0 {
            self.processed as f64 / self.seconds
        } else {
            0.0
        };
        if self.merged_from > 0 {
            writeln!(
                f,
                "{} files merged from {} folders in {:.1} s, {} removed",
                self.files, self.merged_from, self.seconds, self.removed
            )?;
        } else {
            writeln!(
                f,
                "{} files in {:.1} s: {} processed ({rate:.1}/s), {} unchanged, {} removed",
                self.files, self.seconds, self.processed, self.unchanged, self.removed
            )?;
        }
        for status in ["ok", "partial", "failed"] {
            let n = self.status.get(status).copied().unwrap_or(0);
            write!(f, "  {status:<8}{n:>8}")?;
            let why = match status {
                "failed" => &self.errors,
                "partial" => &self.partial,
                _ => &BTreeMap::new(),
            };
            if !why.is_empty() {
                write!(f, "   ({})", by_code(why))?;
            }
            writeln!(f)?;
        }
        writeln!(f, "  pages {}, tables {}", self.pages, self.tables)?;
        if !self.warning_codes.is_empty() {
            writeln!(
                f,
                "  record warnings: {} (see each file's line in manifest.jsonl)",
                by_code(&self.warning_codes)
            )?;
        }
        let s = &self.skipped;
        if s.total() > 0 || self.warnings > 0 {
            writeln!(
                f,
                "  skipped (named in manifest.jsonl): {} other formats, {} hidden, {} temporary, {} not regular files; {} duplicate paths; {} walk warnings",
                s.other_format, s.hidden, s.temporary, s.not_a_file, s.duplicate, self.warnings
            )?;
        }
        Ok(())
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// "code n, code n", most frequent first.
fn by_code(counts: &BTreeMap<String, u64>) -> String {
    let mut v: Vec<(&String, &u64)> = counts.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `OUT/run.json`: what wrote the folder, and its summary.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunInfo {
    /// Version of referat that wrote the folder.
    pub referat_version: String,
    /// Fingerprint of the version and grammar profiles; records made under
    /// another fingerprint are made again.
    pub fingerprint: String,
    /// `K/N` when the run was a shard, or null.
    pub shard: Option<String>,
    /// Counts of the run.
    pub summary: Summary,
}

/// Read `OUT/run.json`, if present and valid.
pub fn read_run_info(out: &Path) -> Option<RunInfo> {
    let text = std::fs::read_to_string(out.join(RUN_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}
