//! Stage 1: find the input files under the given paths.
//!
//! Real folders hold more than documents: hidden files (`.DS_Store`),
//! editors' temporary files (`~$x.docx`, `x.txt~`, `x.tmp`), symlink loops,
//! names that are not UTF-8, FIFOs. [`scan`] keeps the `.pdf`, `.txt` and
//! `.md` files, web pages (`.html`, `.htm`) and XML exports, names what it
//! skipped and why, and turns every walking problem into a warning instead
//! of a hang or a crash. A file named directly is always an input: its
//! format comes from its extension or, failing that, its first bytes.

use crate::record::Format;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// One file to process.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Path on disk.
    pub path: PathBuf,
    /// Path relative to its input root, as written into `source.path`.
    pub rel_path: String,
    /// Format chosen from the extension.
    pub format: Format,
}

/// Entries the walk passed over, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Names starting with `.` (files, and folders with everything in them).
    pub hidden: u64,
    /// Temporary files: names starting with `~$`, ending with `~` or `.tmp`.
    pub temporary: u64,
    /// Regular files of a format referat does not read.
    pub other_format: u64,
    /// FIFOs, sockets and devices.
    pub not_a_file: u64,
    /// A second file with the same relative path under another input root.
    pub duplicate: u64,
}

impl Skipped {
    /// Count one entry skipped for `reason`.
    pub fn count(&mut self, reason: SkipReason) {
        *match reason {
            SkipReason::UnsupportedFormat => &mut self.other_format,
            SkipReason::Hidden => &mut self.hidden,
            SkipReason::Temporary => &mut self.temporary,
            SkipReason::NotAFile => &mut self.not_a_file,
            SkipReason::Duplicate => &mut self.duplicate,
        } += 1;
    }

    /// Total entries skipped.
    pub fn total(&self) -> u64 {
        self.hidden + self.temporary + self.other_format + self.not_a_file + self.duplicate
    }
}

/// Input files, stored compactly so that a walk of a million files stays
/// small: every relative path in one string, plus 24 bytes per file. The
/// disk path is rebuilt from the input root and the (losslessly escaped)
/// relative path when a file is opened.
#[derive(Debug, Clone, Default)]
pub struct Files {
    /// Input roots: a folder, or a file given directly.
    roots: Vec<PathBuf>,
    /// All relative paths, one after another.
    names: String,
    slots: Vec<Slot>,
}

/// Where one file's relative path is in [`Files::names`], and its root and format.
#[derive(Debug, Clone, Copy)]
struct Slot {
    start: u64,
    /// Length in bytes (paths are at most a few KiB).
    len: u16,
    /// Index into [`Files::roots`].
    root: u32,
    /// Whether the root is the file itself.
    root_is_file: bool,
    format: Format,
}

impl Files {
    /// Number of files.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// No files.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The `source.path` of file `i`.
    pub fn rel_path(&self, i: usize) -> &str {
        self.name_of(&self.slots[i])
    }

    /// Format of file `i`.
    pub fn format(&self, i: usize) -> Format {
        self.slots[i].format
    }

    /// Path on disk of file `i`.
    pub fn path(&self, i: usize) -> PathBuf {
        self.slot_path(&self.slots[i])
    }

    /// Path on disk of the file in `slot`.
    fn slot_path(&self, slot: &Slot) -> PathBuf {
        let root = &self.roots[slot.root as usize];
        if slot.root_is_file {
            root.clone()
        } else {
            root.join(OsStr::from_bytes(&unescape(self.name_of(slot))))
        }
    }

    /// File `i` as an [`InputFile`].
    pub fn get(&self, i: usize) -> InputFile {
        InputFile {
            path: self.path(i),
            rel_path: self.rel_path(i).to_string(),
            format: self.format(i),
        }
    }

