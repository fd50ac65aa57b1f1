//! Property tests: no web page or XML export makes referat panic.
//!
//! Markup is generated from tag and text tokens (so that it reaches the
//! HTML walker's tables, headings and links, and each XML reader's
//! shapes), then truncated at any byte, and fed to `ingest::process_bytes`
//! as a real run does. A failure must carry one of the format's codes.

use proptest::prelude::*;
use referat::ingest::{Options, process_bytes};
use referat::profile::Profiles;
use referat::record::{Format, Record, Status};
use referat::walk::InputFile;
use std::path::PathBuf;
use std::sync::LazyLock;

static PROFILES: LazyLock<Profiles> =
    LazyLock::new(|| Profiles::load_dir(std::path::Path::new("grammars")).unwrap());

const HTML: &[&str] = &[
    "<html>",
    "<body>",
    "</body>",
    "<h1>",
    "</h1>",
    "<h2>",
    "</h2>",
    "<h3>",
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<div class=\"title\">",
    "<table>",
    "</table>",
    "<tr>",
    "</tr>",
    "<td>",
    "</td>",
    "<th>",
    "<ul>",
    "<li>",
    "<a href=\"bilag.pdf\">",
    "</a>",
    "<b>",
    "</b>",
    "<br>",
    "<script>",
    "</script>",
    "<span hidden>",
    "<button>",
    "</button>",
    "<meta charset=\"iso-8859-1\">",
    "<!--",
    "-->",
    "Referat Teknisk Udvalg 1. oktober 2025",
    "1",
    "Punkt 2: Budget",
    "25/11872",
    "Beslutning",
    "Godkendt.",
    "Bilag 1: Kort",
    "1.000 kr.",
    "3.800",
    "I alt",
    "æøå",
    "&nbsp;",
    "&",
    "<",
    " ",
    "\n",
];

const XML: &[&str] = &[
    "<?xml version=\"1.0\"?>",
    "<Meeting>",
    "</Meeting>",
    "<Committee>Teknisk Udvalg</Committee>",
    "<MeetingDate>01-10-2025 15:45:00</MeetingDate>",
    "<MeetingAgendaTypes>",
    "</MeetingAgendaTypes>",
    "<MeetingAgendaType>",
    "</MeetingAgendaType>",
    "<MeetingAgendaItems>",
    "</MeetingAgendaItems>",
    "<MeetingAgendaItem>",
    "</MeetingAgendaItem>",
    "<AgendaItemNumber>2</AgendaItemNumber>",
    "<Document><Title>Budget</Title></Document>",
    "<FullText>2.\tBudget\nSagsnr.: 25/1\nBeslutning\nGodkendt.</FullText>",
    "<root>",
    "</root>",
    "<table name=\"agenda\">",
    "<table name=\"agendaitemparents\">",
    "<table name=\"agendaitem\">",
    "<table name=\"bullet\">",
    "</table>",
    "<fields>",
    "</fields>",
    "<field name=\"name\">Referat</field>",
    "<field name=\"sort\">1</field>",
    "<field name=\"bulletcontent\">&lt;p&gt;Godkendt.&lt;/p&gt;</field>",
    "<Publication>",
    "</Publication>",
    "<Agendas><Agenda>",
    "</Agenda></Agendas>",
    "<Items><Item><Number>1</Number><Caption>Budget</Caption><IsPublic>True</IsPublic>",
    "</Item></Items>",
    "<Content><![CDATA[<p>Tekst</p>]]></Content>",
    "<!DOCTYPE x [<!ENTITY a \"b\">]>",
    "&#xC;",
    "&amp;",
    "&unknown;",
    "<",
    ">",
    " ",
];

fn markup(tokens: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(prop::sample::select(tokens), 0..80),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(parts, cut)| {
            let bytes = parts.concat().into_bytes();
            // Cut anywhere, in the middle of a tag or a character too.
            let end = if bytes.is_empty() {
                0
            } else {
                cut.index(bytes.len() + 1)
            };
            bytes[..end].to_vec()
        })
}

fn ingest(bytes: &[u8], name: &str, format: Format) -> Result<Record, TestCaseError> {
    let file = InputFile {
        path: PathBuf::from(name),
        rel_path: name.into(),
        format,
    };
    let record = process_bytes(bytes, &file, &PROFILES, &Options::default());
    prop_assert_eq!(record.source.format, format);
    if record.status == Status::Failed {
        let codes: Vec<&str> = record.errors.iter().map(|e| e.code.as_str()).collect();
        let allowed: &[&str] = match format {
            Format::Html => &["empty-file", "binary-file"],
            _ => &[
                "empty-file",
                "xml-malformed",
                "xml-entities",
                "xml-unknown-export",
                "markup-too-large",
            ],
        };
        prop_assert!(
            codes.len() == 1 && allowed.contains(&codes[0]),
            "{:?} fails with {:?}",
            format,
            codes
        );
    }
    serde_json::to_string(&record).unwrap();
    Ok(record)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_web_page_panics(bytes in markup(HTML)) {
        ingest(&bytes, "page.html", Format::Html)?;
    }

    #[test]
    fn no_xml_export_panics(bytes in markup(XML)) {
        ingest(&bytes, "export.xml", Format::Xml)?;
    }

    #[test]
    fn no_arbitrary_bytes_panic_as_markup(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        ingest(&bytes, "page.html", Format::Html)?;
        ingest(&bytes, "export.xml", Format::Xml)?;
    }
}

/// The generators reach the readers: a generated page parses into items,
/// and a generated export into an export's record (else the properties
/// above could pass on input that fails early).
#[test]
fn generated_markup_reaches_the_parsers() {
    let page = b"<h1>Referat Teknisk Udvalg 1. oktober 2025</h1><h2>Punkt 2: Budget</h2>\
        <p>25/11872</p><h3>Beslutning</h3><p>Godkendt.</p>";
    let r = process_bytes(
        page,
        &InputFile {
            path: "p.html".into(),
            rel_path: "p.html".into(),
            format: Format::Html,
        },
        &PROFILES,
        &Options::default(),
    );
    assert_eq!(r.items.len(), 1, "{r:?}");
    let export = [
        XML[0], XML[1], XML[3], XML[4], XML[5], XML[7], XML[9], XML[11], XML[13], XML[14], XML[15],
        XML[12], XML[10], XML[8], XML[6], XML[2],
    ]
    .concat();
    let r = process_bytes(
        export.as_bytes(),
        &InputFile {
            path: "e.xml".into(),
            rel_path: "e.xml".into(),
            format: Format::Xml,
        },
        &PROFILES,
        &Options::default(),
    );
    assert_eq!(r.profile.as_deref(), Some("export-da"), "{r:?}");
    assert_eq!(r.items.len(), 1);
    assert_eq!(r.items[0].case_number.as_deref(), Some("25/1"));
}
