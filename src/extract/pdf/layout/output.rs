//! Output: the blocks written as lines, with empty lines between blocks
//! except between list items and where a line was broken by hand.

use super::paragraphs::{ends_sentence, is_list_item, restarts_numbering};
use super::tables::render_table;
use super::{Block, Para, Stats};
use crate::extract::Line;

/// A line broken by hand inside a list of names ("Mødedeltagere Lars
/// Holte, …, Kathrine Seier" / "Skastrup, Anya Krogh Manghezi"): the PDF
/// shows it like a paragraph break, the source had a plain line break.
fn continues_list_of_names(q: &Para, p: &Para, stats: &Stats) -> bool {
    let capitalised = |w: Option<&str>| {
        w.and_then(|w| w.chars().next())
            .is_some_and(|c| c.is_uppercase())
    };
    stats.heading_level(q.size).is_none()
        && (q.size - p.size).abs() < 0.3
        && q.bold == p.bold
        && !is_list_item(&p.text)
        && !is_list_item(&q.text)
        && q.last_width >= 0.6 * stats.text_width
        && !ends_sentence(&q.text)
        && q.text.matches(", ").count() >= 2
        && capitalised(q.text.split_whitespace().last())
        && capitalised(p.text.split_whitespace().next())
}

/// Emit the blocks as lines: empty lines between blocks, none between list
/// items or where a line was broken by hand inside a paragraph.
pub(super) fn emit(blocks: &[Vec<Block>], stats: &Stats) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut prev_para: Option<&Para> = None;
    for block in blocks.iter().flatten() {
        match block {
            Block::Lines(_) => {}
            Block::Table(part) => {
                let (rendered, _) = render_table(&part.rows);
                if let Some((page, _)) = rendered.first() {
                    push_blank(&mut out, *page);
                }
                for (page, text) in rendered {
                    push_line(&mut out, text, page, None, false);
                }
                prev_para = None;
            }
            Block::Para(p) => {
                let heading = stats.heading_level(p.size);
                let tight = prev_para.is_some_and(|q| {
                    let both_items = is_list_item(&q.text)
                        && is_list_item(&p.text)
                        && !restarts_numbering(&q.text, &p.text);
                    both_items || (heading.is_none() && continues_list_of_names(q, p, stats))
                });
                if !tight {
                    push_blank(&mut out, p.page);
                }
                push_line(&mut out, p.text.clone(), p.page, heading, p.bold);
                prev_para = Some(p);
            }
        }
    }
    out
}

/// Add a line of text, numbered after the lines before it.
fn push_line(out: &mut Vec<Line>, text: String, page: u32, heading: Option<u8>, bold: bool) {
    let number = out.len() as u32 + 1;
    out.push(Line {
        text,
        page: Some(page),
        number,
        heading,
        bold,
        ..Line::default()
    });
}

/// Add an empty line, unless there is nothing before it or it would follow
/// another empty line.
fn push_blank(out: &mut Vec<Line>, page: u32) {
    if out.last().is_some_and(|l| !l.text.is_empty()) {
        push_line(out, String::new(), page, None, false);
    }
}
