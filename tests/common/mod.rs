//! Helpers shared by the table tests: the Danish table words as the
//! profiles load them, and the tables of a seed's text.

// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

use referat::extract::{extract, pdf::PdfOptions};
use referat::profile::{Profiles, TableWords};
use referat::record::{Format, Table};
use std::path::Path;

/// The `[tables]` words of the minutes profile (inherited from `common-da`).
pub fn table_words() -> TableWords {
    let grammars = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars");
    let profiles = Profiles::load_dir(&grammars).expect("grammars load");
    profiles
        .get("minutes-da")
        .expect("minutes-da profile")
        .tables
        .clone()
}

/// Every table `detect` finds in a seed's text, read as the pipeline reads it.
pub fn seed_tables(stem: &str) -> Vec<Table> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("{stem}.txt"));
    let bytes = std::fs::read(&path).unwrap();
    let lines = extract(&bytes, Format::Text, &PdfOptions::default(), &path)
        .unwrap()
        .lines;
    referat::tables::detect(&lines, &table_words())
}
