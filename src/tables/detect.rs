//! Finding tables in lines: runs of tab-separated lines, the caption above,
//! the notes below.
//!
//! A table is a run of lines with `\t` between cells. Inside the run:
//! - plain lines squeezed between rows (no blank line around them) are rows
//!   whose trailing empty cells the converter dropped ("Økonomiudvalget");
//! - a short plain line that finishes the previous row's label
//!   ("totaløkonomi") is glued to that label;
//! - `----\t--` separator lines are skipped;
//! - a blank line (a page or paragraph break) followed by more tab lines
//!   continues the same table in a new *block*.
//!
//! The caption is the nearest non-blank line above the run when it starts
//! with a caption word; notes are the lines below it that start like notes.

use super::lexicon::{is_caption, is_note};
use super::number::{ParsedCell, parse_cell};
use crate::extract::{BOX_EMPTY, BOX_TICKED, Line};
use crate::profile::TableWords;

/// What one line is, seen from the table finder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    /// Empty or whitespace only.
    Blank,
    /// Cells separated by tabs.
    Tab,
    /// A `----\t--` rule between header and rows or under a table.
    Separator,
    /// A caption line ("Tabel 2. …").
    Caption,
    /// Any other line.
    Plain,
}

/// One row of a table as printed: its cells, the line, the block it is in.
#[derive(Debug, Clone)]
pub(crate) struct RawRow<'a> {
    /// Cell texts, trimmed and with whitespace collapsed; the first is the label.
    pub cells: Vec<String>,
    /// The source line (the first, when a continuation was glued on).
    pub line: &'a Line,
    /// 0 for rows before the first blank line inside the table, then 1, 2, …
    pub block: usize,
    /// False for a plain line taken as a row (its empty cells were dropped).
    pub tabbed: bool,
    /// Each cell read by [`parse_cell`] (the label's left empty), filled in
    /// once the table is known to be within its cell budget.
    pub parsed: Vec<ParsedCell>,
}

/// A table found in the lines, before columns and rows are worked out.
#[derive(Debug, Clone)]
pub(crate) struct Region<'a> {
    /// The caption line above, if any.
    pub caption: Option<String>,
    /// The rows, header included, in order (only the last one when the
    /// region is `too_large`).
    pub rows: Vec<RawRow<'a>>,
    /// Note lines under the table.
    pub notes: Vec<String>,
    /// Its first line.
    pub first: &'a Line,
    /// Cells in the region's rows (a plain line taken as a row counts one).
    pub cells: usize,
    /// The region held more cells than the budget left: its rows were
    /// counted, not kept.
    pub too_large: bool,
}

/// Collapse runs of whitespace to one space and trim.
pub(crate) fn collapse(text: &str) -> String {
    crate::parse::collapse(text)
}

/// Shortest word part before "- " that is taken as a split word.
const MIN_SPLIT_PART: usize = 3;
/// Shortest lower-case word after "X- " that is taken as the rest of X
/// (shorter ones are joiners like "og" in "Sundheds- og Omsorgsudvalget").
const MIN_SPLIT_REST: usize = 6;

