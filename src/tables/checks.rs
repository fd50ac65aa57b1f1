//! Arithmetic checks of total rows and total columns.
//!
//! # Which rows a total covers
//!
//! Tables do not say which rows a total sums, so each total row is tried
//! against a short list of readings, in this order, and the first reading
//! that agrees in every column is taken:
//!
//! 1. **category** — when the total prints a text in some column (the
//!    "Styringsområde" `Anlæg`), the data rows of its *pool* with the same
//!    text there. The pool is the rows since the last total above the run
//!    of totals directly over this one (and since the group heading): the
//!    rows that run and this total split between them;
//! 2. **section** — the data rows since the previous total or group heading;
//! 3. **since total** — the data rows since the previous total;
//! 4. **run** — the run of totals directly above it, those not already summed
//!    by another total: "Samlet varig ændring" over
//!    "Samlet varig ændring, service";
//! 5. **subtotals** — all totals above it not already summed by another:
//!    "Samlet økonomisk påvirkning" over "Samlet varig ændring" and
//!    "Samlede implementeringsomkostninger";
//! 6. **all rows** — every data row above it;
//! 7. **subset** — failing those, the first smallest set of rows of its pool
//!    (at most [`MAX_SUBSET_POOL`] rows) that agrees in every column, when
//!    the total prints at least [`MIN_SUBSET_COLUMNS`] numbers: subtotals of
//!    interleaved rows ("…, service SOF" over the SOF rows only).
//!
//! Neighbouring totals that none of these explains and that share a label
//! stem ("…, service (SOF)", "…, service (BUF)") split their pool between
//! them (a row may be shared out between them); they are checked together,
//! as one row "A + B", against the pool. Any other total is checked against
//! the reading that agrees in the most columns (the first on ties), and the
//! columns where it disagrees are reported as mismatches. A reading must
//! agree in every column, and also put (near) zero where the total prints
//! nothing.
//!
//! A total column (its label a total word, e.g. "I alt") sums the columns
//! directly to its left that share its header group.
//!
//! # Tolerance
//!
//! Printed numbers are rounded to their last printed digit, so each is off
//! from the true value by at most half a unit of that digit `u`. A printed
//! total of `n` printed summands may therefore differ from their sum by up
//! to `(n + 1) · u / 2` without any error in the source; a check is `ok`
//! when `|expected − found|` is within that bound. (`u` is 1 for whole
//! numbers, 0,01 when two decimals are printed, and so on.)

use super::align::PlacedRow;
use super::lexicon::is_total;
use super::number::ParsedCell;
use crate::profile::TableWords;
use crate::record::{Check, RowRole};

/// Largest pool of rows searched for a subset that a total sums.
pub const MAX_SUBSET_POOL: usize = 12;

/// The value a cell contributes: `Err` when it cannot be summed (several
/// numbers), `Ok(None)` when empty, text or a dash.
fn amount(p: &ParsedCell) -> Result<Option<(f64, u32)>, ()> {
    match p.numbers.as_slice() {
        [] => Ok(None),
        [n] => Ok(Some((n.value, n.decimals))),
        _ => Err(()),
    }
}

/// Allowed difference between a printed total and the sum of `summands`
/// printed numbers with at most `decimals` decimals.
pub fn tolerance(summands: usize, decimals: u32) -> f64 {
    0.5 * 10f64.powi(-(decimals as i32)) * (summands as f64 + 1.0)
}

