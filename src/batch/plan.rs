//! Planning a run: the files to consider, and what earlier runs left for each.
//!
//! A file's earlier record comes from the journal of an interrupted run, or
//! else from the committed `records.jsonl` when the manifest and the
//! records agree on it. Files of an earlier run that are no inputs now get
//! a `removed` line, unless an input was missing (then they keep their
//! record: a mistyped input never removes records).

use super::journal::{Journal, Located};
use super::manifest::{self, Entry, EntryStatus};
use super::output::{RECORDS_FILE, RecordLine, RecordLines};
use super::summary::read_run_info;
use super::{BatchError, BatchOptions, JOURNAL_FILE, Observer, output_err};
use crate::walk::{self, Files, Skipped, SkippedFile};
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Where a finished record's JSON is.
#[derive(Debug, Clone, Copy)]
pub(super) enum Loc {
    /// In the journal.
    Journal { offset: u64, len: u64 },
    /// In the previous `records.jsonl`.
    Records { offset: u64, len: u64 },
}

/// An earlier record of a file, kept if the file is unchanged.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub entry: Entry,
    pub loc: Loc,
}

/// A file of an earlier run that is not among this run's inputs.
#[derive(Debug)]
pub(super) enum Unseen {
    /// Its record is kept (an input was missing).
    Kept(Candidate),
    /// Its manifest line says `removed`; it has no record.
    Removed(Entry),
}

impl Unseen {
    /// The file's relative path.
    pub fn path(&self) -> &str {
        match self {
            Unseen::Kept(c) => &c.entry.path,
            Unseen::Removed(e) => &e.path,
        }
    }
}

/// What a run will do.
#[derive(Debug)]
pub(super) struct Plan {
    /// The input files (of this shard), in path order.
    pub files: Files,
    /// Per file, its earlier record (boxed: most files of a first run have
    /// none, and `None` then costs 8 bytes).
    pub candidates: Vec<Option<Box<Candidate>>>,
    /// Files of earlier runs that are not inputs now, in path order.
    pub unseen: Vec<Unseen>,
    /// Open handle on the old `records.jsonl` (stays valid after the rename).
    pub previous_records: Option<File>,
    /// Entries the walk skipped.
    pub skipped: Skipped,
    /// Entries the walk skipped (of this shard), by path.
    pub skipped_files: Vec<SkippedFile>,
    /// Walk warnings.
    pub warnings: u64,
}

/// Walk `inputs`, open the journal and find each file's earlier record.
pub(super) fn plan(
    inputs: &[PathBuf],
    keep_unseen: bool,
    options: &BatchOptions,
    observer: &dyn Observer,
) -> Result<(Plan, Journal), BatchError> {
    let out = options.out.as_path();
    let prev = if options.force {
        Previous::default()
    } else {
        Previous::load(out, &options.fingerprint, observer)
    };
    let (journal, recovered) = Journal::open(out, &options.fingerprint, options.force)
        .map_err(output_err(out.join(JOURNAL_FILE)))?;
    if !recovered.entries.is_empty() {
        observer.note(&format!(
            "resuming an interrupted run: {} files were already done",
            recovered.entries.len()
        ));
    }
    let scan = walk::scan(inputs, &[out.to_path_buf()]);
    for w in &scan.warnings {
        observer.warning(w);
    }
    let mut files = scan.files;
    let mut skipped_files = scan.skipped_files;
    if let Some(shard) = options.shard {
        files.retain(|rel_path| shard.contains(rel_path));
        skipped_files.retain(|s| shard.contains(&s.rel_path));
    }
    let candidates = candidates(&files, recovered.entries, &prev, options.retry_failed);
    let unseen = prev.unseen(&files, keep_unseen);
    let plan = Plan {
        files,
        candidates,
        unseen,
        previous_records: prev.records_file,
        skipped: scan.skipped,
        skipped_files,
        warnings: scan.warnings.len() as u64,
    };
    Ok((plan, journal))
}

