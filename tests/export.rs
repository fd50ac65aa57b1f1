//! `referat export`: the tidy tables hold exactly the facts of
//! records.jsonl (counted here from the JSON, not by the exporter), read
//! back by readers other than the writer (the `csv` crate, the `sqlite3`
//! program, pyarrow); exporting after an incremental ingest gives the same
//! output as after a fresh one; `referat search` and `referat case` on the
//! database.

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

const BIN: &str = env!("CARGO_BIN_EXE_referat");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn referat(args: &[&str]) {
    let out = run(args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
}

/// `fixtures/` ingested once and exported in all three formats.
fn exported() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let o = out.to_str().unwrap();
        referat(&["ingest", "fixtures", "-q", "-o", o]);
        for to in ["csv", "sqlite", "parquet"] {
            referat(&["export", o, "--to", to]);
        }
        (dir, out)
    })
    .1
}

fn records(out: &Path) -> Vec<Value> {
    std::fs::read_to_string(out.join("records.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn tables(r: &Value) -> Vec<&Value> {
    let mut all: Vec<&Value> = r["tables"].as_array().unwrap().iter().collect();
    for container in ["items", "proposals"] {
        for c in r[container].as_array().unwrap() {
            all.extend(c["tables"].as_array().unwrap());
        }
    }
    all
}

/// The number of facts of each table, counted from the records' JSON.
fn expected_counts(records: &[Value]) -> BTreeMap<&'static str, usize> {
    let items: Vec<&Value> = records
        .iter()
        .flat_map(|r| r["items"].as_array().unwrap())
        .collect();
    let count =
        |key: &str| -> usize { items.iter().map(|i| i[key].as_array().unwrap().len()).sum() };
    // One cell row per number printed in a cell, one for a cell of text.
    let cells: usize = records
        .iter()
        .flat_map(tables)
        .flat_map(|t| t["rows"].as_array().unwrap())
        .flat_map(|row| row["cells"].as_array().unwrap())
        .filter(|c| !c.is_null())
        .map(|c| c["values"].as_array().unwrap().len().max(1))
        .sum();
    BTreeMap::from([
        ("documents", records.len()),
        (
            "meetings",
            records.iter().filter(|r| !r["meeting"].is_null()).count(),
        ),
        ("items", items.len()),
        ("sections", count("sections")),
        ("decisions", count("decisions")),
        ("history", count("history")),
        ("attachments", count("attachments")),
        ("amounts", count("amounts")),
        (
            "proposals",
            records
                .iter()
                .map(|r| r["proposals"].as_array().unwrap().len())
                .sum(),
        ),
        ("tables", records.iter().map(|r| tables(r).len()).sum()),
        ("table_cells", cells),
    ])
}

fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn csv_tables_count_the_facts_of_the_records() {
    let out = exported();
    let expected = expected_counts(&records(out));
    let csv_dir = out.join("csv");
    for (table, n) in &expected {
        let rows = csv_rows(&csv_dir.join(format!("{table}.csv"))).len();
        assert_eq!(rows, *n, "{table}");
    }
    assert!(
        expected["table_cells"] > 1000,
        "the seed tables are exported"
    );
    assert!(
        expected["decisions"] > 100,
        "the seed decisions are exported"
    );
    // A cell as printed: in the seed catalogue's overview table (line 12 of
    // the text), proposal 1's "Effektiviseringsbidrag 2025" is 1.895 in
    // "1.000 kr." (the header stacks "Effektiviseringsbidrag" over "2025").
    let cell_rows = csv_rows(&csv_dir.join("table_cells.csv"));
    let hit = cell_rows
        .iter()
        .find(|r| &r[0] == "002_0aa691788063abd2.txt" && &r[5] == "Effektiviseringsbidrag 2025")
        .expect("a cell of the seed catalogue");
    assert_eq!(&hit[6], "1.895");
    assert_eq!(&hit[8], "1895");
    assert_eq!(&hit[9], "1895000");
    assert_eq!(&hit[10], "1.000 kr.");
}

/// Whether `program` runs here; without it the test is skipped with a
/// reason, except under `.ci/run` (which installs it), where it fails.
fn have(test: &str, program: &str, probe: &[&str], install: &str) -> bool {
    let ok = Command::new(program)
        .args(probe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            !common::in_ci(),
            "{test}: `{program} {}` fails; .ci/run installs {install}",
            probe.join(" ")
        );
        common::skipped(test, &format!("{install} is not installed here"));
    }
    ok
}

