//! Page furniture: running headers and footers (the same text, digits
//! aside, at the same place on many pages) and lone page numbers at the top
//! or bottom of a page are left out of the text. A repeated line printed
//! larger than the body text is a heading and stays. On a document of two
//! or three pages a repeat is weak evidence, so a repeated line must also
//! be smaller than the body text or stand apart from it.

use super::TLine;
use crate::extract::pdf::glyphs::PageGlyphs;
use std::collections::{HashMap, HashSet};

/// A line at a page's top or bottom that may be furniture: its index on
/// the page, its [`key`] and its y in steps of 3 points.
type Candidate = (usize, String, i64);

/// Remove running headers/footers (same text, digits aside, at the same
/// place on many pages) and lone page numbers at the top or bottom. Returns
/// the first page's removed lines, cells joined by tabs.
pub(super) fn remove_furniture(
    lines: &mut [Vec<TLine>],
    pages: &[PageGlyphs],
    page_numbers: &PageNumbers,
) -> Vec<String> {
    let n = lines.len();
    let height = |p: usize| pages.get(p).map_or(842.0, |pg| pg.height);
    let candidates: Vec<Vec<Candidate>> = lines
        .iter()
        .enumerate()
        .map(|(p, page_lines)| candidates(page_lines, height(p)))
        .collect();
    let counts = count_pages(&candidates);
    let body = body_size(lines);
    let mut first_page = Vec::new();
    for (p, mine) in candidates.into_iter().enumerate() {
        let drop = furniture(&lines[p], mine, &counts, (n, body), height(p), page_numbers);
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

/// Up to 3 lines at each end of a page, inside the margins. A line whose
/// key other lines of the page share (rows of a table that differ only in
/// their numbers) is not a running header or footer, which a page prints once.
fn candidates(page_lines: &[TLine], h: f64) -> Vec<Candidate> {
    let m = page_lines.len();
    let mut mine: Vec<Candidate> = Vec::new();
    for i in (0..m.min(3)).chain(m.saturating_sub(3)..m) {
        let l = &page_lines[i];
        if in_margin(l, h) && !mine.iter().any(|(j, _, _)| *j == i) {
            mine.push((i, key(l), (l.y / 3.0).round() as i64));
        }
    }
    if !mine.is_empty() {
        let keys: Vec<String> = page_lines.iter().map(key).collect();
        mine.retain(|(_, k, _)| keys.iter().filter(|o| *o == k).count() == 1);
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
/// `n`-page document that are furniture: repeated on enough pages (with
/// more evidence on a short document, see [`short_document_furniture`]), or a
/// page number at the very top or bottom.
fn furniture(
    page_lines: &[TLine],
    mine: Vec<Candidate>,
    counts: &HashMap<(String, i64), usize>,
    doc: (usize, f64),
    h: f64,
    page_numbers: &PageNumbers,
) -> Vec<usize> {
    let (n, body) = doc;
    let needed = if n >= 3 { n.div_ceil(2).max(3) } else { 2 };
    let m = page_lines.len();
    let mut repeated: Vec<usize> = Vec::new();
    let mut drop: Vec<usize> = Vec::new();
    for (i, k, y) in mine {
        let edge = i == 0 || i + 1 == m;
        // Without a number (a page number, a date) only the outermost line
        // can be a running header: a section heading that starts every
        // page ("BAGGRUND OG FORMÅL") is content.
        let numbered = k.contains('#');
        if n >= 2 && (numbered || edge) && counts.get(&(k, y)).copied().unwrap_or(0) >= needed {
            repeated.push(i);
        }
        if edge && in_margin(&page_lines[i], h) && page_numbers.matches(&page_lines[i].text(), n) {
            drop.push(i);
        }
    }
    // A repeated line printed larger than the body text is a heading that
    // starts each page ("Punkt 3: …" on a page per item), not a running
    // header, however long the document.
    repeated.retain(|&i| page_lines[i].size <= body + 0.5);
    if n > SHORT_DOCUMENT {
        drop.extend(&repeated);
    } else {
        drop.extend(short_document_furniture(page_lines, &repeated, body));
    }
    drop.sort_unstable();
    drop.dedup();
    drop
}

/// Documents of up to this many pages need more evidence than a repeat
/// for a line to be a running header or footer.
const SHORT_DOCUMENT: usize = 3;

/// On a short document, where a form line, a signature line or a heading
/// can repeat at the same place on every page, a repeated line is furniture
/// only when it is printed smaller than the body text (`body`), or, no
/// larger than it, stands apart from the text: more than two lines' height
/// from the nearest line toward the middle of the page that is not
/// furniture (a line that goes on a paragraph is content). Lines are
/// decided from the middle of the page outwards.
fn short_document_furniture(page_lines: &[TLine], repeated: &[usize], body: f64) -> Vec<usize> {
    let middle = page_lines.len() / 2;
    let (mut top, mut bottom): (Vec<usize>, Vec<usize>) =
        repeated.iter().partition(|&&i| i < middle);
    top.sort_unstable_by(|a, b| b.cmp(a));
    bottom.sort_unstable();
    let mut drop: Vec<usize> = Vec::new();
    for i in top.into_iter().chain(bottom) {
        let l = &page_lines[i];
        let kept = |j: &usize| !drop.contains(j);
        let neighbour = if i < middle {
            (i + 1..page_lines.len()).find(kept)
        } else {
            (0..i).rev().find(kept)
        };
        let apart = neighbour
            .is_none_or(|j| (page_lines[j].y - l.y).abs() > 2.0 * l.size.max(page_lines[j].size));
        if l.size < body - 0.5 || (l.size <= body + 0.5 && apart) {
            drop.push(i);
        }
    }
    drop
}

/// The body text size: the size most text is printed in.
fn body_size(lines: &[Vec<TLine>]) -> f64 {
    let mut chars: HashMap<i64, usize> = HashMap::new();
    for l in lines.iter().flatten() {
        let count = l
            .cells
            .iter()
            .map(|c| c.text.chars().count())
            .sum::<usize>();
        *chars.entry((l.size * 2.0).round() as i64).or_default() += count;
    }
    chars
        .into_iter()
        .max_by_key(|&(k, v)| (v, -k))
        .map_or(10.0, |(k, _)| k as f64 / 2.0)
}

/// Recognises a lone page number: "3", "- 3 -", and with the grammars'
/// words "Side 3", "Side 3 af 12", "Page 3 of 12".
#[derive(Debug)]
pub(in crate::extract::pdf) struct PageNumbers {
    re: regex::Regex,
}

impl PageNumbers {
    /// The matcher for these words (matched case-insensitively, as printed).
    pub(in crate::extract::pdf) fn new(words: &crate::extract::pdf::PageNumberWords) -> Self {
        let any = |w: &[String]| {
            let escaped: Vec<String> = w.iter().map(|w| regex::escape(w)).collect();
            escaped.join("|")
        };
        let before = match words.before.is_empty() {
            true => String::new(),
            false => format!(r"(?:({})[ \t]*)?", any(&words.before)),
        };
        let between = match words.between.is_empty() {
            true => String::new(),
            false => format!(r"([ \t]*({})[ \t]*[0-9]{{1,4}})?", any(&words.between)),
        };
        // ASCII classes: Unicode `\s` and `\d` made this the costliest
        // regex of a small file. Each pattern is compiled once per process.
        let pattern = format!(r"(?i)^[-– \t]*{before}(?P<n>[0-9]{{1,4}}){between}[-– \t]*$");
        static COMPILED: std::sync::LazyLock<
            std::sync::Mutex<std::collections::HashMap<String, regex::Regex>>,
        > = std::sync::LazyLock::new(Default::default);
        let mut compiled = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
        let re = compiled
            .entry(pattern)
            .or_insert_with_key(|p| {
                regex::Regex::new(p).expect("escaped words make a valid pattern")
            })
            .clone();
        PageNumbers { re }
    }

    /// Whether `t` is a page number. A bare number must be small enough to
    /// be a page number of a `pages`-page document (allowing for an excerpt
    /// of a longer one); one with a word is always taken.
    fn matches(&self, t: &str, pages: usize) -> bool {
        let Some(c) = self.re.captures(t.trim()) else {
            return false;
        };
        let worded = c.iter().skip(1).flatten().count() > 1;
        worded
            || c["n"]
                .parse::<usize>()
                .is_ok_and(|v| v >= 1 && v <= 2 * pages + 20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_recognised() {
        let words = crate::profile::Profiles::builtin().page_number_words();
        let p = PageNumbers::new(&words);
        assert!(p.matches("Side 3 af 12", 12));
        assert!(
            p.matches("page 7", 3),
            "a worded number is taken whatever its size"
        );
        assert!(p.matches("- 4 -", 12));
        assert!(!p.matches("Punkt 4", 12));
        assert!(!p.matches("21/497", 12));
        assert!(!p.matches("2021", 12));
        let swedish = PageNumbers::new(&crate::extract::pdf::PageNumberWords {
            before: vec!["sida".into()],
            between: vec!["av".into()],
        });
        assert!(swedish.matches("Sida 2 av 9", 9));
        assert!(!swedish.matches("Side 2 af 9", 9), "only the words given");
    }
}
