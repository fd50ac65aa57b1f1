//! Stage 2: turn a file's bytes into lines of text with page and position.
//!
//! Both paths produce the same [`Extracted`] shape: markup-free lines, table
//! cells separated by `\t`, paragraph breaks as empty lines, ticked boxes as
//! `☒` and empty boxes as `☐`, headings marked. The parser never sees bytes.

mod html;
mod hyphens;
pub mod pdf;
mod text;
mod xml;

pub use html::fragment_lines as html_fragment_lines;

pub(crate) use hyphens::Dehyphenator;
pub use hyphens::HyphenWords;

pub use text::extract as extract_text;

use crate::error::FileError;
use crate::record::{Format, Issue};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Ticked checkbox marker in extracted text.
pub const BOX_TICKED: char = '☒';
/// Empty checkbox marker in extracted text.
pub const BOX_EMPTY: char = '☐';

/// One line of extracted text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// Text without markup; table cells separated by `\t`; empty for a paragraph break.
    pub text: String,
    /// 1-based page (None for text input).
    pub page: Option<u32>,
    /// 1-based line number in the source text (text) or in the rebuilt text (PDF).
    pub number: u32,
    /// Heading level when the source marked the line as a heading (markdown `#`, a larger font).
    pub heading: Option<u8>,
    /// The whole line was bold.
    pub bold: bool,
    /// Text input: the line follows a form feed (a page break of the
    /// converter that wrote the text). Page furniture is found from these.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub page_break: bool,
    /// Web pages and exports: the target of the link that makes up the
    /// line (an attachment's file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

impl Line {
    /// A line of plain text with no position or marks (tests, and callers
    /// building lines by hand).
    pub fn plain(text: &str) -> Line {
        Line {
            text: text.into(),
            ..Default::default()
        }
    }
}

/// Add an empty line (a paragraph break), unless `lines` is empty or ends
/// with one already.
pub(crate) fn paragraph_break(lines: &mut Vec<Line>) {
    if lines.last().is_some_and(|l| !l.text.is_empty()) {
        lines.push(Line::default());
    }
}

/// Drop trailing paragraph breaks and number the lines from 1.
pub(crate) fn number_lines(mut lines: Vec<Line>) -> Vec<Line> {
    while lines.last().is_some_and(|l| l.text.is_empty()) {
        lines.pop();
    }
    for (i, l) in lines.iter_mut().enumerate() {
        l.number = u32::try_from(i + 1).unwrap_or(u32::MAX);
    }
    lines
}

/// What extraction produced for one file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Extracted {
    /// Lines in reading order.
    pub lines: Vec<Line>,
    /// Number of pages (PDF only).
    pub pages: Option<u32>,
    /// Warnings raised while extracting.
    pub warnings: Vec<Issue>,
    /// PDF: the running headers and footers left out of the first page
    /// (cells separated by `\t`), where layouts print the title or body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub furniture: Vec<String>,
    /// The profile the lines are written for (case-system exports), used
    /// unless `--profile` names another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_hint: Option<String>,
    /// The case system's own id of the meeting (exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_ref: Option<String>,
    /// Files the document refers to by name (an export's item PDFs and
    /// attachments), relative to the document's folder.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// PDF: the pages read by OCR.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ocr: Vec<crate::record::OcrPage>,
}

/// The lines as plain text, the way `pdftotext` writes it: a newline after
/// every line, table cells separated by tabs, and a form feed where a page
/// ends (PDF: after each of `pages` pages, empty ones too; text input: where
/// the file had one).
pub fn plain_text(lines: &[Line], pages: Option<u32>) -> String {
    let mut out = String::with_capacity(lines.iter().map(|l| l.text.len() + 1).sum());
    let mut page = 1;
    for l in lines {
        if let Some(p) = l.page {
            while page < p {
                out.push('\x0c');
                page += 1;
            }
        } else if l.page_break {
            out.push('\x0c');
        }
        out.push_str(&l.text);
        out.push('\n');
    }
    if let Some(n) = pages {
        while page <= n {
            out.push('\x0c');
            page += 1;
        }
    }
    out
}

/// Extract a file's lines, dispatching on its format.
pub fn extract(
    bytes: &[u8],
    format: Format,
    options: &pdf::PdfOptions,
) -> Result<Extracted, FileError> {
    let mut extracted = match format {
        Format::Text => text::extract(bytes),
        Format::Pdf => pdf::extract(bytes, options),
        Format::Html => html::extract(bytes),
        Format::Xml => xml::extract(bytes),
        Format::Other => Err(FileError::UnsupportedFormat(
            "not a PDF, text, HTML or XML file".into(),
        )),
    }?;
    repair_split_words(&mut extracted.lines);
    Ok(extracted)
}

/// Join words that a cell or line break split with a hyphen inside a line
/// ("mobilhånd-teringen" → "mobilhåndteringen"), but only where the joined
/// word also occurs unbroken in the same document; real compounds
/// ("ESDH-system", "benchmark-analyser", "Sundheds- og") stay as printed.
pub fn repair_split_words(lines: &mut [Line]) {
    let mut candidates = HashSet::new();
    for line in lines.iter().filter(|l| l.text.contains('-')) {
        for (_, left, right) in split_pairs(&line.text) {
            candidates.insert(format!("{left}{right}").to_lowercase());
        }
    }
    if candidates.is_empty() {
        return;
    }
    let known = known_words(lines, &candidates);
    if known.is_empty() {
        return;
    }
    for line in lines.iter_mut().filter(|l| l.text.contains('-')) {
        if let Some(joined) = join_known_splits(&line.text, &known) {
            line.text = joined;
        }
    }
}

