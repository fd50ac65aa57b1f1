//! Page preparation: every page's content rewritten, inherited resources
//! and media box copied onto the page, and all pages joined into one stream.

use super::rewrite::{IDENTITY, Rewriter, rewritten_resources};
use super::{Style, deref, numbers};
use crate::extract::pdf::content;
use crate::record::Issue;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Resources of a page that has none.
static NO_RESOURCES: LazyLock<Dictionary> = LazyLock::new(Dictionary::new);

/// A page's shown-string styles and the fonts its text is shown in.
type PageText = (Vec<Style>, Vec<ObjectId>);

/// What [`prepare_pages`] made.
pub(super) struct Prepared {
    /// Per page: the shown-string styles and the fonts used.
    pub(super) pages: Vec<PageText>,
    /// The merged stream and its resources (see [`super::Loaded::merged`]), when asked for.
    pub(super) merged: Option<(ObjectId, Dictionary)>,
}

/// A page's new content, to set once all pages are rewritten.
struct PagePatch {
    page: ObjectId,
    /// The rewritten content stream.
    content: ObjectId,
    resources: Dictionary,
    media_box: Vec<f64>,
}

/// All pages' rewritten content as one stream (see [`super::Loaded::merged`]),
/// built page by page.
#[derive(Default)]
struct Merged {
    bytes: Vec<u8>,
    fonts: Dictionary,
    xobjects: Dictionary,
}

impl Merged {
    /// Add a page's content (between `q` and `Q`) and the fonts and
    /// XObjects it uses.
    fn add(&mut self, bytes: &[u8], fonts: &Dictionary, xobjects: &Dictionary) {
        self.bytes.extend_from_slice(b"q\n");
        self.bytes.extend_from_slice(bytes);
        self.bytes.extend_from_slice(b"Q\n");
        for (k, v) in fonts.iter() {
            self.fonts.set(k.clone(), v.clone());
        }
        for (k, v) in xobjects.iter() {
            self.xobjects.set(k.clone(), v.clone());
        }
    }

    /// Store the stream as a new object: its id and its resources.
    fn finish(self, rw: &mut Rewriter) -> (ObjectId, Dictionary) {
        let id = rw.add_object(Object::Stream(Stream::new(Dictionary::new(), self.bytes)));
        let mut resources = Dictionary::new();
        resources.set("Font", Object::Dictionary(self.fonts));
        resources.set("XObject", Object::Dictionary(self.xobjects));
        (id, resources)
    }
}

/// Rewrite the content of `pages`, leaving out text in the fonts of `skip`;
/// returns per page the shown-string styles and the fonts used, and with
/// `merge` all pages as one stream too.
pub(super) fn prepare_pages(
    doc: &mut Document,
    pages: &[(u32, ObjectId)],
    skip: &HashSet<ObjectId>,
    merge: bool,
    warnings: &mut Vec<Issue>,
) -> Prepared {
    let mut rw = Rewriter::new(doc, skip);
    let mut merged = merge.then(Merged::default);
    let mut styles_per_page = Vec::with_capacity(pages.len());
    let mut patches = Vec::with_capacity(pages.len());
    for (index, &(_, page_id)) in pages.iter().enumerate() {
        match rewrite_page(&mut rw, index as u32, page_id, merged.as_mut()) {
            Some((patch, styles)) => {
                patches.push(patch);
                styles_per_page.push(styles);
            }
            None => styles_per_page.push((Vec::new(), Vec::new())),
        }
    }
    rw.report(warnings);
    let merged = merged.map(|m| m.finish(&mut rw));
    let (objects, next_id) = rw.finish();
    apply(doc, objects, next_id, patches);
    Prepared {
        pages: styles_per_page,
        merged,
    }
}

/// Rewrite the page `page_id` (at `index`), adding its content to `merged`;
/// returns its patch, its shown-string styles and the fonts it used. None
/// when the page is not a dictionary.
fn rewrite_page(
    rw: &mut Rewriter,
    index: u32,
    page_id: ObjectId,
    merged: Option<&mut Merged>,
) -> Option<(PagePatch, PageText)> {
    let doc = rw.doc;
    let page = doc.get_dictionary(page_id).ok()?;
    let resources = inherited(doc, page, b"Resources")
        .and_then(|o| o.as_dict().ok())
        .unwrap_or(&NO_RESOURCES);
    let media_box = media_box(doc, page);
    let raw = doc.get_page_content(page_id).unwrap_or_default();
    let ops = content::decode(&raw);
    let mut added = Dictionary::new();
    let mut fonts = Dictionary::new();
    rw.begin_page(index);
    let ops = rw.walk(
        ops,
        resources,
        &mut added,
        &mut fonts,
        IDENTITY,
        &mut Vec::new(),
    );
    let styles = rw.end_page();
    let bytes = content::encode(&ops);
    if let Some(merged) = merged {
        merged.add(&bytes, &fonts, &added);
    }
    let content = rw.add_object(Object::Stream(Stream::new(Dictionary::new(), bytes)));
    let patch = PagePatch {
        page: page_id,
        content,
        resources: rewritten_resources(doc, resources, added, fonts),
        media_box,
    };
    Some((patch, styles))
}

/// The page's media box (inherited), normalised to `[x0 y0 x1 y1]`; A4
/// when it has none or an empty one.
fn media_box(doc: &Document, page: &Dictionary) -> Vec<f64> {
    inherited(doc, page, b"MediaBox")
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
        .unwrap_or_else(|| vec![0.0, 0.0, 595.0, 842.0])
}

/// Add the new objects to `doc` and set each page's new content,
/// resources and media box.
fn apply(
    doc: &mut Document,
    objects: Vec<(ObjectId, Object)>,
    next_id: u32,
    patches: Vec<PagePatch>,
) {
    for (id, object) in objects {
        doc.objects.insert(id, object);
    }
    doc.max_id = doc.max_id.max(next_id);
    for patch in patches {
        if let Ok(Object::Dictionary(page)) = doc.get_object_mut(patch.page) {
            page.set("Contents", Object::Reference(patch.content));
            page.set("Resources", Object::Dictionary(patch.resources));
            let media_box = patch.media_box.into_iter().map(|v| Object::Real(v as f32));
            page.set("MediaBox", Object::Array(media_box.collect()));
            page.remove(b"ArtBox");
        }
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
