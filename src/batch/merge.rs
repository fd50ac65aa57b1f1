//! `referat merge OUT1 OUT2 … --out OUT`: join the outputs of shard runs
//! into what one run over the whole corpus writes.
//!
//! Every finished OUT holds `records.jsonl` and `manifest.jsonl` sorted by
//! path, so the merge is a streaming k-way merge: memory holds one line per
//! input folder, whatever the corpus size. When a path occurs in several
//! folders (shards of different `N`, or an overlapping rerun), the first
//! folder on the command line that has a record for it wins, and a
//! `removed` line never hides a live one.

use super::manifest::{self, Entry};
use super::output::{self, AtomicFile, RECORDS_FILE, RecordLines};
use super::summary::{RunInfo, Summary, read_run_info};
use super::{BatchError, Observer, journal, output_err, read_err};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Merge the finished output folders `outs` into `target`. Folders written
/// under different fingerprints are an error unless `force` (then a
/// warning).
pub fn merge(
    outs: &[PathBuf],
    target: &Path,
    force: bool,
    observer: &dyn Observer,
) -> Result<Summary, BatchError> {
    let started = Instant::now();
    let fingerprint = check_outputs(outs, force, observer)?;
    let _lock = output::open_out(target)?;
    // A journal in the target belongs to a run whose records are replaced now.
    let stale = target.join(journal::JOURNAL_FILE);
    if stale.exists() {
        std::fs::remove_file(&stale).map_err(output_err(&stale))?;
    }

    let mut summary = Summary::default();
    let manifest_path = target.join(manifest::MANIFEST_FILE);
    let mut manifest_out =
        AtomicFile::create(target, manifest::MANIFEST_FILE).map_err(output_err(&manifest_path))?;
    merge_manifests(outs, observer, |entry| {
        summary.add(entry);
        summary.add_skipped(entry);
        manifest::write_line(&mut manifest_out, entry).map_err(output_err(&manifest_path))
    })?;
    summary.merged_from = outs.len() as u64;

    let records_path = target.join(RECORDS_FILE);
    let mut records_out =
        AtomicFile::create(target, RECORDS_FILE).map_err(output_err(&records_path))?;
    let records = merge_records(outs, &mut records_out).map_err(|e| e.into_batch(&records_path))?;
    if records != summary.files {
        observer.warning(&format!(
            "the manifests list {} files with a record but the records files hold {records}",
            summary.files
        ));
    }
    summary.seconds = started.elapsed().as_secs_f64();
    let info = RunInfo {
        referat_version: env!("CARGO_PKG_VERSION").into(),
        fingerprint: fingerprint.unwrap_or_default(),
        shard: None,
        summary: summary.clone(),
    };
    output::commit(target, records_out, manifest_out, &info)?;
    Ok(summary)
}

/// Every folder must be a finished output; returns the first folder's
/// fingerprint. A folder written under another one is an error, or with
/// `force` a warning.
fn check_outputs(
    outs: &[PathBuf],
    force: bool,
    observer: &dyn Observer,
) -> Result<Option<String>, BatchError> {
    let mut fingerprint: Option<String> = None;
    for out in outs {
        let not_output = |message: &str| BatchError::NotAnOutput {
            path: out.clone(),
            message: message.into(),
        };
        if !out.is_dir() {
            return Err(not_output("no such folder"));
        }
        if journal::exists(out) {
            return Err(not_output(
                "holds an unfinished run (.journal); run that ingest again to finish it first",
            ));
        }
        for name in [RECORDS_FILE, manifest::MANIFEST_FILE] {
            if !out.join(name).is_file() {
                return Err(not_output(&format!(
                    "has no {name}; is it a referat output folder?"
                )));
            }
        }
        let fp = read_run_info(out).map(|i| i.fingerprint);
        match (&fingerprint, fp) {
            (None, Some(fp)) => fingerprint = Some(fp),
            (Some(a), Some(b)) if *a != b && force => observer.warning(&format!(
                "{} was written by another referat version or other grammars or options \
                 than {} (merged anyway: --force)",
                out.display(),
                outs[0].display()
            )),
            (Some(a), Some(b)) if *a != b => {
                return Err(BatchError::FingerprintMismatch {
                    path: out.clone(),
                    found: b,
                    first: outs[0].clone(),
                    expected: a.clone(),
                });
            }
            _ => {}
        }
    }
    Ok(fingerprint)
}

/// Reads one manifest line by line, checking that paths ascend.
struct ManifestLines {
    lines: std::io::Lines<BufReader<std::fs::File>>,
    path: PathBuf,
    last: Option<String>,
}

impl ManifestLines {
    fn next_entry(&mut self) -> Result<Option<Entry>, BatchError> {
        for line in self.lines.by_ref() {
            let line = line.map_err(read_err(&self.path))?;
            if line.trim().is_empty() {
                continue;
            }
            let entry: Entry =
                serde_json::from_str(&line).map_err(|e| BatchError::NotAnOutput {
                    path: self.path.clone(),
                    message: format!("not a manifest line: {e}"),
                })?;
            if self.last.as_ref().is_some_and(|l| *l >= entry.path) {
                return Err(BatchError::NotAnOutput {
                    path: self.path.clone(),
                    message: "manifest is not sorted by path".into(),
                });
            }
            self.last = Some(entry.path.clone());
            return Ok(Some(entry));
        }
        Ok(None)
    }
}

