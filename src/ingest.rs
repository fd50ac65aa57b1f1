//! One file through the stages: extract → parse → tables → record.

use crate::error::{FileError, warn};
use crate::extract::{self, Extracted, pdf::PdfOptions};
use crate::parse::{self, Document};
use crate::profile::{Profiles, TableWords};
use crate::record::{
    Format, Issue, Item, Kind, Meeting, Proposal, Record, Related, Source, Status, Table,
};
use crate::tables::{self, CellBudget};
use crate::walk::InputFile;
use std::path::Path;

/// Options for processing files.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// PDF extraction limits.
    pub pdf: PdfOptions,
    /// Parse every file with this profile instead of detecting one (`--profile`).
    pub profile: Option<String>,
    /// What one file may take, so that memory stays bounded per file.
    pub limits: FileLimits,
}

/// Limits that bound the memory one file takes (PDFs have theirs in
/// [`PdfOptions`] and the extraction child's address-space limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimits {
    /// Largest text file read, in bytes; a larger one fails with
    /// `text-too-large`. Default 256 MiB, the PDF path's inflate limit.
    pub max_text_bytes: u64,
    /// Largest PDF read, in bytes; a larger one fails with `pdf-too-large`
    /// before it is read (the extraction child holds the whole file inside
    /// its 2 GiB address space). Default 1 GiB.
    pub max_pdf_bytes: u64,
    /// Largest HTML or XML file read, in bytes; a larger one fails with
    /// `markup-too-large` before it is read. Default 256 MiB: a parsed
    /// document tree takes several times its file's size.
    pub max_markup_bytes: u64,
    /// Most table cells one file's tables may hold together; a
    /// tab-separated run that would go past it is left out of `tables`
    /// (its text stays in its section) with a `table-too-large` warning.
    /// Default 250,000 (about 15 MB of table JSON).
    pub max_table_cells: usize,
}

impl FileLimits {
    /// The error of a file of `len` bytes past its format's limit:
    /// `text-too-large` past [`FileLimits::max_text_bytes`], `pdf-too-large`
    /// past [`FileLimits::max_pdf_bytes`], `markup-too-large` past
    /// [`FileLimits::max_markup_bytes`]; None within it.
    pub fn too_large(&self, format: Format, len: u64) -> Option<FileError> {
        let (limit, error): (u64, fn(String) -> FileError) = match format {
            Format::Text => (self.max_text_bytes, FileError::TextTooLarge),
            Format::Pdf => (self.max_pdf_bytes, FileError::PdfTooLarge),
            Format::Html | Format::Xml => (self.max_markup_bytes, FileError::MarkupTooLarge),
            Format::Other => return None,
        };
        (len > limit).then(|| {
            error(format!(
                "{len} bytes, more than the {limit} bytes one file may have"
            ))
        })
    }
}

impl Default for FileLimits {
    fn default() -> Self {
        FileLimits {
            max_text_bytes: 256 << 20,
            max_pdf_bytes: 1 << 30,
            max_markup_bytes: 256 << 20,
            max_table_cells: 250_000,
        }
    }
}

