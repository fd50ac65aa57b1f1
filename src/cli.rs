//! Command-line options (clap derive), all in one place.

use clap::{Parser, Subcommand};
use referat::batch::Shard;
use std::path::PathBuf;

/// Exit codes, as documented in `--help` (the values live in `main.rs`).
const EXIT_CODES: &str = "\
Exit codes:
  0  the batch completed; files that failed are in the manifest and records
  1  with --strict: the batch completed but at least one file failed
  2  usage error, an output folder that cannot be written, or an input that
     does not exist or is a file of a format referat does not read (the
     other inputs are still read and written)";

/// Exit codes of `referat search` and `referat case` (as grep's).
const QUERY_EXIT_CODES: &str = "\
Exit codes:
  0  something was found
  1  nothing was found
  2  usage error, or no database at --db (write one with
     `referat export OUT --to sqlite`)";

/// Exit codes of `referat status`.
const STATUS_EXIT_CODES: &str = "\
Exit codes:
  0  every folder is finished, all with one fingerprint
  1  a folder is unfinished, missing or not an output folder, or the
     fingerprints differ (the folders would not merge)
  2  usage error";

/// Exit codes of `referat text`.
const TEXT_EXIT_CODES: &str = "\
With several files, each file's text follows a line \"==> FILE <==\".

Exit codes:
  0  every file's text was printed
  1  the text of at least one file could not be extracted (its error code is
     printed; the other files are printed)
  2  usage error, or a file that cannot be read or is not .pdf, .txt or .md";

/// Turn folders of Danish municipal minutes and business-case catalogues
/// (PDF or text) into normalized JSON records, one per file.
#[derive(Debug, Parser)]
#[command(name = "referat", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse every PDF, text (.txt/.md), web page (.html/.htm) and case-system
    /// XML export (eDoc, Acadre, SBSYS) under the inputs into OUT/records.jsonl.
    #[command(
        long_about = "Parse every PDF, text (.txt/.md), web page (.html/.htm) and case-system \
XML export (eDoc, Acadre, SBSYS; .xml) under the inputs into OUT/records.jsonl. A file \
named directly is read whatever its extension (its format then comes from its first \
bytes).\n\n\
OUT gets:\n  \
records.jsonl   one JSON record per input file, sorted by source.path\n  \
manifest.jsonl  one line per input: path, size, sha256, status, error, pages, tables, duration_ms;\n                  \
and one per skipped entry: status \"skipped\" and its reason\n  \
run.json        version, configuration fingerprint and summary of the run\n\n\
Runs are incremental: run again on the same OUT and only new and changed files are \
processed (by SHA-256 of their content); files that are gone get status \"removed\" in the \
manifest and lose their record. A run that is killed resumes where it stopped and ends \
with the same output as an uninterrupted run. Hidden files (.x), temporary files (~$x, x~, \
x.tmp), other formats and FIFOs are skipped, counted in the summary and named in the \
manifest.",
        after_help = EXIT_CODES
    )]
    Ingest(IngestArgs),
    /// Join the output folders of shard runs into one, as a single run would have written it.
    #[command(after_help = EXIT_CODES)]
    Merge(MergeArgs),
    /// Export the records of an ingest output folder as tidy tables
    /// (documents, meetings, items, sections, decisions, history,
    /// attachments, amounts, proposals, tables, table_cells), one row per
    /// fact, joined by `path`, `item` and `table`: CSV files, a SQLite
    /// database with full-text search, or Parquet files. The columns are
    /// listed in the README.
    #[command(after_help = EXIT_CODES)]
    Export(ExportArgs),
    /// Search the exported database: item titles, sections, decisions,
    /// proposals and document heads. Each word also finds its inflected
    /// forms ("skole" finds "skolen", "skolernes"); "quoted words" are a
    /// phrase. Prints one hit per item, best first: document, meeting date
    /// and body, item, case number, outcome, page and line, and a snippet.
    #[command(after_help = QUERY_EXIT_CODES)]
    Search(SearchArgs),
    /// Every treatment of a case across meetings, oldest first: each
    /// decision on an item with this case number (body, date, outcome,
    /// page), items without a decision, and earlier treatments the minutes
    /// list. One treatment printed in several documents is listed once,
    /// with all its sources.
    #[command(after_help = QUERY_EXIT_CODES)]
    Case(CaseArgs),
    /// Show each output folder's state: finished or unfinished (a run's
    /// journal is there), files done, failed, partial and skipped, the
    /// shard, and the version and grammar fingerprint (folders merge only
    /// when it is the same).
    #[command(after_help = STATUS_EXIT_CODES)]
    Status(StatusArgs),
    /// Print the JSON Schema of a record.
    Schema,
    /// Print the text referat extracts from files, as `pdftotext` would: a
    /// newline after each line, table cells separated by tabs, a form feed
    /// after each page (running headers, footers and page numbers left out).
    #[command(after_help = TEXT_EXIT_CODES)]
    Text(TextArgs),
    /// Print the lines the parser sees in a file: page, line, heading level,
    /// bold, and the text (table cells separated by " | ").
    #[command(after_help = EXIT_CODES)]
    Lines(InspectArgs),
    /// Explain how a file is read: each profile's cue score, the profile that
    /// won, and the line that opened each item and section.
    #[command(after_help = EXIT_CODES)]
    Explain(InspectArgs),
    /// Internal: extract one PDF and print its lines as JSON (run in a child process).
    #[command(hide = true)]
    ExtractPdf {
        /// The PDF file (`-`: standard input).
        #[arg(required_unless_present = "serve")]
        path: Option<PathBuf>,
        /// Serve framed PDFs from stdin until it ends (the pooled child).
        #[arg(long, conflicts_with = "path")]
        serve: bool,
        /// CPU seconds each file may use (with --serve).
        #[arg(long, default_value_t = 65)]
        cpu_limit_secs: u64,
    },
}

