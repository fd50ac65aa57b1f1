//! PDF extraction: positioned glyphs (pdf-extract's `OutputDev`) rebuilt into
//! the lines the parser reads.
//!
//! The work is split in four steps, one module each:
//!
//! 1. [`load`]: read the file with lopdf, repair a broken cross-reference
//!    table, decrypt with the empty user password, refuse streams that would
//!    inflate past the limit, fix broken width arrays, and rewrite every
//!    content stream (read with the tolerant reader in [`content`]) into a
//!    small, safe subset of operators (`'`/`"` turned into `Tj`, images,
//!    paths and colours dropped), all pages joined into one stream too, so
//!    that pdf-extract has fewer reasons to panic.
//! 2. [`glyphs`]: run pdf-extract over that one stream (each font parsed
//!    once), or page by page when that fails (each page under
//!    `catch_unwind`, retried without a font pdf-extract cannot read), and
//!    collect every glyph with its position, advance, size and boldness,
//!    turned upright when the page is rotated.
//! 3. [`layout`]: glyphs → lines → cells, page furniture removed, tables
//!    rebuilt from column positions, paragraphs joined, headings ranked.
//! 4. [`isolate`]: all of the above runs in pooled child processes
//!    (`referat extract-pdf --serve`), each under an address-space limit
//!    and a CPU limit per file, with a timeout per file, so a panic, an
//!    abort or a runaway file costs one record, not the batch. A child
//!    serves file after file; it is replaced when it crashes, times out or
//!    garbles a reply, and when it has served enough files or grown large.
//!
//! ## Child protocol
//!
//! The pooled child ([`run_server`]) reads PDFs as frames from standard
//! input and answers each with a framed JSON [`ChildReply`] (see
//! [`isolate`]) until its input ends.
//!
//! The one-shot child `extract-pdf PATH` ([`run_child`], for debugging and
//! tests) reads the PDF from the path it is given (`-` = standard input)
//! and writes one JSON object to standard output: `{"ok": Extracted}` or
//! `{"error": {"code": "...", "message": "..."}}`. Exit codes: [`EXIT_OK`],
//! [`EXIT_FAILED`] (typed error on stdout), [`EXIT_PANIC`] (a panic was caught;
//! a `pdf-malformed` error is on stdout), [`EXIT_USAGE`] (the input could not
//! be read).
//!
//! A child killed by a signal is reported as `extractor-crashed` (or
//! `pdf-too-large` when it died allocating memory, `timeout` when it ran
//! out of CPU time).

mod content;
mod glyphs;
mod isolate;

pub use isolate::shut_down_workers;

/// Make the running executable the extraction child (`extract-pdf
/// --serve`). The `referat` binary calls this at start, so that PDFs stay
/// isolated in child processes even when the binary is installed under
/// another name (`referat-0.2`); a program that embeds the library and
/// does not serve `extract-pdf` must not.
pub fn serve_from_current_exe() {
    isolate::register_current_exe();
}
mod layout;
mod load;
mod ocr;

pub use ocr::OcrMode;

use super::Extracted;
use crate::error::FileError;
pub use crate::extract::HyphenWords;
use crate::record::Issue;
use layout::PageNumbers;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Child exit code: extraction succeeded, `{"ok": …}` is on stdout.
pub const EXIT_OK: u8 = 0;
/// Child exit code: extraction failed with a typed error, `{"error": …}` is on stdout.
pub const EXIT_FAILED: u8 = 1;
/// Child exit code: the input could not be read (bad path, unreadable stdin).
pub const EXIT_USAGE: u8 = 2;
/// Child exit code: the extractor panicked outside the per-page guard; a
/// `pdf-malformed` error is on stdout.
pub const EXIT_PANIC: u8 = 3;

/// Environment variable naming the `referat` executable used as the
/// extraction child (overrides the automatic choice).
pub const ENV_EXTRACTOR: &str = "REFERAT_PDF_EXTRACTOR";
/// Environment variable: set to `1` to extract in-process (no child).
pub const ENV_IN_PROCESS: &str = "REFERAT_PDF_IN_PROCESS";
/// Environment variable (read by the child): largest size in MiB one stream
/// may inflate to.
pub const ENV_MAX_INFLATE_MB: &str = "REFERAT_PDF_MAX_INFLATE_MB";