/// Join words that a line or cell break split with a hyphen and a space:
/// "Styrings- område" → "Styringsområde". The part before the hyphen must be
/// at least [`MIN_SPLIT_PART`] letters, lower case after the first, and the
/// word after it lower case and at least [`MIN_SPLIT_REST`] letters long, so
/// "Sundheds- og Omsorgsudvalget" and "Step Up- medarbejdere" stay. Splits
/// without a space ("Om-sorgsudvalget") are the extractor's to repair: it
/// joins them where the document also prints the word whole.
pub(crate) fn join_hyphens(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '-' && i > 0 && chars.get(i + 1) == Some(&' ') {
            let start = (0..i)
                .rev()
                .take_while(|&k| chars[k].is_alphabetic())
                .last()
                .unwrap_or(i);
            let part = &chars[start..i];
            let part_ok = part.len() >= MIN_SPLIT_PART
                && part[1..].iter().all(|c| c.is_lowercase())
                && (start == 0 || !chars[start - 1].is_alphanumeric());
            let rest = chars[i + 2..]
                .iter()
                .take_while(|c| c.is_alphabetic())
                .count();
            if part_ok && rest >= MIN_SPLIT_REST && chars[i + 2].is_lowercase() {
                i += 2;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Split a tab line into collapsed cell texts; the label has split words
/// joined.
pub(crate) fn split_cells(text: &str) -> Vec<String> {
    let mut cells: Vec<String> = text.split('\t').map(collapse).collect();
    if let Some(first) = cells.first_mut() {
        *first = join_hyphens(first);
    }
    cells
}

fn is_separator(text: &str) -> bool {
    // Two cells, and two rule characters in one of them.
    if !text.contains(['\t', '|']) || !text.contains(['-', '=']) {
        return false;
    }
    let cells: Vec<&str> = text.split(['\t', '|']).collect();
    cells.len() > 1
        && cells.iter().all(|c| {
            c.chars()
                .all(|ch| ch.is_whitespace() || "-=:+".contains(ch))
        })
        && cells
            .iter()
            .any(|c| c.chars().filter(|ch| *ch == '-' || *ch == '=').count() >= 2)
}

/// A table-of-contents line: the first cell runs into leader dots.
fn is_toc_entry(text: &str) -> bool {
    let first = text.split('\t').next().unwrap_or("").trim_end();
    first.ends_with("...") || first.ends_with('\u{2026}')
}

/// Classify one line.
pub(crate) fn classify(line: &Line, words: &TableWords) -> LineKind {
    let text = &line.text;
    if text.trim().is_empty() {
        LineKind::Blank
    } else if is_separator(text) {
        LineKind::Separator
    } else if is_caption(text.split('\t').next().unwrap_or(""), words)
        && text.split('\t').skip(1).all(|c| {
            !parse_cell(c, &words.cell_suffixes).is_numeric() && c.split_whitespace().count() <= 12
        })
        && text.split('\t').filter(|c| !c.trim().is_empty()).count() <= 2
    {
        // "Tabel 1.\tUdgifter": a caption whose number and title a tab splits.
        LineKind::Caption
    } else if text.contains('\t')
        && !is_toc_entry(text)
        && !text.contains([BOX_TICKED, BOX_EMPTY])
        && text.split('\t').filter(|c| !c.trim().is_empty()).count() >= 1
    {
        LineKind::Tab
    } else if is_caption(text, words) {
        LineKind::Caption
    } else {
        LineKind::Plain
    }
}

/// Longest plain line (in characters) taken as a row between tab rows.
const MAX_PLAIN_ROW: usize = 150;
/// Most words in a line glued onto the previous row's label.
const MAX_CONTINUATION_WORDS: usize = 4;

/// Whether a plain line finishes the label of `last` ("Tilbagebetalingstid
/// baseret på" + "totaløkonomi"): a few words that start in lower case, or,
/// right under the row, a few words after a label ending in a short
/// lower-case word.
fn continues_label(text: &str, last: &RawRow, adjacent: bool, words: &TableWords) -> bool {
    let text = text.trim();
    let n_words = text.split_whitespace().count();
    if n_words == 0 || n_words > MAX_CONTINUATION_WORDS || is_note(text, words, &[]) {
        return false;
    }
    if text.ends_with(['.', ':']) {
        return false;
    }
    let label = last.cells.first().map(String::as_str).unwrap_or("");
    if label.is_empty() {
        return false;
    }
    if text.chars().next().is_some_and(char::is_lowercase) {
        return true;
    }
    let last_word = label.split_whitespace().last().unwrap_or("");
    adjacent
        && last_word.chars().count() <= 3
        && last_word.chars().all(char::is_lowercase)
        && last.cells.len() <= 2
}

/// Read every cell after the label of `rows` (into [`RawRow::parsed`]).
fn parse_cells(rows: &mut [RawRow], words: &TableWords) {
    for row in rows {
        row.parsed = row
            .cells
            .iter()
            .enumerate()
            .map(|(k, c)| match k {
                0 => ParsedCell::default(),
                _ => parse_cell(c, &words.cell_suffixes),
            })
            .collect();
    }
}

/// Footnote markers a table prints: markers glued to numbers, and `*` when
/// any cell carries a star.
pub(crate) fn markers(rows: &[RawRow]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for row in rows {
        for (k, cell) in row.cells.iter().enumerate() {
            if k > 0 {
                for m in &row.parsed[k].footnotes {
                    if !out.contains(m) {
                        out.push(m.clone());
                    }
                }
            }
            if cell.contains('*') && !out.iter().any(|m| m == "*") {
                out.push("*".into());
            }
        }
    }
    out
}

/// Find the tables in `lines`. A region whose cells would take `budget`
/// below zero is returned `too_large` (its rows counted, not kept); the
/// cells of the other regions are taken from `budget`.
pub(crate) fn find<'a>(
    lines: &'a [Line],
    words: &TableWords,
    budget: &mut usize,
) -> Vec<Region<'a>> {
    let kinds: Vec<LineKind> = lines.iter().map(|l| classify(l, words)).collect();
    let mut regions = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if kinds[i] != LineKind::Tab {
            i += 1;
            continue;
        }
        let caption = caption_above(lines, &kinds, i);
        let mut scan = RowScan::new(lines, &kinds, words, *budget).rows_from(i);
        let marks = if scan.too_large {
            Vec::new()
        } else {
            *budget -= scan.cells;
            parse_cells(&mut scan.rows, words);
            markers(&scan.rows)
        };
        let (notes, after) = notes_below(lines, &kinds, scan.end, words, &marks);
        regions.push(Region {
            caption,
            rows: scan.rows,
            notes,
            first: &lines[i],
            cells: scan.cells,
            too_large: scan.too_large,
        });
        i = after.max(scan.end).max(i + 1);
    }
    regions
}

