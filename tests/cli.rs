//! Exit codes and the documented command-line surface.

use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_referat");

fn referat(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run referat")
}

fn code(args: &[&str]) -> i32 {
    referat(args).status.code().expect("exit code")
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    assert_eq!(code(&["ingest", "--no-such-flag"]), 2);
    assert_eq!(code(&["no-such-command"]), 2);
    assert_eq!(code(&["ingest", "fixtures", "--jobs", "0", "-o", out]), 2);
    assert_eq!(
        code(&["ingest", "fixtures", "--shard", "3/3", "-o", out]),
        2
    );
    assert_eq!(code(&["ingest", "fixtures", "--shard", "1", "-o", out]), 2);
    assert_eq!(code(&["ingest", "does/not/exist", "-o", out]), 2);
    assert_eq!(code(&["merge", "--out", out]), 2, "merge needs folders");
    assert_eq!(
        code(&["merge", "fixtures", "--out", out]),
        2,
        "not an output folder"
    );
}

#[test]
fn unwritable_output_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let out = referat(&[
        "ingest",
        "fixtures/layouts",
        "-q",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("referat: error:"));
}

#[test]
fn strict_exits_1_when_a_file_failed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy("fixtures/004_bad1072dfa3f0813.txt", input.join("ok.txt")).unwrap();
    let (i, o) = (input.to_str().unwrap(), dir.path().join("out"));
    let o = o.to_str().unwrap();
    assert_eq!(code(&["ingest", i, "-q", "-o", o, "--strict"]), 0);
    std::fs::write(input.join("empty.txt"), "").unwrap();
    assert_eq!(code(&["ingest", i, "-q", "-o", o]), 0, "failures are data");
    assert_eq!(code(&["ingest", i, "-q", "-o", o, "--strict"]), 1);
    // Unchanged failed files still count on the next run.
    assert_eq!(code(&["ingest", i, "-q", "-o", o, "--strict"]), 1);
    let merged = dir.path().join("merged");
    let m = merged.to_str().unwrap();
    assert_eq!(code(&["merge", o, "-o", m, "-q", "--strict"]), 1);
    assert_eq!(code(&["merge", o, "-o", m, "-q"]), 0);
}

#[test]
fn help_documents_exit_codes_and_batch_options() {
    let out = referat(&["ingest", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "Exit codes:",
        "--strict",
        "--jobs",
        "--force",
        "--shard",
        "--quiet",
        "manifest.jsonl",
    ] {
        assert!(help.contains(needle), "ingest --help mentions {needle}");
    }
    let top = referat(&["--help"]);
    assert_eq!(top.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&top.stdout).contains("Exit codes:"));
    let merge = referat(&["merge", "--help"]);
    assert_eq!(merge.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&merge.stdout).contains("Exit codes:"));
}

#[test]
fn summary_and_plain_progress_go_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = referat(&[
        "ingest",
        "fixtures/layouts/board-minutes-en.txt",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0));
    assert!(run.stdout.is_empty(), "stdout stays clean");
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("1 files in"), "{err}");
    assert!(err.contains("pages 0, tables"), "{err}");
    let quiet = referat(&[
        "ingest",
        "fixtures/layouts",
        "-q",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(quiet.status.code(), Some(0), "{:?}", quiet);
    assert!(quiet.stderr.is_empty(), "--quiet prints nothing on success");
}

#[test]
fn lines_and_explain_show_what_the_parser_sees_and_decides() {
    let lines = referat(&["lines", "fixtures/layouts/acadre-da.txt"]);
    assert_eq!(lines.status.code(), Some(0));
    let out = String::from_utf8_lossy(&lines.stdout);
    assert!(out.starts_with("page\tline\thead\tbold\ttext\n"), "{out}");
    assert!(out.contains("\t715. Godkendelse af dagsorden"), "{out}");

    let explain = referat(&["explain", "fixtures/layouts/acadre-da.txt"]);
    assert_eq!(explain.status.code(), Some(0));
    let out = String::from_utf8_lossy(&explain.stdout);
    assert!(out.contains("chosen: acadre-da"), "{out}");
    assert!(out.contains("item 715 at line"), "{out}");
    assert!(out.contains("Decision"), "{out}");

    let forced = referat(&[
        "explain",
        "fixtures/layouts/acadre-da.txt",
        "--profile",
        "generic",
    ]);
    assert_eq!(forced.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&forced.stdout).contains("chosen: generic"));

    let unknown = referat(&[
        "explain",
        "fixtures/layouts/acadre-da.txt",
        "--profile",
        "nope",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no grammar profile named \"nope\""));
    let missing = referat(&["lines", "no/such/file.txt"]);
    assert_eq!(missing.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let ingest = referat(&[
        "ingest",
        "fixtures/layouts/pkt-da.txt",
        "--profile",
        "nope",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(ingest.status.code(), Some(2));
}
