//! Header rows, column labels and the alignment of short rows.
//!
//! **Header.** The header is the leading rows of the table's first block
//! that print something beyond the label cell and no number other than a
//! year. Stacked header rows are joined per column, top to bottom; a label
//! in an upper row ("Effektiviseringsbidrag") spans the following columns
//! whose upper cell is empty, up to the next label, so the columns read
//! "Effektiviseringsbidrag 2025" … "Effektiviseringsbidrag 2028". A header
//! cell that says only the unit and price level ("1.000 kr. 2025 p/l") is
//! the table's unit, not a column label. A table without any numeric row
//! has a one-row header.
//!
//! **Short rows.** The text converter drops the empty cells at the end of a
//! line, and a table continued on a new page loses its empty leading cells.
//! So a row with fewer cells than the table is wide is
//! - left-aligned in the first block (before any blank line): only trailing
//!   cells can have gone missing there;
//! - in later blocks, left-aligned when a first-block row had that same
//!   short shape, else aligned to the side where its numbers and texts land
//!   in columns that hold numbers and texts in the first block, right-aligned
//!   on a tie (a continued table's rows lose their leading cells).

use super::detect::{RawRow, join_hyphens};
use super::lexicon::is_meta_cell;
use super::number::{ParsedCell, is_year};
use crate::profile::TableWords;

/// A row placed in the table's columns.
#[derive(Debug, Clone)]
pub(crate) struct PlacedRow<'a> {
    /// The raw row.
    pub raw: RawRow<'a>,
    /// Cell text per column after the label column ("" for empty).
    pub texts: Vec<String>,
    /// Parsed cell per column.
    pub parsed: Vec<ParsedCell>,
}

impl PlacedRow<'_> {
    /// The row's label.
    pub fn label(&self) -> &str {
        self.raw.cells.first().map(String::as_str).unwrap_or("")
    }

    /// True when any cell holds a number.
    pub fn has_values(&self) -> bool {
        self.parsed.iter().any(ParsedCell::is_numeric)
    }

    /// True when no cell after the label has any text.
    pub fn is_bare(&self) -> bool {
        self.texts.iter().all(String::is_empty)
    }
}

/// The layout of a table: header rows, column labels, placed body rows.
#[derive(Debug, Clone)]
pub(crate) struct Layout<'a> {
    /// Header rows as printed.
    pub header: Vec<RawRow<'a>>,
    /// Labels of the columns after the first.
    pub columns: Vec<String>,
    /// For each column, the label of the header group spanning it from the
    /// left (None when the column's label stands alone).
    pub groups: Vec<Option<String>>,
    /// Body rows in columns.
    pub rows: Vec<PlacedRow<'a>>,
}

/// A row holding data: a number (not a year) after the label.
fn is_data_row(row: &RawRow, words: &TableWords) -> bool {
    let cells = row.cells.iter().zip(&row.parsed).skip(1);
    cells
        .into_iter()
        .any(|(c, p)| !is_year(c) && p.is_numeric() && !is_meta_cell(c, words))
}

/// How many leading rows form the header.
fn header_len(rows: &[RawRow], words: &TableWords) -> usize {
    if !rows.iter().any(|r| is_data_row(r, words)) {
        return usize::from(rows.first().is_some_and(|r| r.tabbed));
    }
    rows.iter()
        .take_while(|r| {
            r.block == 0
                && r.tabbed
                && r.cells.iter().skip(1).any(|c| !c.is_empty())
                && !is_data_row(r, words)
        })
        .count()
}

/// The header rows as a grid `width` cells wide, cells that only say the
/// unit and price level emptied.
fn header_grid(header: &[RawRow], width: usize, words: &TableWords) -> Vec<Vec<String>> {
    header
        .iter()
        .map(|r| {
            (0..width)
                .map(|c| {
                    let t = r.cells.get(c).cloned().unwrap_or_default();
                    if is_meta_cell(&t, words) {
                        String::new()
                    } else {
                        t
                    }
                })
                .collect()
        })
        .collect()
}

/// Column labels (and spanning group labels) from stacked header rows.
fn column_labels(
    header: &[RawRow],
    width: usize,
    words: &TableWords,
) -> (Vec<String>, Vec<Option<String>>) {
    let h = header.len();
    let grid = header_grid(header, width, words);
    let mut pieces: Vec<Vec<String>> = vec![Vec::new(); width];
    let mut groups: Vec<Option<String>> = vec![None; width];
    for (r, row) in grid.iter().enumerate() {
        let mut carry: Option<String> = None;
        for c in 1..width {
            let text = &row[c];
            if !text.is_empty() {
                pieces[c].push(text.clone());
                carry = (r + 1 < h).then(|| text.clone());
            } else if let Some(label) = &carry {
                if (r + 1..h).any(|rr| !grid[rr][c].is_empty()) {
                    pieces[c].push(label.clone());
                    groups[c] = Some(label.clone());
                } else {
                    carry = None;
                }
            }
        }
    }
    // The column that starts a spanning label belongs to its group too.
    for c in 1..width {
        if groups[c].is_none()
            && c + 1 < width
            && let Some(g) = &groups[c + 1]
            && pieces[c].first() == Some(g)
        {
            groups[c] = Some(g.clone());
        }
    }
    let columns = pieces[1..]
        .iter()
        .map(|p| join_hyphens(&p.join(" ")))
        .collect();
    (columns, groups[1..].to_vec())
}

