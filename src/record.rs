//! The record contract (version 1): one [`Record`] per input file.
//!
//! Field names and meanings follow `docs/contract.md`; the JSON
//! Schema in `docs/record.schema.json` is generated from these types.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the record contract this crate writes.
pub const SCHEMA_VERSION: &str = "1";

/// One output line of `records.jsonl`: everything known about one input file.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Record {
    /// Always `"1"`.
    pub schema_version: String,
    /// Where the record came from.
    pub source: Source,
    /// `ok`, `partial` or `failed`.
    pub status: Status,
    /// Problems that stopped parsing (non-empty only when `status` is `failed`).
    pub errors: Vec<Issue>,
    /// Problems that did not stop parsing.
    pub warnings: Vec<Issue>,
    /// Document family.
    pub kind: Kind,
    /// Name of the grammar profile that parsed the document.
    pub profile: Option<String>,
    /// How sure the layout detection was, from 0 to 1.
    pub confidence: f64,
    /// The document's title line.
    pub title: Option<String>,
    /// Meeting metadata (minutes only).
    pub meeting: Option<Meeting>,
    /// The meeting's identity across formats: body, date and start time,
    /// normalised ("teknisk-udvalg/2025-10-01/15:45"), so that the PDF, web
    /// page and export of one meeting can be joined; null without a body
    /// and a date.
    pub meeting_id: Option<String>,
    /// Table of contents.
    pub toc: Vec<TocEntry>,
    /// Agenda items (minutes).
    pub items: Vec<Item>,
    /// Proposals (business cases).
    pub proposals: Vec<Proposal>,
    /// Tables outside any item or proposal.
    pub tables: Vec<Table>,
    /// Text of the document head (before the first item or proposal) without
    /// the title line, so that no line is lost (meeting lines, introductions, notes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preamble: Option<String>,
    /// Full text of a document whose layout no profile recognised (kind `unknown`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Record {
    /// The record of `source` before anything is parsed: status `ok`, no
    /// issues, kind `unknown`, nothing found. Every record starts here.
    pub fn new(source: Source) -> Record {
        Record {
            schema_version: SCHEMA_VERSION.into(),
            source,
            status: Status::Ok,
            errors: Vec::new(),
            warnings: Vec::new(),
            kind: Kind::Unknown,
            profile: None,
            confidence: 0.0,
            title: None,
            meeting: None,
            meeting_id: None,
            toc: Vec::new(),
            items: Vec::new(),
            proposals: Vec::new(),
            tables: Vec::new(),
            preamble: None,
            text: None,
        }
    }

    /// The record of a file that could not be read or parsed.
    pub fn failed(source: Source, error: &crate::error::FileError) -> Record {
        Record {
            status: Status::Failed,
            errors: vec![Issue {
                code: error.code().into(),
                message: error.to_string(),
                location: None,
            }],
            ..Record::new(source)
        }
    }
}

/// Identity of the input file.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Source {
    /// Path relative to the input root (non-UTF-8 bytes escaped as `\xNN`).
    pub path: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// File size in bytes.
    pub bytes: u64,
    /// `pdf`, `text`, `html`, `xml`, or `other` (a file named on the command line that referat does not read).
    pub format: Format,
    /// Number of pages (null for text).
    pub pages: Option<u32>,
    /// Files the document refers to (an export's item PDFs and
    /// attachments), linked rather than parsed again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// The case system's own id of the meeting (exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_ref: Option<String>,
    /// Pages read by OCR (scans: pages without a text layer, or every page
    /// with `--ocr always`), each with its words and mean confidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ocr: Vec<OcrPage>,
}

/// A page read by OCR.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct OcrPage {
    /// 1-based page.
    pub page: u32,
    /// Words recognised.
    pub words: u32,
    /// Mean word confidence, 0–100 (Tesseract's).
    pub confidence: f64,
}

/// A file a document refers to.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Related {
    /// Path relative to the input root: the name as the document gives it,
    /// in the document's folder (as found on disk when it is there).
    pub path: String,
    /// Whether the file is in that folder.
    pub exists: bool,
}

impl Meeting {
    /// The normalised identity of this meeting, "body/date[/HH:MM]"; None
    /// without a body and a date.
    pub fn id(&self) -> Option<String> {
        let body = self.body.as_deref()?;
        let date = self.date.as_deref()?;
        let mut slug = String::new();
        for c in body.chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug = slug.trim_end_matches('-');
        if slug.is_empty() {
            return None;
        }
        Some(match &self.start_time {
            Some(t) => format!("{slug}/{date}/{t}"),
            None => format!("{slug}/{date}"),
        })
    }
}

