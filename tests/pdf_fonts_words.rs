//! PDF text fidelity: fonts pdf-extract cannot read as written, words
//! split by a line-end hyphen, and running headers and footers told from
//! content that repeats on the pages of a short document. Every PDF is
//! built here.

mod common;

use common::pdf::*;
use lopdf::{Object, dictionary};
use referat::error::FileError;
use referat::extract::Extracted;
use referat::extract::pdf::{PdfOptions, extract_with};

fn extract(bytes: &[u8]) -> Result<Extracted, FileError> {
    extract_isolated(bytes)
}

/// The non-empty lines of an extraction.
fn body(e: &Extracted) -> Vec<String> {
    e.lines
        .iter()
        .map(|l| l.text.clone())
        .filter(|t| !t.is_empty())
        .collect()
}

// ---------------------------------------------------------------------------
// Fonts

#[test]
fn type0_fonts_with_a_one_byte_cmap_keep_their_text() {
    let mut pdf = PdfBuilder::new();
    let f = one_byte_type0(&mut pdf);
    let mut ops = text_at(&f, 72.0, 760.0, 10.0, "Udvalget for Miljø og Kultur");
    ops.extend(text_at(
        &f,
        72.0,
        700.0,
        10.0,
        "Tilsagn på 25 kr. til æbler",
    ));
    pdf.page(ops);
    let e = extract(&pdf.build()).expect("the text is read");
    assert_eq!(
        body(&e),
        [
            "Udvalget for Miljø og Kultur",
            "Tilsagn på 25 kr. til æbler"
        ]
    );
}

#[test]
fn a_one_byte_cmap_font_beside_a_simple_font_on_several_pages() {
    let mut pdf = PdfBuilder::new();
    let f = one_byte_type0(&mut pdf);
    let h = pdf.standard_font("Helvetica");
    for (n, title) in [(1, "Budget"), (2, "Anlæg")] {
        let mut ops = text_at(&h, 72.0, 760.0, 12.0, &format!("Punkt {n}: {title}"));
        ops.extend(text_at(
            &f,
            72.0,
            700.0,
            10.0,
            &format!("Brødtekst på side {n}."),
        ));
        pdf.page(ops);
    }
    let e = extract(&pdf.build()).expect("the text is read");
    assert_eq!(
        body(&e),
        [
            "Punkt 1: Budget",
            "Brødtekst på side 1.",
            "Punkt 2: Anlæg",
            "Brødtekst på side 2."
        ]
    );
    // Read in its own font and size, not in the page's other font.
    assert!(e.warnings.is_empty(), "{:?}", e.warnings);
    assert_eq!(e.lines[0].heading, Some(1));
}

#[test]
fn font_names_written_as_strings_are_read() {
    let mut pdf = PdfBuilder::new();
    let base = pdf.font(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => Object::string_literal("Helvetica"),
        "Encoding" => "WinAnsiEncoding",
    });
    let all = pdf.font(dictionary! {
        "Type" => Object::string_literal("Font"),
        "Subtype" => Object::string_literal("Type1"),
        "BaseFont" => Object::string_literal("Times-Roman"),
        "Encoding" => Object::string_literal("WinAnsiEncoding"),
    });
    let mut ops = text_at(&base, 72.0, 760.0, 10.0, "Beslutning om økonomi");
    ops.extend(text_at(
        &all,
        72.0,
        700.0,
        10.0,
        "Indstillingen blev godkendt.",
    ));
    pdf.page(ops);
    let e = extract(&pdf.build()).expect("not pdf-malformed");
    assert_eq!(
        body(&e),
        ["Beslutning om økonomi", "Indstillingen blev godkendt."]
    );
    assert!(e.warnings.is_empty(), "{:?}", e.warnings);
}

#[test]
fn text_in_an_unreadable_font_is_left_out_not_shown_in_the_font_before() {
    let mut pdf = PdfBuilder::new();
    let h = pdf.standard_font("Helvetica");
    // pdf-extract cannot read a Type0 font with a predefined CMap other
    // than Identity: the page is read again without it.
    let descendant = pdf.object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType0",
        "BaseFont" => "KozMinPro-Regular",
        "FontDescriptor" => dictionary! { "Type" => "FontDescriptor", "Flags" => 4 },
    });
    let cjk = pdf.font(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "KozMinPro-Regular",
        "Encoding" => "UniJIS-UCS2-H",
        "DescendantFonts" => vec![descendant.into()],
    });
    let mut ops = text_at(&h, 72.0, 760.0, 10.0, "Dagsorden");
    ops.extend(text_at(&cjk, 72.0, 700.0, 10.0, "Mojibake"));
    pdf.page(ops);
    let e = extract(&pdf.build()).expect("the readable text is read");
    assert_eq!(body(&e), ["Dagsorden"]);
    assert_eq!(e.warnings[0].code, "pdf-font-unreadable");
}

// ---------------------------------------------------------------------------
// Line-end hyphens

#[test]
fn break_hyphens_go_and_compound_hyphens_stay() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    let lines = [
        "Udvalget godkendte en samlet bevilling på i alt 250.000 kro-",
        "ner til dækning af de forventede og de an-",
        "lægsomkostninger, der følger af de ikke-",
        "planlagte opgaver, som Sundheds-",
        "og Omsorgsudvalget har søgt om hos EU-",
        "midler til at sænke CO2-",
        "udledningen, og de nye it-",
        "systemer skal have en control-",
        "flow analyse, hvor control-flow er beskrevet.",
    ];
    pdf.page(text_lines(&f, 72.0, 760.0, 10.0, 12.0, &lines));
    let e = extract(&pdf.build()).unwrap();
    assert_eq!(
        body(&e),
        [
            "Udvalget godkendte en samlet bevilling på i alt 250.000 kroner til dækning af de \
             forventede og de anlægsomkostninger, der følger af de ikke-planlagte opgaver, som \
             Sundheds- og Omsorgsudvalget har søgt om hos EU-midler til at sænke \
             CO2-udledningen, og de nye it-systemer skal have en control-flow analyse, hvor \
             control-flow er beskrevet."
        ]
    );
}

