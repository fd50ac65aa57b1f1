//! Command-line options (clap derive), all in one place.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Turn folders of Danish municipal minutes and business-case catalogues
/// (PDF or text) into normalized JSON records, one per file.
#[derive(Debug, Parser)]
#[command(name = "referat", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse every .pdf/.txt/.md file under the inputs into OUT/records.jsonl.
    Ingest(IngestArgs),
    /// Print the JSON Schema of a record.
    Schema,
    /// Internal: extract one PDF and print its lines as JSON (run in a child process).
    #[command(hide = true)]
    ExtractPdf {
        /// The PDF file.
        path: PathBuf,
    },
}

/// Options of `referat ingest`.
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Files or folders to read (folders are walked recursively).
    #[arg(default_value = "fixtures")]
    pub inputs: Vec<PathBuf>,
    /// Output folder; records go to OUT/records.jsonl.
    #[arg(short, long, default_value = "out")]
    pub out: PathBuf,
    /// Folder of grammar profiles (*.toml). Default: ./grammars if present, else the built-in profiles.
    #[arg(long, value_name = "DIR")]
    pub grammars: Option<PathBuf>,
    /// Seconds allowed for extracting one PDF before it fails with `timeout`.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub timeout: u64,
    /// Worker threads (default: all cores).
    #[arg(short, long)]
    pub jobs: Option<usize>,
}
