//! The `ingest` subcommand: walk → extract → parse → tables → record → output.

use crate::error::FileError;
use crate::extract::{self, pdf::PdfOptions};
use crate::parse;
use crate::profile::Profiles;
use crate::record::{Format, Issue, Kind, Location, Record, SCHEMA_VERSION, Source, Status};
use crate::tables;
use crate::walk::InputFile;
use sha2::{Digest, Sha256};

/// Options for processing files.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// PDF extraction limits.
    pub pdf: PdfOptions,
    /// Parse every file with this profile instead of detecting one (`--profile`).
    pub profile: Option<String>,
}

/// Process one file's bytes into its record. Never panics on bad input.
pub fn process_bytes(
    bytes: &[u8],
    file: &InputFile,
    profiles: &Profiles,
    options: &Options,
) -> Record {
    let source = Source {
        path: file.rel_path.clone(),
        sha256: hex::encode(Sha256::digest(bytes)),
        bytes: bytes.len() as u64,
        format: file.format,
        pages: None,
    };
    match extract::extract(bytes, file.format, &options.pdf, &file.path) {
        Ok(extracted) => build_record_as(source, extracted, profiles, options.profile.as_deref()),
        Err(e) => failed_record(source, &e),
    }
}

/// Read and process one file.
pub fn process_file(file: &InputFile, profiles: &Profiles, options: &Options) -> Record {
    match std::fs::read(&file.path) {
        Ok(bytes) => process_bytes(&bytes, file, profiles, options),
        Err(e) => {
            let source = Source {
                path: file.rel_path.clone(),
                sha256: String::new(),
                bytes: 0,
                format: file.format,
                pages: None,
            };
            failed_record(source, &FileError::Io(e.to_string()))
        }
    }
}

/// Assemble the record from extracted lines.
pub fn build_record(source: Source, extracted: extract::Extracted, profiles: &Profiles) -> Record {
    build_record_as(source, extracted, profiles, None)
}

/// Assemble the record, parsing with the named profile when one is given
/// (a name that is not loaded falls back to detection).
pub fn build_record_as(
    mut source: Source,
    extracted: extract::Extracted,
    profiles: &Profiles,
    profile: Option<&str>,
) -> Record {
    source.pages = extracted.pages;
    let forced = profile.and_then(|name| profiles.get(name));
    let doc = parse::parse_with(&extracted, profiles, forced);
    let lines = &doc.lines;
    let words = profiles
        .profiles
        .iter()
        .find(|p| Some(&p.name) == doc.profile.as_ref())
        .or_else(|| profiles.fallback())
        .map(|p| p.tables.clone())
        .unwrap_or_default();
    let toc = doc.toc_lines.clone();
    let mut tables = tables::detect(
        &lines[doc.head.start..toc.start.max(doc.head.start)],
        &words,
    );
    tables.extend(tables::detect(
        &lines[toc.end.max(doc.head.start)..doc.head.end],
        &words,
    ));
    let items = doc
        .items
        .into_iter()
        .map(|(mut item, range)| {
            item.tables = tables::detect(&lines[range], &words);
            item
        })
        .collect::<Vec<_>>();
    let proposals = doc
        .proposals
        .into_iter()
        .map(|(mut p, range)| {
            p.tables = tables::detect(&lines[range], &words);
            p
        })
        .collect::<Vec<_>>();
    let mut warnings = extracted.warnings;
    warnings.extend(doc.warnings);
    let all_tables = tables
        .iter()
        .chain(items.iter().flat_map(|i| &i.tables))
        .chain(proposals.iter().flat_map(|p| &p.tables));
    for t in all_tables {
        for c in t.checks.iter().filter(|c| !c.ok) {
            warnings.push(Issue {
                code: crate::error::warn::TABLE_SUM_MISMATCH.into(),
                message: format!(
                    "table {:?}: row {:?}, column {:?}: printed total {} but the rows sum to {}",
                    t.caption.as_deref().unwrap_or("(no caption)"),
                    c.row,
                    c.column,
                    c.found,
                    c.expected
                ),
                location: Some(t.location),
            });
        }
    }
    let lossy = warnings
        .iter()
        .any(|w| crate::error::warn::LOSSY.contains(&w.code.as_str()));
    let status = if doc.kind == Kind::Unknown || lossy {
        Status::Partial
    } else {
        Status::Ok
    };
    Record {
        schema_version: SCHEMA_VERSION.into(),
        source,
        status,
        errors: Vec::new(),
        warnings,
        kind: doc.kind,
        profile: doc.profile,
        confidence: doc.confidence,
        title: doc.title,
        meeting: doc.meeting,
        toc: doc.toc,
        items,
        proposals,
        tables,
        preamble: doc.preamble,
        text: doc.text,
    }
}

/// The record of a file that could not be parsed.
pub fn failed_record(source: Source, error: &FileError) -> Record {
    Record {
        schema_version: SCHEMA_VERSION.into(),
        source,
        status: Status::Failed,
        errors: vec![Issue {
            code: error.code().into(),
            message: error.to_string(),
            location: None,
        }],
        warnings: Vec::new(),
        kind: Kind::Unknown,
        profile: None,
        confidence: 0.0,
        title: None,
        meeting: None,
        toc: Vec::new(),
        items: Vec::new(),
        proposals: Vec::new(),
        tables: Vec::new(),
        preamble: None,
        text: None,
    }
}

/// A location for a line of extracted text.
pub fn location_of(line: &extract::Line) -> Location {
    Location {
        page: line.page,
        line: line.number,
    }
}

/// Whether a format is handled in-process (text) or isolated (PDF).
pub fn is_isolated(format: Format) -> bool {
    format == Format::Pdf
}
