//! PDF extraction (positioned glyphs → lines). Filled in by the PDF issue.

use super::Extracted;
use crate::error::FileError;

/// Limits for PDF extraction.
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// Seconds before an extraction is stopped.
    pub timeout_secs: u64,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions { timeout_secs: 60 }
    }
}

/// Extract a PDF's lines.
pub fn extract(
    _bytes: &[u8],
    _options: &PdfOptions,
    _path: &std::path::Path,
) -> Result<Extracted, FileError> {
    Err(FileError::PdfMalformed(
        "PDF input is not supported yet".into(),
    ))
}

/// Entry point of the hidden `extract-pdf` subcommand (the isolated child
/// process); returns the process exit code.
pub fn run_child(_path: &std::path::Path) -> u8 {
    2
}