/// `sqlite3 -json DB SQL`, parsed.
fn sqlite3(db: &Path, sql: &str) -> Vec<Value> {
    let out = Command::new("sqlite3")
        .arg("-json")
        .arg(db)
        .arg(sql)
        .output()
        .unwrap();
    assert!(out.status.success(), "{sql}: {out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    if text.trim().is_empty() {
        return Vec::new();
    }
    serde_json::from_str(&text).unwrap()
}

#[test]
fn sqlite3_reads_the_database_and_counts_the_facts_of_the_records() {
    if !have(
        "sqlite3 reader",
        "sqlite3",
        &["-version"],
        "sqlite3 (Debian package sqlite3)",
    ) {
        return;
    }
    let out = exported();
    let db = out.join("referat.sqlite");
    let expected = expected_counts(&records(out));
    for (table, n) in &expected {
        let rows = sqlite3(&db, &format!("SELECT count(*) AS n FROM \"{table}\""));
        assert_eq!(rows[0]["n"].as_u64(), Some(*n as u64), "{table}");
    }
    assert_eq!(
        sqlite3(&db, "PRAGMA integrity_check")[0]["integrity_check"],
        "ok"
    );
    // Every row's parent exists (the keys are declared as foreign keys).
    assert_eq!(
        sqlite3(&db, "PRAGMA foreign_key_check"),
        Vec::<Value>::new()
    );
    let fks = sqlite3(
        &db,
        "SELECT m.name, p.\"table\" FROM sqlite_master m, pragma_foreign_key_list(m.name) p \
         WHERE m.type = 'table' GROUP BY 1, 2 ORDER BY 1",
    );
    assert!(
        fks.iter()
            .any(|r| r["name"] == "decisions" && r["table"] == "items"),
        "{fks:?}"
    );
    assert!(
        fks.iter()
            .any(|r| r["name"] == "table_cells" && r["table"] == "tables"),
        "{fks:?}"
    );
    // Types: a number is a number, scaled by the unit.
    let cell = sqlite3(
        &db,
        "SELECT raw, value, value_scaled, unit, typeof(value_scaled) AS t FROM table_cells \
         WHERE path = '002_0aa691788063abd2.txt' AND column_label = 'Effektiviseringsbidrag 2025' \
         AND raw = '1.895'",
    );
    assert_eq!(
        cell[0]["value_scaled"].as_f64(),
        Some(1_895_000.0),
        "{cell:?}"
    );
    assert_eq!(cell[0]["t"], "real");
    // The seed's item 7: its decision and its amount at the page and line
    // `referat lines` shows them on.
    let d = sqlite3(
        &db,
        "SELECT d.page, d.line, d.outcome FROM decisions d JOIN items i USING (path, item) \
         WHERE d.path = '000_edc65fd12b26e6d5.pdf' AND i.number = 7",
    );
    assert_eq!(
        (d[0]["page"].as_u64(), d[0]["line"].as_u64()),
        (Some(3), Some(89))
    );
    // The full-text index works in another SQLite than the writer's.
    let hits = sqlite3(
        &db,
        "SELECT count(*) AS n FROM search WHERE search MATCH 'skole*'",
    );
    assert!(hits[0]["n"].as_u64().unwrap() > 0);
}

/// pyarrow's reading of the Parquet files: rows, and column types, per table.
const PYARROW: &str = r#"
import json, sys, pyarrow.parquet as pq
out = {}
for name in sys.argv[2:]:
    t = pq.read_table(f"{sys.argv[1]}/{name}.parquet")
    out[name] = {"rows": t.num_rows, "types": {f.name: str(f.type) for f in t.schema}}
cells = pq.read_table(f"{sys.argv[1]}/table_cells.parquet").to_pylist()
hit = [c for c in cells if c["path"] == "002_0aa691788063abd2.txt"
       and c["column_label"] == "Effektiviseringsbidrag 2025" and c["raw"] == "1.895"]
out["cell"] = hit[0]
print(json.dumps(out))
"#;

