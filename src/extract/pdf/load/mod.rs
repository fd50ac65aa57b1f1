//! Reading the file with lopdf and preparing it for pdf-extract.
//!
//! pdf-extract panics on many things real producers write and ignores a few
//! others. Before it runs, [`load`]
//!
//! - rebuilds the cross-reference table when lopdf cannot read it (objects
//!   found by scanning for `N G obj`), and adds a missing `%PDF-` header
//!   ([`repair`]);
//! - reads encrypted files with the empty user password (a real user
//!   password → `pdf-encrypted`);
//! - refuses any stream that inflates past [`Limits::max_inflate`]
//!   ([`inflate`]);
//! - drops repeated pages of a page tree that cites itself, and copies
//!   inherited `Resources`/`MediaBox` onto each page, as pdf-extract walks
//!   `Parent` links without a cycle check ([`pages`]);
//! - rewrites width arrays of CID fonts written as ranges (`c_first c_last w`,
//!   which pdf-extract misreads) into the list form, and name fields of
//!   fonts written as strings into names ([`fonts`]);
//! - shows the text of Type0 fonts with an embedded CMap (which
//!   pdf-extract misreads) in an `Identity-H` copy of the font, the
//!   strings re-encoded as CIDs ([`cmap`]);
//! - rewrites every content stream ([`rewrite`]): read with the tolerant
//!   reader of [`super::content`] (comments stripped, a bad token skipped
//!   instead of the rest of the page), `'` and `"` turned into `T*`+`Tj`
//!   (pdf-extract ignores them), and only the operators that place text
//!   kept (images, paths, colours, graphics states and marked content
//!   dropped, as are operators with bad operands and references to missing
//!   fonts or XObjects). Form XObjects are copied per use with the current
//!   transformation prepended, because pdf-extract starts every form with
//!   an identity matrix ([`forms`]);
//! - records, for every string shown, whether its font is bold or a
//!   Wingdings-like symbol font (pdf-extract does not pass the font on);
//! - joins all pages' rewritten content into one stream ([`pages`]), so
//!   that pdf-extract parses each font once per file, not once per page.

mod cmap;
mod fonts;
mod forms;
mod inflate;
mod pages;
mod repair;
mod rewrite;

use super::{Limits, warning};
use crate::error::FileError;
use crate::record::Issue;
use fonts::{fix_cid_widths, fix_font_names};
use inflate::{check_inflation, check_object_streams};
use lopdf::{Dictionary, Document, Object, ObjectId};
use pages::prepare_pages;
use repair::{find_objects, missing_contents, repair};
use std::collections::HashSet;

/// Style of the font of one shown string, and which operator showed it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Style {
    /// The font is bold (name or weight).
    pub bold: bool,
    /// The font is a pictogram font (Wingdings, Webdings, ZapfDingbats),
    /// whose codes stand for boxes and bullets.
    pub symbol: bool,
    /// Running number of the text-showing operator (`Tj`, `TJ`, …) on the
    /// page: glyphs of one operator were laid out together.
    pub op: u32,
    /// Index of the page (in [`Loaded::pages`]) whose content showed the string.
    pub page: u32,
}

/// A document ready for pdf-extract.
pub(super) struct Loaded {
    /// The prepared document.
    pub doc: Document,
    /// Pages to extract: (pdf-extract page number, object id), each page once.
    pub pages: Vec<(u32, ObjectId)>,
    /// Per page (same order as `pages`), the style of each shown string in
    /// the order pdf-extract shows them.
    pub fonts: Vec<Vec<Style>>,
    /// Per page, the fonts (by object) its text is shown in.
    pub page_fonts: Vec<Vec<ObjectId>>,
    /// Per page, `Contents` and `Resources` as the file had them (for
    /// [`retry_page`]).
    originals: Vec<(Option<Object>, Option<Object>)>,
    /// All pages' rewritten content as one stream (each page between `q`
    /// and `Q`) and the resources it needs: pdf-extract builds each font
    /// once per stream, so reading this instead of page by page parses
    /// every font's ToUnicode map once instead of once per page.
    pub merged: Option<(ObjectId, Dictionary)>,
    /// Warnings raised while loading.
    pub warnings: Vec<Issue>,
    /// Number of pages in the page tree.
    pub page_count: u32,
}