/// Environment variable (read by the child): the page-number words, as JSON
/// ([`PageNumberWords`]).
pub const ENV_PAGE_NUMBER_WORDS: &str = "REFERAT_PDF_PAGE_NUMBER_WORDS";

/// Environment variable (read by the child): the words of the line-end
/// hyphen rule, as JSON ([`HyphenWords`]).
pub const ENV_HYPHEN_WORDS: &str = "REFERAT_PDF_HYPHEN_WORDS";

/// Environment variable (read by the child): when pages are handed back
/// for OCR ([`OcrMode`] as a word).
pub const ENV_OCR: &str = "REFERAT_PDF_OCR";

/// Limits and words for PDF extraction.
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// Seconds before an extraction is stopped; also each OCR program's
    /// limit for one page.
    pub timeout_secs: u64,
    /// When pages are read by OCR.
    pub ocr: OcrMode,
    /// Tesseract's languages (`dan+swe`).
    pub ocr_languages: String,
    /// Words around page numbers, from the grammars
    /// ([`crate::profile::Profiles::page_number_words`]).
    pub page_numbers: PageNumberWords,
    /// Words of the line-end hyphen rule, from the grammars
    /// ([`crate::profile::Profiles::hyphen_words`]).
    pub hyphens: HyphenWords,
}

/// Seconds a PDF may take by default (`--timeout`).
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;

/// Tesseract's languages by default: Danish and Swedish minutes.
pub const DEFAULT_OCR_LANGUAGES: &str = "dan+swe";

impl Default for PdfOptions {
    /// [`DEFAULT_TIMEOUT_SECS`], and the built-in grammars' page-number and hyphen words.
    fn default() -> Self {
        static BUILTIN: std::sync::LazyLock<(PageNumberWords, HyphenWords)> =
            std::sync::LazyLock::new(|| {
                let profiles = crate::profile::Profiles::builtin();
                (profiles.page_number_words(), profiles.hyphen_words())
            });
        PdfOptions {
            timeout_secs: DEFAULT_TIMEOUT_SECS,
            ocr: OcrMode::Auto,
            ocr_languages: DEFAULT_OCR_LANGUAGES.to_string(),
            page_numbers: BUILTIN.0.clone(),
            hyphens: BUILTIN.1.clone(),
        }
    }
}

/// The words around a page number in a running header or footer: `before`
/// it ("Side 3") and `between` it and the page count ("3 af 12").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageNumberWords {
    /// Words before the number.
    pub before: Vec<String>,
    /// Words between the number and the page count.
    pub between: Vec<String>,
}

/// How extraction is isolated from the calling process.
///
/// Kept apart from [`PdfOptions`] so that code building `PdfOptions` with a
/// struct literal keeps compiling; [`Isolation::from_env`] is what
/// [`extract`] uses.
#[derive(Debug, Clone)]
pub struct Isolation {
    /// The `referat` executable to run as the extraction child (`referat
    /// extract-pdf --serve`). `None`:
    /// the current executable when it is `referat`, else a `referat` next to
    /// it or one directory up (where cargo puts it for integration tests),
    /// else extraction runs in-process.
    pub extractor: Option<PathBuf>,
    /// Extract in the calling process (panics are still caught; aborts,
    /// stack overflows and memory exhaustion are not).
    pub in_process: bool,
    /// Address-space limit of the child in MiB (`RLIMIT_AS`); 0 = none.
    pub memory_limit_mb: u64,
    /// Largest size in MiB one stream may inflate to before the file is
    /// refused as `pdf-too-large`.
    pub max_inflate_mb: u64,
}

impl Default for Isolation {
    fn default() -> Self {
        Isolation {
            extractor: None,
            in_process: false,
            memory_limit_mb: 2048,
            max_inflate_mb: 256,
        }
    }
}

