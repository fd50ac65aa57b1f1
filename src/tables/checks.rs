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

/// Compare row `t` with the sum of rows `set`, column by column. Returns the
/// checks for columns where the total prints a number and whether the set
/// agrees everywhere (including near-zero where the total is empty).
fn evaluate(rows: &[PlacedRow], t: usize, set: &[usize]) -> (Vec<ColumnResult>, bool) {
    let mut out = Vec::new();
    let mut all_ok = true;
    let mut any_summand = false;
    for c in 0..rows[t].parsed.len() {
        let Ok(total) = amount(&rows[t].parsed[c]) else {
            continue;
        };
        let mut sum = 0.0;
        let mut n = 0;
        let mut decimals = total.map_or(0, |(_, d)| d);
        let mut summable = true;
        for &r in set {
            match amount(&rows[r].parsed[c]) {
                Ok(Some((v, d))) => {
                    sum += v;
                    n += 1;
                    decimals = decimals.max(d);
                }
                Ok(None) => {}
                Err(()) => summable = false,
            }
        }
        if !summable {
            continue;
        }
        any_summand |= n > 0;
        let tol = tolerance(n, decimals);
        match total {
            Some((found, _)) => {
                let ok = (sum - found).abs() <= tol + 1e-9;
                all_ok &= ok;
                out.push(ColumnResult {
                    column: c,
                    expected: round_to(sum, decimals),
                    found,
                    ok,
                });
            }
            None => all_ok &= sum.abs() <= tol + 1e-9,
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
    masks.into_iter().find_map(|m| {
        let set: Vec<usize> = (0..n)
            .filter(|b| m & (1 << b) != 0)
            .map(|b| pool[b])
            .collect();
        let (res, ok) = evaluate(rows, t, &set);
        (ok && res.len() >= MIN_SUBSET_COLUMNS).then_some(set)
    })
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

/// All checks of a table's total rows and total columns.
pub(crate) fn checks(
    rows: &[PlacedRow],
    roles: &[RowRole],
    columns: &[String],
    groups: &[Option<String>],
    words: &TableWords,
) -> Vec<Check> {
    let mut found: Vec<(usize, usize, Check)> = Vec::new();
    let push = |found: &mut Vec<(usize, usize, Check)>,
                row: usize,
                label: String,
                res: &[ColumnResult]| {
        for r in res {
            found.push((
                row,
                r.column,
                Check {
                    row: label.clone(),
                    column: columns.get(r.column).cloned().unwrap_or_default(),
                    expected: r.expected,
                    found: r.found,
                    ok: r.ok,
                },
            ));
        }
    };
    let mut covered = vec![false; rows.len()];
    let mut unresolved: Vec<(usize, Vec<usize>)> = Vec::new();
    for t in (0..rows.len()).filter(|&t| roles[t] == RowRole::Total) {
        if !rows[t].has_values() {
            continue;
        }
        let cands = readings(rows, roles, t, &covered);
        let hit = cands
            .iter()
            .filter(|s| !s.is_empty())
            .find(|s| evaluate(rows, t, s).1)
            .cloned()
            .or_else(|| subset(rows, t, &data_rows(rows, roles, bounds(roles, t).pool, t)));
        match hit {
            Some(set) => {
                let (res, _) = evaluate(rows, t, &set);
                push(&mut found, t, rows[t].label().to_string(), &res);
                for k in set {
                    covered[k] = true;
                }
            }
            None => {
                // The reading that agrees in the most columns (the first on
                // ties) names the mismatches.
                let mut primary: Vec<usize> = Vec::new();
                let mut best = None;
                for set in cands.into_iter().filter(|s| !s.is_empty()) {
                    let agree = evaluate(rows, t, &set).0.iter().filter(|r| r.ok).count();
                    if best.is_none_or(|b| agree > b) {
                        best = Some(agree);
                        primary = set;
                    }
                }
                unresolved.push((t, primary));
            }
        }
    }
    // Neighbouring unexplained totals that split their section.
    let mut k = 0;
    while k < unresolved.len() {
        let (t, primary) = &unresolved[k];
        let pool = data_rows(rows, roles, bounds(roles, *t).pool, *t);
        let mut group = vec![*t];
        while let Some((next, _)) = unresolved.get(k + group.len()) {
            let last = *group.last().unwrap_or(t);
            if *next == last + 1 && siblings(rows[last].label(), rows[*next].label()) {
                group.push(*next);
            } else {
                break;
            }
        }
        if group.len() >= 2 {
            let (res, ok) = evaluate_partition(rows, &group, &pool);
            if ok || !res.is_empty() {
                let label = group
                    .iter()
                    .map(|&g| rows[g].label())
                    .collect::<Vec<_>>()
                    .join(" + ");
                push(&mut found, *t, label, &res);
                k += group.len();
                continue;
            }
        }
        let (res, _) = evaluate(rows, *t, primary);
        push(&mut found, *t, rows[*t].label().to_string(), &res);
        for &p in primary {
            covered[p] = true;
        }
        k += 1;
    }
    // Total columns.
    for c in 0..columns.len() {
        if !is_total(&columns[c], words) {
            continue;
        }
        let summands: Vec<usize> = (0..c)
            .rev()
            .take_while(|&k| groups[k] == groups[c] && !is_total(&columns[k], words))
            .filter(|&k| rows.iter().any(|r| r.parsed[k].is_numeric()))
            .collect();
        if summands.is_empty() {
            continue;
        }
        for (r, row) in rows.iter().enumerate() {
            let Ok(Some((total, d))) = amount(&row.parsed[c]) else {
                continue;
            };
            let mut sum = 0.0;
            let mut n = 0;
            let mut decimals = d;
            let mut summable = true;
            for &k in &summands {
                match amount(&row.parsed[k]) {
                    Ok(Some((v, dd))) => {
                        sum += v;
                        n += 1;
                        decimals = decimals.max(dd);
                    }
                    Ok(None) => {}
                    Err(()) => summable = false,
                }
            }
            if summable && n > 0 {
                let res = ColumnResult {
                    column: c,
                    expected: round_to(sum, decimals),
                    found: total,
                    ok: (sum - total).abs() <= tolerance(n, decimals) + 1e-9,
                };
                push(&mut found, r, row.label().to_string(), &[res]);
            }
        }
    }
    found.sort_by_key(|(r, c, _)| (*r, *c));
    found.into_iter().map(|(_, _, c)| c).collect()
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
        let mut found = 0.0;
        let mut any_total = false;
        let mut decimals = 0;
        let mut n: usize = 0;
        let mut summable = true;
        for &g in group {
            match amount(&rows[g].parsed[c]) {
                Ok(Some((v, d))) => {
                    found += v;
                    any_total = true;
                    decimals = decimals.max(d);
                    n += 1;
                }
                Ok(None) => {}
                Err(()) => summable = false,
            }
        }
        let mut expected = 0.0;
        for &p in pool {
            match amount(&rows[p].parsed[c]) {
                Ok(Some((v, d))) => {
                    expected += v;
                    decimals = decimals.max(d);
                    n += 1;
                }
                Ok(None) => {}
                Err(()) => summable = false,
            }
        }
        if !summable || !any_total {
            continue;
        }
        let ok = (expected - found).abs() <= tolerance(n.saturating_sub(1), decimals) + 1e-9;
        all_ok &= ok;
        out.push(ColumnResult {
            column: c,
            expected: round_to(expected, decimals),
            found: round_to(found, decimals),
            ok,
        });
    }
    (out, all_ok)
}
