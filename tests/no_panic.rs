//! Property tests: no input makes referat panic.
//!
//! The whole-file properties feed bytes to `ingest::process_bytes`, the
//! entry a real run calls for every file, under `.txt` and `.md` names: so
//! `extract::extract` (decoding, markup, `repair_split_words`), parsing,
//! table detection and record assembly all run as they do in `ingest`.
//! The per-parser properties at the end call single parsers with arbitrary
//! strings. A test checks that the generated text really reaches the
//! parser and the tables stage, so that the properties are not passing on
//! files that fail early.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{TestCaseError, TestRunner};
use referat::extract::pdf::PdfOptions;
use referat::ingest::{Options, process_bytes};
use referat::profile::Profiles;
use referat::record::{Format, Kind, Record, Status};
use referat::walk::InputFile;
use std::path::PathBuf;
use std::sync::LazyLock;

static PROFILES: LazyLock<Profiles> =
    LazyLock::new(|| Profiles::load_dir(std::path::Path::new("grammars")).unwrap());

/// Fragments that steer random text into the grammars' interesting paths.
const TOKENS: &[&str] = &[
    "Punkt ",
    "1",
    "12",
    ":",
    "Lukket",
    "21/9445",
    "Baggrund",
    "Indstilling",
    "BESLUTNING ",
    "Beslutning ",
    "Direktionen",
    " den ",
    "14-06-2021",
    "31-13-2021",
    "Sagsfremstilling",
    "Bilag",
    "Forslag ",
    "Forslagets titel: ",
    "HA01: ",
    "Investeringsforslag – ",
    "Kort resumé:",
    "Fremstillende forvaltning:",
    "Berørte forvaltninger:",
    "☒",
    "☐",
    "\t",
    "\n",
    "\n\n",
    "Tilbagebetalingstid baseret på",
    "6 år",
    "-12.711",
    "0,475",
    "1,5 mio. kr.",
    "255.000 kr.",
    "-",
    "…",
    ".....",
    "# ",
    "**",
    "<b>",
    "<input checked=\"\" type=\"checkbox\"/>",
    "Tabel 2. ",
    "1.000 kr. 2025 p/l",
    "I alt",
    "Samlet",
    "55.2581)",
    "145*",
    "Mødedato ",
    "kl. ",
    "09:00",
    "Mødedeltagere ",
    "Indholdsfortegnelse",
    "æøå",
    "Om-",
    "sorg",
    "Omsorg",
    "mobilhånd-",
    "teringen",
    "mobilhåndteringen",
    "ESDH-system",
    " og ",
    "\r\n",
    "\x0c",
    "Item ",
    "Decision of the Board on 2024-01-05",
    "715. ",
    "39 § ",
    "§ ",
    "Sag ",
    "Pkt. ",
    "EMN-2025-003383",
    "00.01.00-A00-1-15",
    "19/00.00.01/2025",
    "Sagsnr.: ",
    "Dok.nr.: ",
    "Beslutninger",
    "Beslutning: ",
    "Økonomiudvalgets beslutning den ",
    "03.09.2025",
    "Beslutning fra mødet den 29. januar 2025, punkt 3:",
    "Tekniska nämnden 28.1.2025 § 6",
    "Kommunalbestyrelsen den 30. januar 2012 Punkt 5",
    "Sagsforløb",
    "Udvalg: ",
    "Punktnummer: ",
    "Lukket referat",
    "Åbent referat",
    "Beslut:",
    "Godkändes.",
    "Side 3 af 9",
    "   ",
    "(formand)",
];

/// The names a text file is ingested under: the walk reads both as text.
const NAMES: &[&str] = &["referat.txt", "referat.md"];

fn file(name: &str) -> InputFile {
    InputFile {
        path: PathBuf::from(name),
        rel_path: name.into(),
        format: Format::Text,
    }
}

/// `bytes` through the file-level entry of a real run, with the record's
/// invariants checked: it describes the input, a failure carries exactly
/// one of the text path's error codes, and its JSON reads back as a record.
fn ingest(bytes: &[u8], name: &str, options: &Options) -> Result<Record, TestCaseError> {
    let record = process_bytes(bytes, &file(name), &PROFILES, options);
    prop_assert_eq!(&record.source.path, name);
    prop_assert_eq!(record.source.bytes, bytes.len() as u64);
    prop_assert_eq!(record.source.format, Format::Text);
    if record.status == Status::Failed {
        let codes: Vec<&str> = record.errors.iter().map(|e| e.code.as_str()).collect();
        prop_assert!(
            codes == ["empty-file"] || codes == ["binary-file"],
            "a text file fails as empty or binary, not {:?}",
            codes
        );
        prop_assert!(record.items.is_empty() && record.proposals.is_empty());
    } else {
        prop_assert!(record.errors.is_empty(), "{:?}", record.errors);
    }
    let json = serde_json::to_string(&record).unwrap();
    let back: Record = serde_json::from_str(&json)
        .map_err(|e| TestCaseError::fail(format!("record does not read back: {e}")))?;
    // (Fields kept out of the JSON, like a section's heading line, are not
    // compared: the JSON must read back as a record and write the same.)
    prop_assert_eq!(
        serde_json::to_string(&back).unwrap(),
        json,
        "record changed through JSON"
    );
    Ok(record)
}

