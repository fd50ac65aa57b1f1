//! `referat ingest --stdout`: records to standard output, in path order,
//! for pipes and `jq`; nothing is written to disk and nothing is resumed.

use super::process::{Msg, work, worker_pool};
use super::summary::Summary;
use super::{BatchError, BatchOptions, Observer};
use crate::profile::Profiles;
use crate::walk;
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// Files processed together before their records are written, per
/// worker: bounds memory while keeping the output in path order.
const CHUNK_PER_JOB: usize = 8;

/// Walk `inputs`, process every file on `options.jobs` threads and write
/// each record as one JSON line to `out`, sorted by path. Skipped entries
/// are reported to the observer. A write error (a closed pipe) ends the
/// run with [`BatchError::Output`].
pub fn stream(
    inputs: &[PathBuf],
    profiles: &Profiles,
    options: &BatchOptions,
    observer: &dyn Observer,
    out: &mut dyn Write,
) -> Result<Summary, BatchError> {
    let started = Instant::now();
    let (present, missing) = super::split_missing(inputs);
    if present.is_empty() && !missing.is_empty() {
        return Err(BatchError::NothingToRead { missing });
    }
    for m in &missing {
        observer.warning(&format!("input {} does not exist", m.display()));
    }
    let scan = walk::scan(&present, &[]);
    for w in &scan.warnings {
        observer.warning(w);
    }
    for s in &scan.skipped_files {
        observer.note(&format!("skipped {} ({})", s.rel_path, s.reason.code()));
    }
    let pool = worker_pool(options.jobs)?;
    let mut summary = Summary {
        unsupported_inputs: super::unsupported_inputs(&present),
        missing_inputs: missing,
        skipped: scan.skipped,
        warnings: scan.warnings.len() as u64,
        ..Summary::default()
    };
    let files = &scan.files;
    observer.start(files.len() as u64);
    let chunk = options.jobs.max(1) * CHUNK_PER_JOB;
    let stdout_err = |source| BatchError::Output {
        path: PathBuf::from("-"),
        source,
    };
    let mut start = 0;
    while start < files.len() {
        let end = (start + chunk).min(files.len());
        let done: Vec<Msg> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .with_max_len(1)
                .map(|i| work(i, &files.get(i), None, profiles, options))
                .collect()
        });
        for msg in done {
            if let Msg::Done(_, entry, json) = msg {
                out.write_all(json.as_bytes()).map_err(stdout_err)?;
                out.write_all(b"\n").map_err(stdout_err)?;
                observer.file_done(&entry, false);
                summary.add(&entry);
                summary.processed += 1;
            }
        }
        start = end;
    }
    out.flush().map_err(stdout_err)?;
    crate::extract::pdf::shut_down_workers();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}
