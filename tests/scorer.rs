//! End to end: the binary ingests the fixtures and the project's scorer
//! (`tests/eval/score.py`, a copy of the shared evaluation script) rates
//! the records against the gold annotations in `tests/gold/`.
//!
//! Needs python3 (`.ci/run` installs it); without it the test says so and skips.

mod common;

use std::process::Command;

#[test]
fn seeds_score_at_least_095_everywhere_as_text_and_pdf() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("SKIPPED: python3 is not installed (run .ci/run, which installs it)");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_referat"))
        .args(["ingest", "fixtures", "--out"])
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());
    let records = out.path().join("records.jsonl");
    for format in ["text", "pdf"] {
        let (scored, _) = common::score(&records, "tests/gold", format);
        assert!(scored.len() >= 15, "{format}: {scored:?}");
        assert!(
            scored.iter().any(|(c, _)| c == "table.cells"),
            "{format}: tables are scored"
        );
        for (category, f1) in &scored {
            assert!(*f1 >= 0.95, "{format} {category}: F1 {f1} < 0.95");
        }
    }
}
