//! End to end: the binary ingests the fixtures and the project's scorer
//! (`tests/eval/score.py`, a copy of the shared evaluation script) rates
//! the records against the gold annotations in `tests/gold/`.
//!
//! Needs python3 (`.ci/run` installs it); without it the test says so and skips.

use std::path::Path;
use std::process::Command;

/// Category → (precision, recall, F1) from the scorer's table.
fn scores(records: &Path, format: &str) -> Vec<(String, f64)> {
    let out = Command::new("python3")
        .args([
            "tests/eval/score.py",
            records.to_str().unwrap(),
            "tests/gold",
            "--format",
            format,
        ])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.starts_with("overall"))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            Some((cols.first()?.to_string(), cols.get(3)?.parse().ok()?))
        })
        .collect()
}

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
        let scored = scores(&records, format);
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
