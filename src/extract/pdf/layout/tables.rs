//! Tables: a run of table lines is grouped into rows (bands), split where
//! the column layout changes, and rendered with its columns taken from the
//! x-extents of the cells (a cell that spans several columns is left out
//! of the projection).

use super::{Block, Cell, Row, TLine, TablePart, median_size, size_key};
use crate::extract::Dehyphenator;
use std::collections::HashMap;

/// The table runs of every page turned into tables: grouped into rows,
/// then split where the column layout changes.
/// Cell text broken over lines is joined by `hyphens`.
pub(super) fn build_tables(blocks: Vec<Vec<Block>>, hyphens: &Dehyphenator) -> Vec<Vec<Block>> {
    let banded = banded_sizes(&blocks);
    blocks
        .into_iter()
        .map(|page| {
            page.into_iter()
                .flat_map(|b| match b {
                    Block::Lines(run) => split_tables(rows_of(&run, &banded, hyphens))
                        .into_iter()
                        .map(|rows| Block::Table(TablePart { rows }))
                        .collect(),
                    other => vec![other],
                })
                .collect()
        })
        .collect()
}

/// Table font sizes whose tables leave clearly more space between rows than
/// between the lines of a cell (so lines a line-pitch apart share a row).
fn banded_sizes(blocks: &[Vec<Block>]) -> HashMap<i64, bool> {
    let mut counts: HashMap<i64, (usize, usize)> = HashMap::new();
    for block in blocks.iter().flatten() {
        if let Block::Lines(run) = block {
            let size = median_size(run);
            let entry = counts.entry(size_key(size)).or_default();
            for w in run.windows(2) {
                let g = w[1].y - w[0].y;
                if g >= 1.9 * size {
                    entry.0 += 1;
                } else if g >= 0.62 * size && g <= 1.45 * size {
                    entry.1 += 1;
                }
            }
        }
    }
    counts
        .into_iter()
        .map(|(k, (wide, _))| (k, wide >= 3))
        .collect()
}

/// Group a table's lines into rows: lines that overlap vertically always
/// share a row; lines a line-pitch apart share one when the document's
/// tables of this size separate their rows by clearly more.
fn rows_of(lines: &[TLine], banded: &HashMap<i64, bool>, hyphens: &Dehyphenator) -> Vec<Row> {
    let size = median_size(lines);
    let gaps: Vec<f64> = lines.windows(2).map(|w| w[1].y - w[0].y).collect();
    let small = |g: f64| g <= 1.45 * size;
    let has_wide = gaps.iter().any(|&g| g >= 1.9 * size);
    let all_small = gaps.iter().all(|&g| small(g));
    let bimodal = (has_wide && gaps.iter().any(|&g| small(g)))
        || (all_small && banded.get(&size_key(size)).copied().unwrap_or(false));
    let centred = centred_rows(lines, &gaps, size);
    let mut rows: Vec<Row> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let join = i > 0 && {
            let g = gaps[i - 1];
            centred[i] || (g >= 0.0 && (g < 0.62 * size || (bimodal && small(g))))
        };
        if !join || rows.is_empty() {
            rows.push(Row {
                page: line.page,
                cells: Vec::new(),
            });
        }
        let row = rows.last_mut().unwrap();
        add_line(row, line, hyphens);
    }
    rows
}

/// Lines that join the line before them because they are a wrapped label
/// in a vertically centred row: the values line sits halfway between the
/// label's two lines (label / values / label). `gaps` are the distances
/// between neighbouring lines.
fn centred_rows(lines: &[TLine], gaps: &[f64], size: f64) -> Vec<bool> {
    let mut centred = vec![false; lines.len()];
    for i in 1..lines.len().saturating_sub(1) {
        let (a, v, b) = (&lines[i - 1], &lines[i], &lines[i + 1]);
        let (g1, g2) = (gaps[i - 1], gaps[i]);
        let label_only = |l: &TLine| l.cells.len() == 1;
        if label_only(a)
            && label_only(b)
            && (a.x0() - b.x0()).abs() <= 2.0
            && v.x0() > a.x1().max(b.x1())
            && g1 > 0.0
            && g2 > 0.0
            && g1 <= 0.9 * size
            && g2 <= 0.9 * size
            && (g1 - g2).abs() <= 0.15 * size
            && (i < 2 || !centred[i - 1])
        {
            centred[i] = true;
            centred[i + 1] = true;
        }
    }
    centred
}

