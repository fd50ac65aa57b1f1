//! Page furniture: running headers and footers (the same text, digits
//! aside, at the same place on many pages) and lone page numbers at the top
//! or bottom of a page are left out of the text.

use super::TLine;
use crate::extract::pdf::glyphs::PageGlyphs;
use std::collections::HashMap;

/// Remove running headers/footers (same text, digits aside, at the same
/// place on many pages) and lone page numbers at the top or bottom. Returns
/// the first page's removed lines, cells joined by tabs.
pub(super) fn remove_furniture(lines: &mut [Vec<TLine>], pages: &[PageGlyphs]) -> Vec<String> {
    let mut first_page = Vec::new();
    let n = lines.len();
    let key = |l: &TLine| -> String {
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
    };
    let zone = |l: &TLine, h: f64| l.y < 0.12 * h || l.y > 0.88 * h;
    // Candidates: up to 3 lines at each end of a page, inside the margins.
    let mut counts: HashMap<(String, i64), usize> = HashMap::new();
    let mut candidates: Vec<Vec<(usize, String, i64)>> = Vec::with_capacity(n);
    for (p, page_lines) in lines.iter().enumerate() {
        let h = pages.get(p).map_or(842.0, |pg| pg.height);
        let m = page_lines.len();
        let mut mine = Vec::new();
        for i in (0..m.min(3)).chain(m.saturating_sub(3)..m) {
            let l = &page_lines[i];
            if zone(l, h) && !mine.iter().any(|(j, _, _)| *j == i) {
                let k = key(l);
                let y = (l.y / 3.0).round() as i64;
                mine.push((i, k, y));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (_, k, y) in &mine {
            for dy in -1..=1 {
                if seen.insert((k.clone(), y + dy)) {
                    *counts.entry((k.clone(), y + dy)).or_default() += 1;
                }
            }
        }
        candidates.push(mine);
    }
    let needed = if n >= 3 { n.div_ceil(2).max(3) } else { 2 };
    for (p, mine) in candidates.into_iter().enumerate() {
        let h = pages.get(p).map_or(842.0, |pg| pg.height);
        let m = lines[p].len();
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
                edge && zone(&lines[p][i], h) && is_page_number(&lines[p][i].text(), n);
            if repeated || page_number {
                drop.push(i);
            }
        }
        drop.sort_unstable();
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