/// Options of `referat ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Files or folders to read (folders are walked recursively). Default:
    /// ./fixtures, when it exists (the project's sample documents).
    #[arg(value_name = "DIR|FILE")]
    pub inputs: Vec<PathBuf>,
    /// Output folder (records.jsonl, manifest.jsonl, run.json).
    #[arg(short, long, default_value = "out")]
    pub out: PathBuf,
    /// Folder of grammar profiles (*.toml). Default: the built-in profiles (the grammars/ folder the binary was built from; a grammars/ folder in the working directory is not read).
    #[arg(long, value_name = "DIR")]
    pub grammars: Option<PathBuf>,
    /// Parse every file with this grammar profile (a file stem in the grammar
    /// folder, e.g. `acadre-da`) instead of detecting the layout.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Seconds allowed for extracting one PDF before it fails with `timeout`
    /// (a whole number, at least 1).
    #[arg(long, default_value_t = referat::extract::pdf::DEFAULT_TIMEOUT_SECS, value_name = "SECS", allow_negative_numbers = true,
          value_parser = parse_timeout)]
    pub timeout: u64,
    /// When to read PDF pages by OCR (rendered by poppler's pdftoppm,
    /// recognised by Tesseract): `auto` reads pages that have no text layer
    /// but show an image (scans), `always` every page, `never` none (a
    /// scanned PDF then fails with pdf-no-text). Without pdftoppm and
    /// tesseract, as `never`, and the record says what to install.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub ocr: OcrArg,
    /// Tesseract's languages for OCR, joined by `+` (those without language
    /// data are left out).
    #[arg(long, default_value = referat::extract::pdf::DEFAULT_OCR_LANGUAGES, value_name = "LANGS")]
    pub ocr_lang: String,
    /// Worker threads (default: all cores).
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Process every file again, ignoring what earlier runs left in OUT.
    #[arg(long)]
    pub force: bool,
    /// Process files again whose earlier record failed, even if unchanged.
    #[arg(long)]
    pub retry_failed: bool,
    /// Only process shard K of N (0 <= K < N), chosen by a hash of each file's relative
    /// path; N runs with K = 0..N-1 cover the inputs exactly once (see `referat merge`).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Exit with 1 if any file failed.
    #[arg(long)]
    pub strict: bool,
    /// No progress and no summary (warnings and errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
    /// Write the records to standard output (JSON Lines, sorted by path) for
    /// jq and pipes, instead of a folder: nothing is written to disk,
    /// nothing is resumed or reused.
    #[arg(long, conflicts_with_all = ["out", "shard", "force", "retry_failed"])]
    pub stdout: bool,
}

/// `--ocr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OcrArg {
    /// Pages without a text layer that show an image.
    Auto,
    /// Every page.
    Always,
    /// No page.
    Never,
}

impl From<OcrArg> for referat::extract::pdf::OcrMode {
    fn from(a: OcrArg) -> Self {
        match a {
            OcrArg::Auto => Self::Auto,
            OcrArg::Always => Self::Always,
            OcrArg::Never => Self::Never,
        }
    }
}

