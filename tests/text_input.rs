//! Text input end to end: how a file's bytes are decoded (a few invalid
//! UTF-8 bytes replaced and counted, Windows-1252 only for files that are
//! not UTF-8) and the per-file limits that keep memory bounded (table cells,
//! text size), through the library and through the binary.

use referat::ingest::{FileLimits, Options, process_bytes};
use referat::profile::Profiles;
use referat::record::{Format, Record, Status};
use referat::walk::InputFile;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Minutes with Danish letters in the title and a table of 4 rows of 3 cells.
fn minutes() -> String {
    [
        "REFERAT Ældrerådet d. 14-06-2021",
        "",
        "Mødedato Mandag d. 14. juni 2021 kl. 08:00",
        "",
        "Punkt 1: Budget for ældreområdet",
        "",
        "21/9445",
        "",
        "Baggrund",
        "",
        "Tabel 1. Udgifter i 1.000 kr.",
        "",
        "Område\t2021\t2022",
        "Hjemmepleje\t1.200\t1.300",
        "Plejecentre\t800\t850",
        "I alt\t2.000\t2.150",
        "",
        "Beslutning Ældrerådet den 14-06-2021",
        "",
        "Godkendt.",
        "",
    ]
    .join("\n")
}

fn ingest(bytes: &[u8], options: &Options) -> Record {
    let file = InputFile {
        path: PathBuf::from("referat.txt"),
        rel_path: "referat.txt".into(),
        format: Format::Text,
    };
    process_bytes(bytes, &file, &Profiles::builtin(), options)
}

fn codes(issues: &[referat::record::Issue]) -> Vec<&str> {
    issues.iter().map(|w| w.code.as_str()).collect()
}

#[test]
fn one_invalid_byte_keeps_the_file_utf8_and_is_counted() {
    let mut bytes = minutes().into_bytes();
    let at = bytes.windows(4).position(|w| w == b"Godk").unwrap();
    bytes.insert(at, 0xFF);
    let record = ingest(&bytes, &Options::default());
    assert_eq!(
        record.title.as_deref(),
        Some("REFERAT Ældrerådet d. 14-06-2021")
    );
    assert_eq!(record.items[0].title, "Budget for ældreområdet");
    assert_eq!(record.items[0].decisions[0].text, "\u{FFFD}Godkendt.");
    assert_eq!(codes(&record.warnings), ["text-invalid-utf8"]);
    assert!(
        record.warnings[0]
            .message
            .starts_with("1 invalid UTF-8 sequence")
    );
    assert_eq!(record.status, Status::Ok);
}

#[test]
fn a_windows_1252_file_is_read_as_windows_1252() {
    let text = minutes();
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(std::str::from_utf8(&bytes).is_err());
    let record = ingest(&bytes, &Options::default());
    assert_eq!(
        record.title.as_deref(),
        Some("REFERAT Ældrerådet d. 14-06-2021")
    );
    assert_eq!(codes(&record.warnings), ["decoded-windows-1252"]);
}

#[test]
fn utf8_with_bom_and_plain_ascii_have_no_warning() {
    let with_bom = format!("\u{feff}{}", minutes());
    let record = ingest(with_bom.as_bytes(), &Options::default());
    assert_eq!(
        record.title.as_deref(),
        Some("REFERAT Ældrerådet d. 14-06-2021")
    );
    assert!(record.warnings.is_empty(), "{:?}", record.warnings);
    let ascii = minutes()
        .replace('Æ', "AE")
        .replace('æ', "ae")
        .replace('ø', "oe");
    let record = ingest(ascii.replace('å', "aa").as_bytes(), &Options::default());
    assert_eq!(
        record.title.as_deref(),
        Some("REFERAT AEldreraadet d. 14-06-2021")
    );
    let decoding = ["text-invalid-utf8", "decoded-windows-1252"];
    assert!(!codes(&record.warnings).iter().any(|c| decoding.contains(c)));
}

fn limited(max_table_cells: usize, max_text_bytes: u64) -> Options {
    Options {
        limits: FileLimits {
            max_table_cells,
            max_text_bytes,
            ..FileLimits::default()
        },
        ..Options::default()
    }
}

#[test]
fn tables_past_the_cell_limit_are_left_out_with_a_warning() {
    let text = minutes();
    let within = ingest(text.as_bytes(), &limited(12, 1 << 20));
    assert_eq!(within.items[0].tables.len(), 1);
    assert!(within.warnings.is_empty(), "{:?}", within.warnings);
    let past = ingest(text.as_bytes(), &limited(11, 1 << 20));
    assert!(past.items[0].tables.is_empty());
    assert_eq!(codes(&past.warnings), ["table-too-large"]);
    let w = &past.warnings[0];
    assert!(
        w.message.starts_with("1 tab-separated run with 12 cells"),
        "{}",
        w.message
    );
    assert_eq!(w.location.map(|l| l.line), Some(13));
    assert_eq!(past.status, Status::Partial);
    // The table's text stays in its section.
    assert!(
        past.items[0].sections[0]
            .text
            .contains("Plejecentre 800 850")
    );
}

#[test]
fn a_text_past_the_size_limit_fails_with_its_code() {
    let text = minutes();
    let n = text.len() as u64;
    assert_eq!(
        ingest(text.as_bytes(), &limited(1000, n)).status,
        Status::Ok
    );
    let record = ingest(text.as_bytes(), &limited(1000, n - 1));
    assert_eq!(record.status, Status::Failed);
    assert_eq!(codes(&record.errors), ["text-too-large"]);
    assert_eq!(record.source.bytes, n);
}

