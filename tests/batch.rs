//! Batch runs end to end through the binary: crash safety (a run killed at
//! random moments and started again ends like a clean run), shards and
//! merge, incremental runs, determinism across thread counts, and a folder
//! of hostile inputs.
//!
//! PDF extraction is developed in parallel, so nothing here depends on a PDF
//! parsing well: PDFs are in the corpus, but only their records' presence and
//! sameness across runs are checked.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_referat");

/// `referat ingest <args>`, output discarded; returns the exit code.
fn ingest(args: &[&str]) -> i32 {
    let out = Command::new(BIN)
        .arg("ingest")
        .args(args)
        .arg("--quiet")
        .stdout(Stdio::null())
        .output()
        .expect("run referat");
    let code = out.status.code().expect("exit code");
    if code != 0 {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    code
}

/// `referat ingest IN --out OUT <extra>`, which must exit 0.
fn ingest_ok(input: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![input.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    assert_eq!(ingest(&args), 0, "referat ingest {args:?}");
}

/// A corpus in nested folders: `copies` copies of each named fixture.
fn corpus(dir: &Path, seeds: &[(&str, usize)]) -> PathBuf {
    let root = dir.join("corpus");
    for (seed, copies) in seeds {
        let from = Path::new("fixtures").join(seed);
        for i in 0..*copies {
            let sub = root
                .join(format!("y{}", 2000 + i % 7))
                .join(format!("m{i:03}"));
            std::fs::create_dir_all(&sub).unwrap();
            std::fs::copy(&from, sub.join(seed)).unwrap();
        }
    }
    root
}

/// The small text fixtures (fast to parse), the large one, and the PDFs.
const SMALL_TEXT: [&str; 2] = ["000_edc65fd12b26e6d5.txt", "004_bad1072dfa3f0813.txt"];
const LARGE_TEXT: &str = "002_0aa691788063abd2.txt";
const SMALL_PDF: &str = "004_bad1072dfa3f0813.pdf";

/// A mixed corpus: `n` copies of each small text, one large text and one PDF.
fn mixed(dir: &Path, n: usize) -> PathBuf {
    corpus(
        dir,
        &[
            (SMALL_TEXT[0], n),
            (SMALL_TEXT[1], n),
            (LARGE_TEXT, 1),
            (SMALL_PDF, 1),
        ],
    )
}

/// records.jsonl as bytes, and the manifest with `duration_ms` removed.
fn outputs(out: &Path) -> (Vec<u8>, Vec<Value>) {
    let records = std::fs::read(out.join("records.jsonl")).expect("records.jsonl");
    let manifest = std::fs::read_to_string(out.join("manifest.jsonl"))
        .expect("manifest.jsonl")
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).expect("manifest line is JSON");
            v.as_object_mut().unwrap().remove("duration_ms");
            v
        })
        .collect();
    (records, manifest)
}

/// Every record line parses and the paths ascend strictly.
fn assert_well_formed(out: &Path) -> usize {
    let text = std::fs::read_to_string(out.join("records.jsonl")).unwrap();
    let mut last = String::new();
    let mut n = 0;
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("whole record lines");
        let path = v["source"]["path"].as_str().unwrap().to_string();
        assert!(
            path > last,
            "sorted, no duplicates: {path:?} after {last:?}"
        );
        last = path;
        n += 1;
    }
    assert!(
        !out.join(".journal").exists(),
        "journal removed after a finished run"
    );
    for name in [".records.jsonl.tmp", ".manifest.jsonl.tmp", ".run.json.tmp"] {
        assert!(!out.join(name).exists(), "{name} left behind");
    }
    n
}

