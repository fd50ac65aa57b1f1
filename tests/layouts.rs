//! A layout seen for the first time: the generic profile still finds items,
//! case numbers and decisions (with a low confidence and a warning), and a
//! profile file added for the layout alone parses it properly.

use referat::ingest::build_record;
use referat::profile::Profiles;
use referat::record::{Format, Kind, Outcome, Record, Source};
use std::path::Path;

const FIXTURE: &str = "fixtures/layouts/board-minutes-en.txt";

fn source(path: &str) -> Source {
    Source::new(path.into(), Format::Text, String::new(), 0)
}

fn ingest_with(profiles: &Profiles) -> Record {
    let bytes = std::fs::read(FIXTURE).unwrap();
    let extracted = referat::extract::extract_text(&bytes).unwrap();
    build_record(source(FIXTURE), extracted, profiles)
}

#[test]
fn english_profile_parses_its_layout() {
    let profiles = Profiles::load_dir(Path::new("grammars")).unwrap();
    let r = ingest_with(&profiles);
    assert_eq!(r.profile.as_deref(), Some("minutes-en"));
    assert_eq!(r.kind, Kind::Minutes);
    assert!(r.confidence > 0.8, "confidence {}", r.confidence);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let m = r.meeting.as_ref().unwrap();
    assert_eq!(m.body.as_deref(), Some("Executive Board"));
    assert_eq!(m.date.as_deref(), Some("2024-01-05"));
    assert_eq!(m.start_time.as_deref(), Some("10:00"));
    assert_eq!(m.location.as_deref(), Some("Room 2.01, Town Hall"));
    assert_eq!(m.participants, ["Anna Berg", "Peter Holm", "Sofie Lund"]);

    let numbers: Vec<u32> = r.items.iter().map(|i| i.number).collect();
    assert_eq!(numbers, [1, 2, 3]);
    let cases: Vec<_> = r.items.iter().map(|i| i.case_number.as_deref()).collect();
    assert_eq!(cases, [Some("24/0012"), Some("24/0013"), Some("23/9876")]);
    assert!(!r.items[1].public);

    let first = &r.items[0];
    assert_eq!(
        first.recommendation.as_deref(),
        Some("That the Board approves the follow-up.")
    );
    assert_eq!(first.decisions.len(), 1);
    assert_eq!(first.decisions[0].body.as_deref(), Some("Board"));
    assert_eq!(first.decisions[0].date.as_deref(), Some("2024-01-05"));
    assert_eq!(first.decisions[0].outcome, Outcome::Approved);
    assert_eq!(
        first.amounts.iter().map(|a| a.dkk).collect::<Vec<_>>(),
        [1_200_000.0]
    );

    let third = &r.items[2];
    assert_eq!(third.decisions[0].outcome, Outcome::Postponed);
    assert_eq!(
        third.attachments,
        ["Opening hours survey 2023", "Cost estimate"]
    );
    assert_eq!(
        third.amounts.iter().map(|a| a.dkk).collect::<Vec<_>>(),
        [250_000.0]
    );
}

#[test]
fn generic_profile_finds_items_in_an_unseen_layout() {
    let mut profiles = Profiles::builtin();
    profiles.profiles.retain(|p| p.name != "minutes-en");
    let r = ingest_with(&profiles);
    assert_eq!(r.profile.as_deref(), Some("generic"));
    assert_eq!(r.kind, Kind::Minutes);
    assert!(r.confidence < 0.5);
    assert!(r.warnings.iter().any(|w| w.code == "low-confidence"));
    assert_eq!(r.items.len(), 3);
    assert_eq!(r.items[0].case_number.as_deref(), Some("24/0012"));
    assert_eq!(r.items[0].decisions[0].date.as_deref(), Some("2024-01-05"));
    assert_eq!(r.items[2].decisions[0].body.as_deref(), Some("Board"));
}

#[test]
fn text_without_any_layout_is_kept_whole() {
    let profiles = Profiles::builtin();
    let extracted =
        referat::extract::extract_text("Indkøbsliste\n\nmælk\nbrød\n".as_bytes()).unwrap();
    let r = build_record(source("x.txt"), extracted, &profiles);
    assert_eq!(r.kind, Kind::Unknown);
    assert!(r.warnings.iter().any(|w| w.code == "unknown-layout"));
    assert_eq!(r.text.as_deref(), Some("Indkøbsliste\n\nmælk\nbrød\n"));
}

