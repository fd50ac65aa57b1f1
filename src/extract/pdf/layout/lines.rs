//! Lines and cells from glyphs: glyphs are clustered into lines by
//! baseline, each line is split into cells at wide gaps that no space glyph
//! explains, and a list marker standing alone joins the text after it.
//! Text runs drawn over each other on one baseline make lines of their own
//! (see [`super::overprint`]).

use super::overprint::{ink_width, layers, without_doubles};
use super::{Cell, Stats, TLine};
use crate::extract::pdf::glyphs::{Glyph, PageGlyphs};
use crate::extract::{BOX_EMPTY, BOX_TICKED};
use std::collections::HashMap;

/// Characters that start a list item when they stand alone before text.
const BULLETS: &[char] = &[
    '•', '●', '▪', '■', '◦', '○', '–', '-', '·', '➢', '►', '▶', '❖', '◆', '♦', '*', '\u{F0B7}',
];

/// Cluster a page's glyphs into lines and split each line into cells.
pub(super) fn build_lines(page: &PageGlyphs, stats: &Stats) -> Vec<TLine> {
    let g = &page.glyphs;
    let mut order: Vec<usize> = (0..g.len()).collect();
    order.sort_by(|&a, &b| g[a].y.total_cmp(&g[b].y).then(g[a].x.total_cmp(&g[b].x)));
    // (baseline, size of the glyphs that set it, members)
    let mut groups: Vec<(f64, f64, Vec<usize>)> = Vec::new();
    for i in order {
        let gl = &g[i];
        let space = gl.is_space();
        let found = groups.iter_mut().rev().take(3).find(|grp| {
            let tol = 0.45 * grp.1.max(gl.size).min(2.0 * grp.1.min(gl.size));
            (gl.y - grp.0).abs() <= tol
        });
        match found {
            Some(grp) => {
                if !space && gl.size > grp.1 + 0.1 {
                    grp.0 = gl.y;
                    grp.1 = gl.size;
                }
                grp.2.push(i);
            }
            None => groups.push((gl.y, if space { gl.size * 0.5 } else { gl.size }, vec![i])),
        }
    }
    let mut lines: Vec<TLine> = groups
        .into_iter()
        .flat_map(|(y, _, members)| lines_from(page.number, y, members, g, stats))
        .collect();
    lines.sort_by(|a, b| a.y.total_cmp(&b.y));
    lines
}

/// The line(s) of the glyphs on one baseline: text runs drawn over each
/// other make lines of their own, in drawing order (see [`layers`]).
fn lines_from(
    page: u32,
    y: f64,
    mut members: Vec<usize>,
    g: &[Glyph],
    stats: &Stats,
) -> Vec<TLine> {
    members.sort_by(|&a, &b| g[a].x.total_cmp(&g[b].x));
    layers(without_doubles(&members, g))
        .iter()
        .filter_map(|layer| line_from(page, y, layer, stats))
        .collect()
}

/// One line from its glyphs (in x order).
fn line_from(page: u32, y: f64, glyphs: &[&Glyph], stats: &Stats) -> Option<TLine> {
    let mut splitter = CellSplitter::new(stats.cell_gap);
    let mut sizes: HashMap<i64, usize> = HashMap::new();
    let (mut bold, mut any) = (true, false);
    for &gl in glyphs {
        if gl.is_space() {
            splitter.space(gl);
            continue;
        }
        any = true;
        bold &= gl.bold;
        *sizes.entry((gl.size * 2.0).round() as i64).or_default() += 1;
        splitter.ink(gl);
    }
    if !any {
        return None;
    }
    let cells = tidy(splitter.finish());
    let size = sizes
        .iter()
        .max_by_key(|&(k, v)| (*v, *k))
        .map_or(stats.body, |(k, _)| *k as f64 / 2.0);
    (!cells.is_empty()).then_some(TLine {
        page,
        y,
        size,
        bold,
        cells,
    })
}

/// Cells with their white space collapsed, empty ones dropped and a list
/// marker standing alone merged.
fn tidy(mut cells: Vec<Cell>) -> Vec<Cell> {
    for c in &mut cells {
        c.text = c.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    cells.retain(|c| !c.text.is_empty());
    merge_list_marker(&mut cells);
    cells
}

/// Splits a line's glyphs, fed left to right, into cells.
struct CellSplitter<'g> {
    cells: Vec<Cell>,
    /// The open cell and the size of its last glyph.
    cur: Option<(Cell, f64)>,
    /// The previous glyph, spaces included.
    prev: Option<&'g Glyph>,
    /// A space glyph came since the last ink.
    pending_space: bool,
    /// Largest pen jump since the last ink (spaces can be placed far away too).
    chain_jump: f64,
    /// Gap (in ems) without a space glyph that separates cells.
    cell_gap: f64,
}

/// How an ink glyph joins the line.
enum Join {
    /// It starts a new cell.
    NewCell,
    /// It goes on the open cell, after a space or not.
    Append { space: bool },
}

impl<'g> CellSplitter<'g> {
    fn new(cell_gap: f64) -> Self {
        CellSplitter {
            cells: Vec::new(),
            cur: None,
            prev: None,
            pending_space: false,
            chain_jump: f64::NEG_INFINITY,
            cell_gap,
        }
    }