    /// All files, in order.
    pub fn iter(&self) -> impl Iterator<Item = InputFile> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Keep only the files whose relative path passes `keep`.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        let names = &self.names;
        self.slots.retain(|s| keep(slot_name(names, s)));
    }

    /// The relative path of a slot.
    fn name_of(&self, slot: &Slot) -> &str {
        slot_name(&self.names, slot)
    }

    /// Add a file under root `root` (an index from [`Files::add_root`]).
    fn push(&mut self, root: usize, root_is_file: bool, rel_path: &str, format: Format) {
        let start = self.names.len() as u64;
        // No file system has paths this long; cut at a character boundary.
        let mut len = rel_path.len().min(u16::MAX as usize);
        while !rel_path.is_char_boundary(len) {
            len -= 1;
        }
        self.names.push_str(&rel_path[..len]);
        self.slots.push(Slot {
            start,
            len: len as u16,
            root: root as u32,
            root_is_file,
            format,
        });
    }

    /// Register an input root; returns its index.
    fn add_root(&mut self, root: &Path) -> usize {
        self.roots.push(root.to_path_buf());
        self.roots.len() - 1
    }

    /// Sort by relative path (stable: among equal paths the first root
    /// wins) and drop repeated paths; returns a warning per dropped file.
    fn sort_and_dedup(&mut self) -> Vec<String> {
        let names = &self.names;
        let key = |s: &Slot| slot_name(names, s);
        self.slots.sort_by(|a, b| key(a).cmp(key(b)));
        let mut warnings = Vec::new();
        self.slots.dedup_by(|later, first| {
            let same = key(later) == key(first);
            if same {
                warnings.push((*first, *later));
            }
            same
        });
        self.slots.shrink_to_fit();
        let warnings = warnings
            .into_iter()
            .map(|(first, later)| {
                format!(
                    "{} and {} have the same relative path; only the first is read",
                    self.slot_path(&first).display(),
                    self.slot_path(&later).display()
                )
            })
            .collect::<Vec<_>>();
        self.names.shrink_to_fit();
        warnings
    }
}

/// The relative path of `slot` in `names`.
fn slot_name<'a>(names: &'a str, slot: &Slot) -> &'a str {
    let start = slot.start as usize;
    &names[start..start + usize::from(slot.len)]
}

/// Why an entry was skipped; [`SkipReason::code`] is written into the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SkipReason {
    /// A format referat does not read.
    UnsupportedFormat,
    /// A hidden file or folder (name starting with `.`).
    Hidden,
    /// An editor's temporary file.
    Temporary,
    /// A FIFO, socket or device.
    NotAFile,
    /// A second file with the same relative path under another input root.
    Duplicate,
}

impl SkipReason {
    /// The reason whose [`code`](Self::code) is `code`.
    pub fn from_code(code: &str) -> Option<SkipReason> {
        [
            SkipReason::UnsupportedFormat,
            SkipReason::Hidden,
            SkipReason::Temporary,
            SkipReason::NotAFile,
            SkipReason::Duplicate,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }

    /// Stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            SkipReason::UnsupportedFormat => "unsupported-format",
            SkipReason::Hidden => "hidden",
            SkipReason::Temporary => "temporary",
            SkipReason::NotAFile => "not-a-file",
            SkipReason::Duplicate => "duplicate",
        }
    }
}

/// One entry the walk passed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFile {
    /// Path relative to its input root (a hidden folder stands for
    /// everything in it).
    pub rel_path: String,
    /// Why.
    pub reason: SkipReason,
}

/// What a walk found.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Input files, sorted by relative path, each relative path once.
    pub files: Files,
    /// Entries skipped, by reason.
    pub skipped: Skipped,
    /// The entries skipped, sorted by path (duplicates are named in
    /// `warnings` instead: their relative path is an input's).
    pub skipped_files: Vec<SkippedFile>,
    /// Problems met while walking (symlink loops, unreadable folders).
    pub warnings: Vec<String>,
}

/// Why a name is skipped before its contents are looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameSkip {
    /// Starts with `.`.
    Hidden,
    /// Starts with `~$`, ends with `~` or `.tmp`.
    Temporary,
}

/// Whether a file or folder name is hidden or temporary (and so skipped).
fn name_skip(name: &OsStr) -> Option<NameSkip> {
    let bytes = name.as_bytes();
    if bytes.starts_with(b".") {
        Some(NameSkip::Hidden)
    } else if bytes.starts_with(b"~$")
        || bytes.ends_with(b"~")
        || bytes.to_ascii_lowercase().ends_with(b".tmp")
    {
        Some(NameSkip::Temporary)
    } else {
        None
    }
}

/// Format of a file from its extension, or None for files referat does not read.
pub fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "pdf" => Some(Format::Pdf),
        "txt" | "md" | "markdown" | "text" => Some(Format::Text),
        "html" | "htm" | "xhtml" => Some(Format::Html),
        "xml" => Some(Format::Xml),
        _ => None,
    }
}

