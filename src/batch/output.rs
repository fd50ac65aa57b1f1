//! The output folder: its lock, atomic files, and reading `records.jsonl`.
//!
//! Every file in OUT is written to a hidden temporary file in the same
//! folder, flushed to disk and renamed over the old one ([`commit`] does
//! this for the three files of a run together), so a reader (or a run
//! killed half-way) never sees a half-written `records.jsonl`.

use super::summary::{RUN_FILE, RunInfo};
use super::{BatchError, MANIFEST_FILE, output_err};
use serde::Deserialize;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Name of the records file inside OUT.
pub const RECORDS_FILE: &str = "records.jsonl";
/// Name of the lock file that keeps two runs out of one OUT.
pub const LOCK_FILE: &str = ".lock";

/// The lock on an output folder: held while the value lives; the lock file
/// is removed when it is dropped (before the lock is released), so a
/// finished run leaves no `.lock` behind.
pub(super) struct OutLock {
    file: File,
    path: PathBuf,
}

impl Drop for OutLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Create OUT if needed (an existing file named OUT is an error) and take
/// its lock.
pub(super) fn open_out(out: &Path) -> Result<OutLock, BatchError> {
    if std::fs::metadata(out).is_ok_and(|m| !m.is_dir()) {
        return Err(BatchError::OutIsFile(out.to_path_buf()));
    }
    std::fs::create_dir_all(out).map_err(output_err(out))?;
    lock(out)
}

/// Take the lock on OUT. A lock file removed by the run that held it while
/// this one waited is not a lock: the file is opened again until the locked
/// file is the one at the path.
fn lock(out: &Path) -> Result<OutLock, BatchError> {
    let path = out.join(LOCK_FILE);
    loop {
        let file = File::create(&path).map_err(output_err(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(BatchError::Locked(out.to_path_buf()));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(BatchError::Output { path, source: e });
            }
        }
        if same_file(&file, &path) {
            return Ok(OutLock { file, path });
        }
    }
}

/// Whether `path` still names the open `file`.
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Write `run.json`, flush the three output files to disk, then rename them
/// into place.
pub(super) fn commit(
    out: &Path,
    records: AtomicFile,
    manifest: AtomicFile,
    info: &RunInfo,
) -> Result<(), BatchError> {
    let run_path = out.join(RUN_FILE);
    let mut run_file = AtomicFile::create(out, RUN_FILE).map_err(output_err(&run_path))?;
    serde_json::to_writer_pretty(&mut run_file, info)
        .map_err(std::io::Error::from)
        .and_then(|()| run_file.write_all(b"\n"))
        .map_err(output_err(&run_path))?;
    let prepared = [
        records
            .finish()
            .map_err(output_err(out.join(RECORDS_FILE)))?,
        manifest
            .finish()
            .map_err(output_err(out.join(MANIFEST_FILE)))?,
        run_file.finish().map_err(output_err(&run_path))?,
    ];
    for p in prepared {
        p.rename().map_err(output_err(out))?;
    }
    sync_dir(out).map_err(output_err(out))
}

/// A file written under a temporary name, flushed by [`AtomicFile::finish`]
/// and renamed into place by [`Prepared::rename`]. Dropped before that, the
/// temporary file is removed.
#[derive(Debug)]
pub struct AtomicFile {
    writer: Option<BufWriter<File>>,
    tmp: PathBuf,
    target: PathBuf,
}

impl AtomicFile {
    /// Start writing `dir/name` (as `dir/.name.tmp`).
    pub fn create(dir: &Path, name: &str) -> std::io::Result<Self> {
        let tmp = dir.join(format!(".{name}.tmp"));
        let file = File::create(&tmp)?;
        Ok(AtomicFile {
            writer: Some(BufWriter::with_capacity(1 << 20, file)),
            tmp,
            target: dir.join(name),
        })
    }

    /// Flush to disk but do not rename yet (for committing several files together).
    pub fn finish(mut self) -> std::io::Result<Prepared> {
        let writer = self.writer.take().expect("writer present until finish");
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(Prepared {
            tmp: std::mem::take(&mut self.tmp),
            target: std::mem::take(&mut self.target),
        })
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.as_mut().expect("open").write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.writer.as_mut().expect("open").write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.as_mut().expect("open").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// A temporary file on disk, ready to be renamed into place.
#[derive(Debug)]
pub struct Prepared {
    tmp: PathBuf,
    target: PathBuf,
}

impl Prepared {
    /// Rename into place; returns the final path.
    pub fn rename(self) -> std::io::Result<PathBuf> {
        std::fs::rename(&self.tmp, &self.target)?;
        Ok(self.target)
    }
}

/// Flush a folder's entries (renames, removals) to disk.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// The part of a record line needed to index it.
#[derive(Deserialize)]
struct Head {
    source: HeadSource,
}

/// `source.path` and `source.sha256` of a record line.
#[derive(Deserialize)]
struct HeadSource {
    path: String,
    sha256: String,
}

/// A record line located in `records.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLine {
    /// `source.path`.
    pub path: String,
    /// `source.sha256`.
    pub sha256: String,
    /// Byte offset of the line.
    pub offset: u64,
    /// Length of the line without its newline.
    pub len: u64,
}

/// Reads `records.jsonl` line by line without keeping records in memory.
#[derive(Debug)]
pub struct RecordLines {
    reader: BufReader<File>,
    offset: u64,
    buf: Vec<u8>,
    path: PathBuf,
}

impl RecordLines {
    /// Open a records file.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        Ok(RecordLines {
            reader: BufReader::with_capacity(1 << 20, File::open(path)?),
            offset: 0,
            buf: Vec::new(),
            path: path.to_path_buf(),
        })
    }

    /// Advance to the next line and say where it is; its bytes are then
    /// [`RecordLines::line`]. A line that is not a record is an `InvalidData` error.
    pub fn next_line(&mut self) -> std::io::Result<Option<RecordLine>> {
        loop {
            self.buf.clear();
            let n = self.reader.read_until(b'\n', &mut self.buf)?;
            if n == 0 {
                return Ok(None);
            }
            let start = self.offset;
            self.offset += n as u64;
            let line = self.line();
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let head: Head = serde_json::from_slice(line).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} at byte {start}: not a record: {e}", self.path.display()),
                )
            })?;
            return Ok(Some(RecordLine {
                path: head.source.path,
                sha256: head.source.sha256,
                offset: start,
                len: line.len() as u64,
            }));
        }
    }

    /// The bytes of the current line, without its newline.
    pub fn line(&self) -> &[u8] {
        self.buf.strip_suffix(b"\n").unwrap_or(&self.buf)
    }
}
