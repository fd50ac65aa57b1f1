//! Stage 1: find the input files under the given paths.

use crate::record::Format;
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
    use std::os::unix::ffi::OsStrExt;
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
    let mut files = Vec::new();
    for root in inputs {
        if root.is_file() {
            if let Some(format) = format_of(root) {
                let name = root.file_name().map(Path::new).unwrap_or(root);
                files.push(InputFile {
                    path: root.clone(),
                    rel_path: path_to_string(name),
                    format,
                });
            }
            continue;
        }
        for entry in walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
        {
            let Ok(entry) = entry else { continue };
            if !entry.file_type().is_file() {
                continue;
            }
            let Some(format) = format_of(entry.path()) else {
                continue;
            };
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
            files.push(InputFile {
                path: entry.path().to_path_buf(),
                rel_path: path_to_string(rel),
                format,
            });
        }
    }
    files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    files
}