/// K-way merge of the manifests; `emit` receives one entry per path, in order.
fn merge_manifests(
    outs: &[PathBuf],
    observer: &dyn Observer,
    mut emit: impl FnMut(&Entry) -> Result<(), BatchError>,
) -> Result<(), BatchError> {
    let mut readers = Vec::new();
    for out in outs {
        let path = out.join(manifest::MANIFEST_FILE);
        let file = std::fs::File::open(&path).map_err(read_err(&path))?;
        readers.push(ManifestLines {
            lines: BufReader::new(file).lines(),
            path,
            last: None,
        });
    }
    let mut heads: Vec<Option<Entry>> = Vec::with_capacity(readers.len());
    let mut heap = BinaryHeap::new();
    for (i, r) in readers.iter_mut().enumerate() {
        let head = r.next_entry()?;
        if let Some(e) = &head {
            heap.push(Reverse((e.path.clone(), i)));
        }
        heads.push(head);
    }
    while let Some(Reverse((path, i))) = heap.pop() {
        let mut same = vec![i];
        while heap.peek().is_some_and(|Reverse((p, _))| *p == path) {
            let Reverse((_, j)) = heap.pop().expect("peeked");
            same.push(j);
        }
        same.sort_unstable();
        let entries: Vec<Entry> = same
            .iter()
            .map(|&j| heads[j].take().expect("head of a stream in the heap"))
            .collect();
        let live: Vec<&Entry> = entries.iter().filter(|e| e.is_live()).collect();
        if live.windows(2).any(|w| w[0].sha256 != w[1].sha256) {
            observer.warning(&format!(
                "{path}: different content in several folders; keeping the one from {}",
                outs[same[entries.iter().position(|e| e.is_live()).expect("live")]].display()
            ));
        }
        emit(live.first().copied().unwrap_or(&entries[0]))?;
        for j in same {
            if let Some(e) = readers[j].next_entry()? {
                heap.push(Reverse((e.path.clone(), j)));
                heads[j] = Some(e);
            }
        }
    }
    Ok(())
}

/// Errors of the records merge.
enum MergeIo {
    Read(PathBuf, std::io::Error),
    Write(std::io::Error),
    Unsorted(PathBuf),
}

impl MergeIo {
    /// As a [`BatchError`]; `written` is the records file being written.
    fn into_batch(self, written: &Path) -> BatchError {
        match self {
            MergeIo::Read(path, source) => BatchError::Read { path, source },
            MergeIo::Write(source) => BatchError::Output {
                path: written.to_path_buf(),
                source,
            },
            MergeIo::Unsorted(path) => BatchError::NotAnOutput {
                path,
                message: "records.jsonl is not sorted by source.path".into(),
            },
        }
    }
}

/// K-way merge of the records files into `w`; returns the number of records written.
fn merge_records(outs: &[PathBuf], w: &mut impl Write) -> Result<u64, MergeIo> {
    let mut readers = Vec::new();
    for out in outs {
        let path = out.join(RECORDS_FILE);
        readers.push((
            RecordLines::open(&path).map_err(|e| MergeIo::Read(path.clone(), e))?,
            path,
        ));
    }
    let mut heap = BinaryHeap::new();
    let mut last: Vec<Option<String>> = vec![None; readers.len()];
    let mut advance = |readers: &mut Vec<(RecordLines, PathBuf)>,
                       heap: &mut BinaryHeap<Reverse<(String, usize)>>,
                       i: usize|
     -> Result<(), MergeIo> {
        let (reader, path) = &mut readers[i];
        if let Some(line) = reader
            .next_line()
            .map_err(|e| MergeIo::Read(path.clone(), e))?
        {
            if last[i].as_ref().is_some_and(|l| *l >= line.path) {
                return Err(MergeIo::Unsorted(path.clone()));
            }
            last[i] = Some(line.path.clone());
            heap.push(Reverse((line.path, i)));
        }
        Ok(())
    };
    for i in 0..readers.len() {
        advance(&mut readers, &mut heap, i)?;
    }
    let mut written = 0;
    while let Some(Reverse((path, i))) = heap.pop() {
        let mut same = vec![i];
        while heap.peek().is_some_and(|Reverse((p, _))| *p == path) {
            let Reverse((_, j)) = heap.pop().expect("peeked");
            same.push(j);
        }
        let first = *same.iter().min().expect("non-empty");
        w.write_all(readers[first].0.line())
            .map_err(MergeIo::Write)?;
        w.write_all(b"\n").map_err(MergeIo::Write)?;
        written += 1;
        for j in same {
            advance(&mut readers, &mut heap, j)?;
        }
    }
    Ok(written)
}
