//! `OUT/.journal`: the append-only log of records finished during a run.
//!
//! Each finished file is one line, written by the single writer thread
//! (the head, then the record JSON as it is, then the newline):
//!
//! ```text
//! <checksum>\t<manifest entry JSON>\t<record JSON>\n
//! ```
//!
//! where `<checksum>` is the first 16 hex digits of the SHA-256 of
//! everything between the first tab and the newline. Compact JSON never
//! holds a raw tab or newline, so the line splits unambiguously. The first
//! line names the format and the configuration fingerprint.
//!
//! A run killed at any moment (even mid-write) leaves a journal whose valid
//! lines are exactly the files it finished; [`Journal::open`] keeps those,
//! cuts off a torn tail, and appends after them. The journal is removed
//! once `records.jsonl` and `manifest.jsonl` have been renamed into place;
//! until then it is the authority for the files it lists.

use super::manifest::Entry;
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Name of the journal inside OUT (hidden: it exists only during a run).
pub const JOURNAL_FILE: &str = ".journal";
/// First word of the journal header.
const MAGIC: &str = "referat-journal 1";
/// Hex digits of the per-line checksum.
const SUM_LEN: usize = 16;

/// A record stored in a file: its manifest line and the byte range of its JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// The file's manifest line.
    pub entry: Entry,
    /// Byte offset of the record JSON.
    pub offset: u64,
    /// Length of the record JSON in bytes (without the newline).
    pub len: u64,
    /// Length of the manifest entry JSON, which ends one byte (a tab)
    /// before `offset` (see [`read_entry`]).
    pub entry_len: u32,
}

/// What [`Journal::open`] found from an interrupted run.
#[derive(Debug, Default)]
pub struct Recovered {
    /// Finished files, in the order they were written (a path may repeat; the last wins).
    pub entries: Vec<Located>,
    /// Bytes of a torn or corrupt tail that were cut off.
    pub discarded_bytes: u64,
    /// The journal was from another configuration (or unreadable) and was started afresh.
    pub reset: bool,
}

/// The open journal, positioned for appending.
#[derive(Debug)]
pub struct Journal {
    file: File,
    path: PathBuf,
    len: u64,
}

/// Whether OUT holds a journal (an unfinished run).
pub fn exists(out: &Path) -> bool {
    out.join(JOURNAL_FILE).exists()
}

/// First 16 hex digits of the SHA-256 of `bytes`.
fn checksum(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..SUM_LEN / 2])
}

impl Journal {
    /// Open (or create) the journal of `out`. With `fresh`, or when the
    /// journal was written under another `fingerprint`, it starts empty;
    /// otherwise its valid lines are returned and a torn tail is cut off.
    pub fn open(out: &Path, fingerprint: &str, fresh: bool) -> std::io::Result<(Self, Recovered)> {
        let path = out.join(JOURNAL_FILE);
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)?;
        let header = format!("{MAGIC} {fingerprint}\n");
        let mut recovered = Recovered::default();
        let mut valid_len = 0u64;
        if !fresh {
            let mut reader = BufReader::new(&file);
            let mut line = Vec::new();
            reader.read_until(b'\n', &mut line)?;
            if line == header.as_bytes() {
                valid_len = line.len() as u64;
                loop {
                    line.clear();
                    let n = reader.read_until(b'\n', &mut line)?;
                    if n == 0 {
                        break;
                    }
                    match parse_line(&line, valid_len) {
                        Some(located) => {
                            valid_len += n as u64;
                            recovered.entries.push(located);
                        }
                        None => break,
                    }
                }
            } else {
                recovered.reset = !line.is_empty();
            }
        }
        let total = file.metadata()?.len();
        let mut journal = Journal {
            file,
            path,
            len: valid_len,
        };
        if valid_len == 0 {
            journal.file.set_len(0)?;
            journal.file.write_all(header.as_bytes())?;
            journal.len = header.len() as u64;
        } else if total > valid_len {
            recovered.discarded_bytes = total - valid_len;
            journal.file.set_len(valid_len)?;
        }
        journal.file.seek(SeekFrom::End(0))?;
        Ok((journal, recovered))
    }

    /// Append one finished file; returns where its record is. The record
    /// JSON is written as it is, not copied into the line: a large record
    /// costs no second and third copy.
    pub fn append(&mut self, entry: &Entry, record_json: &str) -> std::io::Result<Located> {
        let entry_json = serde_json::to_string(entry)?;
        let mut sum = Sha256::new();
        sum.update(entry_json.as_bytes());
        sum.update(b"\t");
        sum.update(record_json.as_bytes());
        let mut head = hex::encode(&sum.finalize()[..SUM_LEN / 2]);
        head.push('\t');
        head.push_str(&entry_json);
        head.push('\t');
        let offset = self.len + head.len() as u64;
        self.file.write_all(head.as_bytes())?;
        self.file.write_all(record_json.as_bytes())?;
        self.file.write_all(b"\n")?;
        self.len = offset + record_json.len() as u64 + 1;
        Ok(Located {
            entry: entry.clone(),
            offset,
            len: record_json.len() as u64,
            entry_len: entry_json.len() as u32,
        })
    }

    /// A separate read handle, for copying records out of the journal.
    pub fn reader(&self) -> std::io::Result<File> {
        File::open(&self.path)
    }

    /// Delete the journal (after its contents were committed).
    pub fn remove(self) -> std::io::Result<()> {
        drop(self.file);
        std::fs::remove_file(&self.path)
    }
}