fn round_to(v: f64, decimals: u32) -> f64 {
    let f = 10f64.powi(decimals as i32);
    let r = (v * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}

/// One column of one total compared with a set of rows.
struct ColumnResult {
    column: usize,
    expected: f64,
    found: f64,
    ok: bool,
}

/// The sum of the cells of one column over some rows.
struct Sum {
    value: f64,
    /// How many cells printed a number.
    n: usize,
    /// Most decimals printed.
    decimals: u32,
}

impl Sum {
    /// Sum `cells` in order, keeping the most decimals printed (at least
    /// `decimals`); `None` when a cell cannot be summed.
    fn of<'p>(cells: impl IntoIterator<Item = &'p ParsedCell>, decimals: u32) -> Option<Sum> {
        let mut sum = Sum {
            value: 0.0,
            n: 0,
            decimals,
        };
        for p in cells {
            if let Some((v, d)) = amount(p).ok()? {
                sum.value += v;
                sum.n += 1;
                sum.decimals = sum.decimals.max(d);
            }
        }
        Some(sum)
    }
}

/// The cells of rows `set` in column `c`.
fn column<'p>(
    rows: &'p [PlacedRow],
    set: &'p [usize],
    c: usize,
) -> impl Iterator<Item = &'p ParsedCell> {
    set.iter().map(move |&r| &rows[r].parsed[c])
}

/// One column of total row `t` beside the sum of the rows of a set: what
/// the total prints there (None: empty) and the sum with its tolerance.
struct ColumnSum {
    column: usize,
    found: Option<f64>,
    sum: Sum,
    tol: f64,
}

impl ColumnSum {
    /// The sum matches what the total prints (near zero where it is empty).
    fn agrees(&self) -> bool {
        (self.sum.value - self.found.unwrap_or(0.0)).abs() <= self.tol + 1e-9
    }
}

/// The columns of row `t` that can be compared with the sum of rows `set`:
/// those where the total is a number or empty and the set has a sum.
fn column_sums<'a>(
    rows: &'a [PlacedRow],
    t: usize,
    set: &'a [usize],
) -> impl Iterator<Item = ColumnSum> + 'a {
    (0..rows[t].parsed.len()).filter_map(move |c| {
        let total = amount(&rows[t].parsed[c]).ok()?;
        let sum = Sum::of(column(rows, set, c), total.map_or(0, |(_, d)| d))?;
        let tol = tolerance(sum.n, sum.decimals);
        Some(ColumnSum {
            column: c,
            found: total.map(|(v, _)| v),
            sum,
            tol,
        })
    })
}

/// Compare row `t` with the sum of rows `set`, column by column. Returns the
/// checks for columns where the total prints a number and whether the set
/// agrees everywhere (including near-zero where the total is empty).
fn evaluate(rows: &[PlacedRow], t: usize, set: &[usize]) -> (Vec<ColumnResult>, bool) {
    let mut out = Vec::new();
    let mut all_ok = true;
    let mut any_summand = false;
    for col in column_sums(rows, t, set) {
        any_summand |= col.sum.n > 0;
        let ok = col.agrees();
        all_ok &= ok;
        if let Some(found) = col.found {
            out.push(ColumnResult {
                column: col.column,
                expected: round_to(col.sum.value, col.sum.decimals),
                found,
                ok,
            });
        }
    }
    let agrees = all_ok && any_summand && !out.is_empty();
    (out, agrees)
}

fn is_data(rows: &[PlacedRow], roles: &[RowRole], i: usize) -> bool {
    roles[i] == RowRole::Data && rows[i].has_values()
}

/// Where the rows a total may cover start.
struct Bounds {
    /// First row after the previous total (0 when none).
    after_total: usize,
    /// First row after the previous group heading (0 when none).
    section: usize,
    /// First row of the run of totals directly above `t` (`t` when none).
    run: usize,
    /// First row after the last total above that run, within the section:
    /// the rows that the run of totals and `t` split between them.
    pool: usize,
}

fn bounds(roles: &[RowRole], t: usize) -> Bounds {
    let after = |k: Option<usize>| k.map_or(0, |k| k + 1);
    let is_total = |k: &usize| roles[*k] == RowRole::Total;
    let section = after((0..t).rev().find(|&k| roles[k] == RowRole::Group));
    let run = (0..t).rev().take_while(is_total).last().unwrap_or(t);
    Bounds {
        after_total: after((0..t).rev().find(is_total)),
        section,
        run,
        pool: after((0..run).rev().find(is_total)).max(section),
    }
}

