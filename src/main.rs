//! The `referat` binary: a thin layer over the library. Exit codes live here.

mod cli;

use clap::Parser;
use cli::{CaseArgs, ExportArgs, ExportFormat, IngestArgs, SearchArgs, StatusArgs, TextArgs};
use cli::{Cli, Command};
use referat::batch::{self, BatchOptions, Mode, Progress, Summary};
use referat::{ingest, profile::Profiles};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code when the batch completed (failures are in the manifest).
const EXIT_OK: u8 = 0;
/// Exit code with `--strict` when at least one file failed.
const EXIT_FAILED_FILES: u8 = 1;
/// Exit code of `status` when a folder is not finished or the folders'
/// fingerprints differ.
const EXIT_UNFINISHED: u8 = 1;
/// Exit code of `search` and `case` when nothing was found (as grep's).
const EXIT_NOT_FOUND: u8 = 1;
/// Exit code for usage errors, inputs that do not exist or are of a format
/// referat does not read (also when the run went on with the others), or
/// unwritable output.
const EXIT_USAGE: u8 = 2;

/// The input read when `ingest` is given none (the project's sample documents).
const DEFAULT_INPUT: &str = "fixtures";

/// The allocator: mimalloc. Extraction allocates and frees a small object
/// per glyph; with glibc's malloc a fifth of a PDF's CPU time went to
/// malloc/free, and mimalloc takes 16–19 % of the instructions off each
/// seed PDF (callgrind) with the same records.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_e` of
/// `mimalloc.h` (the same in mimalloc 3, which libmimalloc-sys builds, and
/// in mimalloc 2); libmimalloc-sys names no constant for it.
/// Freed pages are handed back at once instead of after 10 ms: a 34 MB text
/// file of wide tables peaked at 10.6× its size with the delay, 7.3× without.
/// Not in the PDF extraction children, where it cost a sixth more CPU in
/// system time (pages handed back and faulted in again, file after file).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Most glibc malloc arenas (for what C code still allocates with glibc). glibc gives threads their own arenas, up to
/// eight per core, and each keeps some hundreds of KiB of freed memory; the
/// PDF pool's I/O threads come and go as children are replaced, so a long
/// batch kept adding arenas (resident size +2.2 MiB from 1,000 to 5,000
/// files). Two arenas keep it flat at no measurable cost on this workload.
const MALLOC_ARENAS: i32 = 2;

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, MALLOC_ARENAS);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    if !matches!(cli.command, Command::ExtractPdf { .. }) {
        // SAFETY: mi_option_set only sets an allocator parameter.
        unsafe {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        }
    }
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("referat: error: {}", message(&e));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// An error and its causes on one line, each cause once: a cause whose text
/// the message already holds (an OS error quoted by its wrapper) is not
/// repeated.
fn message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// The exit code of a completed batch.
fn exit_code(summary: &Summary, strict: bool) -> u8 {
    if summary.input_errors() {
        EXIT_USAGE
    } else if strict && summary.failed() > 0 {
        EXIT_FAILED_FILES
    } else {
        EXIT_OK
    }
}

