//! Acadre publishing export: `<root>` of nested `<table name="…">`
//! elements, each with `<fields><field name="…">`: `agenda` (its `name`
//! "Referat" or "Dagsorden"), `committee`, `meeting` (`date`
//! "YYYY-MM-DD HH:MM", `location`, members), and per item an
//! `agendaitemparents` (`sort`) holding an `agendaitem` (`name`, `caseno`,
//! `access`: 1 open, else closed) with its `bullet`s (`bulletname`, HTML
//! `bulletcontent`, `bulletsortorder`) and `enclosure`s (`name`, `filename`).

use super::dom::Dom;
use super::{Body, Export, ExportItem, parse_date_time};

/// The export, when `dom` is an Acadre agenda.
pub(super) fn read(dom: &Dom) -> Option<Export> {
    if !dom.root_name().eq_ignore_ascii_case("root") {
        return None;
    }
    let agenda = table(dom, 0, "agenda").next()?;
    let meeting = table(dom, agenda, "meeting").next();
    let (date, start) = meeting
        .and_then(|m| field(dom, m, "date"))
        .map(|d| parse_date_time(&d))
        .unwrap_or_default();
    let (participants, absent) = meeting.map(|m| members(dom, m)).unwrap_or_default();
    let mut items: Vec<ExportItem> = table(dom, agenda, "agendaitemparents")
        .filter_map(|p| read_item(dom, p))
        .collect();
    items.sort_by_key(|i| i.number);
    Some(Export {
        kind_word: field(dom, agenda, "name").unwrap_or_else(|| "Dagsorden".into()),
        body: table(dom, agenda, "committee")
            .next()
            .and_then(|c| field(dom, c, "name")),
        date,
        start,
        location: meeting
            .and_then(|m| field(dom, m, "location").or_else(|| field(dom, m, "address"))),
        participants,
        absent,
        meeting_ref: meeting.and_then(|m| field(dom, m, "sysid")),
        documents: Vec::new(),
        items,
    })
}

/// The child tables of `id` named `name`.
fn table<'a>(dom: &'a Dom, id: usize, name: &'a str) -> impl Iterator<Item = usize> + 'a {
    dom.children(id, "table").filter(move |&t| {
        dom.attr(t, "name")
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
}

/// The trimmed value of field `name` of table `id`, if not empty.
fn field(dom: &Dom, id: usize, name: &str) -> Option<String> {
    let fields = dom.child(id, "fields")?;
    let f = dom.children(fields, "field").find(|&f| {
        dom.attr(f, "name")
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })?;
    let t = dom.elements[f].text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Members present and absent (`absent` = 1).
fn members(dom: &Dom, meeting: usize) -> (Vec<String>, Vec<String>) {
    let mut present = Vec::new();
    let mut absent = Vec::new();
    for mm in table(dom, meeting, "meetmember") {
        for m in table(dom, mm, "member") {
            let Some(name) = field(dom, m, "name") else {
                continue;
            };
            if field(dom, m, "absent").as_deref() == Some("1") {
                absent.push(name);
            } else {
                present.push(name);
            }
        }
    }
    (present, absent)
}

fn read_item(dom: &Dom, parent: usize) -> Option<ExportItem> {
    let item = table(dom, parent, "agendaitem").next()?;
    let mut bullets: Vec<(u32, String, String)> = table(dom, item, "bullet")
        .filter_map(|b| {
            let order = field(dom, b, "bulletsortorder").and_then(|o| o.parse().ok());
            Some((
                order.unwrap_or(u32::MAX),
                field(dom, b, "bulletname").unwrap_or_default(),
                field(dom, b, "bulletcontent")?,
            ))
        })
        .collect();
    bullets.sort_by_key(|b| b.0);
    let attachments = table(dom, item, "enclosure")
        .filter_map(|e| Some((field(dom, e, "name")?, field(dom, e, "filename"))))
        .collect();
    Some(ExportItem {
        number: field(dom, parent, "sort")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
        title: field(dom, item, "name").unwrap_or_default(),
        case_number: field(dom, item, "caseno"),
        closed: field(dom, item, "access").is_some_and(|a| a != "1"),
        sections: bullets
            .into_iter()
            .map(|(_, name, html)| (name, Body::Html(html)))
            .collect(),
        attachments,
        pdf: None,
        attachments_in_body: false,
    })
}