    /// A space glyph: it marks a word break and may move the pen.
    fn space(&mut self, gl: &'g Glyph) {
        self.pending_space = self.cur.is_some();
        if let Some(p) = self.prev {
            self.chain_jump = self.chain_jump.max(gl.x - expected_next(p));
        }
        self.prev = Some(gl);
    }

    /// An ink glyph: added to the open cell, or starting a new one.
    fn ink(&mut self, gl: &'g Glyph) {
        let join = match (&self.cur, self.prev) {
            (Some((cell, last_size)), Some(p)) => self.join(cell, *last_size, p, gl),
            _ => Join::NewCell,
        };
        match join {
            Join::NewCell => {
                if let Some((done, _)) = self.cur.take() {
                    self.cells.push(done);
                }
                self.cur = Some((start_cell(gl), gl.size));
            }
            Join::Append { space } => {
                if let Some((cell, last_size)) = self.cur.as_mut() {
                    if space && !cell.text.ends_with(' ') {
                        cell.text.push(' ');
                    }
                    cell.text.push_str(&gl.text);
                    cell.x1 = cell.x1.max(ink_end(gl));
                    *last_size = gl.size;
                }
            }
        }
        self.prev = Some(gl);
        self.pending_space = false;
        self.chain_jump = f64::NEG_INFINITY;
    }

    /// The cells, the open one closed.
    fn finish(mut self) -> Vec<Cell> {
        if let Some((cell, _)) = self.cur {
            self.cells.push(cell);
        }
        self.cells
    }

    /// How `gl` joins `cell` (whose last glyph had `last_size`), `p` being
    /// the glyph before it: a new cell after a gap wider than a word space
    /// (narrower within one operator, whose glyphs were laid out together,
    /// and after a space glyph), except right after a checkbox.
    fn join(&self, cell: &Cell, last_size: f64, p: &Glyph, gl: &Glyph) -> Join {
        let em = gl.size.max(last_size);
        // How far the pen jumped beyond where the previous glyph (or space)
        // left it, and the visible gap to the last ink.
        let jump = (gl.x - expected_next(p)).max(self.chain_jump);
        let gap = gl.x - cell.x1;
        let same_op = p.op == gl.op && gl.op != 0;
        let split = if self.pending_space {
            let limit = if same_op { 1.0 } else { 0.3 };
            jump > limit * em && gap > 0.5 * em
        } else {
            let limit = if same_op {
                self.cell_gap.max(1.0)
            } else {
                self.cell_gap
            };
            jump > limit * em && gap > 0.3 * em
        };
        if split && is_box(&cell.text) && gap < 2.5 * em {
            return Join::Append { space: true };
        }
        if split {
            return Join::NewCell;
        }
        Join::Append {
            space: self.pending_space || jump > 0.15 * em,
        }
    }
}

/// A lone checkbox.
fn is_box(t: &str) -> bool {
    let mut c = t.chars();
    matches!((c.next(), c.next()), (Some(BOX_TICKED | BOX_EMPTY), None))
}

/// A cell holding one glyph.
fn start_cell(gl: &Glyph) -> Cell {
    Cell {
        x0: gl.x,
        x1: ink_end(gl),
        text: gl.text.clone(),
    }
}

/// Right edge of a glyph; a zero width (missing from the font) counts as
/// half an em.
fn ink_end(gl: &Glyph) -> f64 {
    gl.x + ink_width(gl)
}

/// Where the glyph after `gl` should start if nothing moved the pen.
fn expected_next(gl: &Glyph) -> f64 {
    if gl.adv > 0.01 * gl.size || gl.is_space() {
        gl.next_x
    } else {
        gl.next_x + 0.5 * gl.size
    }
}

/// A bullet or item number standing in its own cell joins the text after it
/// (when that sits a tab stop away, not a table column away); bullets are
/// written `- `.
fn merge_list_marker(cells: &mut Vec<Cell>) {
    let Some(first) = cells.first() else { return };
    let t = first.text.trim().to_string();
    let close = cells.len() >= 2 && cells[1].x0 - cells[0].x1 < 40.0;
    let mut chars = t.chars();
    let single_bullet = match (chars.next(), chars.next()) {
        (Some(c), None) => BULLETS.contains(&c),
        _ => false,
    };
    if (single_bullet || is_item_number(&t)) && close {
        let next = cells.remove(1);
        let first = &mut cells[0];
        first.text = if single_bullet {
            format!("- {}", next.text)
        } else {
            format!("{t} {}", next.text)
        };
        first.x1 = next.x1;
        return;
    }
    // "• text" within one cell.
    if let Some(c) = t.chars().next()
        && BULLETS.contains(&c)
        && !matches!(c, '-' | '*' | '–' | '·')
        && t[c.len_utf8()..].starts_with(' ')
    {
        cells[0].text = format!("- {}", t[c.len_utf8()..].trim_start());
    }
}

/// "1." "12)" "a." "(3)"
pub(super) fn is_item_number(t: &str) -> bool {
    let t = t.strip_prefix('(').unwrap_or(t);
    let Some(body) = t.strip_suffix('.').or_else(|| t.strip_suffix(')')) else {
        return false;
    };
    (!body.is_empty() && body.len() <= 2 && body.chars().all(|c| c.is_ascii_digit()))
        || (body.len() == 1 && body.chars().all(|c| c.is_ascii_lowercase()))
}
