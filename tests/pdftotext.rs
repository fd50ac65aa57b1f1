//! `referat text` compared with poppler's `pdftotext`, word by word, on
//! PDFs made here the way real producers write them: several fonts, kerned
//! strings, form XObjects, tables, running headers, turned pages and
//! notes, overprinted (fake bold) headings, narrow letters and line-end
//! hyphens.
//!
//! Each case asserts word recall and precision against `pdftotext`'s words
//! (running headers and page numbers, which referat leaves out on purpose,
//! are taken out of `pdftotext`'s words first). Skipped with a printed
//! reason when `pdftotext` is not installed; `.ci/run` installs it.

mod common;

use common::pdf::{PdfBuilder, text_at, text_lines, text_matrix};
use lopdf::content::Operation;
use lopdf::{Object, Stream, dictionary};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// Why `pdftotext` cannot run here, or None.
fn pdftotext_missing() -> Option<String> {
    match Command::new("pdftotext").arg("-v").output() {
        Err(e) => Some(format!("pdftotext cannot be started ({e})")),
        Ok(_) => None,
    }
}

fn have_pdftotext(test: &str) -> bool {
    let Some(reason) = pdftotext_missing() else {
        return true;
    };
    assert!(
        !common::in_ci(),
        "{test}: {reason}; REFERAT_CI is set and .ci/run installs poppler-utils"
    );
    common::skipped(test, &format!("{reason} (install poppler-utils)"));
    false
}

/// What `pdftotext` (reading order, UTF-8) prints for `pdf`.
fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext failed on {pdf:?}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// What `referat text` prints for `pdf`.
fn referat_text(pdf: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_referat"))
        .arg("text")
        .arg(pdf)
        .output()
        .expect("referat runs");
    assert!(
        out.status.success(),
        "referat text failed on {pdf:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The words of a text: split at white space, punctuation around a word
/// taken off, empty ones dropped.
fn words(text: &str) -> HashMap<String, usize> {
    let mut bag = HashMap::new();
    for w in text.split_whitespace() {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        if !w.is_empty() {
            *bag.entry(w.to_string()).or_insert(0) += 1;
        }
    }
    bag
}

/// Word recall and precision of `ours` against `theirs`, and the words
/// missed and added (for the failure message).
fn compare(ours: &str, theirs: &str) -> (f64, f64, Vec<String>, Vec<String>) {
    let (a, b) = (words(ours), words(theirs));
    let common: usize = b
        .iter()
        .map(|(w, n)| (*n).min(a.get(w).copied().unwrap_or(0)))
        .sum();
    let (total_a, total_b): (usize, usize) = (a.values().sum(), b.values().sum());
    let missed = b
        .iter()
        .filter(|(w, n)| a.get(*w).copied().unwrap_or(0) < **n)
        .map(|(w, _)| w.clone())
        .collect();
    let added = a
        .iter()
        .filter(|(w, n)| b.get(*w).copied().unwrap_or(0) < **n)
        .map(|(w, _)| w.clone())
        .collect();
    let ratio = |x: usize, y: usize| if y == 0 { 1.0 } else { x as f64 / y as f64 };
    (
        ratio(common, total_b),
        ratio(common, total_a),
        missed,
        added,
    )
}

/// Write `pdf`, extract it both ways and assert recall and precision of at
/// least `bar`. Lines of `pdftotext`'s output that contain one of
/// `furniture` are taken out first. Returns referat's text (None when
/// `pdftotext` is missing and the check was skipped).
fn check(name: &str, pdf: Vec<u8>, furniture: &[&str], bar: f64) -> Option<String> {
    if !have_pdftotext(name) {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let theirs: String = pdftotext(&path)
        .lines()
        .filter(|l| !furniture.iter().any(|f| l.contains(f)))
        .collect::<Vec<_>>()
        .join("\n");
    let ours = referat_text(&path);
    let (recall, precision, missed, added) = compare(&ours, &theirs);
    eprintln!("{name}: word recall {recall:.3}, precision {precision:.3}");
    assert!(
        recall >= bar && precision >= bar,
        "{name}: recall {recall:.3}, precision {precision:.3} (bar {bar}); missed {missed:?}, added {added:?}\n--- referat text:\n{ours}\n--- pdftotext:\n{theirs}"
    );
    Some(ours)
}

const BODY: &[&str] = &[
    "Børne- og Ungdomsudvalget godkendte forslaget om en ny",
    "skolestruktur i området ved Åbyhøj. Udgiften på 1.250.000 kr.",
    "finansieres af puljen til anlæg; driften er 0,475 mio. kr. årligt.",
    "Forvaltningen indstiller, at udvalget tager orienteringen til",
    "efterretning, og at sagen sendes videre til Økonomiudvalget.",
];

#[test]
fn plain_paragraphs_in_helvetica() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    let mut ops = text_at(&f, 72.0, 780.0, 16.0, "Punkt 4: Ny skolestruktur");
    ops.extend(text_lines(&f, 72.0, 740.0, 11.0, 13.5, BODY));
    ops.extend(text_lines(&f, 72.0, 650.0, 11.0, 13.5, BODY));
    pdf.page(ops);
    check("plain", pdf.build(), &[], 1.0);
}

#[test]
fn three_fonts_on_one_page() {
    let mut pdf = PdfBuilder::new();
    let times = pdf.standard_font("Times-Roman");
    let bold = pdf.standard_font("Helvetica-Bold");
    let courier = pdf.standard_font("Courier");
    let mut ops = text_at(&times, 72.0, 780.0, 18.0, "Referat fra Teknisk Udvalg");
    ops.extend(text_at(&bold, 72.0, 740.0, 12.0, "Sagsnummer"));
    ops.extend(text_at(&courier, 180.0, 740.0, 10.0, "24/18231"));
    ops.extend(text_lines(&times, 72.0, 710.0, 12.0, 14.0, BODY));
    ops.extend(text_at(
        &bold,
        72.0,
        620.0,
        12.0,
        "Beslutning Teknisk Udvalg den 3. marts 2025",
    ));
    ops.extend(text_at(
        &times,
        72.0,
        600.0,
        12.0,
        "Godkendt med bemærkning om høring.",
    ));
    pdf.page(ops);
    check("fonts", pdf.build(), &[], 1.0);
}

#[test]
fn a_table_with_danish_numbers() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    let rows = [
        ["1.000 kr., 2025 p/l", "2025", "2026", "2027"],
        ["Anlæg", "-12.711", "4.250", "0"],
        ["Drift", "1.340", "-2.115,5", "980"],
        ["I alt", "-11.371", "2.134,5", "980"],
    ];
    let mut ops = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let y = 700.0 - 16.0 * r as f64;
        ops.extend(text_at(&f, 72.0, y, 10.0, row[0]));
        for (c, cell) in row[1..].iter().enumerate() {
            // Right-aligned numbers, as tables print them.
            let right = 300.0 + 90.0 * c as f64;
            ops.extend(text_at(&f, right - 5.5 * cell.len() as f64, y, 10.0, cell));
        }
    }
    pdf.page(ops);
    check("table", pdf.build(), &[], 1.0);
}

