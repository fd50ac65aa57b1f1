//! Stage 1: find the input files under the given paths.
//!
//! Real folders hold more than documents: hidden files (`.DS_Store`),
//! editors' temporary files (`~$x.docx`, `x.txt~`, `x.tmp`), symlink loops,
//! names that are not UTF-8, FIFOs. [`scan`] keeps the `.pdf`, `.txt` and
//! `.md` files, counts what it skipped, and turns every walking problem into
//! a warning instead of a hang or a crash.

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
    /// Regular files that are not `.pdf`, `.txt` or `.md`.
    pub other_format: u64,
    /// FIFOs, sockets and devices.
    pub not_a_file: u64,
    /// A second file with the same relative path under another input root.
    pub duplicate: u64,
}

impl Skipped {
    /// Total entries skipped.
    pub fn total(&self) -> u64 {
        self.hidden + self.temporary + self.other_format + self.not_a_file + self.duplicate
    }
}

/// What a walk found.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Input files, sorted by relative path, each relative path once.
    pub files: Vec<InputFile>,
    /// Entries skipped, by reason.
    pub skipped: Skipped,
    /// Problems met while walking (symlink loops, unreadable folders).
    pub warnings: Vec<String>,
}

/// Why a name is skipped before its contents are looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameSkip {
    /// Starts with `.`.
    Hidden,
    /// Starts with `~$`, ends with `~` or `.tmp`.
    Temporary,
}

/// Whether a file or folder name is hidden or temporary (and so skipped).
pub fn name_skip(name: &OsStr) -> Option<NameSkip> {
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
        _ => None,
    }
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
    scan(inputs, &[]).files
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
            match format_of(root) {
                Some(format) => {
                    let name = root.file_name().map(Path::new).unwrap_or(root);
                    scan.files.push(InputFile {
                        path: root.clone(),
                        rel_path: path_to_string(name),
                        format,
                    });
                }
                None => scan.skipped.other_format += 1,
            }
            continue;
        }
        walk_root(root, &excluded, &mut scan);
    }
    // Stable sort: among equal relative paths the first root wins.
    scan.files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    let before = scan.files.len();
    let mut dups = Vec::new();
    scan.files.dedup_by(|later, first| {
        let same = later.rel_path == first.rel_path;
        if same {
            dups.push(format!(
                "{} and {} have the same relative path; only the first is read",
                first.path.display(),
                later.path.display()
            ));
        }
        same
    });
    scan.skipped.duplicate += (before - scan.files.len()) as u64;
    scan.warnings.extend(dups);
    scan
}

/// Walk one folder root into `scan`.
fn walk_root(root: &Path, excluded: &HashSet<(u64, u64)>, scan: &mut Scan) {
    let mut skipped = Skipped::default();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            match name_skip(e.file_name()) {
                Some(NameSkip::Hidden) => {
                    skipped.hidden += 1;
                    return false;
                }
                Some(NameSkip::Temporary) => {
                    skipped.temporary += 1;
                    return false;
                }
                None => {}
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
                if let Some(file) = broken_link_input(root, &err) {
                    scan.files.push(file);
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
            scan.skipped.not_a_file += 1;
            continue;
        }
        let Some(format) = format_of(entry.path()) else {
            scan.skipped.other_format += 1;
            continue;
        };
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        scan.files.push(InputFile {
            path: entry.path().to_path_buf(),
            rel_path: path_to_string(rel),
            format,
        });
    }
    scan.skipped.hidden += skipped.hidden;
    scan.skipped.temporary += skipped.temporary;
}

/// A dangling symlink named like an input is kept as an input, so that it
/// becomes a `failed` record (`io-error`) rather than vanishing silently.
fn broken_link_input(root: &Path, err: &walkdir::Error) -> Option<InputFile> {
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
    Some(InputFile {
        path: path.to_path_buf(),
        rel_path: path_to_string(rel),
        format,
    })
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
    fn invalid_utf8_is_escaped_losslessly() {
        let p = Path::new(OsStr::from_bytes(b"caf\xe9\\x.txt"));
        assert_eq!(path_to_string(p), "caf\\xE9\\\\x.txt");
    }
}