#[test]
fn pyarrow_reads_the_parquet_files_and_counts_the_facts_of_the_records() {
    let test = "pyarrow reader";
    if !common::have_python3(test)
        || !have(test, "python3", &["-c", "import pyarrow"], "pyarrow (pip)")
    {
        return;
    }
    let out = exported();
    let expected = expected_counts(&records(out));
    let mut cmd = Command::new("python3");
    cmd.arg("-c").arg(PYARROW).arg(out.join("parquet"));
    cmd.args(expected.keys());
    let got = cmd.output().unwrap();
    assert!(got.status.success(), "{got:?}");
    let got: Value = serde_json::from_slice(&got.stdout).unwrap();
    for (table, n) in &expected {
        assert_eq!(got[table]["rows"].as_u64(), Some(*n as u64), "{table}");
    }
    let types = &got["table_cells"]["types"];
    assert_eq!(types["value_scaled"], "double");
    assert_eq!(types["page"], "int64");
    assert_eq!(types["raw"], "string");
    assert_eq!(got["items"]["types"]["public"], "bool");
    assert_eq!(got["cell"]["value_scaled"].as_f64(), Some(1_895_000.0));
    assert_eq!(got["cell"]["unit"], "1.000 kr.");
}

#[test]
fn exporting_after_an_incremental_ingest_equals_exporting_from_scratch() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for f in ["000_edc65fd12b26e6d5.txt", "004_bad1072dfa3f0813.txt"] {
        std::fs::copy(Path::new("fixtures").join(f), input.join(f)).unwrap();
    }
    let (inc, fresh) = (dir.path().join("inc"), dir.path().join("fresh"));
    let i = input.to_str().unwrap();
    referat(&["ingest", i, "-q", "-o", inc.to_str().unwrap()]);
    // Change the input: one file more, then ingest again incrementally.
    std::fs::copy(
        "fixtures/formats/teknisk-udvalg-2025-10-01.sbsys.xml",
        input.join("tu.sbsys.xml"),
    )
    .unwrap();
    referat(&["ingest", i, "-q", "-o", inc.to_str().unwrap()]);
    referat(&["ingest", i, "-q", "-o", fresh.to_str().unwrap()]);
    for out in [&inc, &fresh] {
        for to in ["csv", "sqlite", "parquet"] {
            referat(&["export", out.to_str().unwrap(), "--to", to]);
        }
    }
    let files = |sub: &str| -> Vec<PathBuf> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(fresh.join(sub))
            .unwrap()
            .map(|e| Path::new(sub).join(e.unwrap().file_name()))
            .collect();
        names.sort();
        names
    };
    let (csv, parquet) = (files("csv"), files("parquet"));
    assert_eq!((csv.len(), parquet.len()), (11, 11), "one file per table");
    let mut all = [csv, parquet].concat();
    all.push("referat.sqlite".into());
    all.push("referat.metadata.json".into());
    for name in all {
        let a = std::fs::read(inc.join(&name)).unwrap();
        let b = std::fs::read(fresh.join(&name)).unwrap();
        assert!(a == b, "{name:?} differs");
    }
}

/// `fixtures/archive/`: one case (26/00417, the extension of a school)
/// through three meetings, with Danish letters throughout.
fn archive_db() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let o = out.to_str().unwrap();
        referat(&["ingest", "fixtures/archive", "-q", "-o", o]);
        referat(&["export", o, "--to", "sqlite"]);
        (dir, out.join("referat.sqlite"))
    })
    .1
}

/// `referat search ARGS --json`: exit code and hits.
fn search(args: &[&str]) -> (i32, Vec<Value>) {
    let db = archive_db().to_str().unwrap();
    let out = run(&[&["search", "--db", db, "--json"], args].concat());
    let hits = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out.status.code().unwrap(), hits)
}

/// "date title" of the hits on items (not on a document's head, where a
/// body's name such as "Børne- og Skoleudvalget" may match).
fn titles(hits: &[Value]) -> Vec<String> {
    let mut t: Vec<String> = hits
        .iter()
        .filter(|h| h["kind"] != "document")
        .map(|h| {
            format!(
                "{} {}",
                h["date"].as_str().unwrap(),
                h["item_title"].as_str().unwrap()
            )
        })
        .collect();
    t.sort();
    t
}