/// Each file's earlier record: from the journal, else from the previous
/// output; none for a failed one when `retry_failed`.
fn candidates(
    files: &Files,
    journal: Vec<Located>,
    prev: &Previous,
    retry_failed: bool,
) -> Vec<Option<Box<Candidate>>> {
    let mut from_journal: HashMap<String, Located> = journal
        .into_iter()
        .map(|l| (l.entry.path.clone(), l))
        .collect();
    (0..files.len())
        .map(|i| {
            let rel_path = files.rel_path(i);
            match from_journal.remove(rel_path) {
                Some(l) => Some(Candidate {
                    entry: l.entry,
                    loc: Loc::Journal {
                        offset: l.offset,
                        len: l.len,
                    },
                }),
                None => prev.candidate(rel_path),
            }
        })
        .map(|c| c.filter(|c| !(retry_failed && c.entry.status == EntryStatus::Failed)))
        .map(|c| c.map(Box::new))
        .collect()
}

/// The committed state of OUT before this run.
#[derive(Debug, Default)]
struct Previous {
    manifest: HashMap<String, Entry>,
    records: HashMap<String, RecordLine>,
    /// Open handle on the old `records.jsonl` (stays valid after the rename).
    records_file: Option<File>,
}

impl Previous {
    /// Load OUT's manifest and index its records. Anything inconsistent
    /// means starting over (with a note), never a failed run.
    fn load(out: &Path, fingerprint: &str, observer: &dyn Observer) -> Previous {
        let manifest_path = out.join(manifest::MANIFEST_FILE);
        let records_path = out.join(RECORDS_FILE);
        if !manifest_path.exists() && !records_path.exists() {
            return Previous::default();
        }
        match read_run_info(out) {
            Some(info) if info.fingerprint == fingerprint => {}
            _ => {
                observer.note(
                    "the output folder was written by another referat version or other \
                     grammars: processing every file again",
                );
                return Previous::default();
            }
        }
        let entries = match manifest::read(&manifest_path) {
            Ok(e) => e,
            Err(e) => {
                observer.warning(&format!("ignoring unreadable manifest: {e}"));
                return Previous::default();
            }
        };
        // Skipped entries are named afresh by each walk.
        let mut prev = Previous {
            manifest: entries
                .into_iter()
                .filter(|e| e.status != EntryStatus::Skipped)
                .map(|e| (e.path.clone(), e))
                .collect(),
            ..Previous::default()
        };
        if let Ok(file) = File::open(&records_path) {
            match index_records(&records_path) {
                Ok(records) => {
                    prev.records = records;
                    prev.records_file = Some(file);
                }
                Err(e) => observer.warning(&format!("ignoring unreadable records: {e}")),
            }
        }
        prev
    }

    /// The earlier record of `path`, when manifest and records agree on it.
    fn candidate(&self, path: &str) -> Option<Candidate> {
        let entry = self.manifest.get(path)?;
        let line = self.records.get(path)?;
        (entry.is_live() && entry.sha256 == line.sha256).then(|| Candidate {
            entry: entry.clone(),
            loc: Loc::Records {
                offset: line.offset,
                len: line.len,
            },
        })
    }

    /// Files of the previous manifest that are not in `files`, in path
    /// order: kept with their record when `keep`, else removed.
    fn unseen(&self, files: &Files, keep: bool) -> Vec<Unseen> {
        if self.manifest.is_empty() {
            return Vec::new();
        }
        let current: HashSet<&str> = (0..files.len()).map(|i| files.rel_path(i)).collect();
        let mut unseen: Vec<Unseen> = self
            .manifest
            .values()
            .filter(|e| !current.contains(e.path.as_str()))
            .map(|e| match self.candidate(&e.path) {
                Some(c) if keep => Unseen::Kept(c),
                _ => Unseen::Removed(e.clone().removed()),
            })
            .collect();
        unseen.sort_by(|a, b| a.path().cmp(b.path()));
        unseen
    }
}

/// Index `records.jsonl` by `source.path`.
fn index_records(path: &Path) -> std::io::Result<HashMap<String, RecordLine>> {
    let mut lines = RecordLines::open(path)?;
    let mut index = HashMap::new();
    while let Some(line) = lines.next_line()? {
        index.insert(line.path.clone(), line);
    }
    Ok(index)
}
