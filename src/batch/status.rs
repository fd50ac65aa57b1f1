//! `referat status`: what an output folder holds, finished or not, so that
//! an operator of shard runs sees at a glance what is left.

use super::journal;
use super::manifest::{self, EntryStatus};
use super::output::RECORDS_FILE;
use super::summary::read_run_info;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The state of one output folder.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FolderStatus {
    /// The folder.
    pub path: PathBuf,
    /// `finished` (records.jsonl and manifest written, no journal),
    /// `unfinished` (a run's journal is there: run the same ingest again to
    /// finish it), `missing` or `not-an-output`.
    pub state: &'static str,
    /// The shard (`K/N`) the folder was written for, if any.
    pub shard: Option<String>,
    /// Files with a record: done so far (unfinished) or in all (finished).
    pub files: u64,
    /// Of those, failed.
    pub failed: u64,
    /// Of those, partial.
    pub partial: u64,
    /// Files skipped (other formats, hidden, temporary).
    pub skipped: u64,
    /// The referat version that wrote the folder.
    pub version: Option<String>,
    /// The version and grammar fingerprint (folders merge only when equal).
    pub fingerprint: Option<String>,
}

/// The state of the output folder `out`.
pub fn status(out: &Path) -> FolderStatus {
    let mut s = FolderStatus {
        path: out.to_path_buf(),
        state: "missing",
        shard: None,
        files: 0,
        failed: 0,
        partial: 0,
        skipped: 0,
        version: None,
        fingerprint: None,
    };
    if !out.is_dir() {
        return s;
    }
    let info = read_run_info(out);
    if let Some(info) = &info {
        s.shard = info.shard.clone();
        s.version = Some(info.referat_version.clone());
        s.fingerprint = Some(info.fingerprint.clone());
    }
    if let Some((fingerprint, entries)) = journal::peek(out) {
        s.state = "unfinished";
        s.fingerprint = Some(fingerprint);
        count(&mut s, entries.iter().map(|e| e.status));
        return s;
    }
    let manifest = out.join(manifest::MANIFEST_FILE);
    match manifest::read(&manifest) {
        Ok(entries) if out.join(RECORDS_FILE).is_file() => {
            s.state = "finished";
            count(&mut s, entries.iter().map(|e| e.status));
        }
        _ => s.state = "not-an-output",
    }
    s
}

fn count(s: &mut FolderStatus, statuses: impl Iterator<Item = EntryStatus>) {
    for status in statuses {
        match status {
            EntryStatus::Ok => s.files += 1,
            EntryStatus::Partial => {
                s.files += 1;
                s.partial += 1;
            }
            EntryStatus::Failed => {
                s.files += 1;
                s.failed += 1;
            }
            EntryStatus::Skipped => s.skipped += 1,
            EntryStatus::Removed => {}
        }
    }
}
