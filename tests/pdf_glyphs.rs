//! PDF text at the glyph level: letters drawn twice (fake bold) against
//! narrow letters that follow each other ("ll"), text runs drawn over each
//! other on one baseline, and text turned against the rest of its page.
//! Each test builds the PDF that shows the problem.

mod common;

use common::pdf::*;
use lopdf::content::Operation;
use lopdf::{Object, dictionary};

/// Extract through the `referat` binary cargo built for these tests.
fn extract(bytes: &[u8]) -> Vec<String> {
    let e = extract_isolated(bytes).expect("extracts");
    e.lines.into_iter().map(|l| l.text).collect()
}

/// One page of `ops` in Helvetica (`F1`), extracted.
fn page_text(ops: impl FnOnce(&str) -> Vec<Operation>) -> Vec<String> {
    let mut b = PdfBuilder::new();
    let f = b.standard_font("Helvetica");
    b.page(ops(&f));
    extract(&b.build())
}

/// `ops` with `extra` (text state operators) put right after `BT`.
fn with_state(mut ops: Vec<Operation>, extra: Vec<Operation>) -> Vec<Operation> {
    let at = ops
        .iter()
        .position(|o| o.operator == "BT")
        .map_or(0, |i| i + 1);
    ops.splice(at..at, extra);
    ops
}

fn op(name: &str, operands: Vec<Object>) -> Operation {
    Operation::new(name, operands)
}

/// The words of the extracted text.
fn words(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .flat_map(|l| l.split_whitespace())
        .map(str::to_string)
        .collect()
}

const LL: &str = "Alle skal til mødet, ellers kommer referatet alt for sent";

#[test]
fn narrow_double_letters_survive_tight_spacing() {
    // Helvetica's "l" is 0.22 em wide: with negative character spacing the
    // second "l" starts less than 0.2 em after the first.
    let t = page_text(|f| {
        with_state(
            text_at(f, 72.0, 700.0, 10.0, LL),
            vec![op("Tc", vec![(-0.4).into()])],
        )
    });
    assert_eq!(t, vec![LL]);
}

#[test]
fn narrow_double_letters_survive_horizontal_scaling() {
    let t = page_text(|f| {
        with_state(
            text_at(f, 72.0, 700.0, 10.0, LL),
            vec![op("Tz", vec![80.into()])],
        )
    });
    assert_eq!(t, vec![LL]);
}

#[test]
fn narrow_double_letters_survive_a_condensed_font() {
    // A font whose widths make every letter 0.15 em wide.
    let mut b = PdfBuilder::new();
    let widths: Vec<Object> = (32..=255).map(|_| Object::Integer(150)).collect();
    let f = b.font(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica-Condensed",
        "Encoding" => "WinAnsiEncoding",
        "FirstChar" => 32,
        "LastChar" => 255,
        "Widths" => widths,
    });
    b.page(text_at(&f, 72.0, 700.0, 10.0, "Protokollen blev godkendt"));
    assert_eq!(extract(&b.build()), vec!["Protokollen blev godkendt"]);
}

/// Helvetica's width (1/1000 em) of the characters the tests draw one
/// by one.
fn helvetica_width(c: char) -> f64 {
    match c {
        'M' => 833.0,
        'æ' => 889.0,
        'T' | 'ø' => 611.0,
        's' | 'v' => 500.0,
        'i' | 'l' => 222.0,
        ' ' | '.' | ':' | 'f' | 't' => 278.0,
        _ => 556.0,
    }
}

/// `text` drawn glyph by glyph, each by its own operator, from (`x`, `y`)
/// at 10 points, each glyph `kern` points closer than its width.
fn one_by_one(f: &str, x: f64, y: f64, text: &str, kern: f64) -> Vec<Operation> {
    let mut x = x;
    let mut ops = Vec::new();
    for c in text.chars() {
        ops.extend(text_at(f, x, y, 10.0, &c.to_string()));
        x += helvetica_width(c) / 100.0 - kern;
    }
    ops
}

#[test]
fn letters_drawn_one_by_one_keep_their_doubles() {
    let t = page_text(|f| one_by_one(f, 72.0, 700.0, "Tilladelse til fuldt udbud", 0.3));
    assert_eq!(t, vec!["Tilladelse til fuldt udbud"]);
}

#[test]
fn fake_bold_is_read_once() {
    // The same text drawn three times, each a third of a point further.
    let t = page_text(|f| {
        let mut ops = Vec::new();
        for dx in [0.0, 0.3, 0.6] {
            ops.extend(text_at(
                f,
                72.0 + dx,
                700.0,
                14.0,
                "Protokollen alle punkter",
            ));
        }
        ops.extend(text_at(f, 72.0, 670.0, 10.0, "Brødtekst følger."));
        ops
    });
    assert_eq!(t, vec!["Protokollen alle punkter", "", "Brødtekst følger."]);
}

#[test]
fn underscores_drawn_over_a_title_leave_it_whole() {
    let t = page_text(|f| {
        let mut ops = text_at(f, 72.0, 700.0, 16.0, "Protokoll");
        ops.extend(text_at(f, 70.0, 699.0, 16.0, "_______"));
        ops.extend(text_at(f, 72.0, 670.0, 10.0, "Sammanträdet öppnades."));
        ops
    });
    assert!(words(&t).contains(&"Protokoll".to_string()), "{t:?}");
    assert!(
        !t.concat().contains('_'),
        "a rule over text is no text: {t:?}"
    );
}

#[test]
fn a_number_drawn_over_a_label_stays_apart() {
    let t = page_text(|f| {
        let mut ops = text_at(f, 72.0, 700.0, 10.0, "Verksamhetsintäkter");
        // The label runs 94 points; the amount starts 20 points before its end.
        ops.extend(text_at(f, 146.0, 700.0, 10.0, "45 3 m€"));
        ops
    });
    let w = words(&t);
    for word in ["Verksamhetsintäkter", "45", "3", "m€"] {
        assert!(w.contains(&word.to_string()), "{word} in {t:?}");
    }
}

