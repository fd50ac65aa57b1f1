//! One file through the stages: extract → parse → tables → record.

use crate::error::{FileError, warn};
use crate::extract::{self, Extracted, pdf::PdfOptions};
use crate::parse::{self, Document};
use crate::profile::{Profiles, TableWords};
use crate::record::{Issue, Item, Kind, Proposal, Record, Source, Status, Table};
use crate::tables;
use crate::walk::InputFile;

/// Options for processing files.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// PDF extraction limits.
    pub pdf: PdfOptions,
    /// Parse every file with this profile instead of detecting one (`--profile`).
    pub profile: Option<String>,
}

/// Read and process one file.
pub fn process_file(file: &InputFile, profiles: &Profiles, options: &Options) -> Record {
    match std::fs::read(&file.path) {
        Ok(bytes) => process_bytes(&bytes, file, profiles, options),
        Err(e) => {
            let source = Source::new(file.rel_path.clone(), file.format, String::new(), 0);
            Record::failed(source, &FileError::Io(e.to_string()))
        }
    }
}

/// Process one file's bytes into its record. Never panics on bad input.
pub fn process_bytes(
    bytes: &[u8],
    file: &InputFile,
    profiles: &Profiles,
    options: &Options,
) -> Record {
    let source = Source::of(file.rel_path.clone(), file.format, bytes);
    process(bytes, source, profiles, options)
}

/// Process bytes whose [`Source`] (with its SHA-256) is already known.
pub fn process(bytes: &[u8], source: Source, profiles: &Profiles, options: &Options) -> Record {
    match extract::extract(bytes, source.format, &options.pdf) {
        Ok(extracted) => assemble(source, extracted, profiles, options.profile.as_deref()),
        Err(e) => Record::failed(source, &e),
    }
}

/// Assemble the record from extracted lines, detecting the layout.
pub fn build_record(source: Source, extracted: Extracted, profiles: &Profiles) -> Record {
    assemble(source, extracted, profiles, None)
}

/// Assemble the record, parsing with the named profile when one is given
/// (a name that is not loaded falls back to detection).
fn assemble(
    mut source: Source,
    extracted: Extracted,
    profiles: &Profiles,
    profile: Option<&str>,
) -> Record {
    source.pages = extracted.pages;
    let forced = profile.and_then(|name| profiles.get(name));
    let Document {
        kind,
        profile,
        confidence,
        title,
        meeting,
        toc,
        items,
        proposals,
        head,
        toc_lines,
        lines,
        preamble,
        text,
        warnings: parse_warnings,
    } = parse::parse_with(&extracted, profiles, forced);
    let words = table_words(profiles, profile.as_deref());
    let mut tables = tables::detect(&lines[head.start..toc_lines.start.max(head.start)], &words);
    tables.extend(tables::detect(
        &lines[toc_lines.end.max(head.start)..head.end],
        &words,
    ));
    let items: Vec<Item> = items
        .into_iter()
        .map(|(item, range)| Item {
            tables: tables::detect(&lines[range], &words),
            ..item
        })
        .collect();
    let proposals: Vec<Proposal> = proposals
        .into_iter()
        .map(|(p, range)| Proposal {
            tables: tables::detect(&lines[range], &words),
            ..p
        })
        .collect();
    let mut warnings = extracted.warnings;
    warnings.extend(parse_warnings);
    let all_tables = tables
        .iter()
        .chain(items.iter().flat_map(|i| &i.tables))
        .chain(proposals.iter().flat_map(|p| &p.tables));
    warnings.extend(all_tables.flat_map(sum_mismatches));
    Record {
        status: status_of(kind, &warnings),
        warnings,
        kind,
        profile,
        confidence,
        title,
        meeting,
        toc,
        items,
        proposals,
        tables,
        preamble,
        text,
        ..Record::new(source)
    }
}

/// The table words of the profile that parsed the document (or the fallback's).
fn table_words(profiles: &Profiles, name: Option<&str>) -> TableWords {
    profiles
        .profiles
        .iter()
        .find(|p| Some(p.name.as_str()) == name)
        .or_else(|| profiles.fallback())
        .map(|p| p.tables.clone())
        .unwrap_or_default()
}

/// A `table-sum-mismatch` warning per failed arithmetic check of `table`.
fn sum_mismatches(table: &Table) -> impl Iterator<Item = Issue> + '_ {
    table.checks.iter().filter(|c| !c.ok).map(move |c| Issue {
        code: warn::TABLE_SUM_MISMATCH.into(),
        message: format!(
            "table {:?}: row {:?}, column {:?}: printed total {} but the rows sum to {}",
            table.caption.as_deref().unwrap_or("(no caption)"),
            c.row,
            c.column,
            c.found,
            c.expected
        ),
        location: Some(table.location),
    })
}

/// `partial` when the layout is unknown or a warning lost content, else `ok`.
fn status_of(kind: Kind, warnings: &[Issue]) -> Status {
    let lossy = warnings
        .iter()
        .any(|w| warn::LOSSY.contains(&w.code.as_str()));
    if kind == Kind::Unknown || lossy {
        Status::Partial
    } else {
        Status::Ok
    }
}
