//! Small PDFs built in the tests: pages of text placed by hand, in the
//! standard fonts or in fonts a test defines, so that each extraction
//! problem can be reproduced without committing a PDF.

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream, dictionary};

/// A PDF under construction: fonts named `F1`, `F2`, … in the order they
/// are added, and pages of content operations (A4 unless a page says
/// otherwise).
pub struct PdfBuilder {
    doc: Document,
    pages_id: lopdf::ObjectId,
    fonts: Dictionary,
    kids: Vec<Object>,
}

impl Default for PdfBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl PdfBuilder {
    /// An empty document with no fonts and no pages.
    pub fn new() -> Self {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        PdfBuilder {
            doc,
            pages_id,
            fonts: Dictionary::new(),
            kids: Vec::new(),
        }
    }

    /// Adds one of the 14 standard fonts (WinAnsi) and returns its resource
    /// name (`F1`, `F2`, …).
    pub fn standard_font(&mut self, base: &str) -> String {
        self.font(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => base,
            "Encoding" => "WinAnsiEncoding",
        })
    }

    /// Adds a font dictionary as given and returns its resource name.
    pub fn font(&mut self, font: Dictionary) -> String {
        let id = self.doc.add_object(font);
        let name = format!("F{}", self.fonts.len() + 1);
        self.fonts.set(name.clone(), id);
        name
    }

    /// The object of the font named `name` (for a page or form that lists
    /// its own resources).
    pub fn font_ref(&self, name: &str) -> Object {
        self.fonts
            .get(name.as_bytes())
            .expect("font was added")
            .clone()
    }

    /// Adds an object (a stream, a descendant font, …) and returns its id.
    pub fn object(&mut self, object: impl Into<Object>) -> lopdf::ObjectId {
        self.doc.add_object(object)
    }

    /// Adds a page with `ops` as its content.
    pub fn page(&mut self, ops: Vec<Operation>) -> &mut Self {
        self.page_with(ops, Dictionary::new())
    }

    /// Adds a page with `ops` as its content and `extra` entries in its
    /// dictionary (`Rotate`, `MediaBox`, …).
    pub fn page_with(&mut self, ops: Vec<Operation>, extra: Dictionary) -> &mut Self {
        let content = Content { operations: ops }
            .encode()
            .expect("content encodes");
        let content_id = self.doc.add_object(Stream::new(dictionary! {}, content));
        let mut page = dictionary! {
            "Type" => "Page",
            "Parent" => self.pages_id,
            "Contents" => content_id,
        };
        for (k, v) in extra.into_iter() {
            page.set(k, v);
        }
        let id = self.doc.add_object(page);
        self.kids.push(id.into());
        self
    }

    /// The finished file.
    pub fn build(mut self) -> Vec<u8> {
        let resources = self.doc.add_object(dictionary! { "Font" => self.fonts });
        let count = self.kids.len() as i64;
        self.doc.objects.insert(
            self.pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => self.kids,
                "Count" => count,
                "Resources" => resources,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            }),
        );
        let catalog = self.doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => self.pages_id,
        });
        self.doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        self.doc.save_to(&mut out).expect("PDF saves");
        out
    }
}

/// Operations that show `text` (WinAnsi) at (`x`, `y`) in `font` of `size`.
pub fn text_at(font: &str, x: f64, y: f64, size: f64, text: &str) -> Vec<Operation> {
    text_matrix(font, [1.0, 0.0, 0.0, 1.0, x, y], size, text)
}

/// Operations that show `text` (WinAnsi) with the text matrix `m` (turned,
/// scaled or skewed text) in `font` of `size`.
pub fn text_matrix(font: &str, m: [f64; 6], size: f64, text: &str) -> Vec<Operation> {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec![font.into(), size.into()]),
        Operation::new("Tm", m.iter().map(|&v| v.into()).collect()),
        Operation::new(
            "Tj",
            vec![Object::String(
                bytes.into_owned(),
                lopdf::StringFormat::Literal,
            )],
        ),
        Operation::new("ET", vec![]),
    ]
}

/// Operations that show `lines` top-down from (`x`, `y`) in `font` of
/// `size`, `leading` apart.
pub fn text_lines(
    font: &str,
    x: f64,
    y: f64,
    size: f64,
    leading: f64,
    lines: &[&str],
) -> Vec<Operation> {
    let mut ops = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        ops.extend(text_at(font, x, y - leading * i as f64, size, l));
    }
    ops
}

/// A one-byte embedded CMap: codes 0x20–0x7E are CIDs 1–95, "æ" (0xE6) is
/// CID 200 and "ø" (0xF8) CID 201, "å" (0xE5) CID 202 — two CID ranges and
/// CID chars, as producers write them.
pub const ONE_BYTE_CMAP: &str = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> def
/CMapName /Custom-OneByte def /CMapType 1 def
1 begincodespacerange <00> <FF> endcodespacerange
2 begincidrange
<20> <7E> 1
<E6> <E6> 200
endcidrange
2 begincidchar
<F8> 201
<E5> 202
endcidchar
endcmap CMapName currentdict /CMap defineresource pop end end";

/// The ToUnicode map of [`ONE_BYTE_CMAP`]'s font, by one-byte code.
pub const ONE_BYTE_TO_UNICODE: &str = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Custom-UCS def /CMapType 2 def
1 begincodespacerange <00> <FF> endcodespacerange
1 beginbfrange <20> <7E> <0020> endbfrange
3 beginbfchar <E6> <00E6> <F8> <00F8> <E5> <00E5> endbfchar
endcmap CMapName currentdict /CMap defineresource pop end end";

/// A Type0 font (TrueType-based CID font, no font program) whose encoding
/// is an embedded one-byte CMap.
pub fn one_byte_type0(pdf: &mut PdfBuilder) -> String {
    let encoding = pdf.object(Stream::new(dictionary! {}, ONE_BYTE_CMAP.into()));
    let to_unicode = pdf.object(Stream::new(dictionary! {}, ONE_BYTE_TO_UNICODE.into()));
    let descriptor = pdf.object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => "ABCDEF+Calibri",
        "Flags" => 32,
        "FontBBox" => vec![0.into(), (-250).into(), 1000.into(), 900.into()],
        "ItalicAngle" => 0,
        "Ascent" => 900,
        "Descent" => -250,
        "CapHeight" => 700,
        "StemV" => 80,
    });
    let cid_font = pdf.object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => "ABCDEF+Calibri",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "DW" => 500,
        "CIDToGIDMap" => "Identity",
    });
    pdf.font(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "ABCDEF+Calibri",
        "Encoding" => encoding,
        "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    })
}

/// Isolation through the `referat` binary cargo built for these tests.
pub fn isolated() -> referat::extract::pdf::Isolation {
    referat::extract::pdf::Isolation {
        extractor: Some(std::path::PathBuf::from(env!("CARGO_BIN_EXE_referat"))),
        ..Default::default()
    }
}

/// Extract `bytes` as `ingest` does: default options, in a child process.
pub fn extract_isolated(
    bytes: &[u8],
) -> Result<referat::extract::Extracted, referat::error::FileError> {
    referat::extract::pdf::extract_with(
        bytes,
        &referat::extract::pdf::PdfOptions::default(),
        &isolated(),
    )
}
