//! Blocks: a page's lines split into table runs (multi-cell lines, plus the
//! single-cell lines that belong to them) and paragraphs.

use super::paragraphs::paragraphs;
use super::{Block, Stats, TLine, median_size};

/// The blocks of every page; a table a page ends with may go on at the top
/// of the next.
pub(super) fn document_blocks(lines: &[Vec<TLine>], stats: &Stats) -> Vec<Vec<Block>> {
    let mut blocks: Vec<Vec<Block>> = Vec::with_capacity(lines.len());
    let mut open_table: Option<f64> = None;
    for page_lines in lines {
        let page = page_blocks(page_lines, stats, open_table);
        open_table = match page.last() {
            Some(Block::Lines(run)) => Some(median_size(run)),
            _ => None,
        };
        blocks.push(page);
    }
    blocks
}

/// Split a page's lines into table runs and paragraphs. `open_table` is the
/// font size of a table the previous page ended with: small single-cell
/// lines at the top of this page continue it.
fn page_blocks(lines: &[TLine], stats: &Stats, open_table: Option<f64>) -> Vec<Block> {
    let n = lines.len();
    let in_table = table_lines(lines, stats, open_table);
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        if in_table[i] {
            while j < n
                && in_table[j]
                && lines[j].y > lines[j - 1].y
                && lines[j].y - lines[j - 1].y <= 5.0 * lines[j].size.max(lines[j - 1].size)
            {
                j += 1;
            }
            blocks.push(Block::Lines(lines[i..j].to_vec()));
        } else {
            while j < n && !in_table[j] {
                j += 1;
            }
            blocks.extend(paragraphs(&lines[i..j], stats).into_iter().map(Block::Para));
        }
        i = j;
    }
    blocks
}

/// Which of a page's lines belong to tables: multi-cell lines, the lines
/// at the top that continue the previous page's table (`open_table`: its
/// font size), and the single-cell lines table lines take in.
fn table_lines(lines: &[TLine], stats: &Stats, open_table: Option<f64>) -> Vec<bool> {
    let n = lines.len();
    let mut in_table: Vec<bool> = lines.iter().map(|l| l.cells.len() >= 2).collect();
    if let Some(size) = open_table {
        for (i, l) in lines.iter().enumerate() {
            let continues = (l.size - size).abs() <= 0.3
                && size < stats.body - 0.6
                && l.x1() - l.x0() < 0.7 * stats.text_width
                && (i == 0 || l.y - lines[i - 1].y <= 4.0 * size);
            if !continues {
                break;
            }
            in_table[i] = true;
        }
    }
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..n {
            if in_table[i] {
                continue;
            }
            let after = i > 0 && in_table[i - 1] && absorbs(&lines[i - 1], &lines[i], true, stats);
            let before =
                i + 1 < n && in_table[i + 1] && absorbs(&lines[i + 1], &lines[i], false, stats);
            if after || before {
                in_table[i] = true;
                changed = true;
            }
        }
    }
    in_table
}

/// Does the table line `t` take in the single-cell line `l` next to it
/// (`l_after`: `l` comes after `t`)?
fn absorbs(t: &TLine, l: &TLine, l_after: bool, stats: &Stats) -> bool {
    if l.cells.len() != 1 || (l.size - t.size).abs() > 0.6 {
        return false;
    }
    // Lines come in reading order: `l` below `t` when it follows it.
    let signed = if l_after { l.y - t.y } else { t.y - l.y };
    if signed < -0.62 * l.size.min(t.size) {
        return false;
    }
    let gap = signed.abs();
    // Lines that overlap vertically share a band (vertically centred cells).
    if gap < 0.62 * l.size.min(t.size) {
        return true;
    }
    let narrow = l.x1() - l.x0() < 0.7 * stats.text_width;
    // Small type next to a table: group rows, captions, wrapped cells.
    if l.size < stats.body - 0.6 && gap <= 4.0 * l.size && narrow {
        return true;
    }
    // A cell's next (or previous) line, a line pitch away, inside a cell.
    let aligned_later = t.cells.iter().skip(1).any(|c| (c.x0 - l.x0()).abs() <= 2.0);
    if gap <= 1.6 * l.size
        && t.cells.len() >= 2
        && t.cells
            .iter()
            .any(|c| l.x0() >= c.x0 - 2.0 && l.x0() <= c.x1)
        && (l_after || narrow || aligned_later)
    {
        return true;
    }
    // The next line of a wide cell in a column other than the first.
    if t.cells.len() == 1
        && gap <= 1.6 * l.size
        && (t.x0() - l.x0()).abs() <= 2.0
        && l.x0() > stats.text_left + 2.0 * l.size
    {
        return true;
    }
    // A row whose only cell starts under a column other than the first.
    gap <= 3.0 * l.size && aligned_later
}
