//! Development harness for the tables stage: splits the seed texts into
//! containers with a crude rule of its own (lines "Punkt N:" start items,
//! lines "Forslag N " start proposals), runs `tables::detect` on each and
//! writes a `records.jsonl` that `../shared/eval/score.py` can score, so the
//! tables stage can be measured without the parser.
//!
//! Run: `TABLES_HARNESS_OUT=/tmp/th cargo test --test tables_harness -- --ignored`
//! then `python3 ../shared/eval/score.py /tmp/th/records.jsonl ../shared/corpus/gold --format text`.

use referat::extract::Line;
use referat::profile::TableWords;
use referat::tables::detect;
use serde_json::{Value, json};
use std::path::Path;

/// The `[tables]` words of the Danish profiles, read straight from the file.
pub fn table_words() -> TableWords {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("grammars/common-da.toml"),
    )
    .expect("grammars/common-da.toml");
    let table: toml::Table = toml::from_str(&text).expect("valid toml");
    table["tables"].clone().try_into().expect("valid [tables]")
}

fn container_starts(lines: &[Line]) -> Vec<(String, u32, usize)> {
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.text.trim();
        for (word, kind) in [("Punkt ", "item"), ("Forslag ", "proposal")] {
            if let Some(rest) = t.strip_prefix(word) {
                let num: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let after = rest[num.len()..].chars().next();
                let ok = match kind {
                    "item" => after == Some(':'),
                    _ => after == Some(' '),
                };
                if ok && !num.is_empty() && !t.contains('\t') {
                    out.push((kind.to_string(), num.parse().unwrap(), i));
                }
            }
        }
    }
    out
}

#[test]
#[ignore]
fn harness_records() {
    let out_dir = std::env::var("TABLES_HARNESS_OUT").unwrap_or("/tmp/tables-harness".into());
    std::fs::create_dir_all(&out_dir).unwrap();
    let words = table_words();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut names: Vec<_> = std::fs::read_dir(&fixtures)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    let mut out = String::new();
    for path in names {
        let bytes = std::fs::read(&path).unwrap();
        let lines = referat::extract::extract(
            &bytes,
            referat::record::Format::Text,
            &Default::default(),
            &path,
        )
        .unwrap()
        .lines;
        let starts = container_starts(&lines);
        let head_end = starts.first().map_or(lines.len(), |s| s.2);
        let mut items: Vec<Value> = Vec::new();
        let mut proposals: Vec<Value> = Vec::new();
        for (k, (kind, num, start)) in starts.iter().enumerate() {
            let end = starts.get(k + 1).map_or(lines.len(), |s| s.2);
            let tables = detect(&lines[*start..end], &words);
            let v = json!({"number": num, "code": null, "tables": tables});
            if kind == "item" {
                items.push(v);
            } else {
                proposals.push(v);
            }
        }
        let rec = json!({
            "source": {"path": path.file_name().unwrap().to_string_lossy(), "format": "text"},
            "tables": detect(&lines[..head_end], &words),
            "items": items,
            "proposals": proposals,
        });
        out.push_str(&serde_json::to_string(&rec).unwrap());
        out.push('\n');
    }
    std::fs::write(Path::new(&out_dir).join("records.jsonl"), out).unwrap();
}
