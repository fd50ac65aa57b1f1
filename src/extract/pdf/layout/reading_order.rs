//! Reading order of two-column pages: when many lines are two wide cells
//! either side of one gutter, each column is read top to bottom.

use super::{Cell, TLine};

/// Put a two-column page in reading order: when many lines are two wide
/// cells either side of one gutter, each column is read top to bottom, left
/// column first; lines across the gutter (titles) separate the sections.
pub(super) fn reading_order(lines: Vec<TLine>) -> Vec<TLine> {
    let Some(gutter) = find_gutter(&lines) else {
        return lines;
    };
    let mut out = Vec::with_capacity(lines.len() * 2);
    let (mut left, mut right): (Vec<TLine>, Vec<TLine>) = (Vec::new(), Vec::new());
    for line in lines {
        let crosses = line.cells.iter().any(|c| c.x0 < gutter && c.x1 > gutter);
        if crosses {
            out.append(&mut left);
            out.append(&mut right);
            out.push(line);
            continue;
        }
        let (l, r): (Vec<Cell>, Vec<Cell>) =
            line.cells.iter().cloned().partition(|c| c.x1 <= gutter);
        for (cells, side) in [(l, &mut left), (r, &mut right)] {
            if !cells.is_empty() {
                side.push(TLine {
                    cells,
                    ..line.clone()
                });
            }
        }
    }
    out.append(&mut left);
    out.append(&mut right);
    out
}

/// The x of the gutter of a two-column page, if it is one.
fn find_gutter(lines: &[TLine]) -> Option<f64> {
    let left = lines.iter().map(TLine::x0).fold(f64::INFINITY, f64::min);
    let right = lines
        .iter()
        .map(TLine::x1)
        .fold(f64::NEG_INFINITY, f64::max);
    let width = right - left;
    if lines.len() < 12 || width < 200.0 {
        return None;
    }
    let wide = |c: &Cell| c.x1 - c.x0 >= 0.28 * width;
    let mut mids: Vec<f64> = lines
        .iter()
        .filter(|l| l.cells.len() == 2 && wide(&l.cells[0]) && wide(&l.cells[1]))
        .map(|l| (l.cells[0].x1 + l.cells[1].x0) / 2.0)
        .collect();
    if mids.len() < 8 || (mids.len() as f64) < 0.3 * lines.len() as f64 {
        return None;
    }
    mids.sort_by(|a, b| a.total_cmp(b));
    let m = mids[mids.len() / 2];
    let near = mids.iter().filter(|&&x| (x - m).abs() < 15.0).count();
    let centred = (m - left) > 0.3 * width && (right - m) > 0.3 * width;
    (near as f64 >= 0.7 * mids.len() as f64 && centred).then_some(m)
}
