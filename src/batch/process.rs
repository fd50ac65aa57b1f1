//! Processing the planned files: rayon workers read, hash and (unless
//! unchanged) process each file; one writer thread appends every finished
//! record to the journal and keeps 16 bytes per file.

use super::journal::Journal;
use super::manifest::Entry;
use super::plan::{Candidate, Plan};
use super::{BatchError, BatchOptions, JOURNAL_FILE, Observer};
use crate::error::FileError;
use crate::ingest;
use crate::profile::Profiles;
use crate::record::{Record, Source};
use crate::walk::InputFile;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

/// Files between two [`crate::memory::release_free_memory`] calls.
const TRIM_EVERY: u64 = 256;

/// A finished file, as the writer remembers it until the commit: 16 bytes.
/// The manifest entry of a processed file is read back from the journal
/// then, not held in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Done {
    /// Offset of the record JSON in the journal, which is preceded by its
    /// manifest entry of `entry_len` bytes and a tab; [`Done::REUSED`]
    /// when the earlier record (the file's [`Candidate`]) is kept.
    pub offset: u64,
    /// Length of the record JSON.
    pub len: u32,
    pub entry_len: u32,
}

impl Done {
    /// Not finished (yet).
    pub const PENDING: Done = Done {
        offset: u64::MAX,
        len: u32::MAX,
        entry_len: u32::MAX,
    };
    /// The earlier record is kept.
    pub const REUSED: Done = Done {
        offset: u64::MAX,
        len: 0,
        entry_len: 0,
    };
}

/// What processing left: per file where its record is, and counts.
#[derive(Debug)]
pub(super) struct Processed {
    pub results: Vec<Done>,
    pub processed: u64,
    pub unchanged: u64,
}

/// What a worker sends to the writer.
pub(super) enum Msg {
    /// File `i` is unchanged; its candidate is kept.
    Reused(usize),
    /// File `i` was processed: its manifest line and serialized record.
    Done(usize, Entry, String),
}

/// Process the plan's files on `options.jobs` threads, appending to `journal`.
pub(super) fn process(
    plan: &Plan,
    journal: &mut Journal,
    profiles: &Profiles,
    options: &BatchOptions,
    observer: &dyn Observer,
) -> Result<Processed, BatchError> {
    observer.start(plan.files.len() as u64);
    let pool = worker_pool(options.jobs)?;
    let abort = AtomicBool::new(false);
    let (tx, rx) = mpsc::sync_channel::<Msg>(options.jobs.max(1) * 2);
    let mut writer = Writer::new(plan, journal, observer);
    std::thread::scope(|s| {
        s.spawn(|| writer.receive_all(rx, &abort));
        pool.install(|| {
            (0..plan.files.len())
                .into_par_iter()
                .with_max_len(1)
                .for_each_with(tx, |tx, i| {
                    if abort.load(Ordering::Relaxed) {
                        return;
                    }
                    let file = plan.files.get(i);
                    let candidate = plan.candidates[i].as_deref();
                    let _ = tx.send(work(i, &file, candidate, profiles, options));
                });
        });
    });
    // The pooled PDF extraction children are not needed past this point.
    crate::extract::pdf::shut_down_workers();
    writer.finish(&options.out)
}

/// The pool of `jobs` worker threads that process files.
pub(super) fn worker_pool(jobs: usize) -> Result<rayon::ThreadPool, BatchError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.max(1))
        .thread_name(|i| format!("referat-worker-{i}"))
        .build()
        .map_err(|e| BatchError::Threads(jobs, e.to_string()))
}

/// The one thread that appends finished records to the journal.
struct Writer<'a> {
    plan: &'a Plan,
    journal: &'a mut Journal,
    observer: &'a dyn Observer,
    done: Processed,
    error: Option<std::io::Error>,
}

impl<'a> Writer<'a> {
    fn new(plan: &'a Plan, journal: &'a mut Journal, observer: &'a dyn Observer) -> Self {
        Writer {
            plan,
            journal,
            observer,
            done: Processed {
                results: vec![Done::PENDING; plan.files.len()],
                processed: 0,
                unchanged: 0,
            },
            error: None,
        }
    }

    /// Take messages until every worker is gone; on a write error, ask the
    /// workers to stop through `abort`.
    fn receive_all(&mut self, rx: mpsc::Receiver<Msg>, abort: &AtomicBool) {
        for msg in rx {
            match msg {
                Msg::Reused(i) => self.reused(i),
                Msg::Done(..) if self.error.is_some() => {}
                Msg::Done(i, entry, json) => {
                    if let Err(e) = self.append(i, &entry, &json) {
                        self.error = Some(e);
                        abort.store(true, Ordering::Relaxed);
                    }
                }
            }
        }
    }

