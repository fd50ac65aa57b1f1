//! eDoc meeting export: `<Meeting>` with `<Committee>`, `<MeetingDate>`
//! ("DD-MM-YYYY HH:MM:SS"), `<MeetingState>`, and items under
//! `MeetingAgendaTypes/MeetingAgendaType/MeetingAgendaItems/MeetingAgendaItem`
//! (`AgendaItemNumber`, `Document/Title`, `Document/PublishingType`,
//! `Document/Attachments/Attachment`, `PDFDocument`, and the item's text in
//! `FullText`, plain text whose first lines repeat number, title and
//! "Sagsnr.: …").

use super::dom::Dom;
use super::{Body, Export, ExportItem, parse_date_time};
use crate::extract::Line;

/// The export, when `dom` is an eDoc meeting.
pub(super) fn read(dom: &Dom) -> Option<Export> {
    if !dom.root_name().eq_ignore_ascii_case("Meeting")
        || dom.child(0, "MeetingAgendaTypes").is_none()
    {
        return None;
    }
    let (date, start) = dom
        .text_at(0, &["MeetingDate"])
        .map(|d| parse_date_time(&d))
        .unwrap_or_default();
    let state = dom.text_at(0, &["MeetingState"]).unwrap_or_default();
    let mut items = Vec::new();
    let mut documents = Vec::new();
    let mut front = FrontPage::default();
    let types = dom.child(0, "MeetingAgendaTypes")?;
    for agenda_type in dom.children(types, "MeetingAgendaType") {
        documents.extend(dom.text_at(agenda_type, &["PDFDocument"]));
        if front.location.is_none()
            && let Some(text) = dom.text_at(agenda_type, &["FullText"])
        {
            front = FrontPage::read(&text);
        }
        let closed_group = dom
            .text_at(agenda_type, &["AgendaType"])
            .is_some_and(|t| t.to_lowercase().contains("lukket"));
        let Some(list) = dom.child(agenda_type, "MeetingAgendaItems") else {
            continue;
        };
        for item in dom.children(list, "MeetingAgendaItem") {
            items.push(read_item(dom, item, closed_group));
        }
    }
    items.sort_by_key(|i| i.number);
    Some(Export {
        kind_word: if state.to_lowercase().contains("referat") {
            "Referat"
        } else {
            "Dagsorden"
        }
        .into(),
        body: dom.text_at(0, &["Committee"]),
        date,
        start,
        location: front.location,
        participants: front.present,
        absent: front.absent,
        documents,
        items,
        ..Export::default()
    })
}

/// What the front page of an agenda type's text says about the meeting:
/// the place ("i Mødelokale 2, …" under the date line), and the names
/// under "Tilstede" and under "Afbud/Fraværende", up to the page break.
#[derive(Debug, Default)]
struct FrontPage {
    location: Option<String>,
    present: Vec<String>,
    absent: Vec<String>,
}

impl FrontPage {
    fn read(text: &str) -> FrontPage {
        let first_page = text.split('\u{c}').next().unwrap_or_default();
        let mut page = FrontPage::default();
        let mut list: Option<bool> = None;
        let mut after_date = false;
        for line in first_page.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let lower = line.to_lowercase();
            if lower == "tilstede" || lower == "til stede" {
                list = Some(true);
            } else if lower.starts_with("afbud") || lower.starts_with("fravær") {
                list = Some(false);
            } else if let Some(present) = list {
                if present {
                    page.present.push(line.to_string());
                } else {
                    page.absent.push(line.to_string());
                }
            } else if after_date && page.location.is_none() {
                page.location = line.strip_prefix("i ").map(str::to_string);
            }
            after_date = lower.contains(" kl. ") && lower.contains(" den ");
        }
        page
    }
}