impl Source {
    /// The source of a file whose SHA-256 (lowercase hex) is known; pages
    /// are filled in by extraction.
    pub fn new(path: String, format: Format, sha256: String, bytes: u64) -> Source {
        Source {
            path,
            sha256,
            bytes,
            format,
            pages: None,
            related: Vec::new(),
            meeting_ref: None,
            ocr: Vec::new(),
        }
    }

    /// The source of a file's bytes (hashes them).
    pub fn of(path: String, format: Format, bytes: &[u8]) -> Source {
        use sha2::{Digest, Sha256};
        let sha256 = hex::encode(Sha256::digest(bytes));
        Source::new(path, format, sha256, bytes.len() as u64)
    }
}

/// Input format.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A PDF file.
    Pdf,
    /// A text or markdown file.
    Text,
    /// A web page (`.html`, `.htm`).
    Html,
    /// A case-system (ESDH) XML export (`.xml`).
    Xml,
    /// A file named on the command line whose format referat does not
    /// read; its record fails with `unsupported-format`.
    Other,
}

/// Outcome of processing one file.
#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Parsed without loss.
    Ok,
    /// Parsed, with warnings that lost content.
    Partial,
    /// Nothing parsed; `errors` says why.
    Failed,
}

/// Document family.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Meeting minutes with agenda items.
    Minutes,
    /// A catalogue of business-case proposals.
    BusinessCases,
    /// No profile recognised the layout.
    Unknown,
}

/// An error or warning with a stable kebab-case code.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Issue {
    /// Stable identifier such as `pdf-encrypted` or `table-sum-mismatch`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// Where in the document, when known.
    pub location: Option<Location>,
}

/// A place in the document.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
pub struct Location {
    /// 1-based page (null for text).
    pub page: Option<u32>,
    /// 1-based line in the extracted text.
    pub line: u32,
}

/// Meeting metadata of minutes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Meeting {
    /// Body that met, e.g. `Direktionen`.
    pub body: Option<String>,
    /// ISO date.
    pub date: Option<String>,
    /// `HH:MM`.
    pub start_time: Option<String>,
    /// Meeting place.
    pub location: Option<String>,
    /// Names of participants.
    pub participants: Vec<String>,
}

/// A table-of-contents entry.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct TocEntry {
    /// Entry title.
    pub title: String,
    /// Printed page number.
    pub page: Option<u32>,
}

/// An agenda item of minutes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Item {
    /// N of "Punkt N".
    pub number: u32,
    /// Heading text after "Punkt N:".
    pub title: String,
    /// Journal number as printed.
    pub case_number: Option<String>,
    /// False for a closed item.
    pub public: bool,
    /// Attachment titles.
    pub attachments: Vec<String>,
    /// Web pages and exports: the attachments that link to a file, with
    /// the link's target as printed (a URL, or a file name beside an export).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment_links: Vec<AttachmentLink>,
    /// Text of "Baggrund".
    pub background: Option<String>,
    /// Text of "Indstilling".
    pub recommendation: Option<String>,
    /// One entry per decision heading (per treatment of the item).
    pub decisions: Vec<Decision>,
    /// Earlier treatments of the case ("Sagsforløb", "Tidligere behandling",
    /// a dated prior-treatment line), oldest as printed; not decisions.
    #[serde(default)]
    pub history: Vec<Treatment>,
    /// Text of "Sagsfremstilling" with its sub-sections.
    pub case_description: Option<String>,
    /// Every section of the item, lossless.
    pub sections: Vec<Section>,
    /// Money amounts in the item's text.
    pub amounts: Vec<Amount>,
    /// Tables inside the item.
    pub tables: Vec<Table>,
    /// Where the item starts.
    pub location: Location,
}

/// An attachment and the file it links to.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct AttachmentLink {
    /// The attachment's title, as in `attachments`.
    pub title: String,
    /// The link's target.
    pub href: String,
}

/// A decision of a body on a date.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Decision {
    /// Deciding body.
    pub body: Option<String>,
    /// ISO date.
    pub date: Option<String>,
    /// Decision text.
    pub text: String,
    /// Classified outcome.
    pub outcome: Outcome,
    /// Where the decision's heading is (its first line when it has none).
    pub location: Option<Location>,
}

