//! Fonts: width arrays of CID fonts rewritten into the form pdf-extract
//! reads, and the style (bold, pictogram font) of a font dictionary.

use super::{Style, as_int, as_num, deref};
use lopdf::{Dictionary, Document, Object, ObjectId};

/// Most entries one width range may expand to.
const MAX_WIDTH_RANGE: i64 = 65_536;

/// Rewrite `W` arrays of CID fonts from range form (`c_first c_last w`,
/// misread by pdf-extract) into list form (`c_first [w w …]`).
pub(super) fn fix_cid_widths(doc: &mut Document) {
    let mut fixes: Vec<(ObjectId, Vec<Object>)> = Vec::new();
    for (id, object) in &doc.objects {
        let Ok(dict) = object.as_dict() else { continue };
        if !matches!(
            dict.get(b"Subtype").ok().and_then(|o| o.as_name().ok()),
            Some(b"CIDFontType0" | b"CIDFontType2")
        ) {
            continue;
        }
        let Some(w) = dict
            .get(b"W")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_array().ok())
        else {
            continue;
        };
        if let Some(fixed) = list_form(doc, w) {
            fixes.push((*id, fixed));
        }
    }
    for (id, w) in fixes {
        if let Ok(Object::Dictionary(dict)) = doc.get_object_mut(id) {
            dict.set("W", Object::Array(w));
        }
    }
}

/// A `W` array in list form only (references resolved), or None when it
/// has no range to rewrite. Reading stops at the first malformed entry.
fn list_form(doc: &Document, w: &[Object]) -> Option<Vec<Object>> {
    let w: Vec<&Object> = w.iter().map(|o| deref(doc, o)).collect();
    let mut fixed = Vec::with_capacity(w.len());
    let mut changed = false;
    let mut i = 0;
    while i + 1 < w.len() {
        if let Object::Array(list) = w[i + 1] {
            fixed.push(w[i].clone());
            fixed.push(Object::Array(
                list.iter().map(|o| deref(doc, o).clone()).collect(),
            ));
            i += 2;
        } else if i + 2 < w.len() {
            let (Some(first), Some(last), Some(width)) =
                (as_int(w[i]), as_int(w[i + 1]), as_num(w[i + 2]))
            else {
                break;
            };
            let n = (last - first + 1).clamp(0, MAX_WIDTH_RANGE);
            fixed.push(Object::Integer(first));
            fixed.push(Object::Array(
                (0..n).map(|_| Object::Real(width as f32)).collect(),
            ));
            changed = true;
            i += 3;
        } else {
            break;
        }
    }
    changed.then_some(fixed)
}

/// The style of a font dictionary.
pub(super) fn font_style(doc: &Document, font: &Dictionary) -> Style {
    let name = font
        .get(b"BaseFont")
        .ok()
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_name().ok())
        .map(|n| String::from_utf8_lossy(n).to_ascii_lowercase())
        .unwrap_or_default();
    let descriptor = font
        .get(b"FontDescriptor")
        .ok()
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok())
        .or_else(|| {
            // Type0: the descriptor sits on the descendant font.
            font.get(b"DescendantFonts")
                .ok()
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok())
                .and_then(|d| d.get(b"FontDescriptor").ok())
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok())
        });
    let weight = descriptor
        .and_then(|d| d.get(b"FontWeight").ok())
        .and_then(as_num)
        .unwrap_or(0.0);
    let flags = descriptor
        .and_then(|d| d.get(b"Flags").ok())
        .and_then(as_int)
        .unwrap_or(0);
    let bold = ["bold", "black", "heavy", "semibold", "demi"]
        .iter()
        .any(|k| name.contains(k))
        || weight >= 600.0
        || flags & (1 << 18) != 0;
    let symbol = ["wingding", "webding", "dingbat"]
        .iter()
        .any(|k| name.contains(k));
    Style {
        bold,
        symbol,
        op: 0,
        page: 0,
    }
}
