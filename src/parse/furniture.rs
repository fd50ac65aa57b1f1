//! Page furniture: running headers and footers ("Referat Åbent referat Dato:
//! 12.03.2012 Side 4") that a layout repeats on every page. They are never
//! meeting fields or item text, so the parser drops them before reading.
//! Repeated lines elsewhere on a page (a "Tabel 1." caption in every
//! proposal) are content and stay.

use crate::extract::Line;
use std::collections::HashMap;

/// Furniture sits within this many non-blank lines of a page's top or bottom.
const EDGE: usize = 3;
/// Furniture is short.
const MAX_WORDS: usize = 16;

/// The lines without running headers and footers (lines of one shape, digits
/// folded, at the top or bottom of several pages), and the first page's
/// headers and footers, where a layout prints the body, date or title of
/// every page. Pages come from PDF page numbers or a text's form feeds; a
/// text without either keeps every line. `keep` vetoes lines that repeat for
/// a reason (decision and section headings).
pub fn split(lines: &[Line], keep: impl Fn(&Line) -> bool) -> (Vec<Line>, Vec<String>) {
    let mask = mask(lines, keep);
    let pages = page_of_each(lines);
    let mut kept = Vec::with_capacity(lines.len());
    let mut first_page = Vec::new();
    for ((line, furniture), page) in lines.iter().zip(&mask).zip(&pages) {
        match (furniture, page) {
            (false, _) => kept.push(line.clone()),
            (true, 0) => first_page.push(line.text.trim().to_string()),
            (true, _) => {}
        }
    }
    (kept, first_page)
}

/// Which lines are running headers or footers.
fn mask(lines: &[Line], keep: impl Fn(&Line) -> bool) -> Vec<bool> {
    let pages = page_of_each(lines);
    let page_count = pages.last().map_or(0, |p| p + 1);
    if page_count < 2 {
        return vec![false; lines.len()];
    }
    let edges = at_page_edge(lines, &pages);
    let mut seen: HashMap<String, Vec<usize>> = HashMap::new();
    // Only lines at a page's edge can be furniture, so only their shapes count.
    for (i, line) in lines.iter().enumerate() {
        if edges[i] && candidate(line) {
            let on = seen.entry(shape(&line.text)).or_default();
            if !on.contains(&pages[i]) {
                on.push(pages[i]);
            }
        }
    }
    let min_pages = if page_count <= 4 { 2 } else { 3 };
    // Without a number (a letterhead) a line must top or end most pages.
    let min_plain = min_pages.max(page_count.div_ceil(2));
    let furniture = |i: usize, l: &Line| {
        let least = if has_digit(l) { min_pages } else { min_plain };
        edges[i]
            && candidate(l)
            && seen
                .get(&shape(&l.text))
                .is_some_and(|on| on.len() >= least)
            && !keep(l)
    };
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| furniture(i, l))
        .collect()
}

/// A 0-based page index for every line.
fn page_of_each(lines: &[Line]) -> Vec<usize> {
    let mut page = 0;
    let mut last = lines.first().and_then(|l| l.page);
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i > 0 && (l.page_break || l.page != last) {
                page += 1;
            }
            last = l.page;
            page
        })
        .collect()
}

/// Whether each line is among the first or last few non-blank lines of its page.
fn at_page_edge(lines: &[Line], pages: &[usize]) -> Vec<bool> {
    let mut edge = vec![false; lines.len()];
    let mut start = 0;
    while start < lines.len() {
        let end = (start..lines.len())
            .find(|&k| pages[k] != pages[start])
            .unwrap_or(lines.len());
        let non_blank: Vec<usize> = (start..end)
            .filter(|&k| !lines[k].text.trim().is_empty())
            .collect();
        for &k in non_blank
            .iter()
            .take(EDGE)
            .chain(non_blank.iter().rev().take(EDGE))
        {
            edge[k] = true;
        }
        start = end;
    }
    edge
}

/// Lines that can be furniture: short, not table rows.
fn candidate(line: &Line) -> bool {
    let t = line.text.trim();
    !t.is_empty() && !t.contains('\t') && t.split_whitespace().count() <= MAX_WORDS
}

/// The line carries a number (a date or page number).
fn has_digit(line: &Line) -> bool {
    line.text.chars().any(|c| c.is_ascii_digit())
}

/// The line with digits folded, so "Side 3" and "Side 4" are one shape.
fn shape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_number = false;
    for c in text.split_whitespace().flat_map(|w| w.chars().chain([' '])) {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(lines: &[&str], first: bool) -> Vec<Line> {
        lines
            .iter()
            .enumerate()
            .map(|(k, t)| Line {
                text: t.to_string(),
                page_break: k == 0 && !first,
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn running_headers_go_decision_headings_and_body_lines_stay() {
        let mut lines = Vec::new();
        let words = ["skolen", "vejen", "havnen", "hallen"];
        for n in 1..=4 {
            let w = words[n - 1];
            let approved = if n <= 2 {
                "Godkendt"
            } else {
                "Taget til efterretning"
            };
            lines.extend(page(
                &[
                    &format!("Referat Åbent referat Dato: 12.03.2012 Side {n}"),
                    "Egelund Kommune",
                    "Beslutning Direktionen den 14-06-2021",
                    approved,
                    &format!("Første linje om {w}"),
                    "Tabel 1. Nøgletal for 2025",
                    &format!("Anden linje om {w}"),
                    &format!("Tredje linje om {w}"),
                    &format!("Sidste linje om {w}"),
                ],
                n == 1,
            ));
        }
        let (kept, header) = split(&lines, |l| l.text.starts_with("Beslutning"));
        assert_eq!(
            header,
            [
                "Referat Åbent referat Dato: 12.03.2012 Side 1",
                "Egelund Kommune"
            ]
        );
        let texts: Vec<&str> = kept.iter().map(|l| l.text.as_str()).collect();
        assert!(
            texts
                .iter()
                .all(|t| !t.contains("Side") && !t.contains("Kommune"))
        );
        assert_eq!(
            texts.iter().filter(|t| t.starts_with("Beslutning")).count(),
            4
        );
        assert_eq!(texts.iter().filter(|t| **t == "Godkendt").count(), 2);
        assert_eq!(texts.iter().filter(|t| t.starts_with("Tabel")).count(), 4);
        assert_eq!(texts.len(), 28);
    }

    #[test]
    fn text_without_pages_keeps_every_line() {
        let lines = page(&["Side 1", "x", "Side 2", "y", "Side 3"], true);
        assert_eq!(split(&lines, |_| false).0.len(), 5);
    }
}
