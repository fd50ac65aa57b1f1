//! The configuration fingerprint: what determines a record besides the file.

use super::{BatchError, read_err};
use crate::profile;
use crate::walk;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Fingerprint of what determines a record besides the file: the referat
/// version and the grammar profiles found as [`profile::Profiles::locate`]
/// finds them.
pub fn fingerprint(grammars: Option<&Path>) -> Result<String, BatchError> {
    let mut sources = match grammar_dir(grammars) {
        Some(dir) => grammar_files(&dir)?,
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

/// The grammar folder in use: the one given (else the built-in profiles,
/// whatever the working directory holds).
fn grammar_dir(grammars: Option<&Path>) -> Option<PathBuf> {
    grammars.map(Path::to_path_buf)
}

/// Name and content of every `*.toml` in `dir`.
fn grammar_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, BatchError> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_err(dir))? {
        let path = entry.map_err(read_err(dir))?.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read(&path).map_err(read_err(&path))?;
            files.push((walk::path_to_string(&path), text));
        }
    }
    Ok(files)
}
