//! Golden tests over the real seed documents in `fixtures/`.
//!
//! Two kinds: (1) the record is compared field by field with the hand-made
//! gold annotations in `tests/gold/` (copied from the shared corpus; they
//! were written from the documents, not from this code); (2) an `insta`
//! snapshot of each record's structure (without long texts), reviewed
//! against the documents.

use referat::ingest::{Options, process_file};
use referat::profile::Profiles;
use referat::record::Record;
use referat::walk::InputFile;
use serde_json::{Value, json};
use std::path::Path;

const SEEDS: [&str; 3] = [
    "000_edc65fd12b26e6d5",
    "002_0aa691788063abd2",
    "004_bad1072dfa3f0813",
];

fn record(stem: &str) -> Record {
    let profiles = Profiles::load_dir(Path::new("grammars")).unwrap();
    let path = Path::new("fixtures").join(format!("{stem}.txt"));
    let file = InputFile {
        rel_path: format!("{stem}.txt"),
        path,
        format: referat::record::Format::Text,
    };
    process_file(&file, &profiles, &Options::default())
}

fn gold(stem: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("tests/gold/{stem}.json")).unwrap())
        .unwrap()
}

/// Lowercase alphanumerics only: the comparison ignores spacing, hyphens and markup.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn opt_norm(v: &Value) -> Option<String> {
    v.as_str().map(norm)
}

#[test]
fn records_match_gold_annotations() {
    for stem in SEEDS {
        let r = record(stem);
        let g = gold(stem);
        let out = serde_json::to_value(&r).unwrap();
        assert_eq!(out["kind"], g["kind"], "{stem} kind");
        assert_eq!(
            opt_norm(&out["title"]),
            opt_norm(&g["title"]),
            "{stem} title"
        );
        if !g["meeting"].is_null() {
            for k in ["body", "date", "start_time", "location"] {
                assert_eq!(
                    opt_norm(&out["meeting"][k]),
                    opt_norm(&g["meeting"][k]),
                    "{stem} meeting.{k}"
                );
            }
            assert_eq!(
                out["meeting"]["participants"], g["meeting"]["participants"],
                "{stem} participants"
            );
        } else {
            assert!(
                out["meeting"].is_null(),
                "{stem}: the gold has no meeting, the record has {}",
                out["meeting"]
            );
        }
        let toc = |v: &Value| -> Vec<(String, Value)> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|e| (norm(e["title"].as_str().unwrap()), e["page"].clone()))
                .collect()
        };
        assert_eq!(toc(&out["toc"]), toc(&g["toc"]), "{stem} toc");

        let items = out["items"].as_array().unwrap();
        let gold_items = g["items"].as_array().unwrap();
        assert_eq!(items.len(), gold_items.len(), "{stem} item count");
        for (o, gi) in items.iter().zip(gold_items) {
            let n = &gi["number"];
            assert_eq!(o["number"], *n);
            assert_eq!(
                opt_norm(&o["title"]),
                opt_norm(&gi["title"]),
                "{stem} item {n} title"
            );
            assert_eq!(
                o["case_number"], gi["case_number"],
                "{stem} item {n} case number"
            );
            assert_eq!(o["public"], gi["public"], "{stem} item {n} public");
            let atts = |v: &Value| {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|a| norm(a.as_str().unwrap()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                atts(&o["attachments"]),
                atts(&gi["attachments"]),
                "{stem} item {n} attachments"
            );
            for k in ["background", "recommendation", "case_description"] {
                assert_eq!(opt_norm(&o[k]), opt_norm(&gi[k]), "{stem} item {n} {k}");
            }
            let decisions = |v: &Value| -> Vec<(Option<String>, Value, Option<String>, Value)> {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|d| {
                        (
                            opt_norm(&d["body"]),
                            d["date"].clone(),
                            opt_norm(&d["text"]),
                            d["outcome"].clone(),
                        )
                    })
                    .collect()
            };
            assert_eq!(
                decisions(&o["decisions"]),
                decisions(&gi["decisions"]),
                "{stem} item {n} decisions"
            );
            let amounts: Vec<f64> = o["amounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["dkk"].as_f64().unwrap())
                .collect();
            let gold_amounts: Vec<f64> = gi["amounts_dkk"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_f64().unwrap())
                .collect();
            assert_eq!(amounts, gold_amounts, "{stem} item {n} amounts");
        }

        let proposals = out["proposals"].as_array().unwrap();
        let gold_proposals = g["proposals"].as_array().unwrap();
        assert_eq!(
            proposals.len(),
            gold_proposals.len(),
            "{stem} proposal count"
        );
        for (o, gp) in proposals.iter().zip(gold_proposals) {
            let n = &gp["number"];
            assert_eq!(
                (&o["code"], &o["number"], &o["type"]),
                (&gp["code"], n, &gp["type"])
            );
            assert_eq!(
                opt_norm(&o["title"]),
                opt_norm(&gp["title"]),
                "{stem} proposal {n} title"
            );
            assert_eq!(
                opt_norm(&o["summary"]),
                opt_norm(&gp["summary"]),
                "{stem} proposal {n} summary"
            );
            for k in ["presenting_administrations", "affected_administrations"] {
                assert_eq!(o[k], gp[k], "{stem} proposal {n} {k}");
            }
            let payback = |v: &Value| (v["service"].as_f64(), v["total"].as_f64());
            assert_eq!(
                payback(&o["payback_years"]),
                payback(&gp["payback_years"]),
                "{stem} proposal {n} payback"
            );
        }
    }
}

