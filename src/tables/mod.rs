//! Stage 4: numeric tables from tab-separated runs of lines.
//!
//! - `number`: a nom grammar for Danish numbers and table cells;
//! - `lexicon`: the profile's table words (captions, totals, units, price
//!   levels, notes) applied to text;
//! - `detect`: finding the runs of lines that form a table, its caption and
//!   notes;
//! - `align`: header rows, column labels, placing short rows;
//! - `checks`: arithmetic checks of totals.
//!
//! [`detect`] ties them together into the contract's [`Table`]s.

mod align;
mod checks;
mod detect;
mod lexicon;
mod number;

pub use number::{format_danish, parse_cell};

use crate::extract::Line;
use crate::profile::TableWords;
use crate::record::{Cell, Location, Row, RowRole, Table, Unit};
use align::PlacedRow;

/// Find the tables in a run of lines (an item, a proposal, or the document head).
///
/// Runs of tab-separated lines become tables with their caption, unit, price
/// level, column labels, rows, notes and total checks. Runs without a
/// caption and without a single number (checkbox grids, hearing lists) are
/// not tables. Never panics.
pub fn detect(lines: &[Line], words: &TableWords) -> Vec<Table> {
    detect_within(lines, words, &mut CellBudget::new(usize::MAX))
}

/// [`detect`] within a file's [`CellBudget`]: a tab-separated run whose
/// cells would overdraw the budget is left out (and recorded in the
/// budget); the others draw their cells from it.
pub fn detect_within(lines: &[Line], words: &TableWords, budget: &mut CellBudget) -> Vec<Table> {
    detect::find(lines, words, &mut budget.remaining)
        .into_iter()
        .filter_map(|region| {
            if region.too_large {
                budget.left_out.push(LeftOut {
                    location: location_of(region.first),
                    cells: region.cells,
                });
                return None;
            }
            build(region, words)
        })
        .collect()
}

/// How many table cells one file may still have, and the runs left out.
#[derive(Debug, Clone, PartialEq)]
pub struct CellBudget {
    /// Cells the file's tables may still take.
    pub remaining: usize,
    /// The budget at the start.
    pub limit: usize,
    /// Tab-separated runs left out because they would overdraw it.
    pub left_out: Vec<LeftOut>,
}

/// A tab-separated run left out of a file's tables.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeftOut {
    /// Where it starts.
    pub location: Location,
    /// Its cells.
    pub cells: usize,
}

impl CellBudget {
    /// A budget of `limit` cells.
    pub fn new(limit: usize) -> CellBudget {
        CellBudget {
            remaining: limit,
            limit,
            left_out: Vec::new(),
        }
    }
}

fn location_of(line: &Line) -> Location {
    Location {
        page: line.page,
        line: line.number,
    }
}

/// Roles of the body rows: totals by their label; a row without any cell
/// text is a group heading when the table opens with such a heading and the
/// next row has cells, otherwise a data row whose cells are all empty.
fn roles(rows: &[PlacedRow], words: &TableWords) -> Vec<RowRole> {
    let headings = rows.first().is_some_and(PlacedRow::is_bare);
    (0..rows.len())
        .map(|i| {
            let row = &rows[i];
            if lexicon::is_total(row.label(), words) {
                RowRole::Total
            } else if headings && row.is_bare() && rows.get(i + 1).is_some_and(|n| !n.is_bare()) {
                RowRole::Group
            } else {
                RowRole::Data
            }
        })
        .collect()
}

/// The table of a region, or `None` when it has neither a caption nor a
/// number.
fn build(region: detect::Region, words: &TableWords) -> Option<Table> {
    let location = location_of(region.rows.first()?.line);
    let layout = align::layout(region.rows, words);
    let numeric = layout.rows.iter().any(PlacedRow::has_values);
    if region.caption.is_none() && !numeric {
        return None;
    }
    let header_texts = layout.header.iter().flat_map(|r| r.cells.iter());
    let texts: Vec<&String> = header_texts.chain(region.caption.iter()).collect();
    let unit = unit(&texts, words);
    let price_level = texts
        .iter()
        .find_map(|t| lexicon::find_price_level(t, words))
        .map(|(y, _)| y);
    let roles = roles(&layout.rows, words);
    let checks = checks::checks(&layout.rows, &roles, &layout.columns, &layout.groups, words);
    let rows = layout
        .rows
        .into_iter()
        .zip(&roles)
        .map(|(row, role)| record_row(row, *role))
        .collect();
    Some(Table {
        caption: region.caption,
        unit,
        price_level,
        columns: layout.columns,
        rows,
        notes: region.notes,
        checks,
        location,
    })
}

/// The table's unit: the longest (the first of equals) that the header
/// cells or the caption name, in the profile's currency.
fn unit(texts: &[&String], words: &TableWords) -> Option<Unit> {
    texts
        .iter()
        .filter_map(|t| lexicon::find_unit(t, words))
        .fold(None::<lexicon::UnitMatch>, |best, u| match best {
            Some(b) if b.text.len() >= u.text.len() => Some(b),
            _ => Some(u),
        })
        .map(|u| Unit {
            text: u.text,
            scale: u.scale,
            currency: words.currency.clone(),
        })
}

/// A body row as the record gives it: label, a cell per column (`None`
/// when empty), role.
fn record_row(row: PlacedRow, role: RowRole) -> Row {
    let location = Location {
        page: row.raw.line.page,
        line: row.raw.line.number,
    };
    Row {
        location,
        label: row.raw.cells.into_iter().next().unwrap_or_default(),
        cells: row
            .texts
            .into_iter()
            .zip(row.parsed)
            .map(|(t, p)| {
                (!t.is_empty()).then(|| Cell {
                    values: p.values(),
                    footnotes: p.footnotes,
                    raw: t,
                })
            })
            .collect(),
        role,
    }
}