impl Isolation {
    /// Defaults, overridden by [`ENV_EXTRACTOR`], [`ENV_IN_PROCESS`] and
    /// [`ENV_MAX_INFLATE_MB`].
    pub fn from_env() -> Self {
        let mut iso = Isolation::default();
        if let Some(p) = std::env::var_os(ENV_EXTRACTOR).filter(|p| !p.is_empty()) {
            iso.extractor = Some(PathBuf::from(p));
        }
        if std::env::var(ENV_IN_PROCESS).is_ok_and(|v| v == "1" || v == "true") {
            iso.in_process = true;
        }
        if let Some(mb) = std::env::var(ENV_MAX_INFLATE_MB)
            .ok()
            .and_then(|v| v.parse().ok())
        {
            iso.max_inflate_mb = mb;
        }
        iso
    }
}

/// Limits applied inside the extracting process.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest size in bytes one stream may inflate to.
    pub max_inflate: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_inflate: 256 << 20,
        }
    }
}

/// Extract a PDF's lines, isolated as [`Isolation::from_env`] says.
pub fn extract(bytes: &[u8], options: &PdfOptions) -> Result<Extracted, FileError> {
    extract_with(bytes, options, &Isolation::from_env())
}

/// Extract a PDF's lines in a child process (or in-process when
/// `isolation.in_process` is set or no `referat` executable can be found).
/// The bytes are piped to the child. Pages without a text layer are read
/// by OCR as `options.ocr` says, here in the parent (see [`ocr`]).
pub fn extract_with(
    bytes: &[u8],
    options: &PdfOptions,
    isolation: &Isolation,
) -> Result<Extracted, FileError> {
    let limits = Limits {
        max_inflate: isolation.max_inflate_mb.saturating_mul(1 << 20),
    };
    let (mode, tools) = ocr_tools(options);
    let exe = if isolation.in_process {
        None
    } else {
        isolation
            .extractor
            .clone()
            .or_else(isolate::default_extractor)
    };
    let outcome = match exe {
        Some(exe) => isolate::run(&exe, bytes, options, mode, isolation),
        None => outcome_in_process(bytes, limits, options, mode),
    };
    let memory = isolation.memory_limit_mb.saturating_mul(1 << 20);
    finish(outcome, bytes, options, &tools, memory)
}

/// Extract in the calling process. Panics inside pdf-extract are caught (per
/// page, then for the whole file), so this only fails with a typed error.
/// Only the words of `options` are used.
pub fn extract_in_process(
    bytes: &[u8],
    limits: Limits,
    options: &PdfOptions,
) -> Result<Extracted, FileError> {
    let (mode, tools) = ocr_tools(options);
    let outcome = outcome_in_process(bytes, limits, options, mode);
    finish(outcome, bytes, options, &tools, 0)
}

/// What the extraction of a file gives before OCR.
#[derive(Debug, Serialize, Deserialize)]
enum Outcome {
    /// The lines (nothing to read by OCR).
    Lines(Extracted),
    /// Pages to read by OCR, and the glyphs of the others.
    Scanned(Scanned),
}

/// A PDF with pages to read by OCR: what the text layer gave, page by page.
#[derive(Debug, Serialize, Deserialize)]
struct Scanned {
    /// The glyphs of every page read (empty for pages without text).
    pages: Vec<glyphs::PageGlyphs>,
    /// The pages (1-based) to read by OCR.
    ocr: Vec<u32>,
    /// Pages in the file.
    page_count: u32,
    /// Warnings so far.
    warnings: Vec<Issue>,
}

/// The OCR mode in effect and the tools, or why there is no OCR.
fn ocr_tools(options: &PdfOptions) -> (OcrMode, Result<ocr::Tools, String>) {
    if options.ocr == OcrMode::Never {
        return (OcrMode::Never, Err("OCR is off (--ocr never)".into()));
    }
    match ocr::tools(&options.ocr_languages) {
        Ok(tools) => (options.ocr, Ok(tools)),
        Err(why) => (OcrMode::Never, Err(format!("OCR is not available: {why}"))),
    }
}

fn outcome_in_process(
    bytes: &[u8],
    limits: Limits,
    options: &PdfOptions,
    mode: OcrMode,
) -> Result<Outcome, FileError> {
    let words = LayoutWords::new(&options.page_numbers, &options.hyphens);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        extract_unguarded(bytes, limits, &words, mode)
    }));
    match result {
        Ok(r) => r,
        Err(payload) => Err(FileError::PdfMalformed(format!(
            "the PDF reader failed: {}",
            panic_message(&payload)
        ))),
    }
}