/// Every string in a JSON value, concatenated.
fn all_strings(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Array(a) => a.iter().for_each(|x| all_strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| all_strings(x, out)),
        _ => {}
    }
}

#[test]
fn nothing_is_lost() {
    for stem in SEEDS {
        let r = record(stem);
        let mut text = String::new();
        all_strings(&serde_json::to_value(&r).unwrap(), &mut text);
        let text = norm(&text);
        let bytes = std::fs::read(format!("fixtures/{stem}.txt")).unwrap();
        let extracted = referat::extract::extract_text(&bytes).unwrap();
        let mut lines = extracted.lines;
        referat::extract::repair_split_words(&mut lines);
        let profiles = Profiles::load_dir(Path::new("grammars")).unwrap();
        let profile = referat::parse::choose(&lines, &profiles).unwrap().0;
        for line in lines.iter().filter(|l| !norm(&l.text).is_empty()) {
            // A heading line lives on as the item's or proposal's number and title.
            let heading_title = referat::parse::heading_title(line, profile);
            let wanted = norm(heading_title.as_deref().unwrap_or(&line.text));
            assert!(
                text.contains(&wanted),
                "{stem} line {} lost: {:?}",
                line.number,
                line.text
            );
        }
    }
}

/// The structure of a record without long texts, for a reviewable snapshot.
fn outline(r: &Record) -> Value {
    let cut = |s: &str| s.chars().take(60).collect::<String>();
    json!({
        "kind": r.kind,
        "profile": r.profile,
        "status": r.status,
        "warnings": r.warnings.iter().map(|w| &w.code).collect::<Vec<_>>(),
        "title": r.title,
        "meeting": r.meeting,
        "toc": r.toc.iter().map(|t| format!("{} … {}", t.title, t.page.unwrap_or(0))).collect::<Vec<_>>(),
        "items": r.items.iter().map(|i| json!({
            "number": i.number,
            "title": i.title,
            "case_number": i.case_number,
            "public": i.public,
            "sections": i.sections.iter().map(|s| format!("{:?}: {}", s.kind.unwrap(), s.heading.as_deref().unwrap_or("-"))).collect::<Vec<_>>(),
            "decisions": i.decisions.iter().map(|d| format!("{} {} {:?}: {}", d.body.as_deref().unwrap_or("?"), d.date.as_deref().unwrap_or("?"), d.outcome, cut(&d.text))).collect::<Vec<_>>(),
            "amounts": i.amounts.iter().map(|a| format!("{} = {}", a.text, a.dkk)).collect::<Vec<_>>(),
            "attachments": i.attachments,
            "location": i.location,
        })).collect::<Vec<_>>(),
        "proposals": r.proposals.iter().map(|p| json!({
            "number": p.number,
            "code": p.code,
            "title": p.title,
            "summary": p.summary.as_deref().map(cut),
            "presenting": p.presenting_administrations,
            "affected": p.affected_administrations,
            "payback": p.payback_years,
            "sections": p.sections.iter().map(|s| s.heading.clone().unwrap_or_default()).collect::<Vec<_>>(),
            "location": p.location,
        })).collect::<Vec<_>>(),
    })
}

#[test]
fn record_outlines() {
    for stem in SEEDS {
        insta::assert_json_snapshot!(stem, outline(&record(stem)));
    }
}
