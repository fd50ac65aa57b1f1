//! Page furniture: running headers and footers (the same text, digits
//! aside, at the same place on many pages) and lone page numbers at the top
//! or bottom of a page are left out of the text.

use super::TLine;
use crate::extract::pdf::glyphs::PageGlyphs;
use std::collections::{HashMap, HashSet};

/// A line at a page's top or bottom that may be furniture: its index on
/// the page, its [`key`] and its y in steps of 3 points.
type Candidate = (usize, String, i64);

/// Remove running headers/footers (same text, digits aside, at the same
/// place on many pages) and lone page numbers at the top or bottom. Returns
/// the first page's removed lines, cells joined by tabs.
pub(super) fn remove_furniture(lines: &mut [Vec<TLine>], pages: &[PageGlyphs]) -> Vec<String> {
    let n = lines.len();
    let height = |p: usize| pages.get(p).map_or(842.0, |pg| pg.height);
    let candidates: Vec<Vec<Candidate>> = lines
        .iter()
        .enumerate()
        .map(|(p, page_lines)| candidates(page_lines, height(p)))
        .collect();
    let counts = count_pages(&candidates);
    let mut first_page = Vec::new();
    for (p, mine) in candidates.into_iter().enumerate() {
        let drop = furniture(&lines[p], mine, &counts, n, height(p));
        for i in drop.into_iter().rev() {
            let removed = lines[p].remove(i);
            if p == 0 {
                let cells: Vec<&str> = removed.cells.iter().map(|c| c.text.as_str()).collect();
                first_page.insert(0, cells.join("\t"));
            }
        }
    }
    first_page
}

/// A line's text lower-cased, without white space, digits as `#`.
fn key(l: &TLine) -> String {
    l.text()
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                '#'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The line lies in the top or bottom margin of a page `h` high.
fn in_margin(l: &TLine, h: f64) -> bool {
    l.y < 0.12 * h || l.y > 0.88 * h
}

/// Up to 3 lines at each end of a page, inside the margins.
fn candidates(page_lines: &[TLine], h: f64) -> Vec<Candidate> {
    let m = page_lines.len();
    let mut mine: Vec<Candidate> = Vec::new();
    for i in (0..m.min(3)).chain(m.saturating_sub(3)..m) {
        let l = &page_lines[i];
        if in_margin(l, h) && !mine.iter().any(|(j, _, _)| *j == i) {
            mine.push((i, key(l), (l.y / 3.0).round() as i64));
        }
    }
    mine
}

/// Per (key, y): on how many pages a candidate has that key within one
/// step of that y.
fn count_pages(candidates: &[Vec<Candidate>]) -> HashMap<(String, i64), usize> {
    let mut counts: HashMap<(String, i64), usize> = HashMap::new();
    for mine in candidates {
        let mut seen = HashSet::new();
        for (_, k, y) in mine {
            for dy in -1..=1 {
                if seen.insert((k.clone(), y + dy)) {
                    *counts.entry((k.clone(), y + dy)).or_default() += 1;
                }
            }
        }
    }
    counts
}

/// Indices (ascending) of the candidates of one page (`h` high) of an
/// `n`-page document that are furniture: repeated on enough pages, or a
/// page number at the very top or bottom.
fn furniture(
    page_lines: &[TLine],
    mine: Vec<Candidate>,
    counts: &HashMap<(String, i64), usize>,
    n: usize,
    h: f64,
) -> Vec<usize> {
    let needed = if n >= 3 { n.div_ceil(2).max(3) } else { 2 };
    let m = page_lines.len();
    let mut drop: Vec<usize> = Vec::new();
    for (i, k, y) in mine {
        let edge = i == 0 || i + 1 == m;
        // Without a number (a page number, a date) only the outermost line
        // can be a running header: a section heading that starts every
        // page ("BAGGRUND OG FORMÅL") is content.
        let numbered = k.contains('#');
        let repeated = n >= 2
            && (numbered || edge)
            && counts.get(&(k.clone(), y)).copied().unwrap_or(0) >= needed;
        let page_number =
            edge && in_margin(&page_lines[i], h) && is_page_number(&page_lines[i].text(), n);
        if repeated || page_number {
            drop.push(i);
        }
    }
    drop.sort_unstable();
    drop
}

/// "3", "- 3 -", "Side 3", "Side 3 af 12", "Page 3 of 12". A bare number
/// must be small enough to be a page number of a `pages`-page document
/// (allowing for an excerpt of a longer one).
fn is_page_number(t: &str, pages: usize) -> bool {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)^[-–\s]*(?:(side|page|s\.)\s*)?(\d{1,4})(\s*(af|of|ud af)\s*\d{1,4})?[-–\s]*$",
        )
        .unwrap()
    });
    let Some(c) = RE.captures(t.trim()) else {
        return false;
    };
    if c.get(1).is_some() || c.get(3).is_some() {
        return true;
    }
    c[2].parse::<usize>()
        .is_ok_and(|v| v >= 1 && v <= 2 * pages + 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_recognised() {
        assert!(is_page_number("Side 3 af 12", 12));
        assert!(is_page_number("- 4 -", 12));
        assert!(!is_page_number("Punkt 4", 12));
        assert!(!is_page_number("21/497", 12));
        assert!(!is_page_number("2021", 12));
    }
}
