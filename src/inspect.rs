//! `referat text`, `referat lines` and `referat explain`: the text referat
//! extracted from a file, what the parser sees in it and what it decides,
//! for users who compare with `pdftotext` and people who write grammar
//! profiles.

use crate::extract::{self, Extracted, Line};
use crate::parse::{self, Document};
use crate::profile::Profiles;
use crate::record::Item;
use crate::walk;
use std::fmt::Write;
use std::path::Path;
use thiserror::Error;

/// Why a file cannot be inspected.
#[derive(Debug, Error)]
pub enum InspectError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Not a PDF, text, HTML or XML file.
    #[error("{0}: not a PDF, text, HTML or XML file")]
    Format(String),
    /// Extraction failed (the code is the record's error code).
    #[error("{path}: {source} [{}]", source.code())]
    Extract {
        /// The file.
        path: String,
        /// Cause.
        source: crate::error::FileError,
    },
}

/// Extract a file's lines as `ingest` would with these `profiles` (their
/// page-number and hyphen words apply to PDFs).
pub fn read(path: &Path, profiles: &Profiles) -> Result<Extracted, InspectError> {
    let name = walk::path_to_string(path);
    let bytes = std::fs::read(path).map_err(|source| InspectError::Read {
        path: name.clone(),
        source,
    })?;
    let format = walk::format_of(path).unwrap_or_else(|| walk::sniff_bytes(&bytes));
    if format == crate::record::Format::Other {
        return Err(InspectError::Format(name));
    }
    let options = profiles.pdf_options(extract::pdf::DEFAULT_TIMEOUT_SECS);
    extract::extract(&bytes, format, &options)
        .map_err(|source| InspectError::Extract { path: name, source })
}

/// The extracted text as `pdftotext` writes it: a newline after each line,
/// table cells separated by tabs, a form feed after each page.
pub fn text_report(extracted: &Extracted) -> String {
    extract::plain_text(&extracted.lines, extracted.pages)
}

/// One line a row: page, line number, heading level, bold, text (cells " | ").
pub fn lines_report(extracted: &Extracted) -> String {
    let mut out = String::from("page\tline\thead\tbold\ttext\n");
    for l in &extracted.lines {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            l.page.map_or("-".into(), |p| p.to_string()),
            l.number,
            l.heading.map_or("-".into(), |h| format!("h{h}")),
            if l.bold { "b" } else { "-" },
            l.text.replace('\t', " | ")
        );
    }
    out
}

/// The detection scores, the chosen profile, and the line that opened each
/// item and section.
pub fn explain_report(extracted: &Extracted, profiles: &Profiles, forced: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "profile scores (cues found / cues, at least min_hits):"
    );
    for p in profiles.profiles.iter().filter(|p| !p.fallback) {
        let (hits, confidence) = parse::detect_score(&extracted.lines, p);
        let cues = p.detect.line_starts.len();
        let _ = writeln!(
            out,
            "  {:<20} {hits:>2}/{cues:<2} (min {}) confidence {confidence:.2}",
            p.name, p.detect.min_hits
        );
    }
    let forced = forced.and_then(|name| profiles.get(name));
    let doc = parse::parse_with(extracted, profiles, forced);
    describe(&mut out, &doc, &extracted.lines);
    out
}

/// The parse result: profile, kind, warnings, meeting, items.
fn describe(out: &mut String, doc: &Document, lines: &[Line]) {
    let _ = writeln!(
        out,
        "chosen: {} (kind {:?}, confidence {:.2}){}",
        doc.profile.as_deref().unwrap_or("none"),
        doc.kind,
        doc.confidence,
        if lines.len() != doc.lines.len() {
            format!(
                "; {} running header/footer lines left out",
                lines.len() - doc.lines.len()
            )
        } else {
            String::new()
        }
    );
    for w in &doc.warnings {
        let _ = writeln!(out, "warning {}: {}", w.code, w.message);
    }
    let _ = writeln!(out, "title: {}", doc.title.as_deref().unwrap_or("-"));
    if let Some(m) = &doc.meeting {
        let _ = writeln!(
            out,
            "meeting: body {:?}, date {:?}, start {:?}, location {:?}, {} participants",
            m.body,
            m.date,
            m.start_time,
            m.location,
            m.participants.len()
        );
    }
    let _ = writeln!(out, "toc: {} entries", doc.toc.len());
    for (item, _) in &doc.items {
        describe_item(out, item, lines);
    }
}

/// One item: its heading line, case number, and each section's opening line.
fn describe_item(out: &mut String, item: &Item, lines: &[Line]) {
    let at = item.location.line;
    let text = lines
        .iter()
        .find(|l| l.number == at)
        .map_or("", |l| l.text.as_str());
    let _ = writeln!(
        out,
        "item {} at line {at}: {text:?}  case {:?}, {}public, {} decisions, {} history",
        item.number,
        item.case_number,
        if item.public { "" } else { "not " },
        item.decisions.len(),
        item.history.len()
    );
    for s in item.sections.iter().filter(|s| s.heading.is_some()) {
        let _ = writeln!(
            out,
            "    line {:>5}  {:<17} {:?}",
            s.line.map_or("-".into(), |l| l.to_string()),
            s.kind.map_or("-".into(), |k| format!("{k:?}")),
            s.heading.as_deref().unwrap_or("")
        );
    }
}