    /// File `i` keeps its earlier record.
    fn reused(&mut self, i: usize) {
        let c = self.plan.candidates[i]
            .as_ref()
            .expect("reused files have a candidate");
        self.observer.file_done(&c.entry, true);
        self.done.results[i] = Done::REUSED;
        self.done.unchanged += 1;
    }

    /// Append file `i`'s record to the journal.
    fn append(&mut self, i: usize, entry: &Entry, json: &str) -> std::io::Result<()> {
        let l = self.journal.append(entry, json)?;
        let len = u32::try_from(l.len)
            .map_err(|_| std::io::Error::other("a record is larger than 4 GiB"))?;
        self.observer.file_done(entry, false);
        self.done.results[i] = Done {
            offset: l.offset,
            len,
            entry_len: l.entry_len,
        };
        self.done.processed += 1;
        if self.done.processed.is_multiple_of(TRIM_EVERY) {
            crate::memory::release_free_memory();
        }
        Ok(())
    }

    /// The results, or the journal write error.
    fn finish(self, out: &std::path::Path) -> Result<Processed, BatchError> {
        match self.error {
            Some(source) => Err(BatchError::Output {
                path: out.join(JOURNAL_FILE),
                source,
            }),
            None => Ok(self.done),
        }
    }
}

/// Read and hash one file, and process it unless its earlier record is
/// for the same content.
pub(super) fn work(
    i: usize,
    file: &InputFile,
    candidate: Option<&Candidate>,
    profiles: &Profiles,
    options: &BatchOptions,
) -> Msg {
    let start = Instant::now();
    if let Some((source, error)) = oversized(file, &options.ingest.limits) {
        if candidate.is_some_and(|c| c.entry.sha256 == source.sha256) {
            return Msg::Reused(i);
        }
        let size = source.bytes;
        return done(i, Record::failed(source, &error), size, start);
    }
    let (record, size) = match std::fs::read(&file.path) {
        Err(e) => {
            let size = std::fs::metadata(&file.path).map(|m| m.len()).unwrap_or(0);
            let source = Source::new(file.rel_path.clone(), file.format, String::new(), 0);
            (Record::failed(source, &FileError::Io(e.to_string())), size)
        }
        Ok(bytes) => {
            let source = Source::of(file.rel_path.clone(), file.format, &bytes);
            if candidate.is_some_and(|c| c.entry.sha256 == source.sha256) {
                return Msg::Reused(i);
            }
            let mut record = guarded(&bytes, source, profiles, options);
            ingest::link_related(&mut record, &file.path);
            (record, bytes.len() as u64)
        }
    };
    done(i, record, size, start)
}

/// The finished record of file `i` (`size` bytes) as a message to the writer.
fn done(i: usize, record: Record, size: u64, start: Instant) -> Msg {
    let json = serde_json::to_string(&record).unwrap_or_else(|e| {
        let r = internal_error(record.source.clone(), &format!("cannot serialize: {e}"));
        serde_json::to_string(&r).expect("a failed record serializes")
    });
    let entry = Entry::from_record(&record, size, start.elapsed());
    Msg::Done(i, entry, json)
}

/// A file past its format's size limit, hashed as it streams by instead of
/// read into memory: its source and its `text-too-large` or `pdf-too-large`
/// error.
fn oversized(file: &InputFile, limits: &ingest::FileLimits) -> Option<(Source, FileError)> {
    use sha2::Digest;
    let len = std::fs::metadata(&file.path).ok()?.len();
    let error = limits.too_large(file.format, len)?;
    use std::io::Read;
    let mut hasher = sha2::Sha256::new();
    let mut reader = std::fs::File::open(&file.path).ok()?;
    let (mut buf, mut bytes) = (vec![0u8; 1 << 16], 0u64);
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buf[..n]);
                bytes += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    let sha256 = hex::encode(hasher.finalize());
    Some((
        Source::new(file.rel_path.clone(), file.format, sha256, bytes),
        error,
    ))
}

/// Process one file's bytes; a panic (a bug) becomes an `internal-error` record.
fn guarded(bytes: &[u8], source: Source, profiles: &Profiles, options: &BatchOptions) -> Record {
    let kept = source.clone();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ingest::process(bytes, source, profiles, &options.ingest)
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        internal_error(kept, &what)
    })
}

/// The record of a file whose processing panicked.
fn internal_error(source: Source, what: &str) -> Record {
    Record::failed(source, &FileError::Internal(what.into()))
}