#[test]
fn every_seed_picks_its_family_profile() {
    let profiles = Profiles::load_dir(Path::new("grammars")).unwrap();
    for (file, profile) in [
        ("fixtures/000_edc65fd12b26e6d5.txt", "minutes-da"),
        ("fixtures/004_bad1072dfa3f0813.txt", "minutes-da"),
        ("fixtures/002_0aa691788063abd2.txt", "business-cases-da"),
    ] {
        let extracted = referat::extract::extract_text(&std::fs::read(file).unwrap()).unwrap();
        let chosen = referat::parse::choose(&extracted.lines, &profiles).unwrap();
        assert_eq!(chosen.0.name, profile, "{file}");
    }
}

/// The layout fixtures with hand-made gold (`tests/gold/layouts/`), the
/// profile each should be read with, and whether that is the fallback.
const SYSTEMS: &[(&str, &str)] = &[
    ("firstagenda-da", "firstagenda-da"),
    ("acadre-da", "acadre-da"),
    ("edoc-da", "edoc-da"),
    ("edoc-item-da", "edoc-da"),
    ("sbsys-da", "sbsys-da"),
    ("protokoll-sv", "protokoll-sv"),
    ("protokoll-se", "protokoll-se"),
];

fn layout_record(stem: &str) -> Record {
    let profiles = Profiles::load_dir(Path::new("grammars")).unwrap();
    let path = format!("fixtures/layouts/{stem}.txt");
    let extracted = referat::extract::extract_text(&std::fs::read(&path).unwrap()).unwrap();
    build_record(source(&path), extracted, &profiles)
}

