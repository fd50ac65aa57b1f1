//! Page breaks: a table or a paragraph that runs over a page break is
//! joined with its rest on the next page.

use super::paragraphs::{ends_sentence, is_list_item};
use super::tables::{Col, add_to_cols, conflicts};
use super::{Block, Cell, Para, Row, Stats, TablePart};

/// Is `next` (the first row on a new page) the rest of `last` (the last row
/// on the page before), cut by the page break: no label of its own, and only
/// text under cells `last` has?
fn continues_row(last: &Row, next: &Row, cols: &[Col]) -> bool {
    let first_col = cols.first().map_or(f64::NEG_INFINITY, |c| c.x1);
    let label = |r: &Row| r.cells.first().is_some_and(|c| c.x0 < first_col);
    // A cell cut short: ends in a short lower-case word, a comma or a hyphen.
    let unfinished = |t: &str| {
        let t = t.trim_end();
        t.ends_with([',', '-'])
            || t.split_whitespace()
                .last()
                .is_some_and(|w| w.chars().count() <= 3 && w.chars().all(char::is_lowercase))
    };
    let above = |c: &Cell| last.cells.iter().find(|t| c.x0 < t.x1 && c.x1 > t.x0);
    label(last)
        && !label(next)
        && !next.cells.is_empty()
        && next.cells.iter().all(|c| above(c).is_some())
        && next
            .cells
            .iter()
            .any(|c| above(c).is_some_and(|t| unfinished(&t.text)))
}

/// Join a table or paragraph that runs over a page break.
pub(super) fn join_across_pages(blocks: &mut [Vec<Block>], stats: &Stats) {
    for p in 1..blocks.len() {
        let (head, tail) = blocks.split_at_mut(p);
        let Some(prev) = head.iter_mut().rev().find_map(|b| b.last_mut()) else {
            continue;
        };
        let Some(next) = tail[0].first() else {
            continue;
        };
        let joined = match (prev, next) {
            (Block::Table(a), Block::Table(b)) => join_tables(a, b, stats),
            (Block::Para(a), Block::Para(b)) => join_paras(a, b, stats),
            _ => false,
        };
        if joined {
            tail[0].remove(0);
        }
    }
}

/// Add the rows of `b` to `a` when the first rows of `b` fit the columns
/// of `a`; a first row that is the rest of the last row of `a` is merged
/// into it. Returns whether `b` was taken in.
fn join_tables(a: &mut TablePart, b: &TablePart, stats: &Stats) -> bool {
    let mut cols = Vec::new();
    for r in &a.rows {
        add_to_cols(&mut cols, r);
    }
    if !b.rows.iter().take(3).all(|r| !conflicts(&cols, r)) {
        return false;
    }
    let mut rows = b.rows.clone();
    if let (Some(last), Some(first)) = (a.rows.last_mut(), rows.first())
        && continues_row(last, first, &cols)
    {
        let first = rows.remove(0);
        for c in first.cells {
            if let Some(t) = last.cells.iter_mut().find(|t| c.x0 < t.x1 && c.x1 > t.x0) {
                t.text = stats.hyphens.join(&t.text, &c.text);
            }
        }
    }
    a.rows.extend(rows);
    true
}

/// Append `b` to `a` when `a` is body text that runs to the right margin
/// without ending its sentence, and `b` goes on in the same font (not as a
/// list item). Returns whether `b` was taken in.
fn join_paras(a: &mut Para, b: &Para, stats: &Stats) -> bool {
    let body = |s: f64| (s - stats.body).abs() < 0.6;
    let goes_on = body(a.size)
        && (a.size - b.size).abs() < 0.3
        && a.bold == b.bold
        && a.last_width >= 0.85 * stats.text_width
        && !ends_sentence(&a.text)
        && !is_list_item(&b.text);
    if goes_on {
        a.text = stats.hyphens.join(&a.text, &b.text);
        a.last_width = b.last_width;
    }
    goes_on
}