/// The lines of an outcome: pages handed back for OCR are read, then all
/// pages are laid out together. A PDF without text says why OCR did not
/// read it.
fn finish(
    outcome: Result<Outcome, FileError>,
    bytes: &[u8],
    options: &PdfOptions,
    tools: &Result<ocr::Tools, String>,
    memory: u64,
) -> Result<Extracted, FileError> {
    match (outcome, tools) {
        (Ok(Outcome::Lines(e)), _) => Ok(e),
        (Ok(Outcome::Scanned(s)), Ok(tools)) => {
            let limits = ocr::OcrLimits {
                page_timeout: std::time::Duration::from_secs(options.timeout_secs.max(1)),
                memory,
            };
            let words = LayoutWords::new(&options.page_numbers, &options.hyphens);
            ocr::read(bytes, s, tools, limits, &words)
        }
        (Ok(Outcome::Scanned(_)), Err(why)) => Err(FileError::PdfNoText(why.clone())),
        (Err(FileError::PdfNoText(_)), Err(why)) => Err(FileError::PdfNoText(why.clone())),
        (Err(FileError::PdfNoText(m)), Ok(_)) if m.is_empty() => Err(FileError::PdfNoText(
            "no page shows an image to read by OCR".into(),
        )),
        (Err(e), _) => Err(e),
    }
}

/// The extraction pipeline without the outer panic guard: the lines, or
/// the pages to read by OCR (as `ocr` says) with the glyphs of the others.
fn extract_unguarded(
    bytes: &[u8],
    limits: Limits,
    words: &LayoutWords,
    ocr: OcrMode,
) -> Result<Outcome, FileError> {
    let mut loaded = load::load(bytes, limits)?;
    let collected = glyphs::collect(&mut loaded);
    let mut warnings = std::mem::take(&mut loaded.warnings);
    warnings.extend(collected.warnings);
    let page_count = loaded.page_count.max(collected.pages.len() as u32);
    let to_ocr = match ocr {
        OcrMode::Never => Vec::new(),
        OcrMode::Always => (1..=page_count).collect(),
        OcrMode::Auto => load::scanned_pages(&loaded, &collected.pages),
    };
    if !to_ocr.is_empty() {
        return Ok(Outcome::Scanned(Scanned {
            pages: collected.pages,
            ocr: to_ocr,
            page_count,
            warnings,
        }));
    }
    if collected.glyph_count == 0 {
        if collected.failed_pages + collected.font_skipped_pages > 0 {
            return Err(FileError::PdfMalformed(format!(
                "no text could be read; the PDF reader failed ({})",
                collected.first_failure.unwrap_or_default()
            )));
        }
        return Err(FileError::PdfNoText(String::new()));
    }
    lay_out(&collected.pages, page_count, warnings, words).map(Outcome::Lines)
}

/// The lines of a document's pages of glyphs.
fn lay_out(
    pages: &[glyphs::PageGlyphs],
    page_count: u32,
    warnings: Vec<Issue>,
    words: &LayoutWords,
) -> Result<Extracted, FileError> {
    let (lines, furniture) = layout::rebuild(pages, &words.page_numbers, &words.hyphens);
    if lines.iter().all(|l| l.text.trim().is_empty()) {
        return Err(FileError::PdfNoText(String::new()));
    }
    Ok(Extracted {
        lines,
        pages: Some(page_count.max(pages.len() as u32)),
        warnings,
        furniture,
        ..Extracted::default()
    })
}

/// The text of a panic payload.
fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

/// What the child writes to stdout.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ChildReply {
    /// Extraction succeeded.
    Ok(Extracted),
    /// Pages to read by OCR (done by the parent).
    Scanned(Scanned),
    /// Extraction failed with a typed error.
    Error(ChildError),
}

/// A [`FileError`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
struct ChildError {
    code: String,
    message: String,
}