#[test]
fn times_drawn_over_each_other_stay_apart() {
    let t = page_text(|f| {
        let mut ops = text_at(f, 72.0, 700.0, 10.0, "Kl. 12:30");
        ops.extend(text_at(f, 90.0, 700.0, 10.0, "12:45"));
        ops
    });
    let w = words(&t);
    assert!(w.contains(&"12:30".to_string()), "{t:?}");
    assert!(w.contains(&"12:45".to_string()), "{t:?}");
}

#[test]
fn overlapping_glyphs_drawn_one_by_one_stay_apart() {
    // Two times, each glyph its own operator, the second time 2.5 points
    // to the right of the first (closer, a "1" over a "1" is fake bold).
    let t = page_text(|f| {
        let mut ops = one_by_one(f, 200.0, 700.0, "11:30", 0.0);
        ops.extend(one_by_one(f, 202.5, 700.0, "12:45", 0.0));
        ops
    });
    let w = words(&t);
    assert!(w.contains(&"11:30".to_string()), "{t:?}");
    assert!(w.contains(&"12:45".to_string()), "{t:?}");
}

#[test]
fn an_accent_drawn_on_its_own_stays_in_its_word() {
    // The word drawn without its accent, then "¨" over its "a" (which
    // spans 141.3 to 146.9) by another operator.
    let t = page_text(|f| {
        let mut ops = text_at(f, 72.0, 700.0, 10.0, "Verksamhetsintakter");
        ops.extend(text_at(f, 142.4, 700.0, 10.0, "¨"));
        ops
    });
    assert_eq!(t, vec!["Verksamhetsinta¨kter"]);
}

#[test]
fn glyphs_placed_one_by_one_with_wrong_widths_stay_one_word() {
    // The font says every glyph is 1.1 em wide; the producer placed each
    // one by hand 0.5 em after the one before: each run carries on where
    // the last one stopped, it is not drawn over it.
    let mut b = PdfBuilder::new();
    let widths: Vec<Object> = (32..=255).map(|_| Object::Integer(1100)).collect();
    let f = b.font(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "WideSans",
        "Encoding" => "WinAnsiEncoding",
        "FirstChar" => 32,
        "LastChar" => 255,
        "Widths" => widths,
    });
    let mut ops = Vec::new();
    for (i, c) in "guest".chars().enumerate() {
        ops.extend(text_at(
            &f,
            72.0 + 6.0 * i as f64,
            700.0,
            12.0,
            &c.to_string(),
        ));
    }
    b.page(ops);
    assert_eq!(extract(&b.build()), vec!["guest"]);
}

#[test]
fn glyphs_kerned_into_each_other_still_make_one_line() {
    // Tight kerning makes neighbours overlap a little: not enough to be
    // text drawn over text.
    let t = page_text(|f| one_by_one(f, 72.0, 700.0, "Mødet blev hævet.", 0.6));
    assert_eq!(t, vec!["Mødet blev hævet."]);
}

/// A page of body text with `extra` drawn on it.
fn body_page(f: &str, extra: Vec<Operation>) -> Vec<Operation> {
    let mut ops = text_lines(
        f,
        72.0,
        760.0,
        10.0,
        12.0,
        &[
            "Punkt 1. Godkendelse af dagsorden",
            "Dagsordenen blev godkendt uden bemærkninger.",
        ],
    );
    ops.extend(extra);
    ops
}

#[test]
fn turned_margin_notes_and_labels_are_kept_after_the_body() {
    let t = page_text(|f| {
        let mut extra = text_matrix(
            f,
            [0.0, 1.0, -1.0, 0.0, 40.0, 300.0],
            8.0,
            "Bemærkning i margenen",
        );
        extra.extend(text_matrix(
            f,
            [0.0, -1.0, 1.0, 0.0, 560.0, 600.0],
            8.0,
            "Akse nedad",
        ));
        body_page(f, extra)
    });
    let body = [
        "Punkt 1. Godkendelse af dagsorden",
        "Dagsordenen blev godkendt uden bemærkninger.",
    ];
    let kept: Vec<&str> = t
        .iter()
        .map(String::as_str)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        kept[0],
        body.join(" "),
        "the body comes first, unchanged: {t:?}"
    );
    let rest = kept[1..].join(" ");
    assert!(rest.contains("Bemærkning i margenen"), "{t:?}");
    assert!(rest.contains("Akse nedad"), "{t:?}");
}

#[test]
fn a_turned_note_on_every_page_is_furniture() {
    let mut b = PdfBuilder::new();
    let f = b.standard_font("Helvetica");
    for p in 1..=4 {
        let note = [0.0, 1.0, -1.0, 0.0, 30.0, 300.0];
        let mut ops = text_matrix(&f, note, 7.0, "Sagsnr. 27.00.00-A00-1-24");
        ops.extend(text_at(
            &f,
            72.0,
            700.0,
            10.0,
            &format!("Punkt {p}. Tekst på side {p}, længere end noterne i margenen."),
        ));
        if p == 4 {
            let label = [0.0, 1.0, -1.0, 0.0, 300.0, 200.0];
            ops.extend(text_matrix(&f, label, 9.0, "Kun på side fire"));
        }
        b.page(ops);
    }
    let t = extract(&b.build());
    assert!(!t.concat().contains("Sagsnr"), "{t:?}");
    assert!(t.contains(&"Kun på side fire".to_string()), "{t:?}");
    assert!(t.concat().contains("Tekst på side 4,"), "{t:?}");
}