/// The data rows in `from..t`.
fn data_rows(rows: &[PlacedRow], roles: &[RowRole], from: usize, t: usize) -> Vec<usize> {
    (from..t).filter(|&k| is_data(rows, roles, k)).collect()
}

/// Candidate readings of total `t`, in order of preference (see the module
/// documentation).
fn readings(rows: &[PlacedRow], roles: &[RowRole], t: usize, covered: &[bool]) -> Vec<Vec<usize>> {
    let b = bounds(roles, t);
    let top_in = |from: usize| -> Vec<usize> {
        (from..t)
            .filter(|&k| roles[k] == RowRole::Total && !covered[k])
            .collect()
    };
    let mut out = Vec::new();
    for (c, text) in rows[t].texts.iter().enumerate() {
        if !text.is_empty() && !rows[t].parsed[c].is_numeric() && !rows[t].parsed[c].dash {
            let set: Vec<usize> = data_rows(rows, roles, b.pool, t)
                .into_iter()
                .filter(|&k| rows[k].texts[c] == *text)
                .collect();
            out.push(set);
        }
    }
    out.push(data_rows(rows, roles, b.after_total.max(b.section), t));
    out.push(data_rows(rows, roles, b.after_total, t));
    out.push(top_in(b.run));
    out.push(top_in(0));
    out.push(data_rows(rows, roles, 0, t));
    out
}

/// Fewest columns a total must print for a subset reading to count: one
/// column alone is too easy to match by chance.
pub const MIN_SUBSET_COLUMNS: usize = 2;

/// The first of the smallest subsets of `pool` that `t` sums. Two subsets
/// that both agree give the same sums, so which one is taken does not
/// change the check.
fn subset(rows: &[PlacedRow], t: usize, pool: &[usize]) -> Option<Vec<usize>> {
    if pool.is_empty() || pool.len() > MAX_SUBSET_POOL {
        return None;
    }
    let n = pool.len();
    let mut masks: Vec<u32> = (1..(1u32 << n)).collect();
    masks.sort_by_key(|m| (m.count_ones(), *m));
    let mut set = Vec::with_capacity(n);
    masks.into_iter().find_map(|m| {
        set.clear();
        set.extend((0..n).filter(|b| m & (1 << b) != 0).map(|b| pool[b]));
        let (checked, ok) = agreement(rows, t, &set);
        (ok && checked >= MIN_SUBSET_COLUMNS).then(|| set.clone())
    })
}

/// What [`evaluate`] finds, without the column results: how many columns
/// it would check, and whether the set agrees everywhere.
fn agreement(rows: &[PlacedRow], t: usize, set: &[usize]) -> (usize, bool) {
    let (mut checked, mut any_summand) = (0, false);
    for col in column_sums(rows, t, set) {
        any_summand |= col.sum.n > 0;
        checked += usize::from(col.found.is_some());
        if !col.agrees() {
            return (checked, false);
        }
    }
    (checked, any_summand && checked > 0)
}

/// Labels of two totals share a stem of two or more words and neither is a
/// prefix of the other ("…, service (SOF)" / "…, service (BUF)").
fn siblings(a: &str, b: &str) -> bool {
    if a == b || a.starts_with(b) || b.starts_with(a) {
        return false;
    }
    let (wa, wb): (Vec<&str>, Vec<&str>) = (
        a.split_whitespace().collect(),
        b.split_whitespace().collect(),
    );
    let common = wa.iter().zip(&wb).take_while(|(x, y)| x == y).count();
    common >= 2
}

/// The checks found so far, each with its row and column for the final
/// order.
struct Found<'c> {
    /// Column labels, for naming a check's column.
    columns: &'c [String],
    checks: Vec<(usize, usize, Check)>,
}

