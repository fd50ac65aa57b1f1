//! The `referat` binary: a thin layer over the library. Exit codes live here.

mod cli;

use clap::Parser;
use cli::{Cli, Command};
use rayon::prelude::*;
use referat::{ingest, output, profile::Profiles, walk};
use std::process::ExitCode;

/// Exit code when the batch completed (failures are in the records).
const EXIT_OK: u8 = 0;
/// Exit code for usage errors or unwritable output.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("referat: error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Ingest(args) => {
            let profiles = Profiles::locate(args.grammars.as_deref())?;
            for input in &args.inputs {
                if !input.exists() {
                    anyhow::bail!("input {} does not exist", input.display());
                }
            }
            if let Some(jobs) = args.jobs {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(jobs)
                    .build_global()?;
            }
            let options = ingest::Options {
                pdf: referat::extract::pdf::PdfOptions {
                    timeout_secs: args.timeout,
                },
            };
            let files = walk::collect(&args.inputs);
            let records: Vec<_> = files
                .par_iter()
                .map(|f| ingest::process_file(f, &profiles, &options))
                .collect();
            let path = output::write_records(&args.out, &records)?;
            eprintln!(
                "referat: {} records written to {}",
                records.len(),
                path.display()
            );
            Ok(EXIT_OK)
        }
        Command::Schema => {
            let schema = schemars::schema_for!(referat::record::Record);
            println!("{}", serde_json::to_string_pretty(&schema)?);
            Ok(EXIT_OK)
        }
        Command::ExtractPdf { path } => Ok(referat::extract::pdf::run_child(&path)),
    }
}