/// Format of a file named directly, whose extension says nothing: from
/// its first bytes (`%PDF-`, an HTML or XML start, else text when they
/// decode as UTF-8); [`Format::Other`] for anything else, whose record
/// then fails with `unsupported-format`.
pub fn sniff_format(path: &Path) -> Format {
    use std::io::Read;
    let mut head = Vec::with_capacity(1024);
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(1024).read_to_end(&mut head);
    }
    sniff_bytes(&head)
}

/// [`sniff_format`] on a file's first bytes.
pub fn sniff_bytes(head: &[u8]) -> Format {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text.trim_ascii_start().to_ascii_lowercase();
    if head.windows(5).take(1024).any(|w| w == b"%PDF-") {
        Format::Pdf
    } else if start.starts_with(b"<!doctype html") || start.starts_with(b"<html") {
        Format::Html
    } else if start.starts_with(b"<?xml") {
        if start.windows(5).any(|w| w == b"<html") {
            Format::Html
        } else {
            Format::Xml
        }
    } else if !head.is_empty() && !head.contains(&0) && plausible_utf8(head) {
        Format::Text
    } else {
        Format::Other
    }
}

/// Whether `head` is UTF-8, allowing a character cut at its end.
fn plausible_utf8(head: &[u8]) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > head.len(),
    }
}

/// Undo [`path_to_string`]: the bytes of the original path.
fn unescape(escaped: &str) -> Vec<u8> {
    let bytes = escaped.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
            if bytes.get(i + 1) == Some(&b'x')
                && let Some(hex) = escaped.get(i + 2..i + 4)
                && let Ok(b) = u8::from_str_radix(hex, 16)
            {
                out.push(b);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Escape a path losslessly into UTF-8 (invalid bytes become `\xNN`).
pub fn path_to_string(path: &Path) -> String {
    let bytes = path.as_os_str().as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Walk the inputs, sorted by relative path. A file given directly is its own root.
pub fn collect(inputs: &[PathBuf]) -> Vec<InputFile> {
    scan(inputs, &[]).files.iter().collect()
}

/// Walk the inputs, leaving out the folders in `exclude` (e.g. the output
/// folder when it lies inside an input). Never follows a symlink loop; files
/// given directly are taken even when hidden.
pub fn scan(inputs: &[PathBuf], exclude: &[PathBuf]) -> Scan {
    let excluded: HashSet<(u64, u64)> = exclude
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| (m.dev(), m.ino()))
        .collect();
    let mut scan = Scan::default();
    for root in inputs {
        if root.is_file() {
            // Named directly: an input whatever its name; an unreadable
            // format gets a failed record rather than a silent skip.
            let format = format_of(root).unwrap_or_else(|| sniff_format(root));
            let name = root.file_name().map(Path::new).unwrap_or(root);
            let index = scan.files.add_root(root);
            scan.files.push(index, true, &path_to_string(name), format);
            continue;
        }
        walk_root(root, &excluded, &mut scan);
    }
    let before = scan.files.len();
    let dups = scan.files.sort_and_dedup();
    scan.skipped.duplicate += (before - scan.files.len()) as u64;
    scan.warnings.extend(dups);
    scan.skipped_files
        .sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    scan.skipped_files.dedup_by(|a, b| a.rel_path == b.rel_path);
    scan
}

/// Walk one folder root into `scan`.
fn walk_root(root: &Path, excluded: &HashSet<(u64, u64)>, scan: &mut Scan) {
    let mut skipped = Vec::new();
    let root_index = scan.files.add_root(root);
    let rel = |p: &Path| path_to_string(p.strip_prefix(root).unwrap_or(p));
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let reason = match name_skip(e.file_name()) {
                Some(NameSkip::Hidden) => Some(SkipReason::Hidden),
                Some(NameSkip::Temporary) => Some(SkipReason::Temporary),
                None => None,
            };
            if let Some(reason) = reason {
                skipped.push(SkippedFile {
                    rel_path: rel(e.path()),
                    reason,
                });
                return false;
            }
            if e.file_type().is_dir()
                && !excluded.is_empty()
                && let Ok(m) = e.metadata()
            {
                return !excluded.contains(&(m.dev(), m.ino()));
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                if let Some((rel_path, format)) = broken_link_input(root, &err) {
                    scan.files.push(root_index, false, &rel_path, format);
                } else {
                    scan.warnings.push(walk_warning(&err));
                }
                continue;
            }
        };
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        if !file_type.is_file() {
            scan.skip(rel(entry.path()), SkipReason::NotAFile);
            continue;
        }
        let Some(format) = format_of(entry.path()) else {
            scan.skip(rel(entry.path()), SkipReason::UnsupportedFormat);
            continue;
        };
        scan.files
            .push(root_index, false, &rel(entry.path()), format);
    }
    for s in skipped {
        scan.skip(s.rel_path, s.reason);
    }
}

