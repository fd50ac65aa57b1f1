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