impl Found<'_> {
    /// Record the column results of row `row` as checks labelled `label`.
    fn push(&mut self, row: usize, label: &str, res: &[ColumnResult]) {
        for r in res {
            let check = Check {
                row: label.to_string(),
                column: self.columns.get(r.column).cloned().unwrap_or_default(),
                expected: r.expected,
                found: r.found,
                ok: r.ok,
            };
            self.checks.push((row, r.column, check));
        }
    }

    /// The checks in table order: by row, then column.
    fn into_sorted(mut self) -> Vec<Check> {
        self.checks.sort_by_key(|(r, c, _)| (*r, *c));
        self.checks.into_iter().map(|(_, _, c)| c).collect()
    }
}

/// All checks of a table's total rows and total columns.
pub(crate) fn checks(
    rows: &[PlacedRow],
    roles: &[RowRole],
    columns: &[String],
    groups: &[Option<String>],
    words: &TableWords,
) -> Vec<Check> {
    let mut found = Found {
        columns,
        checks: Vec::new(),
    };
    let unresolved = check_total_rows(rows, roles, &mut found);
    check_unresolved(rows, roles, &unresolved, &mut found);
    check_total_columns(rows, columns, groups, words, &mut found);
    found.into_sorted()
}

/// Check each total row that prints a number against the first reading that
/// agrees in every column. Returns the totals no reading explains, each with
/// its closest reading.
fn check_total_rows(
    rows: &[PlacedRow],
    roles: &[RowRole],
    found: &mut Found,
) -> Vec<(usize, Vec<usize>)> {
    let mut covered = vec![false; rows.len()];
    let mut unresolved = Vec::new();
    for t in (0..rows.len()).filter(|&t| roles[t] == RowRole::Total) {
        if !rows[t].has_values() {
            continue;
        }
        let cands = readings(rows, roles, t, &covered);
        match agreeing_reading(rows, roles, t, &cands) {
            Some(set) => {
                let (res, _) = evaluate(rows, t, &set);
                found.push(t, rows[t].label(), &res);
                for k in set {
                    covered[k] = true;
                }
            }
            None => unresolved.push((t, closest_reading(rows, t, cands))),
        }
    }
    unresolved
}

/// The first of the readings `cands` of total `t` that agrees in every
/// column, else the first smallest subset of its pool that does.
fn agreeing_reading(
    rows: &[PlacedRow],
    roles: &[RowRole],
    t: usize,
    cands: &[Vec<usize>],
) -> Option<Vec<usize>> {
    cands
        .iter()
        .filter(|s| !s.is_empty())
        .find(|s| evaluate(rows, t, s).1)
        .cloned()
        .or_else(|| subset(rows, t, &data_rows(rows, roles, bounds(roles, t).pool, t)))
}

/// The reading of total `t` that agrees in the most columns (the first on
/// ties): it names the mismatches. Empty when every reading is.
fn closest_reading(rows: &[PlacedRow], t: usize, cands: Vec<Vec<usize>>) -> Vec<usize> {
    let mut primary: Vec<usize> = Vec::new();
    let mut best = None;
    for set in cands.into_iter().filter(|s| !s.is_empty()) {
        let agree = evaluate(rows, t, &set).0.iter().filter(|r| r.ok).count();
        if best.is_none_or(|b| agree > b) {
            best = Some(agree);
            primary = set;
        }
    }
    primary
}

/// Check the totals no reading explains: neighbouring siblings together, as
/// one row "A + B", against the pool they split; any other total against its
/// closest reading.
fn check_unresolved(
    rows: &[PlacedRow],
    roles: &[RowRole],
    unresolved: &[(usize, Vec<usize>)],
    found: &mut Found,
) {
    let mut k = 0;
    while k < unresolved.len() {
        let (t, primary) = &unresolved[k];
        let group = sibling_run(rows, &unresolved[k..]);
        if group.len() >= 2 {
            let pool = data_rows(rows, roles, bounds(roles, *t).pool, *t);
            let (res, ok) = evaluate_partition(rows, &group, &pool);
            if ok || !res.is_empty() {
                let label = group
                    .iter()
                    .map(|&g| rows[g].label())
                    .collect::<Vec<_>>()
                    .join(" + ");
                found.push(*t, &label, &res);
                k += group.len();
                continue;
            }
        }
        let (res, _) = evaluate(rows, *t, primary);
        found.push(*t, rows[*t].label(), &res);
        k += 1;
    }
}