/// The caption of a table starting at line `start`: the nearest non-blank
/// line above, when it is a caption line.
fn caption_above(lines: &[Line], kinds: &[LineKind], start: usize) -> Option<String> {
    (0..start)
        .rev()
        .find(|&k| kinds[k] != LineKind::Blank)
        .filter(|&k| kinds[k] == LineKind::Caption)
        .map(|k| collapse(&lines[k].text.replace('\t', " ")))
}

/// Glue a line that finishes a row's label onto that label.
fn extend_label(row: &mut RawRow, text: &str) {
    row.cells[0] = join_hyphens(&format!("{} {}", row.cells[0], collapse(text)));
}

/// The rows of one table, read line by line from its first tab line.
struct RowScan<'a, 'k> {
    lines: &'a [Line],
    kinds: &'k [LineKind],
    words: &'k TableWords,
    rows: Vec<RawRow<'a>>,
    /// The block the next row is in.
    block: usize,
    /// Was the line before the current one part of the table (no blank
    /// line between)?
    adjacent: bool,
    /// Cells in the rows so far.
    cells: usize,
    /// Most cells the table may have; past it only the last row is kept.
    limit: usize,
}

/// What a [`RowScan`] read: the rows, their cell count, whether they went
/// past the limit (then only the last row is kept), and the index of the
/// first line after the table.
struct Scanned<'a> {
    rows: Vec<RawRow<'a>>,
    cells: usize,
    too_large: bool,
    end: usize,
}

impl<'a, 'k> RowScan<'a, 'k> {
    fn new(lines: &'a [Line], kinds: &'k [LineKind], words: &'k TableWords, limit: usize) -> Self {
        RowScan {
            lines,
            kinds,
            words,
            rows: Vec::new(),
            block: 0,
            adjacent: false,
            cells: 0,
            limit,
        }
    }

    /// The rows of the table whose first tab line is `start`.
    fn rows_from(mut self, start: usize) -> Scanned<'a> {
        let mut j = start;
        while j < self.lines.len() {
            let next = match self.kinds[j] {
                LineKind::Tab => Some(self.tab(j)),
                LineKind::Separator => Some(j + 1),
                LineKind::Plain => self.plain(j),
                LineKind::Blank => self.blank(j),
                LineKind::Caption => None,
            };
            match next {
                Some(next) => j = next,
                None => break,
            }
        }
        Scanned {
            too_large: self.too_large(),
            rows: self.rows,
            cells: self.cells,
            end: j,
        }
    }

    fn too_large(&self) -> bool {
        self.cells > self.limit
    }

    /// Add a row of `cells` cells made by `make`: counted always, kept
    /// while the table is within its limit, else kept as the only row (a
    /// label continuation may still need it).
    fn push(&mut self, cells: usize, make: impl FnOnce() -> RawRow<'a>) {
        self.cells += cells;
        if self.too_large() {
            self.rows.clear();
        }
        self.rows.push(make());
    }

    /// A tab line is a row; returns the next line.
    fn tab(&mut self, j: usize) -> usize {
        let line = &self.lines[j];
        let (block, n) = (self.block, line.text.split('\t').count());
        self.push(n, || RawRow {
            cells: split_cells(&line.text),
            line,
            block,
            tabbed: true,
            parsed: Vec::new(),
        });
        self.adjacent = true;
        j + 1
    }

    /// Plain lines at `j`: rows when squeezed between tab rows, else the end
    /// of the previous row's label, else the end of the table (`None`).
    fn plain(&mut self, j: usize) -> Option<usize> {
        let (lines, kinds, n) = (self.lines, self.kinds, self.lines.len());
        let end = (j..n).find(|&k| kinds[k] != LineKind::Plain).unwrap_or(n);
        let squeezed = self.adjacent
            && end < n
            && kinds[end] == LineKind::Tab
            && (j..end).all(|k| lines[k].text.chars().count() <= MAX_PLAIN_ROW);
        if squeezed {
            for line in &lines[j..end] {
                let block = self.block;
                self.push(1, || RawRow {
                    cells: vec![join_hyphens(&collapse(&line.text))],
                    line,
                    block,
                    tabbed: false,
                    parsed: Vec::new(),
                });
            }
            return Some(end);
        }
        let (adjacent, words) = (self.adjacent, self.words);
        let last = self
            .rows
            .last_mut()
            .filter(|last| continues_label(&lines[j].text, last, adjacent, words))?;
        extend_label(last, &lines[j].text);
        Some(j + 1)
    }

    /// Blank lines at `j`: a new block when tab lines follow, the end of the
    /// last row's label when such a line follows, else the end of the table
    /// (`None`).
    fn blank(&mut self, j: usize) -> Option<usize> {
        let (lines, kinds, n) = (self.lines, self.kinds, self.lines.len());
        let k = (j..n).find(|&k| kinds[k] != LineKind::Blank).unwrap_or(n);
        if k < n && kinds[k] == LineKind::Tab {
            self.block += 1;
            self.adjacent = false;
            return Some(k);
        }
        if k < n && kinds[k] == LineKind::Plain {
            let words = self.words;
            let last = self
                .rows
                .last_mut()
                .filter(|last| continues_label(&lines[k].text, last, false, words))?;
            extend_label(last, &lines[k].text);
            self.adjacent = true;
            return Some(k + 1);
        }
        None
    }
}

