//! Typed per-file errors with the stable kebab-case codes of the contract.

use thiserror::Error;

/// Why a file produced a `failed` record. `code()` is the contract's code.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum FileError {
    /// The file could not be read from disk.
    #[error("cannot read file: {0}")]
    Io(String),
    /// The file has no content at all.
    #[error("the file is empty")]
    Empty,
    /// The file holds binary data, not text.
    #[error("the file holds binary data, not text ({0})")]
    Binary(String),
    /// The PDF is damaged beyond what the extractor can read.
    #[error("the PDF is malformed: {0}")]
    PdfMalformed(String),
    /// The PDF needs a password.
    #[error("the PDF is encrypted with a user password and cannot be read")]
    PdfEncrypted,
    /// The PDF has no text layer, and OCR did not read it (why, when known).
    #[error("the PDF has no text layer (a scan?){}", if .0.is_empty() { String::new() } else { format!("; {}", .0) })]
    PdfNoText(String),
    /// A stream inflates past the memory limit.
    #[error("the PDF is too large to extract safely: {0}")]
    PdfTooLarge(String),
    /// A text file is larger than the limit.
    #[error("the text file is too large to process safely: {0}")]
    TextTooLarge(String),
    /// A markup file (HTML or XML) is larger than the limit.
    #[error("the file is too large to process safely: {0}")]
    MarkupTooLarge(String),
    /// The XML is not well formed.
    #[error("the XML is not well formed: {0}")]
    XmlMalformed(String),
    /// The XML declares entities (a DTD): refused, as entity expansion
    /// ("billion laughs") can take unbounded memory and time.
    #[error("the XML declares entities in a DTD, which referat does not expand: {0}")]
    XmlEntities(String),
    /// The XML is well formed but not a meeting export referat knows.
    #[error("the XML is not a meeting export referat knows: {0}")]
    XmlUnknownExport(String),
    /// The file's format is not one referat reads.
    #[error("referat does not read this format: {0}")]
    UnsupportedFormat(String),
    /// Extraction ran past `--timeout`.
    #[error("extraction took longer than {0} s and was stopped")]
    Timeout(u64),
    /// The extractor process died.
    #[error("the extractor crashed: {0}")]
    ExtractorCrashed(String),
    /// Processing the file panicked: a bug in referat.
    #[error("referat crashed on this file (a bug, please report it): {0}")]
    Internal(String),
}

impl FileError {
    /// Stable kebab-case code written into `errors[].code`.
    pub fn code(&self) -> &'static str {
        match self {
            FileError::Io(_) => "io-error",
            FileError::Empty => "empty-file",
            FileError::Binary(_) => "binary-file",
            FileError::PdfMalformed(_) => "pdf-malformed",
            FileError::PdfEncrypted => "pdf-encrypted",
            FileError::PdfNoText(_) => "pdf-no-text",
            FileError::PdfTooLarge(_) => "pdf-too-large",
            FileError::TextTooLarge(..) => "text-too-large",
            FileError::MarkupTooLarge(_) => "markup-too-large",
            FileError::XmlMalformed(_) => "xml-malformed",
            FileError::XmlEntities(_) => "xml-entities",
            FileError::XmlUnknownExport(_) => "xml-unknown-export",
            FileError::UnsupportedFormat(_) => "unsupported-format",
            FileError::Timeout(_) => "timeout",
            FileError::ExtractorCrashed(_) => "extractor-crashed",
            FileError::Internal(_) => "internal-error",
        }
    }
}

/// Warning codes used across stages, kept in one place so they stay stable.
pub mod warn {
    /// No profile recognised the layout.
    pub const UNKNOWN_LAYOUT: &str = "unknown-layout";
    /// A generic profile parsed the document with low confidence.
    pub const LOW_CONFIDENCE: &str = "low-confidence";
    /// Text was decoded as Windows-1252 because it was not valid UTF-8.
    pub const DECODED_WINDOWS_1252: &str = "decoded-windows-1252";
    /// Invalid sequences in a mostly UTF-8 text were replaced by U+FFFD.
    pub const TEXT_INVALID_UTF8: &str = "text-invalid-utf8";
    /// Tab-separated runs were left out of the tables: the file's tables
    /// would hold more cells than the limit.
    pub const TABLE_TOO_LARGE: &str = "table-too-large";
    /// A web page declares a charset its bytes do not match.
    pub const HTML_CHARSET_MISMATCH: &str = "html-charset-mismatch";
    /// A web page nested deeper than referat parses; the elements past the
    /// limit were flattened (their text kept).
    pub const HTML_TOO_DEEP: &str = "html-too-deep";
    /// A total row does not equal the sum of its rows.
    pub const TABLE_SUM_MISMATCH: &str = "table-sum-mismatch";
    /// A page read by OCR with a low mean word confidence (under 70 of 100).
    pub const OCR_LOW_CONFIDENCE: &str = "ocr-low-confidence";
    /// A page to read by OCR could not be (rendering or recognition failed
    /// or timed out): its text is missing.
    pub const OCR_FAILED: &str = "ocr-failed";
    /// Items show a case number near their heading that the parser did not read.
    pub const CASE_NUMBER_NOT_READ: &str = "case-number-not-read";
    /// Items have a line starting with a decision word but no decision was read.
    pub const DECISION_NOT_READ: &str = "decision-not-read";

    /// Warnings that mean content was lost: the record is `partial`.
    pub const LOSSY: &[&str] = &[
        UNKNOWN_LAYOUT,
        CASE_NUMBER_NOT_READ,
        DECISION_NOT_READ,
        TABLE_TOO_LARGE,
        OCR_FAILED,
    ];
}
