//! Reading the file with lopdf and preparing it for pdf-extract.
//!
//! pdf-extract panics on many things real producers write and ignores a few
//! others. Before it runs, this module
//!
//! - rebuilds the cross-reference table when lopdf cannot read it (objects
//!   found by scanning for `N G obj`), and adds a missing `%PDF-` header;
//! - reads encrypted files with the empty user password (a real user
//!   password → `pdf-encrypted`);
//! - refuses any stream that inflates past [`Limits::max_inflate`];
//! - copies inherited `Resources`/`MediaBox` onto each page (pdf-extract walks
//!   `Parent` links without a cycle check) and drops repeated pages of a page
//!   tree that cites itself;
//! - rewrites width arrays of CID fonts written as ranges (`c_first c_last w`,
//!   which pdf-extract misreads) into the list form;
//! - rewrites every content stream: `%` comments stripped (lopdf's content
//!   parser stops at some of them and the rest of the page is lost), `'` and
//!   `"` turned into `T*`+`Tj` (pdf-extract ignores them), and only the
//!   operators that place text kept (images, paths, colours, graphics states
//!   and marked content dropped, as are operators with bad operands and
//!   references to missing fonts or XObjects). Form XObjects are copied per
//!   use with the current transformation prepended, because pdf-extract
//!   starts every form with an identity matrix;
//! - records, for every string shown, whether its font is bold or a
//!   Wingdings-like symbol font (pdf-extract does not pass the font on).

mod fonts;
mod inflate;
mod repair;

use super::content;
use super::{Limits, warning};
use crate::error::FileError;
use crate::record::Issue;
use fonts::{fix_cid_widths, font_style};
use inflate::{check_inflation, check_object_streams};
use lopdf::content::Operation;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use repair::{find_objects, missing_contents, repair};
use std::collections::{HashMap, HashSet};

/// Most form XObject copies made for one document.
const MAX_FORM_COPIES: usize = 4000;
/// Most content operators kept for one document.
const MAX_OPERATIONS: usize = 20_000_000;
/// Deepest nesting of form XObjects followed.
const MAX_FORM_DEPTH: usize = 12;

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
    if !bytes.windows(5).any(|w| w == b"%PDF-") && find_objects(bytes).is_empty() {
        return Err(FileError::PdfMalformed(
            "not a PDF file (no %PDF- header and no objects)".into(),
        ));
    }
    check_object_streams(bytes, limits.max_inflate)?;
    let mut doc = match Document::load_mem(bytes) {
        Ok(doc) => doc,
        Err(e) if is_password_error(&e) => return Err(FileError::PdfEncrypted),
        Err(e) => match repair(bytes).and_then(|b| Document::load_mem(&b).ok()) {
            Some(doc) => {
                warnings.push(warning(
                    "pdf-xref-repaired",
                    format!("the cross-reference table was rebuilt ({e})"),
                ));
                doc
            }
            None => {
                return Err(FileError::PdfMalformed(format!(
                    "cannot parse the file: {e}"
                )));
            }
        },
    };
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(FileError::PdfEncrypted);
    }
    if (doc.get_pages().is_empty() || missing_contents(&doc))
        && let Some(repaired) = repair(bytes).and_then(|b| Document::load_mem(&b).ok())
        && !repaired.is_encrypted()
        && !repaired.get_pages().is_empty()
        && !missing_contents(&repaired)
    {
        warnings.push(warning(
            "pdf-xref-repaired",
            "pages or their content were unreachable; the file was rebuilt from its objects",
        ));
        doc = repaired;
    }
    check_inflation(&doc, limits.max_inflate)?;

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
    fix_cid_widths(&mut doc);
    let originals = pages
        .iter()
        .map(|&(_, id)| match doc.get_dictionary(id) {
            Ok(page) => (
                page.get(b"Contents").ok().cloned(),
                page.get(b"Resources").ok().cloned(),
            ),
            Err(_) => (None, None),
        })
        .collect();
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