/// Add a line's cells to a row: a cell under one of the row's joins it.
fn add_line(row: &mut Row, line: &TLine, hyphens: &Dehyphenator) {
    for c in &line.cells {
        match row.cells.iter_mut().find(|r| c.x0 < r.x1 && c.x1 > r.x0) {
            Some(r) => {
                r.text = hyphens.join(&r.text, &c.text);
                r.x0 = r.x0.min(c.x0);
                r.x1 = r.x1.max(c.x1);
            }
            None => row.cells.push(c.clone()),
        }
    }
    row.cells.sort_by(|a, b| a.x0.total_cmp(&b.x0));
}

/// A column while rows are added: extent and number of cells.
#[derive(Debug, Clone)]
pub(super) struct Col {
    x0: f64,
    /// Right edge.
    pub(super) x1: f64,
    count: usize,
}

/// Add a row's cells to running columns.
pub(super) fn add_to_cols(cols: &mut Vec<Col>, row: &Row) {
    for c in &row.cells {
        let hits: Vec<usize> = (0..cols.len())
            .filter(|&k| c.x0 < cols[k].x1 && c.x1 > cols[k].x0)
            .collect();
        match hits.as_slice() {
            [] => cols.push(Col {
                x0: c.x0,
                x1: c.x1,
                count: 1,
            }),
            [k] => {
                let col = &mut cols[*k];
                col.x0 = col.x0.min(c.x0);
                col.x1 = col.x1.max(c.x1);
                col.count += 1;
            }
            [k, ..] => cols[*k].count += 1,
        }
    }
    cols.sort_by(|a, b| a.x0.total_cmp(&b.x0));
}

/// Does `row` break the layout of the columns built so far (a cell across two
/// established columns, or two cells in one)?
pub(super) fn conflicts(cols: &[Col], row: &Row) -> bool {
    let established: Vec<&Col> = cols.iter().filter(|c| c.count >= 2).collect();
    let mut used = vec![0usize; established.len()];
    for c in &row.cells {
        let hits: Vec<usize> = (0..established.len())
            .filter(|&k| c.x0 < established[k].x1 - 0.5 && c.x1 > established[k].x0 + 0.5)
            .collect();
        if hits.len() >= 2 {
            return true;
        }
        for k in hits {
            used[k] += 1;
            if used[k] >= 2 {
                return true;
            }
        }
    }
    false
}

/// Split rows into tables where the column layout changes.
fn split_tables(rows: Vec<Row>) -> Vec<Vec<Row>> {
    let mut tables: Vec<Vec<Row>> = Vec::new();
    let mut cols: Vec<Col> = Vec::new();
    for row in rows {
        if tables.is_empty() || conflicts(&cols, &row) {
            tables.push(Vec::new());
            cols.clear();
        }
        add_to_cols(&mut cols, &row);
        tables.last_mut().unwrap().push(row);
    }
    tables
}

