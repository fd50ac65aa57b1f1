//! Committing a run: `records.jsonl`, `manifest.jsonl` and `run.json`
//! written in path order from the journal and the previous output, renamed
//! into place together, then the journal removed.

use super::journal::{self, Journal};
use super::manifest::{self, Entry};
use super::output::{self, AtomicFile, RECORDS_FILE};
use super::plan::{Candidate, Loc, Plan, Unseen};
use super::process::{Done, Processed};
use super::summary::{RunInfo, Summary};
use super::{
    BatchError, BatchOptions, JOURNAL_FILE, MANIFEST_FILE, Observer, output_err, read_err,
};
use crate::walk::SkippedFile;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

/// One line of the output, in path order: an input file (by index), or a
/// file of an earlier run that was not seen.
enum Slot<'a> {
    File(usize),
    Unseen(&'a Unseen),
    Skipped(&'a SkippedFile),
}

impl Slot<'_> {
    /// The line's path.
    fn path<'p>(&'p self, plan: &'p Plan) -> &'p str {
        match self {
            Slot::File(i) => plan.files.rel_path(*i),
            Slot::Unseen(u) => u.path(),
            Slot::Skipped(s) => &s.rel_path,
        }
    }
}

/// Write the output of a finished run and drop the journal. `summary`
/// holds the run's counts so far; the manifest's counts and the time are
/// added here.
pub(super) fn commit(
    plan: Plan,
    done: Processed,
    journal: Journal,
    options: &BatchOptions,
    observer: &dyn Observer,
    mut summary: Summary,
    started: Instant,
) -> Result<Summary, BatchError> {
    observer.finishing();
    let out = options.out.as_path();
    let journal_file = journal.reader().map_err(read_err(out.join(JOURNAL_FILE)))?;
    let sources = Sources {
        out,
        plan: &plan,
        results: &done.results,
        journal: &journal_file,
    };
    let mut records = create(out, RECORDS_FILE)?;
    let mut manifest = create(out, MANIFEST_FILE)?;
    for slot in in_path_order(&plan) {
        let (entry, loc) = sources.line(slot)?;
        if let Some(loc) = loc {
            sources
                .copy(loc, &mut records)
                .map_err(output_err(out.join(RECORDS_FILE)))?;
        }
        summary.add(&entry);
        manifest::write_line(&mut manifest, &entry).map_err(output_err(out.join(MANIFEST_FILE)))?;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    let info = RunInfo {
        referat_version: env!("CARGO_PKG_VERSION").into(),
        fingerprint: options.fingerprint.clone(),
        shard: options.shard.map(|s| s.to_string()),
        summary: summary.clone(),
    };
    output::commit(out, records, manifest, &info)?;
    journal
        .remove()
        .map_err(output_err(out.join(JOURNAL_FILE)))?;
    output::sync_dir(out).map_err(output_err(out))?;
    Ok(summary)
}

/// Start writing `out/name` atomically.
fn create(out: &Path, name: &str) -> Result<AtomicFile, BatchError> {
    AtomicFile::create(out, name).map_err(output_err(out.join(name)))
}

/// The plan's files, unseen files and skipped entries merged by path
/// (each is path-sorted).
fn in_path_order(plan: &Plan) -> impl Iterator<Item = Slot<'_>> {
    let files = (0..plan.files.len()).map(Slot::File);
    let unseen = plan.unseen.iter().map(Slot::Unseen);
    let skipped = plan.skipped_files.iter().map(Slot::Skipped);
    let mut streams = [
        Box::new(files) as Box<dyn Iterator<Item = Slot<'_>>>,
        Box::new(unseen),
        Box::new(skipped),
    ]
    .map(Iterator::peekable);
    std::iter::from_fn(move || {
        let next = streams
            .iter_mut()
            .enumerate()
            .filter_map(|(k, s)| s.peek().map(|slot| (slot.path(plan), k)))
            .min()
            .map(|(_, k)| k)?;
        streams[next].next()
    })
}

/// Where the output lines come from.
struct Sources<'a> {
    out: &'a Path,
    plan: &'a Plan,
    results: &'a [Done],
    journal: &'a File,
}

impl Sources<'_> {
    /// A slot's manifest entry, and where its record is (none for `removed`).
    fn line(&self, slot: Slot<'_>) -> Result<(Entry, Option<Loc>), BatchError> {
        let kept = |c: &Candidate| Ok((c.entry.clone(), Some(c.loc)));
        match slot {
            Slot::Unseen(Unseen::Kept(c)) => kept(c),
            Slot::Unseen(Unseen::Removed(e)) => Ok((e.clone(), None)),
            Slot::Skipped(s) => Ok((Entry::skipped(s), None)),
            Slot::File(i) => match self.results[i] {
                Done::PENDING => panic!("file {} was not finished", self.plan.files.rel_path(i)),
                Done::REUSED => kept(
                    self.plan.candidates[i]
                        .as_ref()
                        .expect("reused files have a candidate"),
                ),
                Done {
                    offset,
                    len,
                    entry_len,
                } => {
                    let entry = journal::read_entry(self.journal, offset, entry_len)
                        .map_err(read_err(self.out.join(JOURNAL_FILE)))?;
                    let len = u64::from(len);
                    Ok((entry, Some(Loc::Journal { offset, len })))
                }
            },
        }
    }

    /// Copy a record line (and its newline) to `w`.
    fn copy(&self, loc: Loc, w: &mut impl Write) -> std::io::Result<()> {
        match loc {
            Loc::Journal { offset, len } => journal::copy_range(self.journal, offset, len, w),
            Loc::Records { offset, len } => {
                let file = self
                    .plan
                    .previous_records
                    .as_ref()
                    .expect("records file open");
                journal::copy_range(file, offset, len, w)
            }
        }?;
        w.write_all(b"\n")
    }
}