#[test]
fn running_headers_and_page_numbers_are_the_only_words_left_out() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    for n in 1..=4 {
        let mut ops = text_at(
            &f,
            72.0,
            810.0,
            8.0,
            "Økonomiudvalget, referat 12. maj 2025",
        );
        ops.extend(text_at(
            &f,
            72.0,
            760.0,
            14.0,
            &format!("Punkt {n}: Sag nummer {n}"),
        ));
        ops.extend(text_lines(&f, 72.0, 730.0, 11.0, 13.5, BODY));
        ops.extend(text_at(&f, 280.0, 30.0, 8.0, &format!("Side {n} af 4")));
        pdf.page(ops);
    }
    check(
        "furniture",
        pdf.build(),
        &["Økonomiudvalget, referat", "Side "],
        1.0,
    );
}

#[test]
fn kerned_strings_and_form_xobjects_as_producers_write_them() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    // A TJ array of single glyphs with kerning (iText, ABCpdf).
    let kerned: Vec<Object> = "Tilbagebetalingstid 7 år"
        .chars()
        .flat_map(|c| {
            let glyph = c.to_string();
            let (b, _, _) = encoding_rs::WINDOWS_1252.encode(&glyph);
            [
                Object::String(b.into_owned(), lopdf::StringFormat::Literal),
                Object::Integer(-15),
            ]
        })
        .collect();
    let mut ops = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec![f.clone().into(), 11.into()]),
        Operation::new("Td", vec![72.into(), 760.into()]),
        Operation::new("TJ", vec![Object::Array(kerned)]),
        Operation::new("ET", vec![]),
    ];
    // The body in a form XObject placed with a matrix (eDoc, Aspose).
    let form_ops = text_lines(&f, 0.0, 0.0, 11.0, 13.5, BODY);
    let content = lopdf::content::Content {
        operations: form_ops,
    }
    .encode()
    .unwrap();
    let form = pdf.object(Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), (-100).into(), 500.into(), 20.into()],
        },
        content,
    ));
    ops.extend([
        Operation::new("q", vec![]),
        Operation::new(
            "cm",
            vec![
                1.into(),
                0.into(),
                0.into(),
                1.into(),
                72.into(),
                700.into(),
            ],
        ),
        Operation::new("Do", vec!["Fm1".into()]),
        Operation::new("Q", vec![]),
    ]);
    pdf.page_with(
        ops,
        dictionary! { "Resources" => dictionary! {
            "Font" => dictionary! { f.as_str() => pdf.font_ref(&f) },
            "XObject" => dictionary! { "Fm1" => form },
        }},
    );
    check("producers", pdf.build(), &[], 1.0);
}

