//! Batch runs at archive scale: parallel, incremental, restartable.
//!
//! [`run`] walks the inputs, hashes every file, and processes (on a rayon
//! pool of `jobs` threads) the files that are new, changed, or failed to
//! read; the others keep the record of an earlier run. Workers serialize
//! their record and send it over a bounded channel to one writer thread,
//! which appends it to the journal ([`crate::journal`]) and forgets it, so
//! memory does not grow with the corpus (only a small index per file does).
//!
//! At the end the records are copied, in `source.path` order, from the
//! journal and the previous `records.jsonl` into a new `records.jsonl`; the
//! manifest and `run.json` are written the same way (temporary file, fsync,
//! rename), then the journal is deleted. A run killed at any point and
//! started again resumes from the journal and ends with the same files an
//! uninterrupted run writes.

use crate::error::FileError;
use crate::ingest;
use crate::journal::{self, Journal, Located};
use crate::manifest::{self, Entry, EntryStatus, RunInfo};
use crate::output::{self, AtomicFile, RECORDS_FILE, RecordLine, RecordLines};
use crate::profile::{self, Profiles};
use crate::record::Source;
use crate::shard::Shard;
use crate::summary::Summary;
use crate::walk::{self, InputFile};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;
use thiserror::Error;

/// Error code of a record whose processing panicked (a bug in referat).
pub const INTERNAL_ERROR: &str = "internal-error";
/// Name of the lock file that keeps two runs out of one OUT.
pub const LOCK_FILE: &str = ".lock";

/// Why a batch could not run or finish. Per-file problems are never a
/// `BatchError`: they are `failed` records.
#[derive(Debug, Error)]
pub enum BatchError {
    /// An input path does not exist.
    #[error("input {0} does not exist")]
    MissingInput(PathBuf),
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
    /// The worker threads could not be started.
    #[error("cannot start {0} worker threads: {1}")]
    Threads(usize, String),
}

/// Shorthand for an [`BatchError::Output`] mapper.
pub(crate) fn output_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> BatchError {
    let path = path.into();
    move |source| BatchError::Output { path, source }
}

