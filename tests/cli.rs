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
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is a file, not a folder"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "x",
        "the file is left alone"
    );

    // An OS error is printed once, not once per layer that wraps it.
    let below_file = file.join("out");
    let out = referat(&[
        "ingest",
        "fixtures/layouts",
        "-q",
        "-o",
        below_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("os error").count(), 1, "{err}");
}

#[test]
fn a_completed_run_and_merge_leave_no_lock_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let merged = dir.path().join("merged");
    let (out_s, merged_s) = (out.to_str().unwrap(), merged.to_str().unwrap());
    assert_eq!(code(&["ingest", "fixtures/layouts", "-q", "-o", out_s]), 0);
    assert!(out.join("records.jsonl").exists());
    assert!(!out.join(".lock").exists(), "ingest left .lock behind");
    assert_eq!(code(&["merge", out_s, "-q", "--out", merged_s]), 0);
    assert!(merged.join("records.jsonl").exists());
    assert!(!merged.join(".lock").exists(), "merge left .lock behind");
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

/// Records of a run's output folder, one JSON value per line.
fn records(out: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(out.join("records.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_missing_input_is_reported_the_others_are_read_and_nothing_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, out) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("out"),
    );
    for (folder, name) in [(&a, "one.txt"), (&b, "two.txt")] {
        std::fs::create_dir_all(folder).unwrap();
        std::fs::write(
            folder.join(name),
            "REFERAT\n\nPunkt 1: Godkendelse\n\nBeslutning\nGodkendt.\n",
        )
        .unwrap();
    }
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();
    assert_eq!(code(&["ingest", &s(&a), &s(&b), "-q", "-o", &s(&out)]), 0);
    assert_eq!(records(&out).len(), 2);

    // The second input mistyped: exit 2 and a message naming it, the first
    // is read, and the record from the second is kept, not removed.
    let typo = dir.path().join("bb");
    let run = referat(&["ingest", &s(&a), &s(&typo), "-q", "-o", &s(&out)]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(&format!("input {} does not exist", typo.display())),
        "{stderr}"
    );
    let paths: Vec<String> = records(&out)
        .iter()
        .map(|r| r["source"]["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, ["one.txt", "two.txt"]);

    // Every input missing: an error, and the output is left as it was.
    let before = std::fs::read(out.join("records.jsonl")).unwrap();
    assert_eq!(code(&["ingest", &s(&typo), "-q", "-o", &s(&out)]), 2);
    assert_eq!(std::fs::read(out.join("records.jsonl")).unwrap(), before);

    // Named correctly again, a file that is gone is `removed`.
    std::fs::remove_file(b.join("two.txt")).unwrap();
    assert_eq!(code(&["ingest", &s(&a), &s(&b), "-q", "-o", &s(&out)]), 0);
    assert_eq!(records(&out).len(), 1);
    let manifest = std::fs::read_to_string(out.join("manifest.jsonl")).unwrap();
    assert!(
        manifest
            .lines()
            .any(|l| l.contains("two.txt") && l.contains("\"removed\"")),
        "{manifest}"
    );
}

#[test]
fn timeout_and_missing_default_input_say_what_is_wrong() {
    let run = referat(&[
        "ingest",
        "fixtures",
        "--timeout",
        "-1",
        "-o",
        "/nonexistent/out",
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("at least 1 second"));
    let dir = tempfile::tempdir().unwrap();
    let run = Command::new(BIN)
        .args(["ingest", "-q"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("no input given"), "{stderr}");
    assert!(!dir.path().join("out").exists(), "nothing is written");
}

#[test]
fn a_file_named_directly_in_a_format_referat_does_not_read_is_an_error_for_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let (doc, out) = (dir.path().join("minutes.docx"), dir.path().join("out"));
    // A .docx is a zip archive: not text, not a PDF, not markup.
    std::fs::write(
        &doc,
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xdf\xa4\xd2lZ\x01",
    )
    .unwrap();
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();

    // Alone: one failed record naming the reason, a message, exit 2.
    let run = referat(&["ingest", &s(&doc), "-q", "-o", &s(&out)]);
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("minutes.docx is not a format referat reads"),
        "{stderr}"
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["status"], "failed");
    assert_eq!(recs[0]["source"]["format"], "other");
    assert_eq!(recs[0]["errors"][0]["code"], "unsupported-format");

    // The same bytes in a folder are skipped and named in the manifest.
    let folder = dir.path().join("in");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(&doc, folder.join("minutes.docx")).unwrap();
    std::fs::write(
        folder.join("one.txt"),
        "REFERAT\n\nPunkt 1: Godkendelse\n\nBeslutning\nGodkendt.\n",
    )
    .unwrap();
    let out2 = dir.path().join("out2");
    let run = referat(&["ingest", &s(&folder), "-q", "-o", &s(&out2)]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    assert_eq!(records(&out2).len(), 1);
    let manifest = std::fs::read_to_string(out2.join("manifest.jsonl")).unwrap();
    let skipped = manifest
        .lines()
        .find(|l| l.contains("minutes.docx"))
        .expect("the skipped file is named");
    assert!(skipped.contains("\"status\":\"skipped\""), "{skipped}");
    assert!(
        skipped.contains("\"reason\":\"unsupported-format\""),
        "{skipped}"
    );
}

#[test]
fn text_prints_each_page_ended_by_a_form_feed_and_reports_failures() {
    let pdf = "fixtures/000_edc65fd12b26e6d5.pdf";
    let out = referat(&["text", pdf]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    // The seed has 7 pages (`pdfinfo`), and pdftotext prints 7 form feeds.
    assert_eq!(text.matches('\x0c').count(), 7, "one form feed per page");
    assert!(text.ends_with('\x0c'));
    let page_2 = text.split('\x0c').nth(1).unwrap();
    // pdftotext shows page 2 starting with this item too.
    assert!(
        page_2
            .trim_start()
            .starts_with("Punkt 6: Godkendelse af centernavne"),
        "{page_2}"
    );
    // Text input: the form feeds it had (8 in this file), no others.
    for (file, feeds) in [("acadre-da.txt", 8), ("board-minutes-en.txt", 0)] {
        let txt = referat(&["text", &format!("fixtures/layouts/{file}")]);
        assert_eq!(txt.status.code(), Some(0));
        let text = String::from_utf8_lossy(&txt.stdout);
        assert_eq!(text.matches('\x0c').count(), feeds, "{file}");
    }

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.pdf");
    std::fs::write(&broken, b"%PDF-1.4\nnot really\n").unwrap();
    let out = referat(&["text", broken.to_str().unwrap(), pdf]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a file that cannot be extracted"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("==> {pdf} <==")),
        "the other file is printed"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("[pdf-malformed]"));
    let out = referat(&["text", "no/such/file.pdf"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_manifest_and_summary_say_why_a_file_is_partial_or_failed() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir(&input).unwrap();
    // Failed: empty. Partial: no layout recognised. Ok with a warning: a
    // total row that does not add up (20 + 5 is not 30).
    std::fs::write(input.join("empty.txt"), "").unwrap();
    std::fs::write(input.join("notes.txt"), "Indkøbsliste\n\nmælk\nbrød\n").unwrap();
    std::fs::write(
        input.join("minutes.txt"),
        "REFERAT Direktionen d. 14-06-2021\n\nPunkt 1: Budget\n\n21/9445\n\nBaggrund\n\n\
         1.000 kr.\t2025\nA\t20\nB\t5\nI alt\t30\n\nBeslutning Direktionen den 14-06-2021\n\nGodkendt.\n",
    )
    .unwrap();
    let run = referat(&[
        "ingest",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let manifest = std::fs::read_to_string(out.join("manifest.jsonl")).unwrap();
    let line = |name: &str| -> serde_json::Value {
        let l = manifest.lines().find(|l| l.contains(name)).unwrap();
        serde_json::from_str(l).unwrap()
    };
    let empty = line("empty.txt");
    assert_eq!(empty["status"], "failed");
    assert!(
        empty["reason"]
            .as_str()
            .unwrap()
            .starts_with("empty-file: "),
        "{empty}"
    );
    let notes = line("notes.txt");
    assert_eq!(notes["status"], "partial");
    assert!(
        notes["reason"]
            .as_str()
            .unwrap()
            .starts_with("unknown-layout: "),
        "{notes}"
    );
    assert_eq!(notes["warnings"]["unknown-layout"], 1);
    let minutes = line("minutes.txt");
    assert_eq!(minutes["status"], "ok");
    assert!(minutes.get("reason").is_none(), "{minutes}");
    assert_eq!(minutes["warnings"]["table-sum-mismatch"], 1, "{minutes}");
    // The summary breaks partial files and warnings down by code.
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("(unknown-layout 1)"), "{stderr}");
    assert!(stderr.contains("table-sum-mismatch 1"), "{stderr}");
    let run_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run_json["summary"]["partial"]["unknown-layout"], 1);
    assert_eq!(
        run_json["summary"]["warning_codes"]["table-sum-mismatch"],
        1
    );
}

#[test]
fn stdout_writes_the_records_a_folder_run_writes_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let input = "fixtures/formats";
    let run = referat(&["ingest", input, "-q", "-o", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    let folder = std::fs::read_to_string(out.join("records.jsonl")).unwrap();

    // Run from an empty folder: nothing may appear in it (no `out/`).
    let cwd = dir.path().join("cwd");
    std::fs::create_dir(&cwd).unwrap();
    let abs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(input);
    let piped = Command::new(BIN)
        .args(["ingest", abs.to_str().unwrap(), "-q", "--stdout"])
        .current_dir(&cwd)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(0), "{piped:?}");
    let stdout = String::from_utf8(piped.stdout).unwrap();
    assert_eq!(stdout.lines().count(), folder.lines().count());
    assert_eq!(stdout, folder, "the same records, in the same order");
    assert_eq!(
        std::fs::read_dir(&cwd).unwrap().count(),
        0,
        "nothing written"
    );

    // --stdout and --out together are a usage error.
    assert_eq!(
        code(&["ingest", input, "--stdout", "-o", out.to_str().unwrap()]),
        2
    );

    // A reader that stops early (`| head -1`) is not an error.
    let mut child = Command::new(BIN)
        .args(["ingest", "fixtures", "-q", "--stdout", "--jobs", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    {
        use std::io::BufRead;
        let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
        reader.read_line(&mut first).unwrap();
    }
    let status = child.wait().unwrap();
    assert!(first.starts_with("{\"schema_version\""), "{first}");
    assert_eq!(status.code(), Some(0));
}

/// The same command gives the same records and fingerprint wherever it
/// runs: a `grammars/` folder in the working directory is not read.
#[test]
fn records_do_not_depend_on_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::canonicalize("fixtures/layouts/acadre-da.txt").unwrap();
    // A working directory with a grammars/ folder that would read nothing.
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(elsewhere.join("grammars")).unwrap();
    std::fs::write(
        elsewhere.join("grammars/generic.toml"),
        "this is not a grammar = [",
    )
    .unwrap();
    let run = |cwd: &std::path::Path, out: &std::path::Path| {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_referat"))
            .current_dir(cwd)
            .arg("ingest")
            .arg(&file)
            .args(["-q", "-o"])
            .arg(out)
            .status()
            .unwrap();
        assert!(status.success());
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run(&elsewhere, &a);
    run(std::path::Path::new("."), &b);
    let read = |p: &std::path::Path, name: &str| std::fs::read_to_string(p.join(name)).unwrap();
    assert_eq!(read(&a, "records.jsonl"), read(&b, "records.jsonl"));
    let fp = |p: &std::path::Path| {
        serde_json::from_str::<serde_json::Value>(&read(p, "run.json")).unwrap()["fingerprint"]
            .clone()
    };
    assert_eq!(fp(&a), fp(&b));
}

/// Shards written under different fingerprints do not merge silently.
#[test]
fn merge_refuses_folders_of_different_fingerprints_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, m) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("m"),
    );
    let (a_s, b_s, m_s) = (
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        m.to_str().unwrap(),
    );
    let input = "fixtures/layouts/acadre-da.txt";
    assert_eq!(code(&["ingest", input, "-q", "-o", a_s]), 0);
    // Another reading of the same file: a forced profile.
    assert_eq!(
        code(&["ingest", input, "-q", "-o", b_s, "--profile", "generic"]),
        0
    );
    let out = referat(&["merge", a_s, b_s, "-q", "-o", m_s]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--force") && err.contains("fingerprint"),
        "{err}"
    );
    assert!(!m.join("records.jsonl").exists(), "nothing merged");
    let out = referat(&["merge", a_s, b_s, "-q", "-o", m_s, "--force"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert!(m.join("records.jsonl").exists());
}

/// `referat status` says which folders are finished, with their counts and
/// fingerprint, and exits 1 while one is not.
#[test]
fn status_shows_what_each_output_folder_holds() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let (a_s, b_s) = (a.to_str().unwrap(), b.to_str().unwrap());
    assert_eq!(code(&["ingest", "fixtures/layouts", "-q", "-o", a_s]), 0);
    let out = referat(&["status", a_s, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["state"], "finished");
    let files = std::fs::read_dir("fixtures/layouts").unwrap().count() as u64;
    assert_eq!(s["files"].as_u64(), Some(files));
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(a.join("run.json")).unwrap()).unwrap();
    assert_eq!(s["fingerprint"], run["fingerprint"]);
    // A run that was stopped leaves its journal: unfinished, exit 1.
    std::fs::create_dir(&b).unwrap();
    std::fs::write(b.join(".journal"), "referat-journal 1 abc\n").unwrap();
    let out = referat(&["status", a_s, b_s]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\tfinished\t") && text.contains("\tunfinished\t"),
        "{text}"
    );
    let missing = dir.path().join("nope");
    let out = referat(&["status", missing.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"missing\""));
}