/// Grammar-shaped text: runs of the tokens above.
fn grammar_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..120).prop_map(|parts| parts.concat())
}

/// Whole lines as the layouts print them: headings, sections, decisions,
/// meeting facts, table rows, page furniture, in any order.
const LINES: &[&str] = &[
    "REFERAT Direktionen d. 14-06-2021",
    "Referat",
    "Dagsorden",
    "Mødedato 14. juni 2021",
    "Mødested Rådhuset, Mødelokale 1.14",
    "Mødedeltagere Lars Holte, Anya Krogh Manghezi",
    "Indholdsfortegnelse",
    "Øvrige sager.....\t3",
    "Punkt 1: Budget 2025",
    "Punkt 2: Lukket",
    "Punkt 12: FLIS - Tilslutningsaftale 2024-33",
    "# Punkt 3: Investering i et samlet ESDH-system",
    "21/9445",
    "Sagsnr.: 21/9445",
    "Baggrund",
    "Indstilling",
    "Direktionen indstiller, at sagen godkendes.",
    "Sagsfremstilling",
    "**Beslutning**",
    "Beslutning Direktionen den 14-06-2021",
    "Godkendt.",
    "Drøftet, sagen udsættes.",
    "Bilag",
    "- Notat om økonomi",
    "Udgiften er 1,5 mio. kr. i 2025 og 255.000 kr. i 2026.",
    "Tabel 1. Udgifter",
    "Tabel 2. Forslagets samlede økonomiske konsekvenser",
    "1.000 kr. 2025 p/l\t2024\t2025\tI alt",
    "Styringsområde\t2024\t2025\t2026",
    "A\t10\t20\t30",
    "B\t5\t5\t13",
    "Service\t-6.356\t3.960\t500",
    "I alt\t15\t25\t43",
    "Samlet økonomisk påvirkning\t3.800\t1.705\t-3.091",
    "Anm. Alle beløb er i 1.000 kr.",
    "1. Tallet for 01-01-23 er det faktiske tal",
    "Forslag 1: Administrative lettelser i mobilhånd-teringen",
    "Forslagets titel: Administrative lettelser i mobilhåndteringen",
    "HA01: Investeringsforslag – Digital post",
    "Kort resumé:",
    "Fremstillende forvaltning:\t☒ Socialforvaltningen",
    "Berørte forvaltninger:\t☒ Økonomiforvaltningen\t☐ Socialforvaltningen",
    "Tilbagebetalingstid baseret på totaløkonomi\t6 år",
    "Minutes",
    "Item 1: Budget",
    "Decision of the Board on 2024-01-05",
    "Protokoll",
    "§ 6 Budget",
    "Beslut:",
    "Godkändes.",
    "Side 3 af 9",
    "\x0cREFERAT Direktionen d. 14-06-2021",
    "",
];

/// Document-shaped text: lines of a layout (most of them) and runs of
/// tokens and numbers, one a line.
fn document_text() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        6 => prop::sample::select(LINES).prop_map(str::to_string),
        2 => prop::collection::vec(prop::sample::select(TOKENS), 0..8).prop_map(|p| p.concat()),
        1 => ("[A-ZÆØÅa-zæøå ]{0,12}", prop::collection::vec("-?[0-9]{1,3}(\\.[0-9]{3})?(,[0-9]{1,2})?[*]?", 1..6))
            .prop_map(|(label, cells)| format!("{label}\t{}", cells.join("\t"))),
    ];
    prop::collection::vec(line, 0..80).prop_map(|lines| lines.join("\n"))
}

/// Grammar- or document-shaped text.
fn shaped_text() -> impl Strategy<Value = String> {
    prop_oneof![grammar_text(), document_text()]
}

