//! `referat export --to csv`: the tidy tables hold exactly the facts of
//! records.jsonl (counted here from the JSON, not by the exporter), and
//! exporting after an incremental ingest gives the same files as exporting
//! after a fresh one.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_referat");

fn referat(args: &[&str]) {
    let out = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
}

fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(Result::unwrap)
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

#[test]
fn csv_tables_count_the_facts_of_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    referat(&["ingest", "fixtures", "-q", "-o", o]);
    referat(&["export", o, "--to", "csv"]);
    let records: Vec<Value> = std::fs::read_to_string(out.join("records.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
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
    let csv_dir = out.join("csv");
    let n = |table: &str| csv_rows(&csv_dir.join(format!("{table}.csv"))).len();
    assert_eq!(n("documents"), records.len());
    assert_eq!(n("items"), items.len());
    assert_eq!(n("decisions"), count("decisions"));
    assert_eq!(n("amounts"), count("amounts"));
    assert_eq!(n("attachments"), count("attachments"));
    assert_eq!(n("history"), count("history"));
    assert_eq!(
        n("tables"),
        records.iter().map(|r| tables(r).len()).sum::<usize>()
    );
    assert_eq!(n("table_cells"), cells);
    assert!(cells > 1000, "the seed tables are exported: {cells}");

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
        referat(&["export", out.to_str().unwrap()]);
    }
    let mut names: Vec<_> = std::fs::read_dir(fresh.join("csv"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 10, "one file per table");
    for name in names {
        let a = std::fs::read(inc.join("csv").join(&name)).unwrap();
        let b = std::fs::read(fresh.join("csv").join(&name)).unwrap();
        assert!(a == b, "{name:?} differs");
    }
}