/// Load and prepare a PDF.
pub(super) fn load(bytes: &[u8], limits: Limits) -> Result<Loaded, FileError> {
    let mut warnings = Vec::new();
    let mut doc = open(bytes, limits, &mut warnings)?;
    let (pages, page_count) = distinct_pages(&doc, &mut warnings)?;
    fix_cid_widths(&mut doc);
    fix_font_names(&mut doc);
    let originals = own_content(&doc, &pages);
    let prepared = prepare_pages(&mut doc, &pages, &HashSet::new(), true, &mut warnings);
    let (fonts, page_fonts) = prepared.pages.into_iter().unzip();
    Ok(Loaded {
        doc,
        pages,
        fonts,
        page_fonts,
        originals,
        merged: prepared.merged,
        warnings,
        page_count: page_count.max(1),
    })
}

/// Read the file with lopdf (rebuilt from its objects when lopdf cannot
/// read it or reaches no page content), decrypted with the empty user
/// password, with streams that inflate past the limit refused.
fn open(bytes: &[u8], limits: Limits, warnings: &mut Vec<Issue>) -> Result<Document, FileError> {
    if !bytes.windows(5).any(|w| w == b"%PDF-") && find_objects(bytes).is_empty() {
        return Err(FileError::PdfMalformed(
            "not a PDF file (no %PDF- header and no objects)".into(),
        ));
    }
    check_object_streams(bytes, limits.max_inflate)?;
    let mut doc = parse(bytes, warnings)?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(FileError::PdfEncrypted);
    }
    if let Some(repaired) = rebuilt_if_unreachable(&doc, bytes) {
        warnings.push(warning(
            "pdf-xref-repaired",
            "pages or their content were unreachable; the file was rebuilt from its objects",
        ));
        doc = repaired;
    }
    check_inflation(&doc, limits.max_inflate)?;
    Ok(doc)
}

/// The file as lopdf reads it, or as rebuilt from its objects when lopdf
/// cannot read it.
fn parse(bytes: &[u8], warnings: &mut Vec<Issue>) -> Result<Document, FileError> {
    match Document::load_mem(bytes) {
        Ok(doc) => Ok(doc),
        Err(e) if is_password_error(&e) => Err(FileError::PdfEncrypted),
        Err(e) => match repair(bytes).and_then(|b| Document::load_mem(&b).ok()) {
            Some(doc) => {
                warnings.push(warning(
                    "pdf-xref-repaired",
                    format!("the cross-reference table was rebuilt ({e})"),
                ));
                Ok(doc)
            }
            None => Err(FileError::PdfMalformed(format!(
                "cannot parse the file: {e}"
            ))),
        },
    }
}

/// The file rebuilt from its objects, when `doc` reaches no page or misses
/// a page's content and the rebuilt file reaches them all.
fn rebuilt_if_unreachable(doc: &Document, bytes: &[u8]) -> Option<Document> {
    if !doc.get_pages().is_empty() && !missing_contents(doc) {
        return None;
    }
    let repaired = repair(bytes).and_then(|b| Document::load_mem(&b).ok())?;
    let usable = !repaired.is_encrypted()
        && !repaired.get_pages().is_empty()
        && !missing_contents(&repaired);
    usable.then_some(repaired)
}

/// The pages to extract, each once (a page tree may cite itself), and the
/// number of pages the page tree lists.
fn distinct_pages(
    doc: &Document,
    warnings: &mut Vec<Issue>,
) -> Result<(Vec<(u32, ObjectId)>, u32), FileError> {
    let all_pages = doc.get_pages();
    let page_count = all_pages.len() as u32;
    let mut seen = HashSet::new();
    let pages: Vec<(u32, ObjectId)> = all_pages
        .into_iter()
        .filter(|(_, id)| seen.insert(*id))
        .collect();
    if pages.is_empty() {
        return Err(FileError::PdfMalformed("the document has no pages".into()));
    }
    if (pages.len() as u32) < page_count {
        warnings.push(warning(
            "pdf-page-tree-cycle",
            format!(
                "the page tree lists pages more than once; {} distinct pages read",
                pages.len()
            ),
        ));
    }
    Ok((pages, page_count))
}

/// Each page's `Contents` and `Resources` as the file has them.
fn own_content(doc: &Document, pages: &[(u32, ObjectId)]) -> Vec<(Option<Object>, Option<Object>)> {
    pages
        .iter()
        .map(|&(_, id)| match doc.get_dictionary(id) {
            Ok(page) => (
                page.get(b"Contents").ok().cloned(),
                page.get(b"Resources").ok().cloned(),
            ),
            Err(_) => (None, None),
        })
        .collect()
}