#[test]
fn search_finds_danish_words_and_their_inflected_forms() {
    // "skole" finds "Skole", "skolen", "Skolens", "Skolernes", "skoledistriktet":
    // the school item at all three meetings, each with its case number,
    // outcome and line.
    let (code, hits) = search(&["skole"]);
    assert_eq!(code, 0);
    assert_eq!(
        titles(&hits),
        [
            "2026-02-03 Udbygning af Søndervang Skole",
            "2026-02-24 Udbygning af Søndervang Skole",
            "2026-03-10 Udbygning af Søndervang Skole",
        ]
    );
    let bs = hits.iter().find(|h| h["date"] == "2026-02-03").unwrap();
    assert_eq!(bs["case_number"], "26/00417");
    assert_eq!(bs["outcome"], "postponed");
    assert_eq!(bs["body"], "Børne- og Skoleudvalget");
    assert!(bs["line"].as_u64().is_some());
    // æ, ø, å are letters: "børn" finds "børnehaveklasser" (3 Feb) and
    // "Børne- og Skoleudvalget" (24 Feb), "BØRNEHAVEKLASSER" is case folded,
    // "born" finds nothing; "åbrink" finds "Åbrinken", "abrink" does not.
    assert_eq!(
        titles(&search(&["børn"]).1),
        [
            "2026-02-03 Udbygning af Søndervang Skole",
            "2026-02-24 Udbygning af Søndervang Skole"
        ]
    );
    assert_eq!(titles(&search(&["BØRNEHAVEKLASSER"]).1).len(), 1);
    assert_eq!(search(&["born"]).0, 1, "no hit: ø is not o");
    assert_eq!(
        titles(&search(&["åbrink"]).1),
        ["2026-02-24 Salg af grund ved Åbrinken"]
    );
    assert_eq!(search(&["abrink"]).0, 1);
    // An inflected form in a decision: "Udsat" (postponed) in a decision
    // text, matched as a decision, with its outcome.
    let (_, hits) = search(&["etaper"]);
    assert!(
        hits.iter()
            .any(|h| h["kind"] == "decision" && h["outcome"] == "postponed")
    );
    // Whole words with --exact: "skole" alone is only in the titles'
    // "Skole", not in "skolen".
    let (_, exact) = search(&["--exact", "skolernes"]);
    assert_eq!(titles(&exact), ["2026-03-10 Udbygning af Søndervang Skole"]);
    assert_eq!(search(&["--exact", "skolerne"]).0, 1);
    // A phrase, and FTS5 syntax with --fts.
    assert_eq!(titles(&search(&["\"to etaper\""]).1).len(), 3);
    assert_eq!(
        titles(&search(&["--fts", "grund NOT skole"]).1),
        ["2026-02-24 Salg af grund ved Åbrinken"]
    );
    // A query FTS5 cannot parse is an error, not a crash.
    assert_eq!(search(&["--fts", "AND ("]).0, 2);
}