/// Read and process one file.
pub fn process_file(file: &InputFile, profiles: &Profiles, options: &Options) -> Record {
    match std::fs::read(&file.path) {
        Ok(bytes) => {
            let mut record = process_bytes(&bytes, file, profiles, options);
            link_related(&mut record, &file.path);
            record
        }
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
    if let Some(error) = options.limits.too_large(source.format, bytes.len() as u64) {
        return Record::failed(source, &error);
    }
    match extract::extract(bytes, source.format, &options.pdf) {
        Ok(extracted) => assemble(source, extracted, profiles, options),
        Err(e) => Record::failed(source, &e),
    }
}

/// Resolve a record's `source.related` names against the folder of the
/// file on disk (`path`): each becomes a path beside the record's own, as
/// found on disk (names in exports differ in case: `.PDF`, `.pdf`), and
/// says whether it is there.
pub fn link_related(record: &mut Record, path: &Path) {
    if record.source.related.is_empty() {
        return;
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    let prefix = match record.source.path.rsplit_once('/') {
        Some((folder, _)) => format!("{folder}/"),
        None => String::new(),
    };
    for related in &mut record.source.related {
        let wanted = related.path.rsplit(['/', '\\']).next().unwrap_or_default();
        let found = names.iter().find(|n| n.as_str() == wanted).or_else(|| {
            names
                .iter()
                .find(|n| n.to_lowercase() == wanted.to_lowercase())
        });
        related.exists = found.is_some();
        related.path = format!("{prefix}{}", found.map_or(wanted, |n| n.as_str()));
    }
}

/// Assemble the record from extracted lines, detecting the layout.
pub fn build_record(source: Source, extracted: Extracted, profiles: &Profiles) -> Record {
    assemble(source, extracted, profiles, &Options::default())
}

/// Assemble the record, parsing with `options.profile` when one is given
/// (a name that is not loaded falls back to detection).
fn assemble(
    mut source: Source,
    extracted: Extracted,
    profiles: &Profiles,
    options: &Options,
) -> Record {
    source.pages = extracted.pages;
    source.meeting_ref = extracted.meeting_ref.clone();
    source.ocr = extracted.ocr.clone();
    source.related = extracted
        .references
        .iter()
        .map(|name| Related {
            path: name.clone(),
            exists: false,
        })
        .collect();
    let forced = options
        .profile
        .as_deref()
        .or(extracted.profile_hint.as_deref())
        .and_then(|name| profiles.get(name));
    let mut doc = parse::parse_with(&extracted, profiles, forced);
    // The parser keeps its own lines; the extracted ones can go now.
    let mut warnings = extracted.warnings;
    drop(extracted.lines);
    warnings.append(&mut doc.warnings);
    let words = table_words(profiles, doc.profile.as_deref());
    let found = read_tables(&doc, &words, options.limits.max_table_cells);
    drop(std::mem::take(&mut doc.lines));
    let items: Vec<Item> = doc
        .items
        .into_iter()
        .zip(found.items)
        .map(|((item, _), tables)| Item { tables, ..item })
        .collect();
    let proposals: Vec<Proposal> = doc
        .proposals
        .into_iter()
        .zip(found.proposals)
        .map(|((p, _), tables)| Proposal { tables, ..p })
        .collect();
    warnings.extend(too_large(&found.budget));
    let all_tables = found
        .outside
        .iter()
        .chain(items.iter().flat_map(|i| &i.tables))
        .chain(proposals.iter().flat_map(|p| &p.tables));
    let ocr_pages: Vec<u32> = source.ocr.iter().map(|p| p.page).collect();
    warnings.extend(all_tables.flat_map(|t| sum_mismatches(t, &ocr_pages)));
    Record {
        status: status_of(doc.kind, &warnings),
        warnings,
        kind: doc.kind,
        profile: doc.profile,
        confidence: doc.confidence,
        title: doc.title,
        meeting_id: doc.meeting.as_ref().and_then(Meeting::id),
        meeting: doc.meeting,
        toc: doc.toc,
        items,
        proposals,
        tables: found.outside,
        preamble: doc.preamble,
        text: doc.text,
        ..Record::new(source)
    }
}

/// The tables of a parsed document, read within one cell budget.
struct Found {
    /// Tables outside any item or proposal (the head, without its contents list).
    outside: Vec<Table>,
    /// Per item, its tables.
    items: Vec<Vec<Table>>,
    /// Per proposal, its tables.
    proposals: Vec<Vec<Table>>,
    /// What is left of the budget, and the runs left out.
    budget: CellBudget,
}

/// Read the tables of the head, each item and each proposal, in document
/// order, from a budget of `max_cells` cells.
fn read_tables(doc: &Document, words: &TableWords, max_cells: usize) -> Found {
    let mut budget = CellBudget::new(max_cells);
    let mut detect = |range: std::ops::Range<usize>| {
        tables::detect_within(&doc.lines[range], words, &mut budget)
    };
    let (head, toc) = (&doc.head, &doc.toc_lines);
    let mut outside = detect(head.start..toc.start.max(head.start));
    outside.extend(detect(toc.end.max(head.start)..head.end));
    let items = doc.items.iter().map(|(_, r)| detect(r.clone())).collect();
    let proposals = doc
        .proposals
        .iter()
        .map(|(_, r)| detect(r.clone()))
        .collect();
    Found {
        outside,
        items,
        proposals,
        budget,
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

/// The `table-too-large` warning when tab-separated runs were left out of
/// the tables for want of cells in the file's budget.
fn too_large(budget: &CellBudget) -> Option<Issue> {
    let first = budget.left_out.first()?;
    let cells: usize = budget.left_out.iter().map(|l| l.cells).sum();
    let runs = match budget.left_out.len() {
        1 => "1 tab-separated run".to_string(),
        n => format!("{n} tab-separated runs"),
    };
    Some(Issue {
        code: warn::TABLE_TOO_LARGE.into(),
        message: format!(
            "{runs} with {cells} cells left out of the tables: a file's tables may hold \
             {} cells; the text stays in its section",
            budget.limit
        ),
        location: Some(first.location),
    })
}

/// A `table-sum-mismatch` warning per failed arithmetic check of `table`.
fn sum_mismatches<'a>(table: &'a Table, ocr_pages: &'a [u32]) -> impl Iterator<Item = Issue> + 'a {
    // A table on a page read by OCR: a misread digit is the likelier cause.
    let by_ocr = table
        .rows
        .iter()
        .map(|r| r.location.page)
        .chain([table.location.page])
        .any(|p| p.is_some_and(|p| ocr_pages.contains(&p)));
    table.checks.iter().filter(|c| !c.ok).map(move |c| Issue {
        code: warn::TABLE_SUM_MISMATCH.into(),
        message: format!(
            "table {:?}: row {:?}, column {:?}: printed total {} but the rows sum to {}{}",
            table.caption.as_deref().unwrap_or("(no caption)"),
            c.row,
            c.column,
            c.found,
            c.expected,
            if by_ocr {
                " (the table was read by OCR: a misread digit is a likely cause)"
            } else {
                ""
            }
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