/// Prepare page `index` again from the file's own content, with the text
/// shown in the fonts of `skip` left out (used when pdf-extract fails on a
/// page: a font it cannot read then costs that font's text, not the page).
pub(super) fn retry_page(loaded: &mut Loaded, index: usize, skip: &HashSet<ObjectId>) {
    let Some(&(num, id)) = loaded.pages.get(index) else {
        return;
    };
    let (contents, resources) = loaded.originals[index].clone();
    if let Ok(Object::Dictionary(page)) = loaded.doc.get_object_mut(id) {
        for (key, value) in [("Contents", contents), ("Resources", resources)] {
            match value {
                Some(v) => page.set(key, v),
                None => {
                    page.remove(key.as_bytes());
                }
            }
        }
    }
    let mut warnings = Vec::new();
    let mut prepared = prepare_pages(&mut loaded.doc, &[(num, id)], skip, false, &mut warnings);
    if let Some((styles, fonts)) = prepared.pages.pop() {
        loaded.fonts[index] = styles;
        loaded.page_fonts[index] = fonts;
    }
}

/// True when lopdf failed because the file needs a password.
fn is_password_error(e: &lopdf::Error) -> bool {
    matches!(
        e,
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword
    )
}

/// Follow references (a bounded number of times).
fn deref<'a>(doc: &'a Document, mut object: &'a Object) -> &'a Object {
    for _ in 0..16 {
        match object {
            Object::Reference(id) => match doc.get_object(*id) {
                Ok(o) => object = o,
                Err(_) => return &Object::Null,
            },
            _ => return object,
        }
    }
    &Object::Null
}

/// A number operand.
fn as_num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64).filter(|v| v.is_finite()),
        _ => None,
    }
}

/// An integer operand (reals are truncated).
fn as_int(o: &Object) -> Option<i64> {
    match o {
        Object::Integer(i) => Some(*i),
        Object::Real(r) if r.is_finite() => Some(*r as i64),
        _ => None,
    }
}

/// Exactly `N` number operands.
fn numbers<const N: usize>(operands: &[Object]) -> Option<[f64; N]> {
    if operands.len() != N {
        return None;
    }
    let mut out = [0.0; N];
    for (slot, o) in out.iter_mut().zip(operands) {
        *slot = as_num(o)?;
    }
    Some(out)
}

/// Pages (1-based numbers) that show no text but draw an image: scans,
/// to read by OCR. A page without text and without an image (blank, or
/// drawn with paths only) is not worth rendering.
pub(super) fn scanned_pages(loaded: &Loaded, pages: &[super::glyphs::PageGlyphs]) -> Vec<u32> {
    loaded
        .pages
        .iter()
        .enumerate()
        .filter(|&(i, &(number, _))| {
            let ink = pages
                .iter()
                .find(|p| p.number == number)
                .is_some_and(|p| p.glyphs.iter().any(|g| !g.is_space()));
            !ink && draws_image(loaded, i)
        })
        .map(|(_, &(number, _))| number)
        .collect()
}

/// Page `index` of `loaded` has an image among its resources' XObjects (or
/// those of a form it draws).
fn draws_image(loaded: &Loaded, index: usize) -> bool {
    let doc = &loaded.doc;
    let own = loaded.originals[index]
        .1
        .as_ref()
        .and_then(|r| doc.dereference(r).ok())
        .and_then(|(_, r)| r.as_dict().ok());
    let resources = own.or_else(|| {
        doc.get_page_resources(loaded.pages[index].1)
            .ok()
            .and_then(|(dict, _)| dict)
    });
    resources.is_some_and(|r| has_image(doc, r, 2))
}

/// The resources `r` hold an image XObject, looking `depth` levels into forms.
fn has_image(doc: &Document, r: &Dictionary, depth: u8) -> bool {
    let Some(xobjects) = r
        .get(b"XObject")
        .ok()
        .and_then(|x| doc.dereference(x).ok())
        .and_then(|(_, x)| x.as_dict().ok())
    else {
        return false;
    };
    xobjects.iter().any(|(_, x)| {
        let Some(stream) = doc
            .dereference(x)
            .ok()
            .and_then(|(_, x)| x.as_stream().ok())
        else {
            return false;
        };
        match stream.dict.get(b"Subtype").and_then(|s| s.as_name()) {
            Ok(b"Image") => true,
            Ok(b"Form") if depth > 0 => stream
                .dict
                .get(b"Resources")
                .ok()
                .and_then(|r| doc.dereference(r).ok())
                .and_then(|(_, r)| r.as_dict().ok())
                .is_some_and(|r| has_image(doc, r, depth - 1)),
            _ => false,
        }
    })
}