#[test]
fn hyphen_words_come_from_the_options_and_reach_the_child() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    let lines = [
        "Beslutningen om de ikke-",
        "planlagte udgifter blev taget af udvalget.",
    ];
    pdf.page(text_lines(&f, 72.0, 760.0, 10.0, 12.0, &lines));
    let bytes = pdf.build();
    let mut options = PdfOptions::default();
    assert!(options.hyphens.keep_after.contains(&"ikke".to_string()));
    options.hyphens.keep_after.clear();
    let e = extract_with(&bytes, &options, &isolated()).unwrap();
    assert_eq!(
        body(&e),
        ["Beslutningen om de ikkeplanlagte udgifter blev taget af udvalget."]
    );
}

// ---------------------------------------------------------------------------
// Running headers and footers on short documents

/// `count` body lines (10 pt, 12 pt apart) from `y` down, different on each page.
fn body_lines(page: usize, y: f64, count: usize, font: &str) -> Vec<lopdf::content::Operation> {
    let lines: Vec<String> = (1..=count)
        .map(|i| format!("Side {page} linje {i} handler om sagens forløb og økonomi"))
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    text_lines(font, 72.0, y, 10.0, 12.0, &refs)
}

#[test]
fn headings_and_signature_lines_repeated_on_two_pages_are_content() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    let bold = pdf.standard_font("Helvetica-Bold");
    for p in 1..=2 {
        // A heading at the top of each page, larger than the body text.
        let mut ops = text_at(&bold, 72.0, 770.0, 12.0, &format!("Punkt {p}: Orientering"));
        ops.extend(body_lines(p, 740.0, 53, &f));
        // A signature line that goes on the text, as the page's last line.
        ops.extend(text_at(
            &f,
            72.0,
            740.0 - 53.0 * 12.0,
            10.0,
            "Underskrift: ______________",
        ));
        pdf.page(ops);
    }
    let e = extract(&pdf.build()).unwrap();
    let lines = body(&e);
    let count = |t: &str| lines.iter().map(|l| l.matches(t).count()).sum::<usize>();
    assert!(
        lines.contains(&"Punkt 1: Orientering".to_string()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"Punkt 2: Orientering".to_string()),
        "{lines:?}"
    );
    assert_eq!(count("Underskrift: ______________"), 2, "{lines:?}");
}

#[test]
fn on_three_pages_real_furniture_goes_and_a_repeated_form_line_stays() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    let small = pdf.standard_font("Helvetica");
    for p in 1..=3 {
        // A running header in body size, well apart from the text.
        let mut ops = text_at(
            &f,
            72.0,
            810.0,
            10.0,
            "Økonomiudvalget – referat 12. maj 2023",
        );
        // A line of the form, repeated on every page, that the text follows.
        ops.extend(text_at(
            &f,
            72.0,
            770.0,
            10.0,
            "Ansøgning om tilskud 2024 (fortsat)",
        ));
        ops.extend(body_lines(p, 758.0, 5, &f));
        ops.extend(text_at(&small, 290.0, 30.0, 8.0, &format!("Side {p} af 3")));
        pdf.page(ops);
    }
    let e = extract(&pdf.build()).unwrap();
    let lines = body(&e);
    let count = |t: &str| lines.iter().map(|l| l.matches(t).count()).sum::<usize>();
    assert_eq!(count("Ansøgning om tilskud 2024 (fortsat)"), 3, "{lines:?}");
    assert_eq!(count("Økonomiudvalget"), 0, "{lines:?}");
    assert_eq!(count("af 3"), 0, "{lines:?}");
    assert_eq!(count("sagens forløb"), 15, "{lines:?}");
    assert_eq!(
        e.furniture,
        ["Økonomiudvalget – referat 12. maj 2023", "Side 1 af 3"]
    );
}

#[test]
fn table_rows_that_differ_only_in_their_numbers_are_not_running_footers() {
    let mut pdf = PdfBuilder::new();
    let f = pdf.standard_font("Helvetica");
    for p in 1..=4 {
        let mut ops = text_at(&f, 72.0, 810.0, 8.0, "Teknisk Udvalg – referat");
        ops.extend(body_lines(p, 700.0, 5, &f));
        // The last rows of a table reach into the bottom margin on every
        // page; digits aside they read the same.
        for (r, y) in [90.0, 75.0, 60.0].into_iter().enumerate() {
            let row = format!("Konto {p}{r}\t{} kr.", 100 * p + r);
            ops.extend(text_at(&f, 72.0, y, 10.0, &row.replace('\t', "   ")));
        }
        ops.extend(text_at(&f, 290.0, 30.0, 8.0, &format!("Side {p} af 4")));
        pdf.page(ops);
    }
    let e = extract(&pdf.build()).unwrap();
    let lines = body(&e);
    let count = |t: &str| lines.iter().map(|l| l.matches(t).count()).sum::<usize>();
    assert_eq!(count("Konto"), 12, "{lines:?}");
    assert_eq!(count("Teknisk Udvalg"), 0, "{lines:?}");
    assert_eq!(count("af 4"), 0, "{lines:?}");
}