fn gold(stem: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(format!("tests/gold/layouts/{stem}.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// (number, case number, public) of every item.
fn item_keys(items: &[serde_json::Value]) -> Vec<(u64, Option<String>, bool)> {
    items
        .iter()
        .map(|i| {
            (
                i["number"].as_u64().unwrap(),
                i["case_number"].as_str().map(str::to_string),
                i["public"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// Per item: (body, date, outcome) of each decision and (body, date, item) of each earlier treatment.
type Treatments = Vec<(
    Vec<(String, String, String)>,
    Vec<(String, String, Option<u64>)>,
)>;

fn treatments(items: &[serde_json::Value]) -> Treatments {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or("-").to_string();
    items
        .iter()
        .map(|i| {
            let decisions = i["decisions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| (s(&d["body"]), s(&d["date"]), s(&d["outcome"])))
                .collect();
            let history = i["history"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| (s(&h["body"]), s(&h["date"]), h["item_number"].as_u64()))
                .collect();
            (decisions, history)
        })
        .collect()
}

#[test]
fn each_publishing_system_is_recognised_by_its_own_profile() {
    for (stem, profile) in SYSTEMS {
        let r = layout_record(stem);
        assert_eq!(r.profile.as_deref(), Some(*profile), "{stem}");
        assert_eq!(r.kind, Kind::Minutes, "{stem}");
        assert!(
            !r.warnings.iter().any(|w| w.code == "low-confidence"),
            "{stem}: {:?}",
            r.warnings
        );
    }
}

#[test]
fn layouts_no_profile_names_are_read_by_the_generic_grammar() {
    for stem in [
        "beslutningsprotokol-da",
        "pkt-da",
        "region-da",
        "kmd-2008-da",
        "skolebestyrelse-da",
        "forsyning-da",
        "sagnr-aaben-da",
        "behandling-da",
    ] {
        let r = layout_record(stem);
        assert_eq!(r.kind, Kind::Minutes, "{stem}");
        let g = gold(stem);
        let value = serde_json::to_value(&r).unwrap();
        let items = value["items"].as_array().unwrap();
        assert_eq!(
            item_keys(items),
            item_keys(g["items"].as_array().unwrap()),
            "{stem}"
        );
    }
}

#[test]
fn items_case_numbers_decisions_and_history_match_the_gold() {
    for (stem, _) in SYSTEMS.iter().chain(&[
        ("beslutningsprotokol-da", ""),
        ("pkt-da", ""),
        ("sagnr-aaben-da", ""),
        ("behandling-da", ""),
    ]) {
        let value = serde_json::to_value(layout_record(stem)).unwrap();
        let items = value["items"].as_array().unwrap();
        let g = gold(stem);
        let gold_items = g["items"].as_array().unwrap();
        assert_eq!(item_keys(items), item_keys(gold_items), "{stem}: items");
        assert_eq!(
            treatments(items),
            treatments(gold_items),
            "{stem}: decisions and history"
        );
        assert_eq!(
            value["meeting"]["body"], g["meeting"]["body"],
            "{stem}: body"
        );
        assert_eq!(
            value["meeting"]["date"], g["meeting"]["date"],
            "{stem}: date"
        );
    }
}

#[test]
fn facts_the_text_shows_but_the_grammar_missed_are_reported() {
    let profiles = Profiles::load_dir(Path::new("grammars")).unwrap();
    let text = "REFERAT Direktionen d. 14-06-2021\n\nMødedato 14. juni 2021\n\nMødested Rådhuset\n\n\
                Punkt 1: Budget\n\nVedr. sag 21/9445 fra sidste år\n\nBaggrund\n\nTekst.\n\n\
                Beslutning truffet efter mødet: se bilag\n\nPunkt 2: Lukket\n\n21/500\n";
    let extracted = referat::extract::extract_text(text.as_bytes()).unwrap();
    let r = build_record(source("x.txt"), extracted, &profiles);
    assert_eq!(r.items.len(), 2);
    let codes: Vec<&str> = r.warnings.iter().map(|w| w.code.as_str()).collect();
    assert!(codes.contains(&"case-number-not-read"), "{codes:?}");
    assert!(codes.contains(&"decision-not-read"), "{codes:?}");
    assert_eq!(r.status, referat::record::Status::Partial);
    let fine = referat::extract::extract_text(
        "REFERAT Direktionen d. 14-06-2021\n\nMødedato 14. juni 2021\n\nMødested Rådhuset\n\n\
         Punkt 1: Budget\n\n21/9445\n\nBeslutning Direktionen den 14-06-2021\n\nGodkendt.\n"
            .as_bytes(),
    )
    .unwrap();
    let r = build_record(source("y.txt"), fine, &profiles);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(r.status, referat::record::Status::Ok);
}

/// A budget catalogue that numbers its proposals by code ("Forslag nr.
/// BUV-03: …") and names the type on a line of its own: the values below
/// are those printed in `fixtures/layouts/katalog-kode-da.txt`.
#[test]
fn a_catalogue_of_coded_proposals_with_type_lines() {
    let profiles = Profiles::load_dir(Path::new("grammars")).unwrap();
    let path = "fixtures/layouts/katalog-kode-da.txt";
    let extracted = referat::extract::extract_text(&std::fs::read(path).unwrap()).unwrap();
    let r = build_record(source(path), extracted, &profiles);
    assert_eq!(r.kind, Kind::BusinessCases);
    let got: Vec<_> = r
        .proposals
        .iter()
        .map(|p| {
            (
                p.code.as_deref(),
                p.kind.as_deref(),
                p.title.as_str(),
                p.presenting_administrations.clone(),
                p.affected_administrations.clone(),
            )
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        [
            (
                Some("BUV-03"),
                Some("Reduktionsforslag"),
                "Reduktion af åbningstid i dagtilbud",
                s(&["Børn og Unge"]),
                s(&["Børn og Unge"])
            ),
            (
                Some("TMU-01"),
                Some("Udvidelsesforslag"),
                "Flere cykelstier",
                s(&["Teknik og Miljø"]),
                s(&["Teknik og Miljø", "Børn og Unge"])
            ),
        ]
    );
    assert_eq!(
        r.proposals[0].summary.as_deref(),
        Some("Åbningstiden i kommunens daginstitutioner reduceres med en time om ugen.")
    );
    // Each proposal's economy table, its totals re-added.
    for (p, rows) in r.proposals.iter().zip([2, 3]) {
        assert_eq!(p.tables.len(), 1, "{}", p.title);
        let t = &p.tables[0];
        assert_eq!(t.columns, ["2027", "2028", "2029", "2030"]);
        assert_eq!(t.rows.len(), rows);
        assert_eq!(t.checks.len(), 4);
        assert!(t.checks.iter().all(|c| c.ok), "{:?}", t.checks);
    }
}