/// Column profile of the first block: how many rows print a number / a text
/// in each column.
#[derive(Default)]
struct Profile {
    numbers: Vec<usize>,
    texts: Vec<usize>,
}

impl Profile {
    fn add(&mut self, row: &PlacedRow) {
        for (c, (t, p)) in row.texts.iter().zip(&row.parsed).enumerate() {
            if p.is_numeric() {
                self.numbers[c] += 1;
            } else if !t.is_empty() && !p.dash {
                self.texts[c] += 1;
            }
        }
    }

    /// How well cells placed from column `offset` fit the profile.
    fn fit(&self, cells: &[String], parsed: &[ParsedCell], offset: usize) -> i64 {
        let mut score = 0;
        for (k, (cell, parsed)) in cells.iter().zip(parsed).enumerate() {
            let c = offset + k;
            if cell.is_empty() || c >= self.numbers.len() {
                continue;
            }
            if parsed.dash {
                continue;
            }
            let (n, t) = (self.numbers[c], self.texts[c]);
            let agree = if parsed.is_numeric() { n > t } else { t > n };
            let disagree = if parsed.is_numeric() { t > n } else { n > t };
            score += i64::from(agree) - i64::from(disagree);
        }
        score
    }
}

/// Place a row's cells after the label in the table's columns (`width`
/// counts the label), from column `offset` on, with what they read as
/// (an empty slot reads as nothing).
fn place(mut raw: RawRow<'_>, offset: usize, width: usize) -> PlacedRow<'_> {
    let mut texts = vec![String::new(); width.saturating_sub(1)];
    let mut parsed = vec![ParsedCell::default(); width.saturating_sub(1)];
    let cells = raw.cells.iter().zip(std::mem::take(&mut raw.parsed));
    for (k, (cell, p)) in cells.skip(1).enumerate() {
        if let (Some(slot), Some(q)) = (texts.get_mut(offset + k), parsed.get_mut(offset + k)) {
            *slot = cell.clone();
            *q = p;
        }
    }
    PlacedRow { raw, texts, parsed }
}

/// How far right a body row's cells after the label are shifted: not at all
/// (left-aligned) unless it is a short tabbed row of a later block whose
/// shape no first-block row has, and its cells fit the first block's
/// `profile` at least as well right-aligned.
fn offset(raw: &RawRow, cols: usize, first_block_short: &[usize], profile: &Profile) -> usize {
    let n = raw.cells.len().saturating_sub(1);
    let right = cols.saturating_sub(n);
    let keep_left =
        raw.block == 0 || !raw.tabbed || n >= cols || first_block_short.contains(&raw.cells.len());
    if keep_left {
        return 0;
    }
    let (cells, parsed) = (&raw.cells[1..], &raw.parsed[1..]);
    if profile.fit(cells, parsed, right) >= profile.fit(cells, parsed, 0) {
        right
    } else {
        0
    }
}

/// Work out header, columns and the placement of every body row.
pub(crate) fn layout<'a>(rows: Vec<RawRow<'a>>, words: &TableWords) -> Layout<'a> {
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(1).max(1);
    let h = header_len(&rows, words);
    let mut rows = rows;
    let body_raw = rows.split_off(h);
    let header = rows;
    let (columns, groups) = column_labels(&header, width, words);
    let cols = width - 1;
    let mut profile = Profile {
        numbers: vec![0; cols],
        texts: vec![0; cols],
    };
    let first_block_short: Vec<usize> = body_raw
        .iter()
        .filter(|r| r.block == 0 && r.tabbed && r.cells.len() < width)
        .map(|r| r.cells.len())
        .collect();
    let mut placed: Vec<PlacedRow<'a>> = Vec::new();
    for raw in body_raw {
        // A page break may repeat the header.
        if raw.block > 0 && header.iter().any(|hr| hr.cells == raw.cells) {
            continue;
        }
        let offset = offset(&raw, cols, &first_block_short, &profile);
        let row = place(raw, offset, width);
        if row.raw.block == 0 {
            profile.add(&row);
        }
        placed.push(row);
    }
    Layout {
        header,
        columns,
        groups,
        rows: placed,
    }
}
