//! Paragraphs: non-table lines joined into paragraphs, and what the joining
//! and the output both ask of text (is it a list item, does it end a
//! sentence); pieces are joined across a line break by the document's
//! [`crate::extract::Dehyphenator`].

use super::lines::is_item_number;
use super::{Para, Stats, TLine};

/// Join non-table lines into paragraphs.
pub(super) fn paragraphs(lines: &[TLine], stats: &Stats) -> Vec<Para> {
    let mut paras: Vec<Para> = Vec::new();
    let mut prev: Option<&TLine> = None;
    for l in lines {
        let text = l.text();
        let new = match (prev, paras.last()) {
            (Some(p), Some(para)) => {
                let gap = l.y - p.y;
                // A bullet always starts an item; "10. …" only after a line
                // that stopped short (else it is a wrapped line's start).
                let starts_item = text.starts_with("- ")
                    || (is_list_item(&text) && p.x1() - p.x0() < 0.85 * stats.text_width);
                (l.size - para.size).abs() > 0.6
                    || ends_line_of_its_own(p, &text, stats)
                    || gap > 1.3 * stats.pitch(l.size)
                    || gap < 0.0
                    || starts_item
                    || l.bold != para.bold
                    || (is_list_item(&para.text) && l.x0() < para.x0 - 0.5 * l.size)
            }
            _ => true,
        };
        if new {
            paras.push(Para {
                page: l.page,
                size: l.size,
                bold: l.bold,
                text,
                last_width: l.x1() - l.x0(),
                x0: l.x0(),
            });
        } else {
            let para = paras.last_mut().unwrap();
            para.text = stats.hyphens.join(&para.text, &text);
            para.last_width = l.x1() - l.x0();
        }
        prev = Some(l);
    }
    paras
}

/// The previous line ended a paragraph without a gap under it: it stopped
/// well short of the text width and the next line starts a new sentence or
/// entry (a name list, a heading over its text), or it was a contents line
/// ending in a dotted leader and a page number.
fn ends_line_of_its_own(prev: &TLine, next: &str, stats: &Stats) -> bool {
    let prev_text = prev.text();
    let t = prev_text.trim_end();
    let contents_line = t.ends_with(|c: char| c.is_ascii_digit()) && t.contains("....");
    let short = prev.x1() - prev.x0() < SHORT_LINE * stats.text_width;
    let capital = next.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit());
    contents_line || (short && capital && !t.ends_with(['-', ','])) || is_label_line(next)
}

/// "Mødested: …", "Afbud/Fraværende: …": a capitalised label of one to three
/// words and a colon starts a line of its own.
fn is_label_line(text: &str) -> bool {
    let Some((label, _)) = text.split_once(':') else {
        return false;
    };
    let words: Vec<&str> = label.split_whitespace().collect();
    // "Bilag 2.3:" may carry a number after its word.
    let numbered = words.len() == 2 && words[1].chars().all(|c| c.is_ascii_digit() || c == '.');
    label.starts_with(char::is_uppercase)
        && (1..=3).contains(&words.len())
        && (numbered || !label.chars().any(|c| c.is_ascii_digit()))
}

/// A line narrower than this share of the text width ends its paragraph.
const SHORT_LINE: f64 = 0.6;

/// A list item: "- x", "1. x", "a) x".
pub(super) fn is_list_item(t: &str) -> bool {
    if t.starts_with("- ") {
        return true;
    }
    let Some((first, rest)) = t.split_once(' ') else {
        return false;
    };
    is_item_number(first) && !rest.is_empty()
}

/// "3. …" followed by "1. …": a new list.
pub(super) fn restarts_numbering(a: &str, b: &str) -> bool {
    let number = |t: &str| -> Option<u32> {
        let first = t.split_whitespace().next()?;
        first
            .trim_start_matches('(')
            .trim_end_matches(['.', ')'])
            .parse()
            .ok()
    };
    matches!((number(a), number(b)), (Some(x), Some(y)) if y <= x)
}

/// Ends like a sentence or a lead-in.
pub(super) fn ends_sentence(t: &str) -> bool {
    t.trim_end().ends_with(['.', ':', ';', '!', '?', '"', '”'])
}
