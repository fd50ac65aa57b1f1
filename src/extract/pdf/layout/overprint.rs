//! Glyphs drawn over each other on one baseline: a glyph repeated at
//! (almost) the same place (fake bold) is read once, a row of underscores
//! drawn over text is dropped, and other text runs (show operators) that
//! overlap are kept apart in layers (each read as a line of its own), so
//! that their letters do not interleave ("P__ro_t_o_k_o_l_l", "1122::3450").

use crate::extract::pdf::glyphs::Glyph;
use std::collections::{BTreeMap, HashSet};

/// How many later glyphs are compared with each glyph for overlaps.
const LOOKAHEAD: usize = 64;

/// The glyphs `members` (in x order) without those drawn twice at (almost)
/// the same place (fake bold): a double covers most of the glyph it
/// repeats, so narrow letters that follow each other closely ("ll" in a
/// condensed font or with tight spacing) are both kept.
pub(super) fn without_doubles<'g>(members: &[usize], g: &'g [Glyph]) -> Vec<&'g Glyph> {
    let mut kept: Vec<&Glyph> = Vec::with_capacity(members.len());
    for &i in members {
        let gl = &g[i];
        let dup = kept.iter().rev().take(4).any(|k| is_double(k, gl));
        if !dup {
            kept.push(gl);
        }
    }
    kept
}

/// `b` repeats `a`: the same text at (almost) the same place. Another
/// operator (overprinting) may be off by half the glyph's width; within one
/// operator, where the glyphs follow each other, only by a quarter.
fn is_double(a: &Glyph, b: &Glyph) -> bool {
    let width = ink_width(a).min(ink_width(b));
    let share = if a.op == b.op && a.op != 0 { 0.25 } else { 0.5 };
    let tol = (0.2 * b.size).min(share * width);
    a.text == b.text && (a.x - b.x).abs() < tol && (a.y - b.y).abs() < 0.2 * b.size
}

/// Width of a glyph's ink; a zero width (missing from the font) counts as
/// half an em.
pub(super) fn ink_width(gl: &Glyph) -> f64 {
    if gl.adv > 0.01 * gl.size {
        gl.adv
    } else {
        0.5 * gl.size
    }
}

/// A line's glyphs (in x order) split into layers, each in x order: runs
/// whose ink overlaps that of a run drawn before them go to a later layer;
/// runs of underscores over text are dropped. Without overlaps, one layer.
pub(super) fn layers(glyphs: Vec<&Glyph>) -> Vec<Vec<&Glyph>> {
    let clashes = clashes(&glyphs);
    if clashes.is_empty() {
        return vec![glyphs];
    }
    let rules = rules_over_text(&glyphs, &clashes);
    let mut ops: Vec<u32> = clashes
        .iter()
        .flat_map(|&(a, b)| [a, b])
        .filter(|op| !rules.contains(op))
        .collect();
    ops.sort_unstable();
    ops.dedup();
    // Each clashing run, in drawing order, goes to the first layer holding
    // no run it overlaps.
    let mut placed: Vec<Vec<u32>> = vec![Vec::new()];
    for op in ops {
        let free = placed.iter().position(|layer| {
            !layer
                .iter()
                .any(|&o| clashes.contains(&(o.min(op), o.max(op))))
        });
        match free {
            Some(l) => placed[l].push(op),
            None => placed.push(vec![op]),
        }
    }
    let layer_of = |op: u32| placed.iter().position(|l| l.contains(&op)).unwrap_or(0);
    let mut out: Vec<Vec<&Glyph>> = vec![Vec::new(); placed.len()];
    for gl in glyphs {
        if !rules.contains(&gl.op) {
            out[layer_of(gl.op)].push(gl);
        }
    }
    out.retain(|l| !l.is_empty());
    out
}

/// Pairs (smaller first) of operators whose ink overlaps: a glyph of one
/// covers at least half of a glyph of the other. Glyphs of unknown
/// operators and accents (often drawn on their own over a letter) do not
/// count, nor does a run that carries on from where the run drawn just
/// before it stopped (glyph widths can be wrong).
fn clashes(glyphs: &[&Glyph]) -> HashSet<(u32, u32)> {
    let ink: Vec<&Glyph> = glyphs
        .iter()
        .filter(|g| g.op != 0 && !g.is_space() && g.adv > 0.01 * g.size && !is_accent(&g.text))
        .copied()
        .collect();
    let mut out = HashSet::new();
    for (i, a) in ink.iter().enumerate() {
        for b in ink[i + 1..].iter().take(LOOKAHEAD) {
            if b.x >= a.end() {
                break;
            }
            let overlap = a.end().min(b.end()) - b.x;
            if a.op != b.op && overlap > 0.5 * a.adv.min(b.adv) {
                out.insert((a.op.min(b.op), a.op.max(b.op)));
            }
        }
    }
    if !out.is_empty() {
        let spans = spans(&ink);
        out.retain(|&(a, b)| !continues(&spans, a, b));
    }
    out
}

/// Per operator, the origins of its leftmost and rightmost glyphs.
fn spans(ink: &[&Glyph]) -> BTreeMap<u32, (f64, f64)> {
    let mut spans: BTreeMap<u32, (f64, f64)> = BTreeMap::new();
    for g in ink {
        let s = spans.entry(g.op).or_insert((g.x, g.x));
        s.0 = s.0.min(g.x);
        s.1 = s.1.max(g.x);
    }
    spans
}

/// Run `b` is the next one drawn after run `a` (`a` < `b`) and starts
/// at or beyond the origin of `a`'s last glyph.
fn continues(spans: &BTreeMap<u32, (f64, f64)>, a: u32, b: u32) -> bool {
    let next = spans.range(a + 1..).next();
    match (spans.get(&a), next) {
        (Some(sa), Some((&n, sb))) => n == b && sb.0 > sa.1 - 0.05,
        _ => false,
    }
}

/// Runs of underscores only that overlap a run with other text: rules
/// drawn as text under or over it.
fn rules_over_text(glyphs: &[&Glyph], clashes: &HashSet<(u32, u32)>) -> HashSet<u32> {
    let mut not_rule: HashSet<u32> = HashSet::new();
    let mut ops: HashSet<u32> = HashSet::new();
    for g in glyphs.iter().filter(|g| !g.is_space()) {
        ops.insert(g.op);
        if g.text.chars().any(|c| c != '_') {
            not_rule.insert(g.op);
        }
    }
    let rule = |op: &u32| ops.contains(op) && !not_rule.contains(op);
    clashes
        .iter()
        .flat_map(|&(a, b)| [(a, b), (b, a)])
        .filter(|(r, t)| rule(r) && !rule(t))
        .map(|(r, _)| r)
        .collect()
}

/// Accents, spacing or combining, which some producers draw on their own
/// over a letter.
fn is_accent(t: &str) -> bool {
    t.chars().all(|c| {
        matches!(
            c,
            '\u{0300}'..='\u{036F}'
                | '\u{1AB0}'..='\u{1AFF}'
                | '\u{1DC0}'..='\u{1DFF}'
                | '\u{20D0}'..='\u{20FF}'
                | '\u{FE20}'..='\u{FE2F}'
                | '¨'
                | '´'
                | '`'
                | '^'
                | '~'
                | '¸'
                | '¯'
                | '˚'
                | 'ˇ'
                | '˘'
                | '˙'
                | '˝'
                | 'ˆ'
                | '˜'
                | '˛'
        )
    })
}