/// The columns of a table: x-runs covered by cells, leaving out cells that
/// span a gap between other cells. Returns (x0, x1) per column.
fn columns(rows: &[Row]) -> Vec<(f64, f64)> {
    let cells: Vec<&Cell> = rows.iter().flat_map(|r| &r.cells).collect();
    if cells.is_empty() {
        return Vec::new();
    }
    let lo = cells.iter().map(|c| c.x0).fold(f64::INFINITY, f64::min);
    let hi = cells.iter().map(|c| c.x1).fold(f64::NEG_INFINITY, f64::max);
    const STEP: f64 = 0.5;
    let nbins = (((hi - lo) / STEP).ceil() as usize + 1).min(20_000);
    let bin = |x: f64| (((x - lo) / STEP) as usize).min(nbins - 1);
    let range = |c: &Cell| {
        let a = bin(c.x0);
        let b = bin(c.x1).max(a);
        a..=b
    };
    let mut cover = vec![0u32; nbins];
    for c in &cells {
        for k in range(c) {
            cover[k] += 1;
        }
    }
    let mut order: Vec<usize> = (0..cells.len()).collect();
    order.sort_by(|&a, &b| (cells[b].x1 - cells[b].x0).total_cmp(&(cells[a].x1 - cells[a].x0)));
    for i in order {
        let r = range(cells[i]);
        let (a, b) = (*r.start(), *r.end());
        // A bin only this cell covers, with others' cells on both sides.
        let shared = |k: &usize| cover[*k] >= 2;
        let first = (a..=b).find(shared);
        let last = (a..=b).rev().find(shared);
        let spans = match (first, last) {
            (Some(f), Some(l)) => (f..l).any(|k| cover[k] == 1),
            _ => false,
        };
        if spans {
            for c in &mut cover[a..=b] {
                *c -= 1;
            }
        }
    }
    let mut cols = Vec::new();
    let mut k = 0;
    while k < nbins {
        if cover[k] == 0 {
            k += 1;
            continue;
        }
        let start = k;
        while k < nbins && cover[k] > 0 {
            k += 1;
        }
        cols.push((lo + start as f64 * STEP, lo + k as f64 * STEP));
    }
    cols
}

/// Which column a cell belongs to.
fn column_of(cols: &[(f64, f64)], c: &Cell) -> usize {
    let overlap = |k: usize| (c.x1.min(cols[k].1) - c.x0.max(cols[k].0)).max(0.0);
    let mid = (c.x0 + c.x1) / 2.0;
    if let Some(k) = (0..cols.len()).find(|&k| mid >= cols[k].0 && mid <= cols[k].1) {
        return k;
    }
    if let Some(k) = (0..cols.len()).find(|&k| overlap(k) > 0.0) {
        return k;
    }
    (0..cols.len())
        .min_by(|&a, &b| {
            let d = |k: usize| (cols[k].0 - c.x0).abs();
            d(a).total_cmp(&d(b))
        })
        .unwrap_or(0)
}

/// A cell spanning several columns goes to the first one it overlaps.
fn first_column_of(cols: &[(f64, f64)], c: &Cell) -> usize {
    (0..cols.len())
        .find(|&k| c.x0 < cols[k].1 && c.x1 > cols[k].0)
        .unwrap_or_else(|| column_of(cols, c))
}

/// Render a table: one `\t`-joined line per row, every row as wide as the
/// table; also returns the number of columns.
pub(super) fn render_table(rows: &[Row]) -> (Vec<(u32, String)>, usize) {
    let mut cols = columns(rows);
    merge_unshared_columns(&mut cols, rows);
    let n = cols.len().max(1);
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut texts: Vec<String> = vec![String::new(); n];
        for c in &row.cells {
            let k = assign(&cols, c);
            if texts[k].is_empty() {
                texts[k] = c.text.clone();
            } else {
                texts[k] = format!("{} {}", texts[k], c.text);
            }
        }
        if texts.iter().all(|t| t.is_empty()) {
            continue;
        }
        // Trailing empty cells are dropped, as the text converter does: a
        // label-only row reads as a plain line ("Økonomiudvalget"), which
        // the table reader takes as a group row or the end of a label.
        out.push((row.page, texts.join("\t").trim_end().to_string()));
    }
    (out, n)
}

/// The column a cell is rendered in: the first it overlaps when it spans
/// several, else [`column_of`].
fn assign(cols: &[(f64, f64)], c: &Cell) -> usize {
    let n = cols.len().max(1);
    if cols
        .iter()
        .filter(|col| c.x0 < col.1 && c.x1 > col.0)
        .count()
        > 1
    {
        first_column_of(cols, c)
    } else {
        column_of(cols, c)
    }
    .min(n - 1)
}

