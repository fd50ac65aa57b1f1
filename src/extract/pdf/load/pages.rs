//! Page preparation: every page's content rewritten, inherited resources
//! and media box copied onto the page, and all pages joined into one stream.

use super::rewrite::{IDENTITY, MAX_OPERATIONS, Rewriter, rewritten_resources};
use super::{Style, deref, numbers, warning};
use crate::extract::pdf::content;
use crate::record::Issue;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::{HashMap, HashSet};

/// Changes to apply to the document once all pages are rewritten.
struct Patches {
    /// New objects (form copies, page content streams).
    objects: Vec<(ObjectId, Object)>,
    /// Per page: new content stream, new resources, media box.
    pages: Vec<(ObjectId, ObjectId, Dictionary, Vec<f64>)>,
}

/// What [`prepare_pages`] made.
pub(super) struct Prepared {
    /// Per page: the shown-string styles and the fonts used.
    pub(super) pages: Vec<(Vec<Style>, Vec<ObjectId>)>,
    /// The merged stream and its resources (see [`Loaded::merged`]), when asked for.
    pub(super) merged: Option<(ObjectId, Dictionary)>,
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