/// The `candidates` (lower case) that occur as a whole word in `lines`.
fn known_words(lines: &[Line], candidates: &HashSet<String>) -> HashSet<String> {
    // Cheap filters before lower-casing and hashing a word: its byte
    // length, and for an ASCII word (whose lower case has the same length
    // and first byte) the pair of both.
    let mut lengths = [false; 256];
    let mut ascii = vec![[false; 128]; 256];
    for c in candidates {
        lengths[c.len().min(255)] = true;
        if let Some(&b) = c.as_bytes().first().filter(|b| b.is_ascii()) {
            ascii[c.len().min(255)][usize::from(b)] = true;
        }
    }
    let mut known = HashSet::new();
    let mut lower = String::new();
    for line in lines {
        for word in alphanumeric_runs(&line.text) {
            let n = word.len();
            let may = n < 255
                && if word.is_ascii() {
                    word.bytes()
                        .next()
                        .is_some_and(|b| ascii[n][usize::from(b.to_ascii_lowercase())])
                } else {
                    lengths[n]
                };
            if may {
                lowercase_into(word, &mut lower);
                if candidates.contains(&lower) && !known.contains(&lower) {
                    known.insert(lower.clone());
                }
            }
        }
    }
    known
}

/// The non-empty runs of alphanumeric characters in `text`: the non-empty
/// pieces of `text.split(|c: char| !c.is_alphanumeric())`, read bytewise
/// where the text is ASCII.
fn alphanumeric_runs(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    // The length of the character at `i` when it is alphanumeric, else 0.
    let word_at = move |i: usize| -> usize {
        let b = bytes[i];
        if b.is_ascii() {
            usize::from(b.is_ascii_alphanumeric())
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            if c.is_alphanumeric() { c.len_utf8() } else { 0 }
        }
    };
    // The length of the character at `i` (a boundary).
    let char_len = move |i: usize| -> usize {
        match bytes[i] {
            0..0x80 => 1,
            0xc0..0xe0 => 2,
            0xe0..0xf0 => 3,
            _ => 4,
        }
    };
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && word_at(i) == 0 {
            i += char_len(i);
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        loop {
            let n = if i < bytes.len() { word_at(i) } else { 0 };
            if n == 0 {
                return Some(&text[start..i]);
            }
            i += n;
        }
    })
}

/// `word.to_lowercase()` written into `out` (no allocation for ASCII words).
fn lowercase_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        out.push_str(&word.to_lowercase());
    }
}

/// The `left-right` pairs (with the hyphen's byte offset) in a line that
/// could be one word split by a hyphen: letters on both sides, lowercase next
/// to the hyphen.
fn split_pairs(text: &str) -> impl Iterator<Item = (usize, &str, &str)> {
    text.match_indices('-').filter_map(move |(pos, _)| {
        let (before, after) = (&text[..pos], &text[pos + 1..]);
        let left_start = before.rfind(|c: char| !c.is_alphabetic()).map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
        let left = &before[left_start..];
        let right = &after[..after
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(after.len())];
        let plausible = left.chars().nth(1).is_some()
            && right.chars().nth(1).is_some()
            && left.chars().last().is_some_and(char::is_lowercase)
            && right.chars().all(char::is_lowercase);
        plausible.then_some((pos, left, right))
    })
}

/// `text` with the `left-right` word pairs whose joined form is `known`
/// joined; None when there is none.
fn join_known_splits(text: &str, known: &HashSet<String>) -> Option<String> {
    let joins: Vec<usize> = split_pairs(text)
        .filter(|(_, l, r)| known.contains(&format!("{l}{r}").to_lowercase()))
        .map(|(pos, _, _)| pos)
        .collect();
    if joins.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for pos in joins {
        out.push_str(&text[last..pos]);
        last = pos + 1;
    }
    out.push_str(&text[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(texts: &[&str]) -> Vec<Line> {
        texts
            .iter()
            .map(|t| Line {
                text: t.to_string(),
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn alphanumeric_runs_are_the_pieces_of_a_split() {
        for text in [
            "",
            "Ærø-færgen, 12 kr.",
            "  a--b  ",
            "Ω≈ç ½ 2²",
            "x\u{a0}y\u{3000}z",
        ] {
            let expected: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(
                alphanumeric_runs(text).collect::<Vec<_>>(),
                expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn split_words_join_only_when_the_document_knows_them() {
        let mut l = lines(&[
            "Administrative lettelse i mobilhånd-teringen",
            "Lettelser i mobilhåndteringen\tSundheds- og Om-sorgsudvalget",
            "Omsorgsudvalget, ESDH-system og benchmark-analyser",
        ]);
        repair_split_words(&mut l);
        assert_eq!(l[0].text, "Administrative lettelse i mobilhåndteringen");
        assert_eq!(
            l[1].text,
            "Lettelser i mobilhåndteringen\tSundheds- og Omsorgsudvalget"
        );
        assert_eq!(
            l[2].text,
            "Omsorgsudvalget, ESDH-system og benchmark-analyser"
        );
    }
}