/// Options of `referat export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The output folder of `referat ingest` (holding records.jsonl).
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
    /// Format of the export.
    #[arg(long, value_enum, default_value = "csv")]
    pub to: ExportFormat,
    /// Where to write: for csv and parquet a folder of one file per table
    /// (default OUT/csv, OUT/parquet), for sqlite the database file
    /// (default OUT/referat.sqlite; its Datasette metadata is written beside
    /// it as referat.metadata.json).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

/// Formats of `referat export`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    /// One CSV file per table (RFC 4180, UTF-8, a header row).
    Csv,
    /// One SQLite database: primary and foreign keys, a full-text index
    /// (`search`), Datasette metadata beside it.
    Sqlite,
    /// One Parquet file per table (typed columns, Snappy).
    Parquet,
}

/// Options of `referat status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Output folders (e.g. one per shard).
    #[arg(required = true, value_name = "OUT")]
    pub outs: Vec<PathBuf>,
    /// Print one JSON object per folder.
    #[arg(long)]
    pub json: bool,
}

/// Options of `referat search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// What to search for: words (each also finds its inflected forms) and
    /// "quoted phrases".
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    pub query: Vec<String>,
    #[command(flatten)]
    pub db: DbArg,
    /// Whole words only (no inflected forms).
    #[arg(long, conflicts_with = "fts")]
    pub exact: bool,
    /// Read QUERY as SQLite FTS5 syntax (AND, OR, NOT, NEAR, prefix*).
    #[arg(long)]
    pub fts: bool,
    /// At most this many hits.
    #[arg(short = 'n', long, default_value_t = 20, value_name = "N")]
    pub limit: usize,
    /// Print the hits as JSON Lines (one object per hit) for scripts.
    #[arg(long)]
    pub json: bool,
}

/// Options of `referat case`.
#[derive(Debug, clap::Args)]
pub struct CaseArgs {
    /// The case number as the records give it (e.g. 21/9445).
    #[arg(value_name = "NUMBER")]
    pub number: String,
    #[command(flatten)]
    pub db: DbArg,
    /// Print the treatments as JSON Lines (one object per treatment).
    #[arg(long)]
    pub json: bool,
}

/// The database `search` and `case` read.
#[derive(Debug, clap::Args)]
pub struct DbArg {
    /// The database written by `referat export OUT --to sqlite`, or the
    /// output folder holding it (OUT/referat.sqlite).
    #[arg(long, value_name = "PATH", default_value = "out")]
    pub db: PathBuf,
}

/// Options of `referat lines` and `referat explain`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// A .pdf, .txt or .md file.
    pub file: PathBuf,
    /// Folder of grammar profiles (*.toml). Default: the built-in profiles (the grammars/ folder the binary was built from; a grammars/ folder in the working directory is not read).
    #[arg(long, value_name = "DIR")]
    pub grammars: Option<PathBuf>,
    /// Read the file with this profile instead of detecting the layout.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

/// Options of `referat text`.
#[derive(Debug, clap::Args)]
pub struct TextArgs {
    /// .pdf, .txt or .md files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Folder of grammar profiles (*.toml), whose page-number words are used.
    /// Default: the built-in profiles (the grammars/ folder the binary was built from; a grammars/ folder in the working directory is not read).
    #[arg(long, value_name = "DIR")]
    pub grammars: Option<PathBuf>,
}

/// Options of `referat merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Output folders of finished runs (e.g. one per shard). Where folders
    /// overlap, the first one named wins.
    #[arg(required = true, value_name = "DIR")]
    pub inputs: Vec<PathBuf>,
    /// Folder to write the merged records.jsonl, manifest.jsonl and run.json to.
    #[arg(short, long)]
    pub out: PathBuf,
    /// Exit with 1 if any file failed.
    #[arg(long)]
    pub strict: bool,
    /// Merge folders written by different referat versions, grammars or
    /// options (without it that is an error: the records would mix two
    /// readings of the documents).
    #[arg(long)]
    pub force: bool,
    /// No summary (warnings and errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
}

/// `--timeout`: a whole number of seconds, at least 1.
fn parse_timeout(s: &str) -> Result<u64, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if n >= 1 => Ok(n as u64),
        Ok(_) => Err("the timeout must be at least 1 second (there is no \"no timeout\")".into()),
        Err(_) => Err("the timeout is a whole number of seconds, e.g. 60".into()),
    }
}