impl Scan {
    /// Count and name a skipped entry.
    fn skip(&mut self, rel_path: String, reason: SkipReason) {
        self.skipped.count(reason);
        self.skipped_files.push(SkippedFile { rel_path, reason });
    }
}

/// A dangling symlink named like an input is kept as an input, so that it
/// becomes a `failed` record (`io-error`) rather than vanishing silently.
fn broken_link_input(root: &Path, err: &walkdir::Error) -> Option<(String, Format)> {
    if err.loop_ancestor().is_some() {
        return None;
    }
    let path = err.path()?;
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_symlink() || std::fs::metadata(path).is_ok() {
        return None;
    }
    let format = format_of(path)?;
    let rel = path.strip_prefix(root).unwrap_or(path);
    Some((path_to_string(rel), format))
}

/// One line describing a walking problem.
fn walk_warning(err: &walkdir::Error) -> String {
    let path = err.path().map(path_to_string).unwrap_or_else(|| "?".into());
    match err.loop_ancestor() {
        Some(ancestor) => format!(
            "symlink loop: {path} leads back to {}; not followed",
            path_to_string(ancestor)
        ),
        None => match err.io_error() {
            Some(io) => format!("cannot walk {path}: {io}"),
            None => format!("cannot walk {path}: {err}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_and_temporary_names() {
        let skip = |s: &str| name_skip(OsStr::new(s));
        assert_eq!(skip(".DS_Store"), Some(NameSkip::Hidden));
        assert_eq!(skip(".git"), Some(NameSkip::Hidden));
        assert_eq!(skip("~$x.docx"), Some(NameSkip::Temporary));
        assert_eq!(skip("referat.txt~"), Some(NameSkip::Temporary));
        assert_eq!(skip("upload.TMP"), Some(NameSkip::Temporary));
        assert_eq!(skip("referat.txt"), None);
        assert_eq!(skip("a~b.pdf"), None);
    }

    #[test]
    fn files_keep_their_disk_paths_across_roots() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(a.join("sub")).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(a.join("sub").join("x.txt"), "a").unwrap();
        std::fs::write(a.join("back\\slash.txt"), "a").unwrap();
        std::fs::write(b.join("x.txt"), "b").unwrap();
        // Same relative path as b/x.txt: b comes first, so a's copy is dropped.
        let single = dir.path().join("x.txt");
        std::fs::write(&single, "single").unwrap();
        let scan = scan(&[b.clone(), a.clone(), single.clone()], &[]);
        let files = &scan.files;
        let rel: Vec<&str> = (0..files.len()).map(|i| files.rel_path(i)).collect();
        assert_eq!(rel, ["back\\\\slash.txt", "sub/x.txt", "x.txt"]);
        assert_eq!(files.path(0), a.join("back\\slash.txt"));
        assert_eq!(files.path(1), a.join("sub").join("x.txt"));
        assert_eq!(files.path(2), b.join("x.txt"));
        assert_eq!(scan.skipped.duplicate, 1);
        assert!(scan.warnings[0].contains("same relative path"));
        let mut only_sub = files.clone();
        only_sub.retain(|p| p.starts_with("sub/"));
        assert_eq!(only_sub.len(), 1);
        assert_eq!(only_sub.get(0).path, a.join("sub").join("x.txt"));
    }

    #[test]
    fn invalid_utf8_is_escaped_losslessly() {
        let p = Path::new(OsStr::from_bytes(b"caf\xe9\\x.txt"));
        assert_eq!(path_to_string(p), "caf\\xE9\\\\x.txt");
        assert_eq!(unescape(&path_to_string(p)), b"caf\xe9\\x.txt");
        // A name that looks like an escape round-trips too.
        let tricky = Path::new(OsStr::from_bytes(b"a\\xE9\\\\b\xff\\"));
        assert_eq!(
            unescape(&path_to_string(tricky)),
            tricky.as_os_str().as_bytes()
        );
    }
}
