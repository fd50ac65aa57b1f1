//! Stage 2: turn a file's bytes into lines of text with page and position.
//!
//! Both paths produce the same [`Extracted`] shape: markup-free lines, table
//! cells separated by `\t`, paragraph breaks as empty lines, ticked boxes as
//! `☒` and empty boxes as `☐`, headings marked. The parser never sees bytes.

pub mod pdf;
pub mod text;

use crate::error::FileError;
use crate::record::{Format, Issue};
use serde::{Deserialize, Serialize};

/// Ticked checkbox marker in extracted text.
pub const BOX_TICKED: char = '☒';
/// Empty checkbox marker in extracted text.
pub const BOX_EMPTY: char = '☐';

/// One line of extracted text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// Text without markup; table cells separated by `\t`; empty for a paragraph break.
    pub text: String,
    /// 1-based page (None for text input).
    pub page: Option<u32>,
    /// 1-based line number in the source text (text) or in the rebuilt text (PDF).
    pub number: u32,
    /// Heading level when the source marked the line as a heading (markdown `#`, a larger font).
    pub heading: Option<u8>,
    /// The whole line was bold.
    pub bold: bool,
}

/// What extraction produced for one file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Extracted {
    /// Lines in reading order.
    pub lines: Vec<Line>,
    /// Number of pages (PDF only).
    pub pages: Option<u32>,
    /// Warnings raised while extracting.
    pub warnings: Vec<Issue>,
}

/// Extract a file's lines, dispatching on its format.
pub fn extract(
    bytes: &[u8],
    format: Format,
    options: &pdf::PdfOptions,
    path: &std::path::Path,
) -> Result<Extracted, FileError> {
    match format {
        Format::Text => text::extract(bytes),
        Format::Pdf => pdf::extract(bytes, options, path),
    }
}
