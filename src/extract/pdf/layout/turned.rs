//! Text turned against its page's body (margin notes, chart labels written
//! at 90°): read in its own direction, with its lines built and its
//! furniture (a note repeated on every page) removed as for the body, and
//! placed after the page's body so that it disturbs neither its paragraphs
//! nor its tables.

use super::blocks::document_blocks;
use super::furniture::remove_furniture;
use super::lines::build_lines;
use super::tables::build_tables;
use super::{Block, PageNumbers, Stats, TLine};
use crate::extract::pdf::glyphs::PageGlyphs;

/// Add the blocks of each page's turned text after its body's blocks: a
/// quarter turn first, then a half and three quarters. Turned text is
/// never a heading: its paragraphs are at most body size.
pub(super) fn add_turned(
    blocks: &mut [Vec<Block>],
    pages: &[PageGlyphs],
    page_numbers: &PageNumbers,
    stats: &Stats,
) {
    for turn in 0..3 {
        let turned: Vec<PageGlyphs> = pages
            .iter()
            .map(|p| match p.turned.get(turn) {
                Some(t) => t.clone(),
                None => PageGlyphs {
                    number: p.number,
                    ..PageGlyphs::default()
                },
            })
            .collect();
        if turned.iter().all(|p| p.glyphs.is_empty()) {
            continue;
        }
        let mut lines: Vec<Vec<TLine>> = turned.iter().map(|p| build_lines(p, stats)).collect();
        remove_furniture(&mut lines, &turned, page_numbers);
        let extra = build_tables(document_blocks(&lines, stats), &stats.hyphens);
        for (page, extra) in blocks.iter_mut().zip(extra) {
            page.extend(extra.into_iter().map(|b| match b {
                Block::Para(mut p) => {
                    p.size = p.size.min(stats.body);
                    Block::Para(p)
                }
                other => other,
            }));
        }
    }
}
