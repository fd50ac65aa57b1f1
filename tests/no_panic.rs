//! Property tests: no input makes a parser panic.

use proptest::prelude::*;
use referat::ingest::build_record;
use referat::profile::Profiles;
use referat::record::{Format, Source};
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

fn source() -> Source {
    Source {
        path: "x.txt".into(),
        sha256: String::new(),
        bytes: 0,
        format: Format::Text,
        pages: None,
    }
}

fn run(text: &str) {
    if let Ok(extracted) = referat::extract::text::extract(text.as_bytes()) {
        let record = build_record(source(), extracted, &PROFILES);
        serde_json::to_string(&record).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        run(&text);
    }

    #[test]
    fn every_profile_reads_grammar_shaped_text_without_panicking(parts in prop::collection::vec(prop::sample::select(TOKENS), 0..120)) {
        let text = parts.concat();
        if let Ok(extracted) = referat::extract::text::extract(text.as_bytes()) {
            for p in &PROFILES.profiles {
                let doc = referat::parse::parse_with(&extracted, &PROFILES, Some(p));
                let _ = referat::inspect::explain_report(&extracted, &PROFILES, Some(&p.name));
                prop_assert!(doc.lines.len() <= extracted.lines.len());
            }
        }
    }

    #[test]
    fn grammar_shaped_text_never_panics(parts in prop::collection::vec(prop::sample::select(TOKENS), 0..120)) {
        run(&parts.concat());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(extracted) = referat::extract::text::extract(&bytes) {
            build_record(source(), extracted, &PROFILES);
        }
    }

    #[test]
    fn word_parsers_never_panic(text in any::<String>()) {
        let months: Vec<String> = vec!["juni".into()];
        let _ = referat::parse::words::danish_number(&text);
        let _ = referat::parse::words::find_date(&text, &months);
        let _ = referat::parse::words::find_time(&text, &["kl.".to_string()]);
        for p in &PROFILES.profiles {
            if let Some(shapes) = p.case_number_shapes.as_ref() {
                let _ = referat::parse::words::case_number_line(&text, &p.items.case_number_labels, shapes);
            }
            let _ = referat::parse::decisions::decision_heading(&text, p);
            let _ = referat::parse::history::treatment_line(&text, p);
        }
        let _ = referat::parse::amounts::find_amounts(&text, &PROFILES.profiles[0].amounts.units);
    }
}