/// A 2-D affine matrix `[a b c d e f]` (PDF row-vector convention).
type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n`: apply `m`, then `n`.
fn concat(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// Changes to apply to the document once all pages are rewritten.
struct Patches {
    /// New objects (form copies, page content streams).
    objects: Vec<(ObjectId, Object)>,
    /// Per page: new content stream, new resources, media box.
    pages: Vec<(ObjectId, ObjectId, Dictionary, Vec<f64>)>,
}

/// Walks content streams, producing the rewritten streams and the font
/// style of every shown string.
struct Rewriter<'a> {
    doc: &'a Document,
    next_id: u32,
    objects: Vec<(ObjectId, Object)>,
    copies: usize,
    operations: usize,
    styles: Vec<Style>,
    font_styles: HashMap<ObjectId, Style>,
    dropped_forms: usize,
    show_ops: u32,
    /// Fonts whose text is left out.
    skip_fonts: &'a HashSet<ObjectId>,
    /// Fonts used on the current page.
    used_fonts: Vec<ObjectId>,
    /// Index of the page being rewritten.
    page: u32,
    /// Fonts given directly in a resource dictionary (not by reference), so far.
    direct_fonts: u32,
}

/// Graphics state the rewriter tracks.
#[derive(Clone, Copy)]
struct State {
    ctm: Matrix,
    font: Option<Style>,
}

impl<'a> Rewriter<'a> {
    /// Record the strings one text-showing operator shows.
    fn shown(&mut self, style: Style, strings: usize) {
        self.show_ops += 1;
        let style = Style {
            op: self.show_ops,
            page: self.page,
            ..style
        };
        self.styles.extend(std::iter::repeat_n(style, strings));
    }

    fn alloc(&mut self) -> ObjectId {
        self.next_id += 1;
        (self.next_id, 0)
    }

    /// Rewrite `ops` shown with `resources`; the XObjects and fonts the
    /// rewritten stream uses go into `xobjects` and `fonts`. Fonts are
    /// renamed `RfF<object>_<generation>` (or `RfD<n>` when given directly),
    /// the same name for the same font on every page, so that pages can be
    /// read as one stream; `q`/`Q` are balanced.
    fn walk(
        &mut self,
        ops: Vec<Operation>,
        resources: &'a Dictionary,
        xobjects: &mut Dictionary,
        fonts: &mut Dictionary,
        ctm: Matrix,
        stack: &mut Vec<ObjectId>,
    ) -> Vec<Operation> {
        let mut out = Vec::with_capacity(ops.len() / 2);
        let mut state = State { ctm, font: None };
        let mut saved: Vec<State> = Vec::new();
        for op in ops {
            if self.operations >= MAX_OPERATIONS {
                break;
            }
            self.operations += 1;
            let operands = &op.operands;
            match op.operator.as_str() {
                "BT" | "ET" | "T*" => out.push(Operation::new(&op.operator, vec![])),
                "q" => {
                    saved.push(state);
                    out.push(op);
                }
                "Q" => {
                    if let Some(s) = saved.pop() {
                        state = s;
                        out.push(op);
                    }
                }
                "cm" => {
                    if let Some(m) = numbers::<6>(operands) {
                        state.ctm = concat(&m, &state.ctm);
                        out.push(op);
                    }
                }
                "Tm" if numbers::<6>(operands).is_some() => out.push(op),
                "Td" | "TD" if numbers::<2>(operands).is_some() => out.push(op),
                "Tc" | "Tw" | "Tz" | "TL" | "Ts" if numbers::<1>(operands).is_some() => {
                    out.push(op)
                }
                "Tf" => {
                    if operands.len() == 2
                        && as_num(&operands[1]).is_some()
                        && let Some((style, name, entry)) = operands[0]
                            .as_name()
                            .ok()
                            .and_then(|name| self.font(resources, name))
                    {
                        state.font = Some(style);
                        fonts.set(name.clone(), entry);
                        out.push(Operation::new(
                            "Tf",
                            vec![Object::Name(name), operands[1].clone()],
                        ));
                    }
                }
                "Tj" => {
                    if let (Some(style), Some(Object::String(..))) = (state.font, operands.first())
                    {
                        self.shown(style, 1);
                        out.push(op);
                    }
                }
                "TJ" => {
                    if let (Some(style), Some(Object::Array(items))) =
                        (state.font, operands.first())
                    {
                        let items = join_kerned(items);
                        let strings = items
                            .iter()
                            .filter(|o| matches!(o, Object::String(..)))
                            .count();
                        self.shown(style, strings);
                        out.push(Operation::new("TJ", vec![Object::Array(items)]));
                    }
                }
                "'" => {
                    out.push(Operation::new("T*", vec![]));
                    if let (Some(style), Some(s @ Object::String(..))) =
                        (state.font, operands.first())
                    {
                        self.shown(style, 1);
                        out.push(Operation::new("Tj", vec![s.clone()]));
                    }
                }
                "\"" if operands.len() == 3
                    && as_num(&operands[0]).is_some()
                    && as_num(&operands[1]).is_some() =>
                {
                    out.push(Operation::new("Tw", vec![operands[0].clone()]));
                    out.push(Operation::new("Tc", vec![operands[1].clone()]));
                    out.push(Operation::new("T*", vec![]));
                    if let (Some(style), s @ Object::String(..)) = (state.font, &operands[2]) {
                        self.shown(style, 1);
                        out.push(Operation::new("Tj", vec![s.clone()]));
                    }
                }
                "Do" => {
                    if let Some(name) = operands.first().and_then(|o| o.as_name().ok())
                        && let Some(new_name) =
                            self.form(resources, name, xobjects, state.ctm, stack)
                    {
                        out.push(Operation::new("Do", vec![Object::Name(new_name)]));
                    }
                }
                _ => {}
            }
        }
        out.extend(saved.iter().map(|_| Operation::new("Q", vec![])));
        out
    }

    /// The style of font `name` in `resources`, its name in the rewritten
    /// stream and its resource entry; None when it is missing or skipped.
    fn font(&mut self, resources: &Dictionary, name: &[u8]) -> Option<(Style, Vec<u8>, Object)> {
        let fonts = resources
            .get(b"Font")
            .ok()
            .map(|o| deref(self.doc, o))?
            .as_dict()
            .ok()?;
        let entry = fonts.get(name).ok()?;
        let id = entry.as_reference().ok();
        if let Some(id) = id {
            if self.skip_fonts.contains(&id) {
                return None;
            }
            if !self.used_fonts.contains(&id) {
                self.used_fonts.push(id);
            }
        }
        let canonical = match id {
            Some((num, generation)) => format!("RfF{num}_{generation}").into_bytes(),
            None => {
                self.direct_fonts += 1;
                format!("RfD{}", self.direct_fonts).into_bytes()
            }
        };
        if let Some(style) = id.and_then(|id| self.font_styles.get(&id)) {
            return Some((*style, canonical, entry.clone()));
        }
        let dict = deref(self.doc, entry).as_dict().ok()?;
        let style = font_style(self.doc, dict);
        if let Some(id) = id {
            self.font_styles.insert(id, style);
        }
        Some((style, canonical, entry.clone()))
    }

    /// Rewrite the form XObject `name` for one use at `ctm`; returns the
    /// name of its copy (added to `xobjects`), or None to drop the `Do`.
    fn form(
        &mut self,
        resources: &'a Dictionary,
        name: &[u8],
        xobjects: &mut Dictionary,
        ctm: Matrix,
        stack: &mut Vec<ObjectId>,
    ) -> Option<Vec<u8>> {
        let doc = self.doc;
        let entry = resources
            .get(b"XObject")
            .ok()
            .map(|o| deref(doc, o))?
            .as_dict()
            .ok()?
            .get(name)
            .ok()?;
        let id = entry.as_reference().ok()?;
        let stream = doc.get_object(id).ok()?.as_stream().ok()?;
        let subtype = stream
            .dict
            .get(b"Subtype")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_name().ok());
        if subtype != Some(b"Form".as_slice()) {
            return None;
        }
        if stack.contains(&id) || stack.len() >= MAX_FORM_DEPTH || self.copies >= MAX_FORM_COPIES {
            self.dropped_forms += 1;
            return None;
        }
        self.copies += 1;
        let matrix = stream
            .dict
            .get(b"Matrix")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok())
            .and_then(|a| numbers::<6>(a))
            .unwrap_or(IDENTITY);
        let effective = concat(&matrix, &ctm);
        let form_resources: &'a Dictionary = stream
            .dict
            .get(b"Resources")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok())
            .unwrap_or(resources);
        let raw = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        let operations = content::decode(&raw);
        let mut nested = Dictionary::new();
        let mut nested_fonts = Dictionary::new();
        stack.push(id);
        let mut ops = self.walk(
            operations,
            form_resources,
            &mut nested,
            &mut nested_fonts,
            effective,
            stack,
        );
        stack.pop();
        ops.insert(
            0,
            Operation::new(
                "cm",
                effective.iter().map(|&v| Object::Real(v as f32)).collect(),
            ),
        );
        let bytes = content::encode(&ops);
        let mut dict = stream.dict.clone();
        dict.remove(b"Filter");
        dict.remove(b"DecodeParms");
        dict.remove(b"Matrix");
        dict.set(
            "Resources",
            rewritten_resources(doc, form_resources, nested, nested_fonts),
        );
        let copy = self.alloc();
        self.objects
            .push((copy, Object::Stream(Stream::new(dict, bytes))));
        let new_name = format!("RfX{}", copy.0).into_bytes();
        xobjects.set(new_name.clone(), Object::Reference(copy));
        Some(new_name)
    }
}

/// Largest `TJ` adjustment (thousandths of an em) dropped between two strings.
const KERNING_MAX: f64 = 10.0;

/// A `TJ` array with strings that only kerning separates joined into one:
/// many producers position every glyph (`[(R) 6 (e) -7 (f)] TJ`), which
/// costs pdf-extract a call per glyph. Adjustments up to [`KERNING_MAX`]
/// move the following glyphs by at most 0.05 em each, far below any gap
/// the layout reads (a word space is about 0.25 em); larger ones, which do
/// carry word and column gaps, are kept. Other items are dropped.
fn join_kerned(items: &[Object]) -> Vec<Object> {
    let mut out: Vec<Object> = Vec::with_capacity(items.len());
    let mut pending_kern: Option<&Object> = None;
    for item in items {
        match item {
            Object::String(bytes, _) => {
                let kern_small = pending_kern
                    .and_then(as_num)
                    .is_none_or(|k| k.abs() <= KERNING_MAX);
                match (kern_small, out.last_mut()) {
                    (true, Some(Object::String(prev, _))) => prev.extend_from_slice(bytes),
                    _ => {
                        if let Some(k) = pending_kern {
                            out.push(k.clone());
                        }
                        out.push(Object::string_literal(bytes.clone()));
                    }
                }
                pending_kern = None;
            }
            Object::Integer(_) | Object::Real(_) => {
                // Two numbers in a row add up; keep them apart as written.
                if let Some(k) = pending_kern.replace(item) {
                    out.push(k.clone());
                }
            }
            _ => {}
        }
    }
    if let Some(k) = pending_kern {
        out.push(k.clone());
    }
    out
}

/// A copy of `resources` whose XObject dictionary also holds `added` and
/// whose Font dictionary is `fonts` (the renamed fonts the rewritten stream uses).
fn rewritten_resources(
    doc: &Document,
    resources: &Dictionary,
    added: Dictionary,
    fonts: Dictionary,
) -> Dictionary {
    let mut res = resources.clone();
    res.set("Font", Object::Dictionary(fonts));
    if added.is_empty() {
        return res;
    }
    let mut xobjects = resources
        .get(b"XObject")
        .ok()
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok())
        .cloned()
        .unwrap_or_default();
    for (k, v) in added {
        xobjects.set(k, v);
    }
    res.set("XObject", Object::Dictionary(xobjects));
    res
}

/// What [`prepare_pages`] made.
struct Prepared {
    /// Per page: the shown-string styles and the fonts used.
    pages: Vec<(Vec<Style>, Vec<ObjectId>)>,
    /// The merged stream and its resources (see [`Loaded::merged`]), when asked for.
    merged: Option<(ObjectId, Dictionary)>,
}

/// Rewrite the content of `pages`, leaving out text in the fonts of `skip`;
/// returns per page the shown-string styles and the fonts used, and with
/// `merge` all pages as one stream too.
fn prepare_pages(
    doc: &mut Document,
    pages: &[(u32, ObjectId)],
    skip: &HashSet<ObjectId>,
    merge: bool,
    warnings: &mut Vec<Issue>,
) -> Prepared {
    let empty = Dictionary::new();
    let mut styles_per_page = Vec::with_capacity(pages.len());
    let mut merged_bytes = Vec::new();
    let mut merged_fonts = Dictionary::new();
    let mut merged_xobjects = Dictionary::new();
    let patches = {
        let doc: &Document = doc;
        let mut rw = Rewriter {
            doc,
            next_id: doc
                .max_id
                .max(doc.objects.keys().map(|k| k.0).max().unwrap_or(0)),
            objects: Vec::new(),
            copies: 0,
            operations: 0,
            styles: Vec::new(),
            font_styles: HashMap::new(),
            dropped_forms: 0,
            show_ops: 0,
            skip_fonts: skip,
            used_fonts: Vec::new(),
            page: 0,
            direct_fonts: 0,
        };
        let mut page_patches = Vec::with_capacity(pages.len());
        for (index, &(_, page_id)) in pages.iter().enumerate() {
            rw.page = index as u32;
            let Ok(page) = doc.get_dictionary(page_id) else {
                styles_per_page.push((Vec::new(), Vec::new()));
                continue;
            };
            let resources = inherited(doc, page, b"Resources")
                .and_then(|o| o.as_dict().ok())
                .unwrap_or(&empty);
            let media_box = inherited(doc, page, b"MediaBox")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| numbers::<4>(a))
                .filter(|b| (b[2] - b[0]).abs() > 1.0 && (b[3] - b[1]).abs() > 1.0)
                .map(|b| {
                    vec![
                        b[0].min(b[2]),
                        b[1].min(b[3]),
                        b[0].max(b[2]),
                        b[1].max(b[3]),
                    ]
                })
                .unwrap_or_else(|| vec![0.0, 0.0, 595.0, 842.0]);
            let raw = doc.get_page_content(page_id).unwrap_or_default();
            let ops = content::decode(&raw);
            let mut added = Dictionary::new();
            let mut fonts = Dictionary::new();
            rw.styles = Vec::new();
            rw.show_ops = 0;
            rw.used_fonts = Vec::new();
            let ops = rw.walk(
                ops,
                resources,
                &mut added,
                &mut fonts,
                IDENTITY,
                &mut Vec::new(),
            );
            styles_per_page.push((
                std::mem::take(&mut rw.styles),
                std::mem::take(&mut rw.used_fonts),
            ));
            let bytes = content::encode(&ops);
            if merge {
                merged_bytes.extend_from_slice(b"q\n");
                merged_bytes.extend_from_slice(&bytes);
                merged_bytes.extend_from_slice(b"Q\n");
                for (k, v) in fonts.iter() {
                    merged_fonts.set(k.clone(), v.clone());
                }
                for (k, v) in added.iter() {
                    merged_xobjects.set(k.clone(), v.clone());
                }
            }
            let content_id = rw.alloc();
            rw.objects.push((
                content_id,
                Object::Stream(Stream::new(Dictionary::new(), bytes)),
            ));
            page_patches.push((
                page_id,
                content_id,
                rewritten_resources(doc, resources, added, fonts),
                media_box,
            ));
        }
        if rw.dropped_forms > 0 {
            warnings.push(warning(
                "pdf-form-skipped",
                format!(
                    "{} form XObject use(s) skipped (cyclic, too deep or too many)",
                    rw.dropped_forms
                ),
            ));
        }
        if rw.operations >= MAX_OPERATIONS {
            warnings.push(warning(
                "pdf-content-truncated",
                "the content streams are too long; the rest was skipped",
            ));
        }
        let merged = merge.then(|| {
            let id = rw.alloc();
            rw.objects.push((
                id,
                Object::Stream(Stream::new(Dictionary::new(), merged_bytes)),
            ));
            let mut resources = Dictionary::new();
            resources.set("Font", Object::Dictionary(merged_fonts));
            resources.set("XObject", Object::Dictionary(merged_xobjects));
            (id, resources)
        });
        let next = rw.next_id;
        let patches = Patches {
            objects: rw.objects,
            pages: page_patches,
        };
        (patches, next, merged)
    };
    let (patches, next_id, merged) = patches;
    for (id, object) in patches.objects {
        doc.objects.insert(id, object);
    }
    doc.max_id = doc.max_id.max(next_id);
    for (page_id, content_id, resources, media_box) in patches.pages {
        if let Ok(Object::Dictionary(page)) = doc.get_object_mut(page_id) {
            page.set("Contents", Object::Reference(content_id));
            page.set("Resources", Object::Dictionary(resources));
            page.set(
                "MediaBox",
                Object::Array(
                    media_box
                        .into_iter()
                        .map(|v| Object::Real(v as f32))
                        .collect(),
                ),
            );
            page.remove(b"ArtBox");
        }
    }
    Prepared {
        pages: styles_per_page,
        merged,
    }
}

/// A page attribute, looked up the page tree's `Parent` links (cycle-safe).
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut node = page;
    let mut seen = HashSet::new();
    loop {
        if let Ok(v) = node.get(key) {
            return Some(deref(doc, v));
        }
        let parent = node.get(b"Parent").ok()?.as_reference().ok()?;
        if !seen.insert(parent) || seen.len() > 64 {
            return None;
        }
        node = doc.get_dictionary(parent).ok()?;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kerning_joins_strings_but_word_gaps_stay() {
        let s = |t: &str| Object::string_literal(t);
        let items = vec![
            s("R"),
            Object::Integer(6),
            s("e"),
            Object::Real(-7.5),
            s("f"),
            Object::Integer(-250),
            s("x"),
            Object::Integer(3),
            Object::Integer(4),
            s("y"),
            s("z"),
            Object::Integer(2),
        ];
        let joined = join_kerned(&items);
        assert_eq!(
            joined,
            vec![
                s("Ref"),
                Object::Integer(-250),
                s("x"),
                Object::Integer(3),
                Object::Integer(4),
                s("yz"),
                Object::Integer(2),
            ]
        );
    }

    #[test]
    fn matrices_concatenate() {
        let m = concat(
            &[2.0, 0.0, 0.0, 2.0, 10.0, 0.0],
            &[1.0, 0.0, 0.0, 1.0, 5.0, 5.0],
        );
        assert_eq!(m, [2.0, 0.0, 0.0, 2.0, 15.0, 5.0]);
    }
}
