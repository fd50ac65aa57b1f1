//! Rebuilding text from glyph positions.
//!
//! The stages, in the order [`rebuild`] runs them, one module each:
//!
//! 1. [`lines`]: glyphs → lines (clustered by baseline) → cells (split at
//!    wide gaps that no space glyph explains); [`overprint`]: glyphs drawn
//!    twice read once, text runs drawn over each other kept apart.
//! 2. [`furniture`]: page furniture removed (text repeated at the same place
//!    on many pages, lone page numbers).
//! 3. [`reading_order`]: two-column pages read column by column.
//! 4. [`blocks`]: runs of multi-cell lines (plus the single-cell lines that
//!    belong to them) are tables, the rest are paragraphs ([`paragraphs`]:
//!    lines joined).
//! 5. [`tables`]: table rows built from bands (lines a line-pitch apart when
//!    the table separates rows by more, or lines that overlap vertically),
//!    tables split where the column layout changes, and columns taken from
//!    the x-extents of the cells (a cell that spans several columns is left
//!    out of the projection).
//! 6. [`page_breaks`]: a table or paragraph cut by a page break is joined
//!    when its layout goes on.
//! 7. [`turned`]: text turned against the page's body (margin notes, chart
//!    labels) read in its own direction, after the body of its page.
//! 8. [`output`]: headings ranked by size, paragraphs separated by empty
//!    lines except between list items.
//!
//! This module holds the types the stages share and the document-wide
//! measures (body size, line pitch, text column).

mod blocks;
mod furniture;
mod lines;
mod output;
mod overprint;
mod page_breaks;
mod paragraphs;
mod reading_order;
mod tables;
mod turned;

use super::glyphs::PageGlyphs;
use crate::extract::Line;
use blocks::document_blocks;
pub(super) use furniture::PageNumbers;
use furniture::remove_furniture;
use lines::build_lines;
use output::emit;
use page_breaks::join_across_pages;
use reading_order::reading_order;
use std::collections::HashMap;
use tables::build_tables;
use turned::add_turned;

/// A run of text in a line, separated from its neighbours by a wide gap.
#[derive(Debug, Clone)]
struct Cell {
    x0: f64,
    x1: f64,
    text: String,
}

/// A line: glyphs on one baseline.
#[derive(Debug, Clone)]
struct TLine {
    page: u32,
    y: f64,
    size: f64,
    bold: bool,
    cells: Vec<Cell>,
}

impl TLine {
    fn x0(&self) -> f64 {
        self.cells.first().map_or(0.0, |c| c.x0)
    }
    fn x1(&self) -> f64 {
        self.cells.last().map_or(0.0, |c| c.x1)
    }
    fn text(&self) -> String {
        let parts: Vec<&str> = self.cells.iter().map(|c| c.text.as_str()).collect();
        parts.join(" ")
    }
}

/// A table row: cells stacked from one or more lines.
#[derive(Debug, Clone)]
struct Row {
    page: u32,
    cells: Vec<Cell>,
}

/// A paragraph: lines joined.
#[derive(Debug, Clone)]
struct Para {
    page: u32,
    size: f64,
    bold: bool,
    text: String,
    /// Width of the last line.
    last_width: f64,
    /// x of the first line.
    x0: f64,
}

/// What a page is made of, in reading order.
#[derive(Debug, Clone)]
enum Block {
    Para(Para),
    /// The lines of a table, before they are grouped into rows.
    Lines(Vec<TLine>),
    Table(TablePart),
}

/// Rows of a table.
#[derive(Debug, Clone)]
struct TablePart {
    rows: Vec<Row>,
}

/// Document-wide measures.
struct Stats {
    /// Most common font size.
    body: f64,
    /// Gap (in ems) without a space glyph that separates cells.
    cell_gap: f64,
    /// Usual baseline distance per font size (key: size × 2, rounded).
    pitch: HashMap<i64, f64>,
    /// Width of the text column.
    text_width: f64,
    /// Left edge of the text column.
    text_left: f64,
    /// Heading sizes, largest first.
    heading_sizes: Vec<f64>,
    /// How pieces join across a line break (knows the document's hyphenated words).
    hyphens: crate::extract::Dehyphenator,
}

impl Stats {
    fn pitch(&self, size: f64) -> f64 {
        self.pitch
            .get(&((size * 2.0).round() as i64))
            .copied()
            .unwrap_or(size * 1.2)
    }
    fn heading_level(&self, size: f64) -> Option<u8> {
        if size < self.body + 1.0 {
            return None;
        }
        let rank = self
            .heading_sizes
            .iter()
            .position(|&s| (s - size).abs() < 0.3)
            .unwrap_or(self.heading_sizes.len());
        Some((rank + 1).min(6) as u8)
    }
}