/// An earlier treatment of an item's case by a body.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Treatment {
    /// Body that treated the case ("Økonomiudvalget").
    pub body: Option<String>,
    /// ISO date of that meeting.
    pub date: Option<String>,
    /// Item number at that meeting.
    pub item_number: Option<u32>,
    /// What the entry says (the earlier decision, when printed).
    pub text: Option<String>,
}

/// Classified outcome of a decision.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Plain approval.
    Approved,
    /// Approval qualified by a condition or change.
    ApprovedWithChanges,
    /// Rejected.
    Rejected,
    /// Deferred.
    Postponed,
    /// Discussed without a decision on the recommendation.
    Discussed,
    /// Taken as orientation.
    Noted,
    /// Anything else.
    Other,
}

/// Kind of a section of an agenda item.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// "Baggrund".
    Background,
    /// "Indstilling".
    Recommendation,
    /// "Beslutning … den …".
    Decision,
    /// "Sagsfremstilling".
    CaseDescription,
    /// "Bilag".
    Attachments,
    /// Anything else (text before the first heading, unknown headings).
    Other,
}

/// A section of an item (with kind) or a proposal (kind omitted).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Section {
    /// Heading as printed (null for untitled text).
    pub heading: Option<String>,
    /// Section kind (items only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SectionKind>,
    /// Section text.
    pub text: String,
    /// Line number of the heading that opened the section (for `referat explain`; not written).
    #[serde(skip)]
    #[schemars(skip)]
    pub line: Option<u32>,
}

/// A money amount mentioned in text.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Amount {
    /// Amount as printed, e.g. `1,5 mio. kr.`.
    pub text: String,
    /// Value in DKK.
    pub dkk: f64,
    /// Kind of the section it occurs in.
    pub section: Option<SectionKind>,
    /// The line the amount is printed on (where it starts, when a line
    /// break splits it).
    pub location: Option<Location>,
}

/// A business-case proposal.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Proposal {
    /// Proposal code such as `HA01`.
    pub code: Option<String>,
    /// N of "Forslag N".
    pub number: Option<u32>,
    /// Proposal type, e.g. `Investeringsforslag`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Title without code, type and number.
    pub title: String,
    /// Text of "Kort resumé".
    pub summary: Option<String>,
    /// Names from "Fremstillende forvaltning".
    pub presenting_administrations: Vec<String>,
    /// Names ticked under "Berørte forvaltninger".
    pub affected_administrations: Vec<String>,
    /// Payback years.
    pub payback_years: Option<Payback>,
    /// Every section in order.
    pub sections: Vec<Section>,
    /// Tables inside the proposal.
    pub tables: Vec<Table>,
    /// Where the proposal starts.
    pub location: Location,
}

/// Payback time in years.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Payback {
    /// Based on service effects.
    pub service: Option<f64>,
    /// Based on total economy.
    pub total: Option<f64>,
}

/// A numeric table.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Table {
    /// Caption line.
    pub caption: Option<String>,
    /// Unit from the header.
    pub unit: Option<Unit>,
    /// Year of "2025 p/l".
    pub price_level: Option<i32>,
    /// Column labels after the first column.
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<Row>,
    /// Notes under the table.
    pub notes: Vec<String>,
    /// Arithmetic checks of total rows/columns.
    pub checks: Vec<Check>,
    /// Where the table starts.
    pub location: Location,
}

/// Unit of a table's values.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Unit {
    /// As printed, e.g. `1.000 kr.`.
    pub text: String,
    /// Multiplier to DKK, e.g. 1000.
    pub scale: f64,
    /// Currency code.
    pub currency: Option<String>,
}

/// A table row.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Row {
    /// Text of the first cell.
    pub label: String,
    /// One entry per column (null for empty cells).
    pub cells: Vec<Option<Cell>>,
    /// `data`, `group` or `total`.
    pub role: RowRole,
    /// The line the row is printed on: where each of its cells is.
    pub location: Location,
}

/// Role of a table row.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RowRole {
    /// Ordinary values.
    Data,
    /// A heading row without values.
    Group,
    /// A row whose values sum others.
    Total,
}

/// A table cell.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Cell {
    /// Cell text as printed.
    pub raw: String,
    /// Numbers in the cell, in the table's unit.
    pub values: Vec<f64>,
    /// Footnote markers.
    pub footnotes: Vec<String>,
}

/// One arithmetic check of a total.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema, PartialEq)]
pub struct Check {
    /// Label of the total row.
    pub row: String,
    /// Label of the column checked.
    pub column: String,
    /// Sum of the rows the total covers.
    pub expected: f64,
    /// Printed total.
    pub found: f64,
    /// Whether they agree.
    pub ok: bool,
}