/// A `--profile` name must be a loaded, concrete profile.
fn check_profile(profiles: &Profiles, name: Option<&str>) -> anyhow::Result<()> {
    match name {
        Some(n) if profiles.get(n).is_none() => {
            let names: Vec<&str> = profiles.profiles.iter().map(|p| p.name.as_str()).collect();
            anyhow::bail!(
                "no grammar profile named {n:?}; loaded: {}",
                names.join(", ")
            )
        }
        _ => Ok(()),
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    // This binary serves `extract-pdf`, whatever its file name.
    referat::extract::pdf::serve_from_current_exe();
    match cli.command {
        Command::Ingest(args) => ingest(args),
        Command::Merge(args) => {
            let progress = Progress::new(Mode::detect(args.quiet));
            let summary = batch::merge(&args.inputs, &args.out, args.force, &progress)?;
            if !args.quiet {
                eprint!("referat: {summary}");
            }
            Ok(exit_code(&summary, args.strict))
        }
        Command::Text(args) => text(&args),
        Command::Lines(args) => {
            let profiles = Profiles::locate(args.grammars.as_deref())?;
            let extracted = referat::inspect::read(&args.file, &profiles)?;
            print_out(&referat::inspect::lines_report(&extracted))?;
            Ok(EXIT_OK)
        }
        Command::Explain(args) => {
            let profiles = Profiles::locate(args.grammars.as_deref())?;
            check_profile(&profiles, args.profile.as_deref())?;
            let extracted = referat::inspect::read(&args.file, &profiles)?;
            print_out(&referat::inspect::explain_report(
                &extracted,
                &profiles,
                args.profile.as_deref(),
            ))?;
            Ok(EXIT_OK)
        }
        Command::Export(args) => export(&args),
        Command::Search(args) => search(&args),
        Command::Status(args) => status(&args),
        Command::Case(args) => case(&args),
        Command::Schema => {
            let schema = schemars::schema_for!(referat::record::Record);
            print_out(&(serde_json::to_string_pretty(&schema)? + "\n"))?;
            Ok(EXIT_OK)
        }
        Command::ExtractPdf {
            path,
            serve,
            cpu_limit_secs,
        } => Ok(match path {
            Some(path) if !serve => referat::extract::pdf::run_child(&path),
            _ => referat::extract::pdf::run_server(cpu_limit_secs),
        }),
    }
}

/// `referat export`: write the tables and say how many rows each got.
fn export(args: &ExportArgs) -> anyhow::Result<u8> {
    use referat::export;
    let default = match args.to {
        ExportFormat::Csv => "csv",
        ExportFormat::Sqlite => referat::archive::DB_FILE,
        ExportFormat::Parquet => "parquet",
    };
    let target = args.file.clone().unwrap_or_else(|| args.out.join(default));
    let counts = match args.to {
        ExportFormat::Csv => export::to_csv(&args.out, &target)?,
        ExportFormat::Sqlite => export::to_sqlite(&args.out, &target)?,
        ExportFormat::Parquet => export::to_parquet(&args.out, &target)?,
    };
    let summary: Vec<String> = counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
    eprintln!(
        "referat: wrote {}: {}",
        target.display(),
        summary.join(", ")
    );
    Ok(EXIT_OK)
}

/// `referat status`: one line (or JSON object) per folder; exit 1 unless
/// every folder is finished under one fingerprint.
fn status(args: &StatusArgs) -> anyhow::Result<u8> {
    let all: Vec<batch::FolderStatus> = args.outs.iter().map(|o| batch::status(o)).collect();
    let mut out = String::new();
    if args.json {
        for s in &all {
            out.push_str(&serde_json::to_string(s)?);
            out.push('\n');
        }
    } else {
        out.push_str(
            "folder\tstate\tshard\tfiles\tfailed\tpartial\tskipped\tversion\tfingerprint\n",
        );
        for s in &all {
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                s.path.display(),
                s.state,
                s.shard.as_deref().unwrap_or("-"),
                s.files,
                s.failed,
                s.partial,
                s.skipped,
                s.version.as_deref().unwrap_or("-"),
                s.fingerprint.as_deref().unwrap_or("-"),
            ));
        }
    }
    print_out(&out)?;
    let mut fingerprints: Vec<&str> = all
        .iter()
        .filter_map(|s| s.fingerprint.as_deref())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    let done = all.iter().all(|s| s.state == "finished");
    if fingerprints.len() > 1 {
        eprintln!("referat: the folders have different fingerprints: they would not merge");
    }
    Ok(if done && fingerprints.len() <= 1 {
        EXIT_OK
    } else {
        EXIT_UNFINISHED
    })
}

/// `referat search`: hits as text or JSON Lines; exit 1 when none.
fn search(args: &SearchArgs) -> anyhow::Result<u8> {
    use referat::archive::{self, Syntax};
    let syntax = if args.fts {
        Syntax::Fts
    } else if args.exact {
        Syntax::Exact
    } else {
        Syntax::Words
    };
    let db = archive::db_path(&args.db.db);
    let hits = archive::search(&db, &args.query.join(" "), syntax, args.limit)?;
    let mut out = String::new();
    for hit in &hits {
        if args.json {
            out.push_str(&serde_json::to_string(hit)?);
            out.push('\n');
            continue;
        }
        let item = match (hit.item_number, &hit.item_title) {
            (Some(n), Some(t)) => format!("punkt {n}: {t}"),
            _ => hit.kind.clone(),
        };
        out.push_str(&format!(
            "{}  {}  {}\n",
            hit.date.as_deref().unwrap_or("----------"),
            hit.body.as_deref().unwrap_or("-"),
            item
        ));
        let mut facts = vec![where_printed(&hit.path, hit.page, hit.line)];
        facts.extend(hit.case_number.as_ref().map(|c| format!("sag {c}")));
        facts.extend(hit.outcome.as_ref().map(|o| format!("outcome {o}")));
        out.push_str(&format!("    {}\n", facts.join("  ")));
        if !hit.also_in.is_empty() {
            out.push_str(&format!("    also in {}\n", hit.also_in.join(", ")));
        }
        out.push_str(&format!("    {}\n\n", hit.snippet.replace('\n', " ")));
    }
    print_out(&out)?;
    Ok(if hits.is_empty() {
        EXIT_NOT_FOUND
    } else {
        EXIT_OK
    })
}

/// `referat case`: the treatments as text or JSON Lines; exit 1 when none.
fn case(args: &CaseArgs) -> anyhow::Result<u8> {
    let db = referat::archive::db_path(&args.db.db);
    let treatments = referat::archive::case(&db, &args.number)?;
    let mut out = String::new();
    for t in &treatments {
        if args.json {
            out.push_str(&serde_json::to_string(t)?);
            out.push('\n');
            continue;
        }
        let item = t
            .item_number
            .map(|n| format!("punkt {n}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{}  {}  {}  {}\n",
            t.date.as_deref().unwrap_or("----------"),
            t.body.as_deref().unwrap_or("-"),
            item,
            t.outcome.as_deref().unwrap_or("-"),
        ));
        if let Some(title) = &t.title {
            out.push_str(&format!("    {title}\n"));
        }
        for s in &t.sources {
            out.push_str(&format!(
                "    {} ({})\n",
                where_printed(&s.path, s.page, s.line),
                s.kind
            ));
        }
    }
    print_out(&out)?;
    Ok(if treatments.is_empty() {
        EXIT_NOT_FOUND
    } else {
        EXIT_OK
    })
}

