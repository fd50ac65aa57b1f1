//! Content-stream rewriting: every content stream is reduced to the
//! operators that place text, in forms pdf-extract reads, and the style of
//! every shown string is recorded.

use super::cmap::{CodeMap, identity_copy};
use super::fonts::font_style;
use super::{Style, as_num, deref, numbers, warning};
use crate::record::Issue;
use lopdf::content::Operation;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::{HashMap, HashSet};

/// Most content operators kept for one document.
const MAX_OPERATIONS: usize = 20_000_000;

/// A 2-D affine matrix `[a b c d e f]` (PDF row-vector convention).
pub(super) type Matrix = [f64; 6];

pub(super) const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n`: apply `m`, then `n`.
pub(super) fn concat(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// Walks content streams, producing the rewritten streams and the font
/// style of every shown string.
pub(super) struct Rewriter<'a> {
    pub(super) doc: &'a Document,
    next_id: u32,
    /// New objects: form copies and rewritten content streams.
    objects: Vec<(ObjectId, Object)>,
    /// Form XObject copies made so far.
    pub(super) copies: usize,
    operations: usize,
    styles: Vec<Style>,
    font_styles: HashMap<ObjectId, Style>,
    /// Form XObject uses dropped (cyclic, too deep or too many).
    pub(super) dropped_forms: usize,
    show_ops: u32,
    /// Fonts whose text is left out.
    skip_fonts: &'a HashSet<ObjectId>,
    /// Fonts used on the current page.
    used_fonts: Vec<ObjectId>,
    /// Index of the page being rewritten.
    page: u32,
    /// Fonts given directly in a resource dictionary (not by reference), so far.
    direct_fonts: u32,
    /// Type0 fonts with an embedded CMap, by id: the entry of their
    /// `Identity-H` copy and the index of their code map in `code_maps`
    /// (None: the font is used as it is).
    recoded: HashMap<ObjectId, Option<(Object, usize)>>,
    code_maps: Vec<CodeMap>,
}

/// Graphics state the rewriter tracks.
#[derive(Clone, Copy)]
struct State {
    ctm: Matrix,
    font: Option<Style>,
    /// Index of the current font's code map: its strings are re-encoded.
    codes: Option<usize>,
}

impl<'a> Rewriter<'a> {
    /// A rewriter for `doc` that leaves out text in the fonts of `skip`;
    /// new objects are numbered after the document's highest.
    pub(super) fn new(doc: &'a Document, skip: &'a HashSet<ObjectId>) -> Self {
        Rewriter {
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
            recoded: HashMap::new(),
            code_maps: Vec::new(),
        }
    }

    /// Start rewriting the page at `index`.
    pub(super) fn begin_page(&mut self, index: u32) {
        self.page = index;
        self.styles = Vec::new();
        self.show_ops = 0;
        self.used_fonts = Vec::new();
    }

    /// The page's shown-string styles and the fonts it used.
    pub(super) fn end_page(&mut self) -> (Vec<Style>, Vec<ObjectId>) {
        (
            std::mem::take(&mut self.styles),
            std::mem::take(&mut self.used_fonts),
        )
    }

    /// Add a new object to the document-to-be; returns its id.
    pub(super) fn add_object(&mut self, object: Object) -> ObjectId {
        self.next_id += 1;
        let id = (self.next_id, 0);
        self.objects.push((id, object));
        id
    }

    /// Warnings about content left out: forms skipped, streams cut short.
    pub(super) fn report(&self, warnings: &mut Vec<Issue>) {
        if self.dropped_forms > 0 {
            warnings.push(warning(
                "pdf-form-skipped",
                format!(
                    "{} form XObject use(s) skipped (cyclic, too deep or too many)",
                    self.dropped_forms
                ),
            ));
        }
        if self.operations >= MAX_OPERATIONS {
            warnings.push(warning(
                "pdf-content-truncated",
                "the content streams are too long; the rest was skipped",
            ));
        }
    }

    /// The new objects and the highest object number used.
    pub(super) fn finish(self) -> (Vec<(ObjectId, Object)>, u32) {
        (self.objects, self.next_id)
    }

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

    /// Rewrite `ops` shown with `resources`; the XObjects and fonts the
    /// rewritten stream uses go into `xobjects` and `fonts`. Fonts are
    /// renamed `RfF<object>_<generation>` (or `RfD<n>` when given directly),
    /// the same name for the same font on every page, so that pages can be
    /// read as one stream; `q`/`Q` are balanced.
    pub(super) fn walk(
        &mut self,
        ops: Vec<Operation>,
        resources: &'a Dictionary,
        xobjects: &mut Dictionary,
        fonts: &mut Dictionary,
        ctm: Matrix,
        stack: &mut Vec<ObjectId>,
    ) -> Vec<Operation> {
        let mut out = Vec::with_capacity(ops.len() / 2);
        let mut state = State {
            ctm,
            font: None,
            codes: None,
        };
        let mut saved: Vec<State> = Vec::new();
        for op in ops {
            if self.operations >= MAX_OPERATIONS {
                break;
            }
            self.operations += 1;
            match op.operator.as_str() {
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
                    if let Some(m) = numbers::<6>(&op.operands) {
                        state.ctm = concat(&m, &state.ctm);
                        out.push(op);
                    }
                }
                "Tf" => match self.select_font(&op.operands, resources, fonts) {
                    Some((style, codes, tf)) => {
                        state.font = Some(style);
                        state.codes = codes;
                        out.push(tf);
                    }
                    // Text in a left-out font is left out, not shown in
                    // the font before it.
                    None if self.skipped(resources, &op.operands) => {
                        state.font = None;
                        state.codes = None;
                    }
                    None => {}
                },
                "Tj" | "TJ" | "'" | "\"" => {
                    let op = match state.codes {
                        Some(i) => recode_strings(op, &self.code_maps[i]),
                        None => op,
                    };
                    self.show(op, state.font, &mut out)
                }
                "Do" => {
                    if let Some(name) = op.operands.first().and_then(|o| o.as_name().ok())
                        && let Some(new_name) =
                            self.form(resources, name, xobjects, state.ctm, stack)
                    {
                        out.push(Operation::new("Do", vec![Object::Name(new_name)]));
                    }
                }
                _ => out.extend(text_state(op)),
            }
        }
        out.extend(saved.iter().map(|_| Operation::new("Q", vec![])));
        out
    }

    /// `Tf` with valid operands, the font renamed (its entry added to
    /// `fonts`), the font's style and its code map's index; None when the
    /// font is missing or skipped.
    fn select_font(
        &mut self,
        operands: &[Object],
        resources: &Dictionary,
        fonts: &mut Dictionary,
    ) -> Option<(Style, Option<usize>, Operation)> {
        if operands.len() == 2
            && as_num(&operands[1]).is_some()
            && let Some((style, name, entry)) = operands[0]
                .as_name()
                .ok()
                .and_then(|name| self.font(resources, name))
        {
            let (entry, codes) = match entry.as_reference().ok().and_then(|id| self.recoded(id)) {
                Some((copy, codes)) => (copy, Some(codes)),
                None => (entry, None),
            };
            fonts.set(name.clone(), entry);
            let tf = Operation::new("Tf", vec![Object::Name(name), operands[1].clone()]);
            return Some((style, codes, tf));
        }
        None
    }

    /// Whether `Tf` selects a font whose text is left out.
    fn skipped(&self, resources: &Dictionary, operands: &[Object]) -> bool {
        let id = operands
            .first()
            .and_then(|n| n.as_name().ok())
            .and_then(|name| {
                let fonts = deref(self.doc, resources.get(b"Font").ok()?)
                    .as_dict()
                    .ok()?;
                fonts.get(name).ok()?.as_reference().ok()
            });
        id.is_some_and(|id| self.skip_fonts.contains(&id))
    }

    /// For a Type0 font with an embedded CMap: the entry of its
    /// `Identity-H` copy (made once) and its code map's index.
    fn recoded(&mut self, id: ObjectId) -> Option<(Object, usize)> {
        if let Some(known) = self.recoded.get(&id) {
            return known.clone();
        }
        let font = self.doc.get_dictionary(id).ok();
        let made = font
            .and_then(|f| identity_copy(self.doc, f))
            .map(|(map, mut copy, unicode)| {
                let unicode = self.add_object(Object::Stream(unicode));
                copy.set("ToUnicode", Object::Reference(unicode));
                let copy = self.add_object(Object::Dictionary(copy));
                self.code_maps.push(map);
                (Object::Reference(copy), self.code_maps.len() - 1)
            });
        self.recoded.insert(id, made.clone());
        made
    }

    /// A text-showing operator (`Tj`, `TJ`, `'`, `"`) in the forms
    /// pdf-extract reads: `'` and `"` become `T*` and `Tj` (after `Tw` and
    /// `Tc` for `"`), and `TJ` strings only kerning separates are joined.
    /// Without a font the text is dropped.
    fn show(&mut self, op: Operation, font: Option<Style>, out: &mut Vec<Operation>) {
        let operands = &op.operands;
        match op.operator.as_str() {
            "Tj" => {
                if let (Some(style), Some(Object::String(..))) = (font, operands.first()) {
                    self.shown(style, 1);
                    out.push(op);
                }
            }
            "TJ" => {
                if let (Some(style), Some(Object::Array(items))) = (font, operands.first()) {
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
                if let (Some(style), Some(s @ Object::String(..))) = (font, operands.first()) {
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
                if let (Some(style), s @ Object::String(..)) = (font, &operands[2]) {
                    self.shown(style, 1);
                    out.push(Operation::new("Tj", vec![s.clone()]));
                }
            }
            _ => {}
        }
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
}

/// A text-showing operator with its strings re-encoded by `map`.
fn recode_strings(mut op: Operation, map: &CodeMap) -> Operation {
    for operand in &mut op.operands {
        match operand {
            Object::String(bytes, _) => *bytes = map.recode(bytes),
            Object::Array(items) => {
                for item in items {
                    if let Object::String(bytes, _) = item {
                        *bytes = map.recode(bytes);
                    }
                }
            }
            _ => {}
        }
    }
    op
}

/// A text-state or positioning operator as it is kept (`BT`, `ET` and
/// `T*` without operands); None for any other operator and for bad operands.
fn text_state(op: Operation) -> Option<Operation> {
    let valid = match op.operator.as_str() {
        "BT" | "ET" | "T*" => return Some(Operation::new(&op.operator, vec![])),
        "Tm" => numbers::<6>(&op.operands).is_some(),
        "Td" | "TD" => numbers::<2>(&op.operands).is_some(),
        "Tc" | "Tw" | "Tz" | "TL" | "Ts" => numbers::<1>(&op.operands).is_some(),
        _ => false,
    };
    valid.then_some(op)
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
pub(super) fn rewritten_resources(
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
