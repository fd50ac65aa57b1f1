//! The published JSON Schema (`docs/record.schema.json`) is generated from
//! the record types, is up to date, and every record written for the text
//! fixtures validates against it.

use referat::ingest::{Options, process_file};
use referat::profile::Profiles;
use referat::walk;
use std::path::{Path, PathBuf};

fn generated() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(referat::record::Record)).unwrap()
}

#[test]
fn committed_schema_is_up_to_date() {
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("docs/record.schema.json")
            .expect("docs/record.schema.json exists"),
    )
    .unwrap();
    assert!(
        committed == generated(),
        "docs/record.schema.json is stale: run `cargo run -- schema > docs/record.schema.json`"
    );
}

#[test]
fn fixture_records_validate() {
    let validator = jsonschema::validator_for(&generated()).unwrap();
    let profiles = Profiles::load_dir(Path::new("grammars")).unwrap();
    let files = walk::collect(&[PathBuf::from("fixtures")]);
    let text_files: Vec<_> = files
        .iter()
        .filter(|f| f.format == referat::record::Format::Text)
        .collect();
    assert!(text_files.len() >= 4);
    for file in text_files {
        let record = process_file(file, &profiles, &Options::default());
        let value = serde_json::to_value(&record).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.rel_path);
    }
}