/// The first of the `unresolved` totals and those directly below it, each
/// a sibling of the one above.
fn sibling_run(rows: &[PlacedRow], unresolved: &[(usize, Vec<usize>)]) -> Vec<usize> {
    let mut group = vec![unresolved[0].0];
    for (next, _) in &unresolved[1..] {
        let last = group[group.len() - 1];
        if *next == last + 1 && siblings(rows[last].label(), rows[*next].label()) {
            group.push(*next);
        } else {
            break;
        }
    }
    group
}

/// Check every total column (its label a total word) row by row against
/// the columns it sums.
fn check_total_columns(
    rows: &[PlacedRow],
    columns: &[String],
    groups: &[Option<String>],
    words: &TableWords,
    found: &mut Found,
) {
    for c in (0..columns.len()).filter(|&c| is_total(&columns[c], words)) {
        let summands = column_summands(rows, columns, groups, c, words);
        if summands.is_empty() {
            continue;
        }
        for (r, row) in rows.iter().enumerate() {
            if let Some(res) = row_total(row, c, &summands) {
                found.push(r, row.label(), &[res]);
            }
        }
    }
}

/// The columns total column `c` sums: those directly to its left in its
/// header group, up to another total column, that hold a number somewhere.
fn column_summands(
    rows: &[PlacedRow],
    columns: &[String],
    groups: &[Option<String>],
    c: usize,
    words: &TableWords,
) -> Vec<usize> {
    (0..c)
        .rev()
        .take_while(|&k| groups[k] == groups[c] && !is_total(&columns[k], words))
        .filter(|&k| rows.iter().any(|r| r.parsed[k].is_numeric()))
        .collect()
}

/// Compare the total `row` prints in column `c` with the sum of its cells
/// in `summands`; `None` when there is nothing to compare.
fn row_total(row: &PlacedRow, c: usize, summands: &[usize]) -> Option<ColumnResult> {
    let Ok(Some((total, d))) = amount(&row.parsed[c]) else {
        return None;
    };
    let sum = Sum::of(summands.iter().map(|&k| &row.parsed[k]), d)?;
    (sum.n > 0).then(|| ColumnResult {
        column: c,
        expected: round_to(sum.value, sum.decimals),
        found: total,
        ok: (sum.value - total).abs() <= tolerance(sum.n, sum.decimals) + 1e-9,
    })
}

/// Compare the sum of sibling totals with the sum of the rows they split.
fn evaluate_partition(
    rows: &[PlacedRow],
    group: &[usize],
    pool: &[usize],
) -> (Vec<ColumnResult>, bool) {
    let mut out = Vec::new();
    let mut all_ok = !pool.is_empty();
    for c in 0..rows[group[0]].parsed.len() {
        let Some(totals) = Sum::of(column(rows, group, c), 0) else {
            continue;
        };
        let Some(parts) = Sum::of(column(rows, pool, c), totals.decimals) else {
            continue;
        };
        if totals.n == 0 {
            continue;
        }
        let (n, decimals) = (totals.n + parts.n, parts.decimals);
        let ok =
            (parts.value - totals.value).abs() <= tolerance(n.saturating_sub(1), decimals) + 1e-9;
        all_ok &= ok;
        out.push(ColumnResult {
            column: c,
            expected: round_to(parts.value, decimals),
            found: round_to(totals.value, decimals),
            ok,
        });
    }
    (out, all_ok)
}