fn read_item(dom: &Dom, item: usize, closed_group: bool) -> ExportItem {
    let doc = dom.child(item, "Document");
    let field = |path: &[&str]| doc.and_then(|d| dom.text_at(d, path));
    let title = field(&["Title"])
        .or_else(|| field(&["NeutralTitle"]))
        .unwrap_or_default();
    let publishing = field(&["PublishingType"]).unwrap_or_default();
    let closed =
        closed_group || (!publishing.is_empty() && !publishing.to_uppercase().contains("SKAL"));
    let attachments: Vec<(String, Option<String>)> = doc
        .and_then(|d| dom.child(d, "Attachments"))
        .map(|a| {
            dom.children(a, "Attachment")
                .filter_map(|x| {
                    let title = dom.text_at(x, &["Title"])?;
                    Some((title, dom.text_at(x, &["PDFDocument"])))
                })
                .collect()
        })
        .unwrap_or_default();
    let full = dom.text_at(item, &["FullText"]).unwrap_or_default();
    let (case_number, body, listed) = split_full_text(&full, &title, &attachments);
    ExportItem {
        number: dom
            .text_at(item, &["AgendaItemNumber"])
            .and_then(|n| n.trim_end_matches('.').parse().ok())
            .unwrap_or(0),
        title,
        case_number: field(&["CaseLogicIdentifier"]).or(case_number),
        closed,
        sections: if body.is_empty() {
            Vec::new()
        } else {
            vec![(String::new(), Body::Lines(body))]
        },
        attachments_in_body: listed,
        attachments,
        pdf: dom.text_at(item, &["PDFDocument"]),
    }
}

/// The token after the first "Sagsnr.:" in the first 500 bytes of `text`.
fn case_in_run_on(text: &str) -> Option<String> {
    let head = text.get(..text.len().min(500)).or(Some(text))?;
    let at = head.find("Sagsnr")?;
    let (_, rest) = text[at..].split_once(':')?;
    let token: String = rest
        .trim_start()
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    (token.chars().any(|c| c.is_ascii_digit())).then_some(token)
}

/// The case number from the "Sagsnr.: X\tDok.nr.: Y" line, and the text's
/// lines without its first lines (number and title, case line) and without
/// an empty "Følgende deltog ikke …:" line; an attachment line ("docno -
/// title") links to its file. Also whether every attachment was listed so.
fn split_full_text(
    full: &str,
    title: &str,
    attachments: &[(String, Option<String>)],
) -> (Option<String>, Vec<Line>, bool) {
    let mut case = None;
    let mut kept = Vec::new();
    for (i, line) in full.lines().enumerate() {
        let t = line.trim();
        if i < 3 && t.ends_with(title) && t.split('\t').count() == 2 {
            continue;
        }
        if case.is_none() && i < 4 && t.starts_with("Sagsnr") {
            case = t
                .split('\t')
                .next()
                .and_then(|s| s.split_once(':'))
                .map(|(_, n)| n.trim().to_string())
                .filter(|n| !n.is_empty());
            continue;
        }
        if t.ends_with(':') && t.split_whitespace().count() > 3 && t.starts_with("Følgende") {
            continue;
        }
        kept.push(line);
    }
    // Some exports run the whole text together without line breaks: the
    // case number is then the token after "Sagsnr.:" near the start.
    let case = case.or_else(|| case_in_run_on(full));
    let mut lines = super::text_lines(kept);
    let mut listed = 0;
    for line in &mut lines {
        let found = attachments
            .iter()
            .find(|(a, _)| line.text.ends_with(&format!(" - {a}")));
        if let Some((_, file)) = found {
            line.link = file.clone();
            listed += 1;
        }
    }
    let all_listed = !attachments.is_empty() && listed >= attachments.len();
    (case, lines, all_listed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_number_of_a_text_without_line_breaks() {
        let run_on = "2.\tTrafiksikkerhedsplan Sagsnr.: 25/09314\tDok.nr.: 2025-1 Sammendrag Forvaltningen …";
        assert_eq!(case_in_run_on(run_on).as_deref(), Some("25/09314"));
        assert_eq!(case_in_run_on("Sagsnr.: -"), None);
        let (case, _, _) = split_full_text(run_on, "Trafiksikkerhedsplan", &[]);
        assert_eq!(case.as_deref(), Some("25/09314"));
    }
}