#[test]
fn the_binary_writes_the_decoding_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let mut bad = minutes().into_bytes();
    bad.extend_from_slice(b"\xff\xfe Slut\n");
    std::fs::write(input.join("a.txt"), &bad).unwrap();
    let text = minutes();
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    std::fs::write(input.join("b.txt"), &cp1252).unwrap();
    let out = dir.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_referat"))
        .args(["ingest", "--quiet", "--out"])
        .arg(&out)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let records: Vec<Record> = std::fs::read_to_string(out.join("records.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2);
    assert_eq!(codes(&records[0].warnings), ["text-invalid-utf8"]);
    assert!(
        records[0].warnings[0]
            .message
            .starts_with("2 invalid UTF-8 sequences")
    );
    assert_eq!(codes(&records[1].warnings), ["decoded-windows-1252"]);
    for r in &records {
        assert_eq!(r.title.as_deref(), Some("REFERAT Ældrerådet d. 14-06-2021"));
    }
}

#[test]
fn a_batch_refuses_files_past_their_size_limit_with_their_hash_and_size() {
    use referat::batch::{BatchOptions, Silent};
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let text = minutes();
    std::fs::write(input.join("big.txt"), &text).unwrap();
    let pdf = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/004_bad1072dfa3f0813.pdf"),
    )
    .unwrap();
    std::fs::write(input.join("big.pdf"), &pdf).unwrap();
    let profiles = referat::profile::Profiles::builtin();
    let mut ingest = limited(1000, 100);
    ingest.limits.max_pdf_bytes = 1000;
    let options = BatchOptions {
        out: dir.path().join("out"),
        jobs: 1,
        force: false,
        retry_failed: false,
        shard: None,
        ingest,
        fingerprint: "test".into(),
    };
    let run =
        || referat::batch::run(std::slice::from_ref(&input), &profiles, &options, &Silent).unwrap();
    assert_eq!(run().failed(), 2);
    let records = std::fs::read_to_string(dir.path().join("out/records.jsonl")).unwrap();
    let records: Vec<serde_json::Value> = records
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Hashed as they streamed by: the same SHA-256 and size as the files'.
    for (record, (code, bytes)) in records.iter().zip([
        ("pdf-too-large", pdf.as_slice()),
        ("text-too-large", text.as_bytes()),
    ]) {
        assert_eq!(record["errors"][0]["code"], code);
        let sha = hex::encode(sha2::Sha256::digest(bytes));
        assert_eq!(record["source"]["sha256"], sha.as_str());
        assert_eq!(record["source"]["bytes"], bytes.len());
    }
    // Unchanged, they are not processed again.
    assert_eq!(run().unchanged, 2);
}

/// (label, raw cells, role) of each row of a table.
fn rows(table: &referat::record::Table) -> Vec<(String, Vec<String>, String)> {
    table
        .rows
        .iter()
        .map(|r| {
            (
                r.label.clone(),
                r.cells
                    .iter()
                    .map(|c| c.as_ref().map_or(String::new(), |c| c.raw.clone()))
                    .collect(),
                serde_json::to_value(r.role)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

/// Text whose tables are set in columns with spaces (as `pdftotext -layout`
/// writes them) or as markdown: both are read as tables, with the values
/// and totals printed in `fixtures/layouts/columns-da.txt`; the justified
/// paragraph above them, double spaces and numbers and all, stays prose.
#[test]
fn tables_set_with_spaces_or_markdown_pipes_are_tables() {
    let bytes = std::fs::read("fixtures/layouts/columns-da.txt").unwrap();
    let record = ingest(&bytes, &Options::default());
    let item = &record.items[0];
    assert_eq!(item.case_number.as_deref(), Some("00.30.14-S00-2-26"));
    assert_eq!(item.tables.len(), 2, "{:#?}", item.tables);
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let row = |label: &str, cells: &[&str], role: &str| (label.to_string(), s(cells), role.into());

    let spaced = &item.tables[0];
    assert_eq!(
        spaced.caption.as_deref(),
        Some("Tabel 1. Forventet forbrug, 1.000 kr. (2026 p/l)")
    );
    assert_eq!(spaced.columns, s(&["Budget", "Forbrug", "Afvigelse"]));
    assert_eq!(
        rows(spaced),
        [
            row("Natur", &["4.500", "4.120", "-380"], "data"),
            row("Klima", &["2.300", "2.410", "110"], "data"),
            row("I alt", &["6.800", "6.530", "-270"], "total"),
        ]
    );
    assert_eq!(spaced.checks.len(), 3);
    assert!(spaced.checks.iter().all(|c| c.ok), "{:?}", spaced.checks);

    let markdown = &item.tables[1];
    assert_eq!(markdown.columns, s(&["2026", "2027"]));
    assert_eq!(
        rows(markdown),
        [
            row("Stier i Ådalen", &["1.200", "800"], "data"),
            row("Shelterpladser", &["450", "-"], "data"),
            row("I alt", &["1.650", "800"], "total"),
        ]
    );
    assert!(
        markdown.checks.iter().all(|c| c.ok),
        "{:?}",
        markdown.checks
    );

    let prose = &item.sections[0].text;
    assert!(
        prose.starts_with("Udvalgets forventede forbrug for 2026 er opgjort i tabellen nedenfor,"),
        "{prose}"
    );
    assert_eq!(
        record.meeting.as_ref().unwrap().location.as_deref(),
        Some("Mødelokale 3, Rådhuset")
    );
}