impl ChildError {
    fn from_error(e: &FileError) -> Self {
        let message = match e {
            FileError::Io(m)
            | FileError::Binary(m)
            | FileError::PdfMalformed(m)
            | FileError::PdfTooLarge(m)
            | FileError::TextTooLarge(m)
            | FileError::MarkupTooLarge(m)
            | FileError::XmlMalformed(m)
            | FileError::XmlEntities(m)
            | FileError::XmlUnknownExport(m)
            | FileError::UnsupportedFormat(m)
            | FileError::ExtractorCrashed(m)
            | FileError::Internal(m) => m.clone(),
            FileError::Timeout(s) => s.to_string(),
            FileError::PdfNoText(m) => m.clone(),
            FileError::Empty | FileError::PdfEncrypted => String::new(),
        };
        ChildError {
            code: e.code().to_string(),
            message,
        }
    }

    fn into_error(self) -> FileError {
        match self.code.as_str() {
            "io-error" => FileError::Io(self.message),
            "empty-file" => FileError::Empty,
            "binary-file" => FileError::Binary(self.message),
            "pdf-encrypted" => FileError::PdfEncrypted,
            "pdf-no-text" => FileError::PdfNoText(self.message),
            "pdf-too-large" => FileError::PdfTooLarge(self.message),
            "timeout" => FileError::Timeout(self.message.parse().unwrap_or(0)),
            "extractor-crashed" => FileError::ExtractorCrashed(self.message),
            "internal-error" => FileError::Internal(self.message),
            _ => FileError::PdfMalformed(self.message),
        }
    }
}

/// The grammars' words the layout uses, ready to match.
struct LayoutWords {
    page_numbers: PageNumbers,
    hyphens: crate::extract::Dehyphenator,
}

impl LayoutWords {
    fn new(page_numbers: &PageNumberWords, hyphens: &HyphenWords) -> Self {
        LayoutWords {
            page_numbers: PageNumbers::new(page_numbers),
            hyphens: crate::extract::Dehyphenator::new(hyphens),
        }
    }

    /// The words for the extracting process, from [`ENV_PAGE_NUMBER_WORDS`]
    /// and [`ENV_HYPHEN_WORDS`] (else the built-in grammars').
    fn from_env() -> Self {
        fn json<T: serde::de::DeserializeOwned>(var: &str) -> Option<T> {
            serde_json::from_str(&std::env::var(var).ok()?).ok()
        }
        let defaults = PdfOptions::default();
        LayoutWords::new(
            &json(ENV_PAGE_NUMBER_WORDS).unwrap_or(defaults.page_numbers),
            &json(ENV_HYPHEN_WORDS).unwrap_or(defaults.hyphens),
        )
    }
}

/// The OCR mode of the extracting process, from [`ENV_OCR`] (default:
/// never, so that a child started without it answers with lines only).
fn ocr_from_env() -> OcrMode {
    std::env::var(ENV_OCR)
        .ok()
        .and_then(|v| OcrMode::parse(&v))
        .unwrap_or(OcrMode::Never)
}

/// Limits for the extracting process, from [`ENV_MAX_INFLATE_MB`].
fn limits_from_env() -> Limits {
    let mut limits = Limits::default();
    if let Some(mb) = std::env::var(ENV_MAX_INFLATE_MB)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        limits.max_inflate = mb.saturating_mul(1 << 20);
    }
    limits
}

/// Stack size of the extracting thread: pdf-extract and lopdf recurse on nested objects.
const EXTRACT_STACK: usize = 64 << 20;

/// Extract under a panic guard, turning a panic into `pdf-malformed`.
/// The second value is the child exit code for a single-file run.
fn extract_guarded(
    bytes: &[u8],
    limits: Limits,
    words: &LayoutWords,
    ocr: OcrMode,
) -> (ChildReply, u8) {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        extract_unguarded(bytes, limits, words, ocr)
    })) {
        Ok(Ok(Outcome::Lines(extracted))) => (ChildReply::Ok(extracted), EXIT_OK),
        Ok(Ok(Outcome::Scanned(scanned))) => (ChildReply::Scanned(scanned), EXIT_OK),
        Ok(Err(e)) => (ChildReply::Error(ChildError::from_error(&e)), EXIT_FAILED),
        Err(payload) => {
            let e = FileError::PdfMalformed(format!(
                "the PDF reader failed: {}",
                panic_message(&payload)
            ));
            (ChildReply::Error(ChildError::from_error(&e)), EXIT_PANIC)
        }
    }
}

