//! Batch runs at archive scale: parallel, incremental, restartable.
//!
//! ```text
//! run:   plan ──────────────▶ process ─────────────────▶ commit
//!        walk + shard,         rayon workers: read,        records.jsonl,
//!        earlier records       hash, ingest::process;      manifest.jsonl,
//!        (manifest, journal)   one writer → .journal       run.json (atomic)
//! merge: k-way merge of finished output folders (shards) into one
//! ```
//!
//! [`run`] plans (walks the inputs, finds what earlier or interrupted runs
//! left for each file), processes the files that are new, changed, or
//! failed to read on a rayon pool, each worker sending its serialized
//! record to one writer thread that appends it to the journal and forgets
//! it (memory does not grow with the corpus), and commits: records, manifest
//! and `run.json` in path order, each written to a temporary file, flushed
//! and renamed, after which the journal is deleted. A run killed at any
//! point and started again resumes from the journal and ends with the same
//! files an uninterrupted run writes. [`merge`] joins shard outputs.

mod commit;
mod fingerprint;
mod journal;
mod manifest;
mod merge;
mod output;
mod plan;
mod process;
mod progress;
mod shard;
mod status;
mod stream;
mod summary;

pub use fingerprint::fingerprint;
pub use journal::JOURNAL_FILE;
pub use manifest::{Entry, EntryStatus, MANIFEST_FILE};
pub use merge::merge;
pub use output::{LOCK_FILE, RECORDS_FILE};
pub use progress::{Mode, Progress};
pub use shard::{Shard, ShardError};
pub use status::{FolderStatus, status};
pub use stream::stream;
pub use summary::{RUN_FILE, RunInfo, Summary};

use crate::ingest;
use std::path::{Path, PathBuf};
use std::time::Instant;
use thiserror::Error;

/// Why a batch could not run or finish. Per-file problems are never a
/// `BatchError`: they are `failed` records.
#[derive(Debug, Error)]
pub enum BatchError {
    /// No input exists.
    #[error("nothing to read: {} does not exist", list(.missing))]
    NothingToRead {
        /// Inputs that do not exist.
        missing: Vec<PathBuf>,
    },
    /// OUT (or a file in it) cannot be written.
    #[error("cannot write {path}: {source}")]
    Output {
        /// File or folder.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// A file that the run or merge needs cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// File or folder.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// OUT names a file, not a folder.
    #[error(
        "the output {0} is a file, not a folder (--out names the folder to write records.jsonl into)"
    )]
    OutIsFile(PathBuf),
    /// Another referat run holds OUT.
    #[error("{0} is in use by another referat run")]
    Locked(PathBuf),
    /// A folder given to `merge` is not a finished referat output.
    #[error("{path}: {message}")]
    NotAnOutput {
        /// The folder.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Folders given to `merge` were written under different fingerprints
    /// (referat version, grammars, forced profile or OCR options).
    #[error(
        "{path} was written by another referat version or other grammars or options \
         (fingerprint {found}) than {first} ({expected}); merging them would mix records \
         of two readings. Ingest them again with the same binary and options, or merge \
         with --force"
    )]
    FingerprintMismatch {
        /// The folder that differs.
        path: PathBuf,
        /// Its fingerprint.
        found: String,
        /// The first folder.
        first: PathBuf,
        /// The first folder's fingerprint.
        expected: String,
    },
    /// The worker threads could not be started.
    #[error("cannot start {0} worker threads: {1}")]
    Threads(usize, String),
}

/// Paths for a message, comma-separated.
fn list(paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    shown.join(", ")
}

/// Shorthand for an [`BatchError::Output`] mapper.
fn output_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> BatchError {
    let path = path.into();
    move |source| BatchError::Output { path, source }
}

/// Shorthand for a [`BatchError::Read`] mapper.
fn read_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> BatchError {
    let path = path.into();
    move |source| BatchError::Read { path, source }
}

/// Options of a batch run.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Output folder.
    pub out: PathBuf,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Process every file again, ignoring (and forgetting) earlier runs.
    pub force: bool,
    /// Process files again whose earlier record failed.
    pub retry_failed: bool,
    /// Only the inputs of this shard.
    pub shard: Option<Shard>,
    /// Per-file processing options.
    pub ingest: ingest::Options,
    /// Configuration fingerprint (see [`fingerprint`]); records made under
    /// another fingerprint are not reused.
    pub fingerprint: String,
}

/// Receives progress from a run. Called from one thread at a time.
pub trait Observer: Sync {
    /// An informational line (resuming, reprocessing everything, …).
    fn note(&self, message: &str);
    /// A problem that did not stop the run (missing input, symlink loop,
    /// unreadable folder).
    fn warning(&self, message: &str);
    /// The inputs are known: `total` files will be checked.
    fn start(&self, total: u64);
    /// One file is done; `reused` when its earlier record was kept.
    fn file_done(&self, entry: &Entry, reused: bool);
    /// All files are done; the output files are being written.
    fn finishing(&self);
}

/// An observer that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Observer for Silent {
    fn note(&self, _: &str) {}
    fn warning(&self, _: &str) {}
    fn start(&self, _: u64) {}
    fn file_done(&self, _: &Entry, _: bool) {}
    fn finishing(&self) {}
}

/// Run a batch over `inputs` into `options.out`: plan → process → commit.
/// Returns the summary; the caller decides the exit code.
///
/// Inputs that do not exist are reported to the observer and listed in
/// the summary ([`Summary::missing_inputs`]); the run goes on with the
/// others and keeps the earlier records of files it did not see (a
/// mistyped input never removes records). When no input exists, nothing is
/// written. A file named directly is always an input: one of a format
/// referat does not read gets a failed record (`unsupported-format`).
pub fn run(
    inputs: &[PathBuf],
    profiles: &crate::profile::Profiles,
    options: &BatchOptions,
    observer: &dyn Observer,
) -> Result<Summary, BatchError> {
    let started = Instant::now();
    let (present, missing) = split_missing(inputs);
    if present.is_empty() && !missing.is_empty() {
        return Err(BatchError::NothingToRead { missing });
    }
    for m in &missing {
        observer.warning(&format!("input {} does not exist", m.display()));
    }
    let out: &Path = &options.out;
    let _lock = output::open_out(out)?;
    let keep_unseen = !missing.is_empty();
    let unsupported = unsupported_inputs(&present);
    let mut summary = Summary {
        missing_inputs: missing,
        unsupported_inputs: unsupported,
        ..Summary::default()
    };
    let (plan, mut journal) = plan::plan(&present, keep_unseen, options, observer)?;
    summary.skipped = plan.skipped;
    summary.warnings = plan.warnings;
    let done = process::process(&plan, &mut journal, profiles, options, observer)?;
    summary.processed = done.processed;
    summary.unchanged = done.unchanged;
    commit::commit(plan, done, journal, options, observer, summary, started)
}

/// Files named directly whose format referat does not read.
fn unsupported_inputs(present: &[PathBuf]) -> Vec<PathBuf> {
    present
        .iter()
        .filter(|p| p.is_file() && crate::walk::format_of(p).is_none())
        .filter(|p| crate::walk::sniff_format(p) == crate::record::Format::Other)
        .cloned()
        .collect()
}

/// Inputs that exist (as anything, even a broken symlink) and those that do not.
fn split_missing(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    inputs
        .iter()
        .cloned()
        .partition(|p| std::fs::symlink_metadata(p).is_ok())
}