/// Bytes that are mostly text (printable ASCII, line and cell breaks,
/// Windows-1252 letters) with a few arbitrary bytes, so that most inputs
/// pass the binary check and are decoded and parsed.
fn text_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            12 => 0x20u8..0x7f,
            3 => Just(b'\n'),
            1 => Just(b'\t'),
            1 => Just(0x0cu8),
            2 => 0x80u8..=0xff,
            1 => any::<u8>(),
        ],
        0..1024,
    )
}

/// A text in one of the encodings the text path reads.
fn encode(text: &str, encoding: usize) -> Vec<u8> {
    match encoding {
        0 => text.as_bytes().to_vec(),
        1 => [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat(),
        2 => {
            let mut out = vec![0xff, 0xfe];
            out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            out
        }
        3 => {
            let mut out = vec![0xfe, 0xff];
            out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            out
        }
        _ => encoding_rs::WINDOWS_1252.encode(text).0.into_owned(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
        name in prop::sample::select(NAMES),
    ) {
        ingest(&bytes, name, &Options::default())?;
    }

    #[test]
    fn text_like_bytes_never_panic(bytes in text_like_bytes(), name in prop::sample::select(NAMES)) {
        ingest(&bytes, name, &Options::default())?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>(), name in prop::sample::select(NAMES)) {
        ingest(text.as_bytes(), name, &Options::default())?;
    }

    #[test]
    fn shaped_text_in_any_encoding_never_panics(
        text in shaped_text(),
        encoding in 0usize..5,
        name in prop::sample::select(NAMES),
    ) {
        let record = ingest(&encode(&text, encoding), name, &Options::default())?;
        if record.status == Status::Failed {
            // The tokens and lines hold no bytes the binary check refuses.
            prop_assert_eq!(record.errors[0].code.as_str(), "empty-file");
        }
    }

    #[test]
    fn every_profile_reads_grammar_shaped_text_without_panicking(text in shaped_text()) {
        match referat::extract::extract(text.as_bytes(), Format::Text, &PdfOptions::default()) {
            Ok(extracted) => {
                for p in &PROFILES.profiles {
                    let doc = referat::parse::parse_with(&extracted, &PROFILES, Some(p));
                    prop_assert!(doc.lines.len() <= extracted.lines.len());
                    let report = referat::inspect::explain_report(&extracted, &PROFILES, Some(&p.name));
                    prop_assert!(report.contains(&format!("chosen: {} (", p.name)), "{}", report);
                    let options = Options { profile: Some(p.name.clone()), ..Options::default() };
                    let record = ingest(text.as_bytes(), "referat.txt", &options)?;
                    prop_assert_eq!(record.profile.as_deref(), Some(p.name.as_str()));
                }
            }
            Err(e) => prop_assert_eq!(e.code(), "empty-file"),
        }
    }
}

/// The first `n` values of `strategy`, the same on every run.
fn sample<S: Strategy>(strategy: S, n: usize) -> Vec<S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

#[test]
fn generated_inputs_reach_the_parser_and_the_tables() {
    // The properties above can only find a panic in a stage their inputs
    // reach: most document-shaped texts must come out as parsed documents,
    // and some with items, proposals and tables.
    let texts = sample(document_text(), 200);
    let records: Vec<Record> = texts
        .iter()
        .map(|t| {
            process_bytes(
                t.as_bytes(),
                &file("referat.txt"),
                &PROFILES,
                &Options::default(),
            )
        })
        .collect();
    let count = |f: &dyn Fn(&Record) -> bool| records.iter().filter(|r| f(r)).count();
    let parsed = count(&|r| r.status != Status::Failed && r.kind != Kind::Unknown);
    let items = count(&|r| !r.items.is_empty());
    let proposals = count(&|r| !r.proposals.is_empty());
    let tables = count(&|r| {
        !r.tables.is_empty()
            || r.items.iter().any(|i| !i.tables.is_empty())
            || r.proposals.iter().any(|p| !p.tables.is_empty())
    });
    eprintln!(
        "of 200: {parsed} parsed, {items} with items, {proposals} with proposals, {tables} with tables"
    );
    assert!(parsed >= 120, "{parsed} of 200 parsed");
    assert!(items >= 100, "{items} of 200 with items");
    assert!(proposals >= 15, "{proposals} of 200 with proposals");
    assert!(tables >= 100, "{tables} of 200 with tables");

    let bytes = sample(text_like_bytes(), 200);
    let decoded = bytes
        .iter()
        .map(|b| process_bytes(b, &file("referat.md"), &PROFILES, &Options::default()))
        .filter(|r| r.status != Status::Failed)
        .count();
    eprintln!("of 200 text-like byte strings, {decoded} decoded");
    assert!(
        decoded >= 150,
        "{decoded} of 200 text-like byte strings decoded"
    );
}