/// Entry point of the hidden `extract-pdf PATH` subcommand: extract one
/// file and print the reply; returns the process exit code (see the module
/// docs).
///
/// `path` `-` reads the PDF from standard input. The largest inflated stream
/// size comes from [`ENV_MAX_INFLATE_MB`].
pub fn run_child(path: &Path) -> u8 {
    // The parent reports panics through the JSON reply; keep stderr quiet.
    std::panic::set_hook(Box::new(|_| {}));
    let limits = limits_from_env();
    let bytes = if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map(|_| buf)
    } else {
        std::fs::read(path)
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            reply(&ChildReply::Error(ChildError::from_error(&FileError::Io(
                e.to_string(),
            ))));
            return EXIT_USAGE;
        }
    };
    let worker = std::thread::Builder::new()
        .stack_size(EXTRACT_STACK)
        .spawn(move || extract_guarded(&bytes, limits, &LayoutWords::from_env(), ocr_from_env()));
    let (answer, code) = match worker.map(|h| h.join()) {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(_)) => {
            let e = FileError::PdfMalformed("the PDF reader failed".into());
            (ChildReply::Error(ChildError::from_error(&e)), EXIT_PANIC)
        }
        Err(e) => {
            let e = FileError::ExtractorCrashed(format!("cannot start the extraction thread: {e}"));
            (ChildReply::Error(ChildError::from_error(&e)), EXIT_FAILED)
        }
    };
    reply(&answer);
    code
}

/// Entry point of the hidden `extract-pdf --serve` subcommand: the pooled
/// child. Reads PDFs as frames from stdin and answers each with a framed
/// JSON reply (see [`isolate`]) until stdin ends. Each file may use
/// `cpu_limit_secs` seconds of CPU (`RLIMIT_CPU`, raised per file), a
/// backstop should the parent die while a file runs away.
pub fn run_server(cpu_limit_secs: u64) -> u8 {
    std::panic::set_hook(Box::new(|_| {}));
    let limits = limits_from_env();
    let server = std::thread::Builder::new()
        .stack_size(EXTRACT_STACK)
        .spawn(move || {
            let words = LayoutWords::from_env();
            let ocr = ocr_from_env();
            let mut input = std::io::stdin().lock();
            let mut output = std::io::stdout().lock();
            loop {
                let bytes = match isolate::read_frame(&mut input, u64::MAX) {
                    Ok(Some(bytes)) => bytes,
                    Ok(None) => return EXIT_OK,
                    Err(_) => return EXIT_USAGE,
                };
                cpu_budget(cpu_limit_secs);
                let (answer, _) = extract_guarded(&bytes, limits, &words, ocr);
                drop(bytes);
                let json = serde_json::to_vec(&answer).unwrap_or_default();
                drop(answer);
                if isolate::write_frame(&mut output, &json).is_err() {
                    return EXIT_USAGE;
                }
                drop(json);
                // Each file then starts from what it needs itself, as in a
                // fresh process, not from the high-water mark of the files before.
                crate::memory::release_free_memory();
            }
        });
    match server.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => EXIT_PANIC,
    }
}

/// Let this process use `secs` more seconds of CPU from now (soft
/// `RLIMIT_CPU`; the kernel stops it with SIGXCPU past that).
fn cpu_budget(secs: u64) {
    // SAFETY: getrusage and setrlimit with valid pointers to local structs.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return;
        }
        let used = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) as u64 + 1;
        let mut lim: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_CPU, &mut lim) != 0 {
            return;
        }
        lim.rlim_cur = (used.saturating_add(secs) as libc::rlim_t).min(lim.rlim_max);
        libc::setrlimit(libc::RLIMIT_CPU, &lim);
    }
}

/// Write the reply to stdout.
fn reply(r: &ChildReply) {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if serde_json::to_writer(&mut out, r).is_ok() {
        let _ = out.write_all(b"\n");
    }
    let _ = out.flush();
}

/// A warning about the extraction.
fn warning(code: &str, message: impl Into<String>) -> Issue {
    Issue {
        code: code.to_string(),
        message: message.into(),
        location: None,
    }
}