/// "path p. 3 l. 89" (page and line where known).
fn where_printed(path: &str, page: Option<i64>, line: Option<i64>) -> String {
    let mut s = path.to_string();
    if let Some(p) = page {
        s.push_str(&format!(" p. {p}"));
    }
    if let Some(l) = line {
        s.push_str(&format!(" l. {l}"));
    }
    s
}

/// `referat text`: each file's extracted text on standard output; a file
/// that fails is reported and the others are still printed.
fn text(args: &TextArgs) -> anyhow::Result<u8> {
    use referat::inspect::{InspectError, read, text_report};
    let profiles = Profiles::locate(args.grammars.as_deref())?;
    let mut code = EXIT_OK;
    for file in &args.files {
        if args.files.len() > 1 {
            print_out(&format!("==> {} <==\n", file.display()))?;
        }
        match read(file, &profiles) {
            Ok(extracted) => print_out(&text_report(&extracted))?,
            Err(e) => {
                eprintln!("referat: error: {e}");
                let failed = matches!(e, InspectError::Extract { .. });
                code = code.max(if failed {
                    EXIT_FAILED_FILES
                } else {
                    EXIT_USAGE
                });
            }
        }
    }
    Ok(code)
}

/// Write to standard output; a reader that went away (`| head`) is not an
/// error.
fn print_out(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(EXIT_OK.into()),
        r => r,
    }
}

/// `referat ingest`: run a batch and print its summary.
fn ingest(args: IngestArgs) -> anyhow::Result<u8> {
    let profiles = Profiles::locate(args.grammars.as_deref())?;
    check_profile(&profiles, args.profile.as_deref())?;
    let inputs = inputs_or_default(args.inputs.clone())?;
    let jobs = match args.jobs {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let fingerprint = batch::fingerprint(args.grammars.as_deref())?;
    let options = BatchOptions {
        out: args.out.clone(),
        jobs,
        force: args.force,
        retry_failed: args.retry_failed,
        shard: args.shard,
        ingest: ingest::Options {
            pdf: referat::extract::pdf::PdfOptions {
                ocr: args.ocr.into(),
                ocr_languages: args.ocr_lang.clone(),
                ..profiles.pdf_options(args.timeout)
            },
            profile: args.profile.clone(),
            limits: ingest::FileLimits::default(),
        },
        fingerprint: fingerprint_of(fingerprint, &args),
    };
    let progress = Progress::new(Mode::detect(args.quiet));
    let summary = if args.stdout {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        batch::stream(&inputs, &profiles, &options, &progress, &mut out)
    } else {
        batch::run(&inputs, &profiles, &options, &progress)
    };
    progress.finish();
    let summary = match summary {
        // `| head` closed standard output: not an error.
        Err(batch::BatchError::Output { source, .. })
            if args.stdout && source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            return Ok(EXIT_OK);
        }
        other => other?,
    };
    if !args.quiet {
        eprint!("referat: {summary}");
        if !args.stdout {
            eprintln!(
                "referat: wrote {}",
                args.out.join(batch::RECORDS_FILE).display()
            );
        }
    }
    for missing in &summary.missing_inputs {
        eprintln!(
            "referat: error: input {} does not exist (the other inputs were read; \
             earlier records of files not seen were kept)",
            missing.display()
        );
    }
    for unsupported in &summary.unsupported_inputs {
        eprintln!(
            "referat: error: input {} is not a format referat reads (PDF, text, HTML, XML); \
             its record failed with unsupported-format",
            unsupported.display()
        );
    }
    Ok(exit_code(&summary, args.strict))
}

/// The fingerprint of a run: the grammars', and the options that change
/// records (a forced profile, OCR other than the default).
fn fingerprint_of(grammars: String, args: &IngestArgs) -> String {
    let mut f = grammars;
    if let Some(p) = &args.profile {
        f.push_str(&format!("+{p}"));
    }
    if args.ocr != cli::OcrArg::Auto
        || args.ocr_lang != referat::extract::pdf::DEFAULT_OCR_LANGUAGES
    {
        f.push_str(&format!("+ocr={:?}:{}", args.ocr, args.ocr_lang).to_lowercase());
    }
    f
}

/// The inputs named, or `./fixtures` when none is named and it exists.
fn inputs_or_default(inputs: Vec<PathBuf>) -> anyhow::Result<Vec<PathBuf>> {
    if !inputs.is_empty() {
        return Ok(inputs);
    }
    if std::path::Path::new(DEFAULT_INPUT).is_dir() {
        return Ok(vec![PathBuf::from(DEFAULT_INPUT)]);
    }
    anyhow::bail!(
        "no input given: name the folders or files to read, e.g. \
         `referat ingest minutes/ --out out` (without inputs referat reads \
         ./{DEFAULT_INPUT}, which is not here)"
    )
}