#[test]
fn a_turned_page_reads_upright() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    let mut ops = Vec::new();
    for (i, line) in BODY.iter().enumerate() {
        // Drawn at 90° on a page shown with /Rotate 90 (a landscape scan of
        // a portrait page, as printers write it).
        let x = 100.0 + 14.0 * i as f64;
        ops.extend(text_matrix(&f, [0.0, 1.0, -1.0, 0.0, x, 100.0], 11.0, line));
    }
    pdf.page_with(ops, dictionary! { "Rotate" => 90 });
    check("turned", pdf.build(), &[], 1.0);
}

#[test]
fn an_overprinted_heading_reads_once() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    let mut ops = Vec::new();
    // Fake bold: the heading drawn three times, a fraction of a point apart.
    for dx in [0.0, 0.25, 0.5] {
        ops.extend(text_at(
            &f,
            72.0 + dx,
            760.0,
            14.0,
            "Beslutning Økonomiudvalget den 12. maj 2025",
        ));
    }
    ops.extend(text_lines(&f, 72.0, 730.0, 11.0, 13.5, BODY));
    pdf.page(ops);
    check("overprint", pdf.build(), &[], 1.0);
}

#[test]
fn narrow_letters_are_all_kept() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    let lines = [
        "Alle skal tilbage til fuldt udbetalt tilskud, til trods for at",
        "kollegerne allerede havde fremstillet et alternativ til modellen.",
        "Rådet skelnede mellem still og hurtigt; Illustrationen er vedlagt.",
    ];
    let mut ops = vec![Operation::new("Tz", vec![80.into()])];
    ops.push(Operation::new("Tc", vec![Object::Real(-0.6)]));
    ops.extend(text_lines(&f, 72.0, 760.0, 10.0, 12.5, &lines));
    pdf.page(ops);
    check("narrow", pdf.build(), &[], 1.0);
}

#[test]
fn a_type0_font_with_a_one_byte_cmap_and_font_names_written_as_strings() {
    let mut pdf = PdfBuilder::new();
    let cid = common::pdf::one_byte_type0(&mut pdf);
    let odd = pdf.font(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => Object::string_literal("Times-Roman"),
        "Encoding" => "WinAnsiEncoding",
    });
    let mut ops = text_lines(&cid, 72.0, 760.0, 10.0, 13.0, &BODY[..3]);
    ops.extend(text_lines(&odd, 72.0, 700.0, 11.0, 13.5, &BODY[3..]));
    pdf.page(ops);
    check("fonts-odd", pdf.build(), &[], 1.0);
}

#[test]
fn break_hyphens_are_joined_as_pdftotext_joins_them_compound_hyphens_stay() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    let lines = [
        "Udvalget besluttede at afsætte 2,5 mio. kro-",
        "ner til renovering, hvoraf an-",
        "lægsomkostninger udgør størstedelen, mens ikke-",
        "planlagte udgifter afholdes af EU-",
        "midler. Sundheds- og Omsorgsudvalget orienteres.",
    ];
    pdf.page(text_lines(&f, 72.0, 760.0, 11.0, 13.5, &lines));
    // pdftotext joins every line-end hyphen; referat keeps the hyphen of a
    // compound ("ikke-planlagte", "EU-midler"): 2 of 23 words differ.
    let Some(ours) = check("hyphens", pdf.build(), &[], 0.9) else {
        return;
    };
    let ours = words(&ours);
    for w in [
        "kroner",
        "anlægsomkostninger",
        "ikke-planlagte",
        "EU-midler",
        "Sundheds",
    ] {
        assert!(ours.contains_key(w), "{w} in {ours:?}");
    }
}

#[test]
fn a_turned_margin_note_and_overlapping_runs_keep_their_words() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    // A title with a rule of underscores drawn over it (a form's field).
    let mut ops = text_at(&f, 72.0, 780.0, 16.0, "Protokoll");
    ops.extend(text_at(&f, 70.0, 779.0, 16.0, "____________"));
    ops.extend(text_lines(&f, 72.0, 740.0, 11.0, 13.5, BODY));
    // A note in the margin, turned by 90°.
    ops.extend(text_matrix(
        &f,
        [0.0, 1.0, -1.0, 0.0, 40.0, 300.0],
        8.0,
        "Bilag 3 er vedlagt referatet",
    ));
    pdf.page(ops);
    check("turned-note", pdf.build(), &[], 1.0);
}
