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

/// Keys of a font dictionary whose value must be a name.
const NAME_KEYS: [&[u8]; 5] = [b"Type", b"Subtype", b"BaseFont", b"Encoding", b"Name"];

/// Font subtypes that name their font program (`BaseFont`).
const NAMED_SUBTYPES: [&[u8]; 6] = [
    b"Type0",
    b"Type1",
    b"MMType1",
    b"TrueType",
    b"CIDFontType0",
    b"CIDFontType2",
];

/// Name fields of font and encoding dictionaries written as strings
/// (`/BaseFont (Arial)`) turned into names, and a missing `BaseFont` of a
/// font that needs one set: pdf-extract panics on either, losing the
/// font's text.
pub(super) fn fix_font_names(doc: &mut Document) {
    for object in doc.objects.values_mut() {
        let dict = match object {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &mut s.dict,
            _ => continue,
        };
        fix_names(dict, 0);
    }
}

/// Fix `dict` when it is a font or an encoding, and the dictionaries
/// nested in it (fonts given directly in resources).
fn fix_names(dict: &mut Dictionary, depth: usize) {
    let is = |d: &Dictionary, key: &[u8], value: &[u8]| {
        d.get(key)
            .ok()
            .and_then(|o| o.as_name().or_else(|_| o.as_str()).ok())
            == Some(value)
    };
    if is(dict, b"Type", b"Font") || dict.has(b"BaseFont") {
        for key in NAME_KEYS {
            to_name(dict, key);
        }
        let subtype = dict.get(b"Subtype").and_then(Object::as_name).ok();
        if !dict.has(b"BaseFont") && subtype.is_some_and(|s| NAMED_SUBTYPES.contains(&s)) {
            dict.set("BaseFont", Object::Name(b"Unnamed".to_vec()));
        }
    }
    if is(dict, b"Type", b"Encoding") || dict.has(b"Differences") {
        to_name(dict, b"Type");
        to_name(dict, b"BaseEncoding");
        if let Ok(Object::Array(diffs)) = dict.get_mut(b"Differences") {
            for item in diffs.iter_mut() {
                if let Object::String(s, _) = item {
                    *item = Object::Name(std::mem::take(s));
                }
            }
        }
    }
    if depth < 4 {
        for (_, value) in dict.iter_mut() {
            if let Object::Dictionary(d) = value {
                fix_names(d, depth + 1);
            }
        }
    }
}

/// A string value of `key` turned into a name.
fn to_name(dict: &mut Dictionary, key: &[u8]) {
    if let Ok(Object::String(s, _)) = dict.get_mut(key) {
        let name = std::mem::take(s);
        dict.set(key.to_vec(), Object::Name(name));
    }
}