/// Shorthand for a [`BatchError::Read`] mapper.
pub(crate) fn read_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> BatchError {
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
    /// A problem that did not stop the run (symlink loop, unreadable folder).
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

/// Fingerprint of what determines a record besides the file: the referat
/// version and the grammar profiles found as [`Profiles::locate`] finds them.
pub fn fingerprint(grammars: Option<&Path>) -> Result<String, BatchError> {
    let dir = match grammars {
        Some(d) => Some(d.to_path_buf()),
        None if Path::new("grammars").is_dir() => Some(PathBuf::from("grammars")),
        None => None,
    };
    let mut sources: Vec<(String, Vec<u8>)> = match &dir {
        Some(dir) => {
            let mut v = Vec::new();
            for entry in std::fs::read_dir(dir).map_err(read_err(dir))? {
                let path = entry.map_err(read_err(dir))?.path();
                if path.extension().is_some_and(|e| e == "toml") {
                    let text = std::fs::read(&path).map_err(read_err(&path))?;
                    v.push((walk::path_to_string(&path), text));
                }
            }
            v
        }
        None => profile::BUILTIN
            .iter()
            .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
            .collect(),
    };
    sources.sort();
    let mut h = Sha256::new();
    h.update(format!("referat {}\n", env!("CARGO_PKG_VERSION")));
    for (name, text) in &sources {
        let name = Path::new(name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        h.update(name.as_bytes());
        h.update([0]);
        h.update(text);
        h.update([0]);
    }
    Ok(hex::encode(&h.finalize()[..8]))
}

/// Hold the lock on OUT for the lifetime of the returned file.
pub(crate) fn lock(out: &Path) -> Result<File, BatchError> {
    let path = out.join(LOCK_FILE);
    let file = File::create(&path).map_err(output_err(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(BatchError::Locked(out.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(BatchError::Output { path, source: e }),
    }
}

/// Where a finished record's JSON is.
#[derive(Debug, Clone, Copy)]
enum Loc {
    /// In the journal.
    Journal { offset: u64, len: u64 },
    /// In the previous `records.jsonl`.
    Records { offset: u64, len: u64 },
}

/// A finished file, as the writer remembers it until the commit: 16 bytes.
/// The manifest entry of a processed file is read back from the journal
/// then, not held in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Done {
    /// Offset of the record JSON in the journal, which is preceded by its
    /// manifest entry of `entry_len` bytes and a tab; [`Done::REUSED`]
    /// when the earlier record (the file's [`Candidate`]) is kept.
    offset: u64,
    /// Length of the record JSON.
    len: u32,
    entry_len: u32,
}

impl Done {
    /// Not finished (yet).
    const PENDING: Done = Done {
        offset: u64::MAX,
        len: u32::MAX,
        entry_len: u32::MAX,
    };
    /// The earlier record is kept.
    const REUSED: Done = Done {
        offset: u64::MAX,
        len: 0,
        entry_len: 0,
    };
}

/// An earlier record of a file, kept if the file is unchanged.
#[derive(Debug, Clone)]
struct Candidate {
    entry: Entry,
    loc: Loc,
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
        match manifest::read_run_info(out) {
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
        let mut prev = Previous {
            manifest: entries.into_iter().map(|e| (e.path.clone(), e)).collect(),
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

/// What a worker sends to the writer.
enum Msg {
    /// File `i` is unchanged; its candidate is kept.
    Reused(usize),
    /// File `i` was processed: its manifest line and serialized record.
    Done(usize, Entry, String),
}

/// Run a batch over `inputs` into `options.out`. Returns the summary; the
/// caller decides the exit code.
pub fn run(
    inputs: &[PathBuf],
    profiles: &Profiles,
    options: &BatchOptions,
    observer: &dyn Observer,
) -> Result<Summary, BatchError> {
    let started = Instant::now();
    for input in inputs {
        if std::fs::symlink_metadata(input).is_err() {
            return Err(BatchError::MissingInput(input.clone()));
        }
    }
    let out = options.out.as_path();
    std::fs::create_dir_all(out).map_err(output_err(out))?;
    let _lock = lock(out)?;

    let prev = if options.force {
        Previous::default()
    } else {
        Previous::load(out, &options.fingerprint, observer)
    };
    let (mut journal, recovered) = Journal::open(out, &options.fingerprint, options.force)
        .map_err(output_err(out.join(journal::JOURNAL_FILE)))?;
    if !recovered.entries.is_empty() {
        observer.note(&format!(
            "resuming an interrupted run: {} files were already done",
            recovered.entries.len()
        ));
    }

    // Walk, shard, and find what earlier runs left for each file.
    let scan = walk::scan(inputs, &[out.to_path_buf()]);
    for w in &scan.warnings {
        observer.warning(w);
    }
    let mut files = scan.files;
    if let Some(shard) = options.shard {
        files.retain(|rel_path| shard.contains(rel_path));
    }
    let mut from_journal: HashMap<String, Located> = recovered
        .entries
        .into_iter()
        .map(|l| (l.entry.path.clone(), l))
        .collect();
    // Boxed: most files of a first run have none, and `None` then costs 8 bytes.
    let candidates: Vec<Option<Box<Candidate>>> = (0..files.len())
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
        .map(|c| c.filter(|c| !(options.retry_failed && c.entry.status == EntryStatus::Failed)))
        .map(|c| c.map(Box::new))
        .collect();
    drop(from_journal);
    let mut tombstones: Vec<Entry> = Vec::new();
    if !prev.manifest.is_empty() {
        let current: HashSet<&str> = (0..files.len()).map(|i| files.rel_path(i)).collect();
        tombstones = prev
            .manifest
            .values()
            .filter(|e| !current.contains(e.path.as_str()))
            .map(|e| e.clone().removed())
            .collect();
        tombstones.sort_by(|a, b| a.path.cmp(&b.path));
    }
    let Previous {
        manifest: prev_manifest,
        records: prev_records,
        records_file: prev_records_file,
    } = prev;
    drop((prev_manifest, prev_records));

    // Process in parallel; one writer appends to the journal.
    observer.start(files.len() as u64);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .thread_name(|i| format!("referat-worker-{i}"))
        .build()
        .map_err(|e| BatchError::Threads(options.jobs, e.to_string()))?;
    let abort = AtomicBool::new(false);
    let (tx, rx) = mpsc::sync_channel::<Msg>(options.jobs.max(1) * 2);
    let (results, processed, unchanged, write_error) = std::thread::scope(|s| {
        let writer = s.spawn(|| {
            let mut results: Vec<Done> = vec![Done::PENDING; files.len()];
            let (mut processed, mut unchanged) = (0u64, 0u64);
            let mut error = None;
            for msg in rx {
                match msg {
                    Msg::Reused(i) => {
                        let c = candidates[i]
                            .as_ref()
                            .expect("reused files have a candidate");
                        observer.file_done(&c.entry, true);
                        results[i] = Done::REUSED;
                        unchanged += 1;
                    }
                    Msg::Done(i, entry, json) => {
                        if error.is_some() {
                            continue;
                        }
                        let appended = journal.append(&entry, &json).and_then(|l| {
                            u32::try_from(l.len)
                                .map(|_| l)
                                .map_err(|_| std::io::Error::other("a record is larger than 4 GiB"))
                        });
                        match appended {
                            Ok(l) => {
                                observer.file_done(&entry, false);
                                results[i] = Done {
                                    offset: l.offset,
                                    len: l.len as u32,
                                    entry_len: l.entry_len,
                                };
                                processed += 1;
                                if processed % TRIM_EVERY == 0 {
                                    crate::memory::release_free_memory();
                                }
                            }
                            Err(e) => {
                                error = Some(e);
                                abort.store(true, Ordering::Relaxed);
                            }
                        }
                    }
                }
            }
            (results, processed, unchanged, error)
        });
        pool.install(|| {
            (0..files.len())
                .into_par_iter()
                .with_max_len(1)
                .for_each_with(tx, |tx, i| {
                    if abort.load(Ordering::Relaxed) {
                        return;
                    }
                    let file = files.get(i);
                    let msg = work(i, &file, candidates[i].as_deref(), profiles, options);
                    let _ = tx.send(msg);
                });
        });
        writer.join().expect("writer thread does not panic")
    });
    // The pooled PDF extraction children are not needed past this point.
    crate::extract::pdf::shut_down_workers();
    if let Some(e) = write_error {
        return Err(BatchError::Output {
            path: out.join(journal::JOURNAL_FILE),
            source: e,
        });
    }

    // Commit: records, manifest and run.json in path order, then drop the journal.
    observer.finishing();
    let journal_file = journal
        .reader()
        .map_err(read_err(out.join(journal::JOURNAL_FILE)))?;
    let mut summary = Summary {
        processed,
        unchanged,
        skipped: scan.skipped,
        warnings: scan.warnings.len() as u64,
        ..Summary::default()
    };
    let records_tmp = out.join(RECORDS_FILE);
    let mut records = AtomicFile::create(out, RECORDS_FILE).map_err(output_err(&records_tmp))?;
    let journal_path = out.join(journal::JOURNAL_FILE);
    let loc_of = |i: usize| -> Loc {
        match results[i] {
            Done::PENDING => panic!("file {} was not finished", files.rel_path(i)),
            Done::REUSED => {
                candidates[i]
                    .as_ref()
                    .expect("reused files have a candidate")
                    .loc
            }
            Done { offset, len, .. } => Loc::Journal {
                offset,
                len: u64::from(len),
            },
        }
    };
    for i in 0..files.len() {
        let copied = match loc_of(i) {
            Loc::Journal { offset, len } => {
                journal::copy_range(&journal_file, offset, len, &mut records)
            }
            Loc::Records { offset, len } => {
                let file = prev_records_file.as_ref().expect("records file open");
                journal::copy_range(file, offset, len, &mut records)
            }
        };
        copied
            .and_then(|()| records.write_all(b"\n"))
            .map_err(output_err(&records_tmp))?;
    }
    let manifest_path = out.join(manifest::MANIFEST_FILE);
    let mut manifest_file =
        AtomicFile::create(out, manifest::MANIFEST_FILE).map_err(output_err(&manifest_path))?;
    let mut read_error = None;
    let live = (0..files.len()).map_while(|i| {
        let entry = match results[i] {
            Done::REUSED => Ok(candidates[i].as_ref().expect("candidate").entry.clone()),
            Done {
                offset, entry_len, ..
            } => journal::read_entry(&journal_file, offset, entry_len),
        };
        entry.map_err(|e| read_error = Some(e)).ok()
    });
    for entry in merge_sorted(live, tombstones.into_iter()) {
        summary.add(&entry);
        manifest::write_line(&mut manifest_file, &entry).map_err(output_err(&manifest_path))?;
    }
    if let Some(e) = read_error {
        return Err(BatchError::Read {
            path: journal_path,
            source: e,
        });
    }
    summary.seconds = started.elapsed().as_secs_f64();
    let info = RunInfo {
        referat_version: env!("CARGO_PKG_VERSION").into(),
        fingerprint: options.fingerprint.clone(),
        shard: options.shard.map(|s| s.to_string()),
        summary: summary.clone(),
    };
    commit(out, records, manifest_file, &info)?;
    journal
        .remove()
        .map_err(output_err(out.join(journal::JOURNAL_FILE)))?;
    output::sync_dir(out).map_err(output_err(out))?;
    Ok(summary)
}

/// Flush the three output files to disk, then rename them into place.
pub(crate) fn commit(
    out: &Path,
    records: AtomicFile,
    manifest_file: AtomicFile,
    info: &RunInfo,
) -> Result<(), BatchError> {
    let run_path = out.join(manifest::RUN_FILE);
    let mut run_file =
        AtomicFile::create(out, manifest::RUN_FILE).map_err(output_err(&run_path))?;
    serde_json::to_writer_pretty(&mut run_file, info)
        .map_err(std::io::Error::from)
        .and_then(|()| run_file.write_all(b"\n"))
        .map_err(output_err(&run_path))?;
    let prepared = [
        records
            .finish()
            .map_err(output_err(out.join(RECORDS_FILE)))?,
        manifest_file
            .finish()
            .map_err(output_err(out.join(manifest::MANIFEST_FILE)))?,
        run_file.finish().map_err(output_err(&run_path))?,
    ];
    for p in prepared {
        p.rename().map_err(output_err(out))?;
    }
    output::sync_dir(out).map_err(output_err(out))
}

/// Files between two [`crate::memory::release_free_memory`] calls.
const TRIM_EVERY: u64 = 256;

/// Merge two path-sorted entry streams.
fn merge_sorted(
    a: impl Iterator<Item = Entry>,
    b: impl Iterator<Item = Entry>,
) -> impl Iterator<Item = Entry> {
    let mut a = a.peekable();
    let mut b = b.peekable();
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y.path < x.path => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}

/// Read, hash, and (unless unchanged) process one file.
fn work(
    i: usize,
    file: &InputFile,
    candidate: Option<&Candidate>,
    profiles: &Profiles,
    options: &BatchOptions,
) -> Msg {
    let start = Instant::now();
    let source = |sha256: String, bytes: u64| Source {
        path: file.rel_path.clone(),
        sha256,
        bytes,
        format: file.format,
        pages: None,
    };
    let (record, size) = match std::fs::read(&file.path) {
        Err(e) => {
            let size = std::fs::metadata(&file.path).map(|m| m.len()).unwrap_or(0);
            let record =
                ingest::failed_record(source(String::new(), 0), &FileError::Io(e.to_string()));
            (record, size)
        }
        Ok(bytes) => {
            if let Some(c) = candidate
                && c.entry.sha256 == hex::encode(Sha256::digest(&bytes))
            {
                return Msg::Reused(i);
            }
            let processed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                ingest::process_bytes(&bytes, file, profiles, &options.ingest)
            }));
            let record = processed.unwrap_or_else(|panic| {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                internal_error_record(
                    source(hex::encode(Sha256::digest(&bytes)), bytes.len() as u64),
                    &what,
                )
            });
            (record, bytes.len() as u64)
        }
    };
    let json = serde_json::to_string(&record).unwrap_or_else(|e| {
        let r = internal_error_record(record.source.clone(), &format!("cannot serialize: {e}"));
        serde_json::to_string(&r).expect("a failed record serializes")
    });
    let entry = manifest::Entry::from_record(&record, size, start.elapsed());
    Msg::Done(i, entry, json)
}

/// The record of a file whose processing panicked.
fn internal_error_record(source: Source, what: &str) -> crate::record::Record {
    let mut r = ingest::failed_record(source, &FileError::ExtractorCrashed(String::new()));
    r.errors[0].code = INTERNAL_ERROR.into();
    r.errors[0].message = format!("referat crashed on this file (a bug, please report it): {what}");
    r
}