/// Rebuild the lines of a document from its pages' glyphs.
/// Lines of the document, and the running header/footer lines left out of
/// its first page (cells joined by `\t`).
pub(super) fn rebuild(
    pages: &[PageGlyphs],
    page_numbers: &PageNumbers,
    hyphens: &crate::extract::Dehyphenator,
) -> (Vec<Line>, Vec<String>) {
    let (body, cell_gap) = glyph_stats(pages);
    let mut stats = Stats {
        body,
        cell_gap,
        pitch: HashMap::new(),
        text_width: 0.0,
        text_left: 0.0,
        heading_sizes: Vec::new(),
        hyphens: hyphens.clone(),
    };
    let mut lines: Vec<Vec<TLine>> = pages.iter().map(|p| build_lines(p, &stats)).collect();
    let furniture = remove_furniture(&mut lines, pages, page_numbers);
    for page_lines in &mut lines {
        let ordered = reading_order(std::mem::take(page_lines));
        *page_lines = ordered;
    }
    if std::env::var_os("REFERAT_PDF_DEBUG").is_some() {
        debug_lines(&lines);
    }
    line_stats(&lines, &mut stats);
    lines
        .iter()
        .flatten()
        .for_each(|l| stats.hyphens.learn(&l.text()));
    let mut blocks = build_tables(document_blocks(&lines, &stats), &stats.hyphens);
    join_across_pages(&mut blocks, &stats);
    add_turned(&mut blocks, pages, page_numbers, &stats);
    stats.heading_sizes = heading_sizes(&blocks, stats.body);
    (emit(&blocks, &stats), furniture)
}

/// Debugging aid: the lines with their cells' extents, on stderr.
fn debug_lines(lines: &[Vec<TLine>]) {
    for l in lines.iter().flatten() {
        let cells: Vec<String> = l
            .cells
            .iter()
            .map(|c| format!("[{:.0}-{:.0}]{}", c.x0, c.x1, c.text))
            .collect();
        eprintln!(
            "p{} y={:.1} s={} b={} | {}",
            l.page,
            l.y,
            l.size,
            l.bold,
            cells.join("  ")
        );
    }
}

/// Sizes of paragraphs at least a point larger than the body, to the half
/// point, largest first: the heading sizes.
fn heading_sizes(blocks: &[Vec<Block>], body: f64) -> Vec<f64> {
    let mut sizes: Vec<f64> = blocks
        .iter()
        .flatten()
        .filter_map(|b| match b {
            Block::Para(p) if p.size >= body + 1.0 => Some((p.size * 2.0).round() / 2.0),
            _ => None,
        })
        .collect();
    sizes.sort_by(|a, b| b.total_cmp(a));
    sizes.dedup();
    sizes
}

/// Body font size and the cell gap, from all glyphs.
fn glyph_stats(pages: &[PageGlyphs]) -> (f64, f64) {
    let mut sizes: HashMap<i64, usize> = HashMap::new();
    let (mut spaces, mut others) = (0usize, 0usize);
    for g in pages.iter().flat_map(|p| &p.glyphs) {
        if g.is_space() {
            spaces += 1;
        } else {
            others += 1;
            *sizes.entry((g.size * 2.0).round() as i64).or_default() += g.text.chars().count();
        }
    }
    let body = sizes
        .iter()
        .max_by_key(|&(k, v)| (*v, -*k))
        .map_or(10.0, |(k, _)| *k as f64 / 2.0);
    // With space glyphs, a gap that no space explains is a cell break sooner.
    let cell_gap = if spaces * 30 > others { 0.4 } else { 1.0 };
    (body, cell_gap)
}

/// Usual line pitch per size and the text column width.
fn line_stats(lines: &[Vec<TLine>], stats: &mut Stats) {
    let mut hist: HashMap<i64, HashMap<i64, usize>> = HashMap::new();
    let mut lefts = Vec::new();
    let mut rights = Vec::new();
    for page in lines {
        for w in page.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            if (a.size - b.size).abs() < 0.3 && a.cells.len() == 1 && b.cells.len() == 1 {
                let gap = b.y - a.y;
                if gap > 0.9 * a.size && gap < 2.0 * a.size {
                    *hist
                        .entry((a.size * 2.0).round() as i64)
                        .or_default()
                        .entry((gap * 10.0).round() as i64)
                        .or_default() += 1;
                }
            }
        }
        for l in page {
            if (l.size - stats.body).abs() < 0.3 && l.cells.len() == 1 {
                lefts.push(l.x0());
                rights.push(l.x1());
            }
        }
    }
    for (size, h) in hist {
        if let Some((gap, _)) = h.into_iter().max_by_key(|&(g, c)| (c, -g)) {
            stats.pitch.insert(size, gap as f64 / 10.0);
        }
    }
    let pct = |v: &mut Vec<f64>, q: f64| -> f64 {
        if v.is_empty() {
            return 0.0;
        }
        v.sort_by(|a, b| a.total_cmp(b));
        v[((v.len() - 1) as f64 * q) as usize]
    };
    let left = pct(&mut lefts, 0.1);
    let right = pct(&mut rights, 0.9);
    stats.text_width = (right - left).max(100.0);
    stats.text_left = left;
}

/// Median font size of some lines.
fn median_size(lines: &[TLine]) -> f64 {
    let mut s: Vec<f64> = lines.iter().map(|l| l.size).collect();
    s.sort_by(|a, b| a.total_cmp(b));
    s.get(s.len() / 2).copied().unwrap_or(10.0)
}

/// Key of a font size in maps.
fn size_key(size: f64) -> i64 {
    (size * 2.0).round() as i64
}