/// Parse one journal line starting at byte `start`; None when torn or corrupt.
fn parse_line(line: &[u8], start: u64) -> Option<Located> {
    let body = line.strip_suffix(b"\n")?;
    if body.len() < SUM_LEN + 1 || body[SUM_LEN] != b'\t' {
        return None;
    }
    let (sum, payload) = (&body[..SUM_LEN], &body[SUM_LEN + 1..]);
    if checksum(payload).as_bytes() != sum {
        return None;
    }
    let tab = payload.iter().position(|&b| b == b'\t')?;
    let entry: Entry = serde_json::from_slice(&payload[..tab]).ok()?;
    Some(Located {
        entry,
        offset: start + (SUM_LEN + 1 + tab + 1) as u64,
        len: (payload.len() - tab - 1) as u64,
        entry_len: tab as u32,
    })
}

/// The manifest entry of the record at `record_offset` in the journal
/// `file`, whose JSON is `entry_len` bytes long (see [`Located::entry_len`]).
pub fn read_entry(file: &File, record_offset: u64, entry_len: u32) -> std::io::Result<Entry> {
    use std::os::unix::fs::FileExt;
    let start = record_offset
        .checked_sub(u64::from(entry_len) + 1)
        .ok_or(std::io::ErrorKind::InvalidData)?;
    let mut buf = vec![0u8; entry_len as usize];
    file.read_exact_at(&mut buf, start)?;
    Ok(serde_json::from_slice(&buf)?)
}

/// Copy `len` bytes at `offset` of `file` to `w`.
pub fn copy_range(file: &File, offset: u64, len: u64, w: &mut impl Write) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; len.min(1 << 16) as usize];
    let mut done = 0u64;
    while done < len {
        let n = (len - done).min(buf.len() as u64) as usize;
        file.read_exact_at(&mut buf[..n], offset + done)?;
        w.write_all(&buf[..n])?;
        done += n as u64;
    }
    Ok(())
}

/// What the journal of `out` holds, read only (for `referat status`): its
/// fingerprint and the files finished so far (each path once), or `None`
/// when there is no readable journal.
pub fn peek(out: &Path) -> Option<(String, Vec<Entry>)> {
    let file = File::open(out.join(JOURNAL_FILE)).ok()?;
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line).ok()?;
    let header = String::from_utf8_lossy(&line).into_owned();
    let fingerprint = header.trim_end().strip_prefix(MAGIC)?.trim().to_string();
    let mut start = line.len() as u64;
    let mut entries: Vec<Entry> = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).ok()?;
        if n == 0 {
            break;
        }
        let Some(located) = parse_line(&line, start) else {
            break;
        };
        start += n as u64;
        entries.retain(|e| e.path != located.entry.path);
        entries.push(located.entry);
    }
    Some((fingerprint, entries))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::manifest::EntryStatus;

    fn entry(path: &str) -> Entry {
        Entry {
            path: path.into(),
            size: 3,
            sha256: "ab".into(),
            status: EntryStatus::Ok,
            reason: None,
            warnings: Default::default(),
            error: None,
            pages: None,
            tables: 0,
            duration_ms: 1,
        }
    }

    fn read_back(dir: &Path, l: &Located) -> String {
        let mut out = Vec::new();
        copy_range(
            &File::open(dir.join(JOURNAL_FILE)).unwrap(),
            l.offset,
            l.len,
            &mut out,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn torn_tail_is_cut_and_appends_continue() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, r) = Journal::open(dir.path(), "fp", false).unwrap();
        assert!(r.entries.is_empty());
        let a = j.append(&entry("a.txt"), r#"{"x":"a\tb"}"#).unwrap();
        j.append(&entry("b.txt"), r#"{"x":2}"#).unwrap();
        drop(j);
        // Tear the last line.
        let p = dir.path().join(JOURNAL_FILE);
        let len = std::fs::metadata(&p).unwrap().len();
        OpenOptions::new()
            .write(true)
            .open(&p)
            .unwrap()
            .set_len(len - 3)
            .unwrap();
        let (mut j, r) = Journal::open(dir.path(), "fp", false).unwrap();
        assert_eq!(r.entries, vec![a.clone()]);
        assert!(r.discarded_bytes > 0);
        assert_eq!(read_back(dir.path(), &r.entries[0]), r#"{"x":"a\tb"}"#);
        let file = File::open(dir.path().join(JOURNAL_FILE)).unwrap();
        let back = read_entry(&file, a.offset, a.entry_len).unwrap();
        assert_eq!(back, entry("a.txt"));
        let c = j.append(&entry("c.txt"), "{}").unwrap();
        drop(j);
        let (_, r) = Journal::open(dir.path(), "fp", false).unwrap();
        assert_eq!(r.entries, vec![a, c]);
        // Another fingerprint starts afresh.
        let (_, r) = Journal::open(dir.path(), "other", false).unwrap();
        assert!(r.entries.is_empty() && r.reset);
    }

    #[test]
    fn corrupt_byte_ends_the_valid_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, _) = Journal::open(dir.path(), "fp", false).unwrap();
        j.append(&entry("a.txt"), "{}").unwrap();
        j.append(&entry("b.txt"), "{}").unwrap();
        drop(j);
        let p = dir.path().join(JOURNAL_FILE);
        let mut bytes = std::fs::read(&p).unwrap();
        let last = bytes.len() - 3;
        bytes[last] = b'X';
        std::fs::write(&p, bytes).unwrap();
        let (_, r) = Journal::open(dir.path(), "fp", false).unwrap();
        assert_eq!(r.entries.len(), 1);
    }
}