/// Note lines from `start` on (blank lines between them allowed); returns
/// the notes and the index after the last one.
fn notes_below(
    lines: &[Line],
    kinds: &[LineKind],
    start: usize,
    words: &TableWords,
    marks: &[String],
) -> (Vec<String>, usize) {
    let mut notes = Vec::new();
    let mut j = start;
    let mut after = start;
    let star = marks.iter().any(|m| m.starts_with('*'));
    while j < lines.len() {
        match kinds[j] {
            LineKind::Blank => j += 1,
            LineKind::Plain => {
                let text = collapse(&lines[j].text);
                if is_note(&text, words, marks) {
                    notes.push(text);
                } else if let Some(rest) = text.strip_prefix("- ").filter(|_| star) {
                    // The text extractor writes a leading "* " as a list bullet "- ".
                    let restored = format!("* {rest}");
                    if !is_note(&restored, words, marks) {
                        break;
                    }
                    notes.push(restored);
                } else {
                    break;
                }
                j += 1;
                after = j;
            }
            _ => break,
        }
    }
    (notes, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphen_space_splits_are_joined() {
        assert_eq!(join_hyphens("Styrings- område"), "Styringsområde");
        assert_eq!(
            join_hyphens("Sundheds- og Omsorgsudvalget"),
            "Sundheds- og Omsorgsudvalget"
        );
        assert_eq!(
            join_hyphens("step up- medarbejdere"),
            "step up- medarbejdere"
        );
        assert_eq!(join_hyphens("ESDH- systemet"), "ESDH- systemet");
        assert_eq!(join_hyphens("IT-system"), "IT-system");
        assert_eq!(join_hyphens("Kultur- eller fritid"), "Kultur- eller fritid");
    }

    #[test]
    fn separators_and_toc_lines() {
        assert!(is_separator("--------------\t--\t--"));
        assert!(!is_separator("-\t-"));
        assert!(is_toc_entry("Øvrige sager.....\t3"));
        assert!(!is_toc_entry("Øvrige sager\t3"));
    }

    #[test]
    fn caption_split_by_a_tab() {
        let words = crate::profile::TableWords {
            caption_words: vec!["Tabel".into()],
            ..Default::default()
        };
        let line = |t: &str| Line {
            text: t.into(),
            ..Line::default()
        };
        assert_eq!(
            classify(&line("Tabel 1.\tUdgifter"), &words),
            LineKind::Caption
        );
        assert_eq!(classify(&line("Tabel 1.\t12\t13"), &words), LineKind::Tab);
        let lines = vec![
            line("Tabel 1.\tUdgifter"),
            line(""),
            line("A\t2024"),
            line("B\t12"),
        ];
        let mut budget = usize::MAX;
        let found = find(&lines, &words, &mut budget);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].caption.as_deref(), Some("Tabel 1. Udgifter"));
    }
}
