//! SBSYS publication: `<Publication>` with `PublicationTypeAsValue` (1
//! agenda, 2 minutes) and `Agendas/Agenda`: `Committee/Name`,
//! `Meeting` (`@ID`, `When`, `Where`, `Members/MeetingMember` with
//! `ParticipationStatusAsValue`: 0, 1 or 4 present), and `Items/Item`
//! (`Number`, `Caption`, `IsPublic`, `ItemCaseNumber`, `PDFDocument`,
//! `Fields/ItemField` with `Caption`, `HasContent` and HTML `Content`,
//! `Enclosures/Enclosure` with `Name` and `InstantiationFileName`).

use super::dom::Dom;
use super::{Body, Export, ExportItem, parse_date_time};

/// The export, when `dom` is an SBSYS publication.
pub(super) fn read(dom: &Dom) -> Option<Export> {
    if !dom.root_name().eq_ignore_ascii_case("Publication") {
        return None;
    }
    let agenda = dom.at(0, &["Agendas", "Agenda"])?;
    let meeting = dom.child(agenda, "Meeting");
    let (date, start) = meeting
        .and_then(|m| dom.text_at(m, &["When"]))
        .map(|d| parse_date_time(&d))
        .unwrap_or_default();
    let (participants, absent) = meeting.map(|m| members(dom, m)).unwrap_or_default();
    let minutes = dom.text_at(0, &["PublicationTypeAsValue"]).as_deref() == Some("2");
    let mut items: Vec<ExportItem> = dom
        .child(agenda, "Items")
        .map(|list| {
            dom.children(list, "Item")
                .map(|i| read_item(dom, i))
                .collect()
        })
        .unwrap_or_default();
    items.sort_by_key(|i| i.number);
    Some(Export {
        kind_word: if minutes { "Referat" } else { "Dagsorden" }.into(),
        body: dom.text_at(agenda, &["Committee", "Name"]),
        date,
        start,
        location: meeting.and_then(|m| dom.text_at(m, &["Where"])),
        participants,
        absent,
        meeting_ref: meeting.and_then(|m| dom.attr(m, "ID").map(str::to_string)),
        documents: Vec::new(),
        items,
    })
}

/// Members present (status 0, 1 or 4) and absent (any other).
fn members(dom: &Dom, meeting: usize) -> (Vec<String>, Vec<String>) {
    let mut present = Vec::new();
    let mut absent = Vec::new();
    if let Some(list) = dom.child(meeting, "Members") {
        for m in dom.children(list, "MeetingMember") {
            let Some(name) = dom.text_at(m, &["Name"]) else {
                continue;
            };
            let status = dom.text_at(m, &["ParticipationStatusAsValue"]);
            match status.as_deref() {
                None | Some("0" | "1" | "4") => present.push(name),
                Some(_) => absent.push(name),
            }
        }
    }
    (present, absent)
}

fn read_item(dom: &Dom, item: usize) -> ExportItem {
    let sections = dom
        .child(item, "Fields")
        .map(|f| {
            dom.children(f, "ItemField")
                .filter(|&x| {
                    !dom.text_at(x, &["HasContent"])
                        .is_some_and(|h| h.eq_ignore_ascii_case("false"))
                })
                .filter_map(|x| {
                    Some((
                        dom.text_at(x, &["Caption"]).unwrap_or_default(),
                        Body::Html(dom.text_at(x, &["Content"])?),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let attachments = dom
        .child(item, "Enclosures")
        .map(|e| {
            dom.children(e, "Enclosure")
                .filter_map(|x| {
                    Some((
                        dom.text_at(x, &["Name"])?,
                        dom.text_at(x, &["InstantiationFileName"]),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    ExportItem {
        number: dom
            .text_at(item, &["Number"])
            .and_then(|n| n.trim_end_matches('.').parse().ok())
            .unwrap_or(0),
        title: dom.text_at(item, &["Caption"]).unwrap_or_default(),
        case_number: dom.text_at(item, &["ItemCaseNumber"]),
        closed: !dom
            .text_at(item, &["IsPublic"])
            .is_some_and(|p| p.eq_ignore_ascii_case("true")),
        sections,
        attachments,
        pdf: dom.text_at(item, &["PDFDocument"]),
        attachments_in_body: false,
    }
}