/// Wait until the journal at `path` has `lines` lines (or the child exited).
fn wait_for_journal(path: &Path, lines: usize, child: &mut std::process::Child) {
    let deadline = Instant::now() + std::time::Duration::from_secs(60);
    while Instant::now() < deadline && child.try_wait().unwrap().is_none() {
        let n = std::fs::read(path).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        if n > lines {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// A small deterministic random generator (xorshift) for the kill delays.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn killed_runs_resume_to_the_same_output_as_a_clean_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = mixed(dir.path(), 40);
    let clean = dir.path().join("clean");
    let t0 = Instant::now();
    ingest_ok(&input, &clean, &["--jobs", "2"]);
    let clean_time = t0.elapsed();
    let expected = outputs(&clean);
    assert_eq!(assert_well_formed(&clean), expected.1.len());

    eprintln!("clean run: {clean_time:?}");
    let mut interrupted = 0;
    for seed in 1..=5u64 {
        let out = dir.path().join(format!("killed{seed}"));
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        // Seed 5 is killed three times in a row before it may finish.
        let kills = if seed == 5 { 3 } else { 1 };
        for kill in 0..kills {
            let fraction = (xorshift(&mut state) % 1000) as f64 / 1000.0;
            let mut child = Command::new(BIN)
                .args(["ingest", input.to_str().unwrap(), "--jobs", "2", "--quiet"])
                .arg("--out")
                .arg(&out)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            if seed <= 3 {
                // Any moment: start-up, processing, or writing the final files.
                std::thread::sleep(clean_time.mul_f64(0.05 + fraction));
            } else {
                // Certainly mid-run: once the journal holds some records.
                let lines = 3 + (fraction * 40.0) as usize;
                wait_for_journal(&out.join(".journal"), lines, &mut child);
            }
            let _ = child.kill();
            child.wait().unwrap();
            let left_journal = out.join(".journal").exists();
            interrupted += usize::from(left_journal);
            if seed > 3 && kill == 0 {
                assert!(left_journal, "seed {seed}: killed mid-run");
            }
        }
        if seed == 4 {
            // A write torn by the kill, made certain: half a line at the end.
            use std::io::Write;
            let mut j = std::fs::OpenOptions::new()
                .append(true)
                .open(out.join(".journal"))
                .unwrap();
            j.write_all(b"0123456789abcdef\t{\"path\":\"y2000/m0")
                .unwrap();
        }
        ingest_ok(&input, &out, &["--jobs", "2"]);
        assert_well_formed(&out);
        let got = outputs(&out);
        assert!(
            got.0 == expected.0,
            "seed {seed}: records.jsonl differs from a clean run"
        );
        assert_eq!(got.1, expected.1, "seed {seed}: manifest differs");
    }
    eprintln!("{interrupted} of 7 kills left an unfinished run");
}

#[test]
fn shards_merged_equal_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = mixed(dir.path(), 12);
    // Entries the walk skips are named in every shard's manifest; the
    // merge names and counts them once.
    std::fs::write(input.join(".DS_Store"), "x").unwrap();
    std::fs::write(input.join("budget.xlsx"), "x").unwrap();
    let whole = dir.path().join("whole");
    ingest_ok(&input, &whole, &[]);
    let n = 3;
    let mut parts = Vec::new();
    let mut total = 0;
    for k in 0..n {
        let out = dir.path().join(format!("shard{k}"));
        ingest_ok(
            &input,
            &out,
            &["--shard", &format!("{k}/{n}"), "--jobs", "1"],
        );
        let count = assert_well_formed(&out);
        assert!(count > 0, "shard {k} is not empty on this corpus");
        total += count;
        parts.push(out);
    }
    let expected = outputs(&whole);
    let with_record = expected.1.iter().filter(|l| l["status"] != "skipped");
    assert_eq!(
        total,
        with_record.count(),
        "shards cover the corpus exactly once"
    );

    let merged = dir.path().join("merged");
    let out = Command::new(BIN)
        .arg("merge")
        .args(&parts)
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_well_formed(&merged);
    let got = outputs(&merged);
    assert!(got.0 == expected.0, "merged records.jsonl equals one run");
    assert_eq!(got.1, expected.1, "merged manifest equals one run");

    // The merge's summary counts what one run counts, and says it merged
    // (not "0 processed, 26 unchanged").
    let (one, all) = (summary(&whole), summary(&merged));
    for key in ["files", "status", "errors", "pages", "tables", "skipped"] {
        assert_eq!(all[key], one[key], "merged summary's {key}");
    }
    assert_eq!(all["skipped"]["hidden"], 1);
    assert_eq!(all["skipped"]["other_format"], 1);
    assert_eq!(all["merged_from"], n);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let files = one["files"].as_u64().unwrap();
    assert!(
        stderr.contains(&format!("{files} files merged from {n} folders in")),
        "merge summary: {stderr}"
    );
    assert!(!stderr.contains("processed"), "merge summary: {stderr}");

    // The merged folder is a valid state for an incremental run: nothing to do.
    ingest_ok(&input, &merged, &[]);
    let info: Value =
        serde_json::from_str(&std::fs::read_to_string(merged.join("run.json")).unwrap()).unwrap();
    assert_eq!(info["summary"]["processed"], 0);
    assert_eq!(outputs(&merged), expected);

    // An unfinished shard is refused.
    std::fs::write(parts[1].join(".journal"), "referat-journal 1 x\n").unwrap();
    let status = Command::new(BIN)
        .arg("merge")
        .args(&parts)
        .arg("--out")
        .arg(dir.path().join("merged2"))
        .arg("--quiet")
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

#[test]
fn thread_count_does_not_change_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = mixed(dir.path(), 10);
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    ingest_ok(&input, &one, &["--jobs", "1"]);
    ingest_ok(&input, &two, &["--jobs", "2"]);
    assert_eq!(outputs(&one), outputs(&two));
}

/// The run.json summary of OUT.
fn summary(out: &Path) -> Value {
    let info: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    info["summary"].clone()
}

/// Manifest lines by path.
fn manifest_by_path(out: &Path) -> std::collections::BTreeMap<String, Value> {
    std::fs::read_to_string(out.join("manifest.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["path"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

#[test]
fn incremental_runs_process_only_new_and_changed_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(
        dir.path(),
        &[(SMALL_TEXT[0], 3), (SMALL_TEXT[1], 3), (LARGE_TEXT, 3)],
    );
    let out = dir.path().join("out");
    ingest_ok(&input, &out, &[]);
    let first = manifest_by_path(&out);
    assert_eq!(summary(&out)["processed"], 9);

    // Unchanged: nothing processed, identical output (durations kept too).
    let before = std::fs::read(out.join("manifest.jsonl")).unwrap();
    ingest_ok(&input, &out, &[]);
    assert_eq!(summary(&out)["processed"], 0);
    assert_eq!(summary(&out)["unchanged"], 9);
    assert_eq!(std::fs::read(out.join("manifest.jsonl")).unwrap(), before);

    // Change one, add one, remove one.
    let changed = "y2000/m000/000_edc65fd12b26e6d5.txt";
    let removed = "y2001/m001/002_0aa691788063abd2.txt";
    let added = "y2002/new.md";
    let mut text = std::fs::read(input.join(changed)).unwrap();
    text.extend_from_slice(b"\nEn ekstra linje.\n");
    std::fs::write(input.join(changed), text).unwrap();
    std::fs::remove_file(input.join(removed)).unwrap();
    std::fs::copy("fixtures/004_bad1072dfa3f0813.txt", input.join(added)).unwrap();
    ingest_ok(&input, &out, &[]);
    let s = summary(&out);
    assert_eq!(
        (s["processed"].as_u64(), s["unchanged"].as_u64()),
        (Some(2), Some(7))
    );
    assert_eq!(s["removed"], 1);
    let now = manifest_by_path(&out);
    assert_eq!(now.len(), 10);
    assert_eq!(now[removed]["status"], "removed");
    assert_ne!(now[changed]["sha256"], first[changed]["sha256"]);
    let unchanged = "y2000/m000/004_bad1072dfa3f0813.txt";
    assert_eq!(
        now[unchanged], first[unchanged],
        "kept lines are kept as they were"
    );
    let records = std::fs::read_to_string(out.join("records.jsonl")).unwrap();
    assert_eq!(assert_well_formed(&out), 9);
    assert!(!records.contains(&format!("\"path\":\"{removed}\"")));
    assert!(records.contains(&format!("\"path\":\"{added}\"")));

    // Running again is a no-op that keeps the tombstone.
    let before = outputs(&out);
    ingest_ok(&input, &out, &[]);
    assert_eq!(summary(&out)["processed"], 0);
    assert_eq!(outputs(&out), before);

    // --force redoes everything and forgets removed files.
    ingest_ok(&input, &out, &["--force"]);
    assert_eq!(summary(&out)["processed"], 9);
    assert_eq!(manifest_by_path(&out).len(), 9);
    assert_eq!(outputs(&out).0, before.0);
}

/// What the record of one hostile input must say.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// `failed`, with this code as its one error.
    Failed(&'static str),
    /// Read: this status and kind, no errors, and `warning` among the
    /// warnings when one is named.
    Read {
        status: &'static str,
        kind: &'static str,
        warning: Option<&'static str>,
    },
    /// A file of the pdf.js corpus: read without errors, or failed with one
    /// error whose code is a PDF failure of the contract (extraction is
    /// developed in parallel, so which of them is not pinned here).
    PdfCorpus,
}

/// A seed minutes text, read by its own profile.
const MINUTES: Want = Want::Read {
    status: "ok",
    kind: "minutes",
    warning: None,
};

/// The codes a PDF may fail with.
const PDF_FAILURES: [&str; 6] = [
    "pdf-malformed",
    "pdf-encrypted",
    "pdf-no-text",
    "pdf-too-large",
    "timeout",
    "extractor-crashed",
];

#[test]
fn hostile_inputs_give_one_record_each() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("in");
    let sub = root.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    let mut expected: Vec<(&str, Want)> = Vec::new();

    std::fs::write(root.join("empty.txt"), b"").unwrap();
    expected.push(("empty.txt", Want::Failed("empty-file")));
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(root.join("binary.txt"), &binary).unwrap();
    expected.push(("binary.txt", Want::Failed("binary-file")));
    // The same bytes named .pdf: no PDF header, no objects.
    std::fs::write(root.join("garbage.pdf"), &binary).unwrap();
    expected.push(("garbage.pdf", Want::Failed("pdf-malformed")));
    std::fs::copy("fixtures/004_bad1072dfa3f0813.txt", sub.join("ok.txt")).unwrap();
    expected.push(("sub/ok.txt", MINUTES));
    // A name that is not UTF-8, kept losslessly (escaped).
    let latin1 = std::ffi::OsStr::from_bytes(b"K\xf8benhavn.txt");
    std::fs::copy("fixtures/004_bad1072dfa3f0813.txt", sub.join(latin1)).unwrap();
    expected.push(("sub/K\\xF8benhavn.txt", MINUTES));
    // A 20 MB single-line text file: no layout, kept whole.
    let line = "Kommunalbestyrelsen godkendte budgettet. ".repeat(20 * 1024 * 1024 / 41);
    std::fs::write(root.join("one-line.txt"), line).unwrap();
    expected.push((
        "one-line.txt",
        Want::Read {
            status: "partial",
            kind: "unknown",
            warning: Some("unknown-layout"),
        },
    ));
    // Unreadable: a dangling symlink (works as root too) …
    std::os::unix::fs::symlink(dir.path().join("nowhere.txt"), root.join("dangling.txt")).unwrap();
    expected.push(("dangling.txt", Want::Failed("io-error")));
    // … and a file without read permission (root can read it anyway, and
    // then the one item is read by the generic grammar).
    let locked = root.join("locked.txt");
    std::fs::write(&locked, "Punkt 1: Hemmeligt").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let as_root = std::fs::read(&locked).is_ok();
    expected.push((
        "locked.txt",
        if as_root {
            Want::Read {
                status: "ok",
                kind: "minutes",
                warning: Some("low-confidence"),
            }
        } else {
            Want::Failed("io-error")
        },
    ));
    // Symlink loops: must not hang, are warnings, not records.
    std::os::unix::fs::symlink("..", sub.join("loop")).unwrap();
    std::os::unix::fs::symlink(".", root.join("self")).unwrap();
    // Skipped: hidden, temporary, other formats, a FIFO.
    for name in [
        ".DS_Store",
        ".hidden.txt",
        "~$udkast.docx",
        "referat.txt~",
        "upload.tmp",
    ] {
        std::fs::write(root.join(name), "Punkt 1").unwrap();
    }
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(root.join(".git").join("notes.txt"), "x").unwrap();
    std::fs::write(root.join("billede.png"), [0x89, b'P', b'N', b'G']).unwrap();
    let fifo = Command::new("mkfifo").arg(root.join("pipe.txt")).status();
    let has_fifo = fifo.as_ref().is_ok_and(|s| s.success());
    if !has_fifo {
        common::skipped(
            "batch::hostile_inputs_give_one_record_each, the FIFO part",
            &format!("mkfifo did not make one ({fifo:?})"),
        );
    }

    // The pdf.js test corpus (real-world and deliberately broken PDFs) in
    // the same run, when the shared corpus is there.
    let pdfjs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/pdfjs");
    let mut pdfjs_names: Vec<String> = Vec::new();
    if pdfjs.is_dir() {
        for entry in std::fs::read_dir(&pdfjs).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') && name.to_ascii_lowercase().ends_with(".pdf") {
                pdfjs_names.push(name);
            }
        }
        assert!(pdfjs_names.len() > 400, "the pdf.js corpus is complete");
    } else {
        // A fresh clone has no ../shared: this part is skipped even in CI.
        common::skipped(
            "batch::hostile_inputs_give_one_record_each, the pdf.js part",
            &format!("{} not found", pdfjs.display()),
        );
    }
    expected.extend(pdfjs_names.iter().map(|n| (n.as_str(), Want::PdfCorpus)));

    let out = dir.path().join("out");
    // OCR off: scanned pages of the pdf.js corpus would be read by OCR,
    // a minute of CI for robustness `bench/ocr_hostile.sh` checks apart.
    let run = Command::new(BIN)
        .args(["ingest", "--jobs", "2", "--ocr", "never"])
        .arg(&root)
        .args(pdfjs.is_dir().then_some(&pdfjs))
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .output()
        .unwrap();
    let _ = std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("symlink loop"),
        "loops are reported: {stderr}"
    );

    let records: Vec<Value> = std::fs::read_to_string(out.join("records.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut want: Vec<&str> = expected.iter().map(|(p, _)| *p).collect();
    want.sort();
    let got: Vec<&str> = records
        .iter()
        .map(|r| r["source"]["path"].as_str().unwrap())
        .collect();
    assert_eq!(got, want, "one record per input file, nothing else");
    let mut pdfjs_failed = 0;
    for (path, want) in &expected {
        let r = records
            .iter()
            .find(|r| r["source"]["path"] == *path)
            .unwrap();
        let codes: Vec<&str> = r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap())
            .collect();
        let status = r["status"].as_str().unwrap();
        match *want {
            Want::Failed(code) => {
                assert_eq!((status, &codes[..]), ("failed", &[code][..]), "{path}");
                assert_eq!(r["items"], serde_json::json!([]), "{path}");
            }
            Want::Read {
                status: want_status,
                kind,
                warning,
            } => {
                assert_eq!(
                    (status, r["kind"].as_str().unwrap()),
                    (want_status, kind),
                    "{path}: {}",
                    r["warnings"]
                );
                assert!(codes.is_empty(), "{path}: {codes:?}");
                if let Some(warning) = warning {
                    let warnings = r["warnings"].as_array().unwrap();
                    assert!(
                        warnings.iter().any(|w| w["code"] == warning),
                        "{path}: {warning} in {warnings:?}"
                    );
                }
            }
            // A broken PDF fails with a code of the contract, never a crash
            // of referat.
            Want::PdfCorpus if status == "failed" => {
                pdfjs_failed += 1;
                assert!(
                    matches!(&codes[..], [c] if PDF_FAILURES.contains(c)),
                    "{path}: {codes:?}"
                );
            }
            Want::PdfCorpus => {
                assert!(matches!(status, "ok" | "partial"), "{path}: {status}");
                assert!(codes.is_empty(), "{path}: {codes:?}");
            }
        }
    }
    if !pdfjs_names.is_empty() {
        eprintln!(
            "pdf.js corpus: {} of {} read",
            pdfjs_names.len() - pdfjs_failed,
            pdfjs_names.len()
        );
    }
    let big = records
        .iter()
        .find(|r| r["source"]["path"] == "one-line.txt")
        .unwrap();
    assert!(big["source"]["bytes"].as_u64().unwrap() > 20_000_000);
    let s = summary(&out);
    assert_eq!(s["skipped"]["hidden"], 3);
    assert_eq!(s["skipped"]["temporary"], 3);
    assert_eq!(s["skipped"]["other_format"], 1);
    assert_eq!(s["skipped"]["not_a_file"], u64::from(has_fifo));
    let manifest = manifest_by_path(&out);
    let (skipped, live): (Vec<&Value>, Vec<&Value>) =
        manifest.values().partition(|e| e["status"] == "skipped");
    assert_eq!(live.len(), expected.len());
    // Every skipped entry is named, with its reason.
    assert_eq!(skipped.len() as u64, 3 + 3 + 1 + u64::from(has_fifo));
    for e in skipped {
        let reason = e["reason"].as_str().unwrap();
        assert!(
            ["hidden", "temporary", "unsupported-format", "not-a-file"].contains(&reason),
            "{e}"
        );
    }
}