/// Neighbouring columns no row fills both of, close together, are one
/// column (a header centred over a column or between two).
fn merge_unshared_columns(cols: &mut Vec<(f64, f64)>, rows: &[Row]) {
    loop {
        let mut merged = false;
        for k in 0..cols.len().saturating_sub(1) {
            if cols[k + 1].0 - cols[k].1 > 25.0 {
                continue;
            }
            let both = rows.iter().any(|r| {
                let ks: Vec<usize> = r.cells.iter().map(|c| assign(cols, c)).collect();
                ks.contains(&k) && ks.contains(&(k + 1))
            });
            if !both {
                cols[k].1 = cols[k + 1].1;
                cols.remove(k + 1);
                merged = true;
                break;
            }
        }
        if !merged {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(x0: f64, x1: f64, text: &str) -> Cell {
        Cell {
            x0,
            x1,
            text: text.into(),
        }
    }

    #[test]
    fn spanning_header_goes_to_its_first_column() {
        let rows = vec![
            Row {
                page: 1,
                cells: vec![cell(0.0, 40.0, "Udvalg"), cell(100.0, 220.0, "Effekt")],
            },
            Row {
                page: 1,
                cells: vec![cell(100.0, 120.0, "2025"), cell(200.0, 220.0, "2026")],
            },
            Row {
                page: 1,
                cells: vec![
                    cell(0.0, 30.0, "A"),
                    cell(105.0, 120.0, "1"),
                    cell(205.0, 220.0, "2"),
                ],
            },
        ];
        let lines: Vec<String> = render_table(&rows).0.into_iter().map(|(_, t)| t).collect();
        assert_eq!(lines, vec!["Udvalg\tEffekt", "\t2025\t2026", "A\t1\t2"]);
    }

    #[test]
    fn header_between_columns_joins_the_column_under_it() {
        let row = |cells: Vec<Cell>| Row { page: 1, cells };
        let rows = vec![
            row(vec![
                cell(80.0, 120.0, "Aktiviteter"),
                cell(313.0, 331.0, "2021"),
            ]),
            row(vec![cell(294.0, 308.0, "Okt"), cell(337.0, 353.0, "Nov")]),
        ];
        let lines: Vec<String> = render_table(&rows).0.into_iter().map(|(_, t)| t).collect();
        assert_eq!(lines, vec!["Aktiviteter\t2021", "\tOkt\tNov"]);
    }

    #[test]
    fn wrapped_label_around_centred_values_is_one_row() {
        let line = |y: f64, cells: Vec<Cell>| TLine {
            page: 1,
            y,
            size: 9.0,
            bold: false,
            cells,
        };
        let lines = vec![
            line(
                100.0,
                vec![cell(80.0, 248.0, "SOF-BCV sparer"), cell(256.0, 283.0, "x")],
            ),
            line(
                116.0,
                vec![cell(80.0, 248.0, "Tilbagebetalingstid baseret på")],
            ),
            line(122.0, vec![cell(335.0, 344.0, "11")]),
            line(128.0, vec![cell(80.0, 159.0, "Serviceeffektivisering")]),
        ];
        let rows = rows_of(&lines, &HashMap::new(), &Dehyphenator::default());
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[1].cells[0].text,
            "Tilbagebetalingstid baseret på Serviceeffektivisering"
        );
        assert_eq!(rows[1].cells[1].text, "11");
    }

    #[test]
    fn layout_change_splits_tables() {
        let row = |cells: Vec<Cell>| Row { page: 1, cells };
        let rows = vec![
            row(vec![cell(0.0, 40.0, "a"), cell(50.0, 90.0, "b")]),
            row(vec![cell(0.0, 30.0, "c"), cell(50.0, 80.0, "d")]),
            row(vec![cell(0.0, 70.0, "long label"), cell(100.0, 120.0, "e")]),
        ];
        assert_eq!(split_tables(rows).len(), 2);
    }
}