#[test]
fn case_lists_every_treatment_across_meetings_oldest_first() {
    let db = archive_db().to_str().unwrap();
    let out = run(&["case", "26/00417", "--db", db, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let treatments: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let seen: Vec<(&str, &str, &str)> = treatments
        .iter()
        .map(|t| {
            (
                t["date"].as_str().unwrap(),
                t["body"].as_str().unwrap(),
                t["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("2026-02-03", "Børne- og Skoleudvalget", "postponed"),
            ("2026-02-24", "Økonomiudvalget", "approved_with_changes"),
            ("2026-03-10", "Byrådet", "approved"),
        ]
    );
    let source = &treatments[1]["sources"][0];
    assert_eq!(source["path"], "oekonomiudvalget-2026-02-24.txt");
    assert_eq!(source["kind"], "decision");
    // Line 13 of the file is the decision's heading ("Beslutninger").
    let text = std::fs::read_to_string("fixtures/archive/oekonomiudvalget-2026-02-24.txt").unwrap();
    let line = source["line"].as_u64().unwrap() as usize;
    assert_eq!(text.lines().nth(line - 1), Some("Beslutninger"));
    // The text output names them too; a case the archive does not hold is exit 1.
    let text = run(&["case", "26/00417", "--db", db]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("2026-02-24  Økonomiudvalget  punkt 1  approved_with_changes"),
        "{text}"
    );
    assert_eq!(
        run(&["case", "99/99999", "--db", db]).status.code(),
        Some(1)
    );
}

#[test]
fn search_without_a_database_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["search", "skole", "--db", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("referat export OUT --to sqlite"), "{err}");
}

#[test]
fn datasette_metadata_names_every_table_with_facets_and_the_canned_queries() {
    let meta: Value = serde_json::from_str(
        &std::fs::read_to_string(exported().join("referat.metadata.json")).unwrap(),
    )
    .unwrap();
    let db = &meta["databases"]["referat"];
    for table in expected_counts(&[]).keys() {
        assert!(db["tables"][table]["description"].is_string(), "{table}");
    }
    assert_eq!(db["tables"]["decisions"]["facets"][0], "outcome");
    // The canned queries run as written, named parameters bound.
    if have("datasette queries", "sqlite3", &["-version"], "sqlite3") {
        let sqlite = exported().join("referat.sqlite");
        for (name, param, value) in [("search", "q", "skole*"), ("case", "number", "19/25138")] {
            let sql = db["queries"][name]["sql"].as_str().unwrap();
            let out = Command::new("sqlite3")
                .arg("-json")
                .arg(&sqlite)
                // The dot-command strips one level of quotes; the value is
                // then an SQL string literal.
                .arg(format!(".param set :{param} \"'{value}'\""))
                .arg(sql)
                .output()
                .unwrap();
            assert!(out.status.success(), "{name}: {out:?}");
            assert!(!out.stdout.is_empty(), "{name} finds rows");
        }
    }
}

/// The ```sql blocks of the README's "analyst's three questions".
fn readme_queries() -> Vec<String> {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let section = readme
        .split("### The analyst's three questions")
        .nth(1)
        .expect("the README's analyst section");
    let section = section.split("\n## ").next().unwrap();
    section
        .split("```sql\n")
        .skip(1)
        .map(|block| block.split("```").next().unwrap().to_string())
        .collect()
}

#[test]
fn the_readme_analyst_queries_answer_from_the_database() {
    if !have("README queries", "sqlite3", &["-version"], "sqlite3") {
        return;
    }
    let queries = readme_queries();
    assert_eq!(queries.len(), 3, "three questions, one query each");
    let out = exported();
    let db = out.join("referat.sqlite");
    let records = records(out);
    // 1. Every decision once per meeting: decisions of documents of one
    //    meeting (same meeting_id) counted once.
    let mut decisions = std::collections::BTreeSet::new();
    for r in &records {
        let meeting = r["meeting_id"]
            .as_str()
            .map_or_else(|| r["source"]["path"].to_string(), str::to_string);
        for item in r["items"].as_array().unwrap() {
            for n in 0..item["decisions"].as_array().unwrap().len() {
                decisions.insert((meeting.clone(), item["number"].as_u64(), n));
            }
        }
    }
    let rows = sqlite3(&db, &queries[0]);
    assert_eq!(rows.len(), decisions.len());
    assert!(
        rows.len() < expected_counts(&records)["decisions"],
        "prints folded"
    );
    assert!(
        rows.iter()
            .all(|r| r["outcome"].is_string() && r["path"].is_string())
    );
    // 2. One row per number printed in a table cell.
    let rows = sqlite3(&db, &queries[1]);
    let numbers: usize = records
        .iter()
        .flat_map(tables)
        .flat_map(|t| t["rows"].as_array().unwrap())
        .flat_map(|row| row["cells"].as_array().unwrap())
        .filter(|c| !c.is_null())
        .map(|c| c["values"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows.len(), numbers);
    // 3. One row per meeting, its amounts summed from the JSON of one print.
    let rows = sqlite3(&db, &queries[2]);
    let mut meetings: BTreeMap<String, (String, f64)> = BTreeMap::new();
    for r in &records {
        if r["meeting"].is_null() {
            continue;
        }
        let path = r["source"]["path"].as_str().unwrap().to_string();
        let dkk: f64 = r["items"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| i["amounts"].as_array().unwrap())
            .map(|a| a["dkk"].as_f64().unwrap())
            .sum();
        let key = r["meeting_id"]
            .as_str()
            .map_or(path.clone(), str::to_string);
        let first = meetings.entry(key).or_insert((path.clone(), dkk));
        if path < first.0 {
            *first = (path, dkk);
        }
    }
    assert_eq!(rows.len(), meetings.len());
    for row in &rows {
        let Some(id) = row["meeting_id"].as_str() else {
            continue;
        };
        let want = meetings[id].1;
        let got = row["dkk"].as_f64().unwrap_or(0.0);
        assert!((got - want).abs() < 0.01, "{id}: {got} vs {want}");
    }
}
