//! The layout fixtures (one per publishing system, invented content) as
//! text and as PDFs rendered from them here, ingested by the binary and
//! scored by the project's scorer against the hand-made gold in
//! `tests/gold/layouts/`. Needs python3: `.ci/run` installs it and sets
//! `REFERAT_CI`, under which a missing python3 fails the test; elsewhere the
//! test prints `SKIPPED: <reason>` and passes.

mod common;

use std::path::Path;
use std::process::Command;

/// Layout fixtures that have gold answers.
const LAYOUTS: &[&str] = &[
    "firstagenda-da",
    "acadre-da",
    "edoc-da",
    "edoc-item-da",
    "sbsys-da",
    "protokoll-sv",
    "beslutningsprotokol-da",
    "pkt-da",
    "region-da",
    "kmd-2008-da",
    "skolebestyrelse-da",
    "forsyning-da",
    "sagnr-aaben-da",
    "behandling-da",
    "protokoll-se",
];

#[test]
fn every_layout_scores_as_text_and_as_pdf() {
    if !common::have_python3("layouts_pdf::every_layout_scores_as_text_and_as_pdf") {
        return;
    }
    let input = tempfile::tempdir().unwrap();
    for stem in LAYOUTS {
        let text = std::fs::read_to_string(format!("fixtures/layouts/{stem}.txt")).unwrap();
        std::fs::write(input.path().join(format!("{stem}.txt")), &text).unwrap();
        std::fs::write(
            input.path().join(format!("{stem}.pdf")),
            common::render_pdf(&text),
        )
        .unwrap();
    }
    if let Some(keep) = std::env::var_os("REFERAT_KEEP_LAYOUT_PDFS") {
        // For a profile author: keep the rendered files to look at.
        for stem in LAYOUTS {
            let name = format!("{stem}.pdf");
            std::fs::copy(input.path().join(&name), Path::new(&keep).join(&name)).unwrap();
        }
    }
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_referat"))
        .args(["ingest", "-q", "--out"])
        .arg(out.path())
        .arg(input.path())
        .status()
        .unwrap();
    assert!(status.success());
    let records = out.path().join("records.jsonl");
    for format in ["text", "pdf"] {
        let scores = common::score(&records, "tests/gold/layouts", format);
        assert_eq!(
            scores.documents,
            LAYOUTS.len(),
            "{format}: every layout is scored"
        );
        assert!(
            scores.overall >= 0.95,
            "{format}: overall F1 {}",
            scores.overall
        );
        // What the layout gold annotates: items, their case numbers and
        // decisions, the meeting (every category must have gold facts).
        for name in [
            "item.found",
            "item.case_number",
            "decision.date",
            "decision.outcome",
            "meeting",
        ] {
            let c = scores.categories.iter().find(|c| c.name == name);
            assert!(
                c.is_some_and(|c| c.gold > 0),
                "{format}: {name} is scored with gold facts: {c:?}"
            );
        }
        for c in &scores.categories {
            assert!(
                c.f1 >= 0.8,
                "{format} {}: F1 {} ({}/{}/{})",
                c.name,
                c.f1,
                c.tp,
                c.gold,
                c.out
            );
        }
    }
    let body = std::fs::read_to_string(&records).unwrap();
    assert_eq!(
        body.lines().count(),
        2 * LAYOUTS.len(),
        "one record per file"
    );
    for line in body.lines() {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(r["kind"], "minutes", "{}", r["source"]["path"]);
    }
}

/// For profile authors: render every `.txt` in `$REFERAT_RENDER_DIR` to a PDF
/// beside it, to try a new layout's PDF path (`cargo test --test layouts_pdf
/// -- --ignored`).
#[test]
#[ignore = "a tool: renders the .txt files of $REFERAT_RENDER_DIR to PDF"]
fn render_a_folder_of_text_to_pdf() {
    let Some(dir) = std::env::var_os("REFERAT_RENDER_DIR") else {
        eprintln!("set REFERAT_RENDER_DIR to a folder of .txt files");
        return;
    };
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(path.with_extension("pdf"), common::render_pdf(&text)).unwrap();
        }
    }
}
