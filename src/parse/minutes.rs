//! Minutes: title, meeting metadata, table of contents and agenda items.
//! Items themselves are read by [`super::item`].

use super::decisions::title_case_if_shouting;
use super::headings::{item_starts, toc_entry};
use super::item::item;
use super::words::{clock_time, collapse, find_date, find_time, is_phrase, labelled, phrase};
use crate::extract::Line;
use crate::profile::Profile;
use crate::record::{Item, Meeting, TocEntry};
use nom::Parser;
use std::ops::Range;

/// What the minutes grammar found.
#[derive(Debug, Default)]
pub struct Minutes {
    /// Meeting metadata.
    pub meeting: Meeting,
    /// Table of contents.
    pub toc: Vec<TocEntry>,
    /// Lines of the table of contents (never a numeric table).
    pub toc_lines: Range<usize>,
    /// Items with their line ranges.
    pub items: Vec<(Item, Range<usize>)>,
    /// Index of the first item heading (end of the document head).
    pub head_end: usize,
}

/// Parse minutes with `profile`.
pub fn parse(lines: &[Line], title: Option<&str>, header: &[String], profile: &Profile) -> Minutes {
    let starts = item_starts(lines, profile);
    let head_end = starts.first().map(|s| s.line).unwrap_or(lines.len());
    let head = &lines[..head_end];
    let (toc, toc_lines) = toc(head, profile);
    let mut minutes = Minutes {
        meeting: meeting(head, title, header, profile),
        toc,
        toc_lines,
        head_end,
        ..Default::default()
    };
    let closed = closed_groups(lines, minutes.toc_lines.end, profile);
    let mut body_from_decisions = None;
    for (k, start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map(|s| s.line).unwrap_or(lines.len());
        let mut it = item(
            &lines[start.line..end],
            start.number,
            start.title.clone(),
            &minutes.meeting,
            profile,
        );
        if closed[start.line] {
            it.public = false;
        }
        if minutes.meeting.body.is_none() {
            body_from_decisions =
                body_from_decisions.or_else(|| it.decisions.iter().find_map(|d| d.body.clone()));
        }
        minutes.items.push((it, start.line + 1..end));
    }
    // No body on the front page: the one the decision headings name
    // ("Bestyrelsens beslutning") is the meeting's.
    if let Some(body) = body_from_decisions {
        for (it, _) in &mut minutes.items {
            for d in it.decisions.iter_mut().filter(|d| d.body.is_none()) {
                d.body = Some(body.clone());
            }
        }
        minutes.meeting.body = Some(body);
    }
    minutes
}

/// For every line: whether it lies in a group of closed items (after a
/// "Lukket referat" line, until an "Åbent referat" line), after the TOC.
fn closed_groups(lines: &[Line], from: usize, profile: &Profile) -> Vec<bool> {
    let w = &profile.items;
    let mut closed = false;
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i >= from && is_phrase(&l.text, &w.closed_groups) {
                closed = true;
            } else if i >= from && is_phrase(&l.text, &w.open_groups) {
                closed = false;
            }
            closed
        })
        .collect()
}

/// The place in "Kommunhuset, sal Ekan, kl. 13.00–15.30": the text before
/// the first time word, when there is text before it.
fn place_before_time(value: &str, time_words: &[String]) -> Option<String> {
    let lower = value.to_lowercase();
    let at = time_words
        .iter()
        .filter_map(|w| lower.find(&format!(" {}", w.to_lowercase())))
        .min()?;
    let place = value.get(..at)?.trim().trim_end_matches(',').trim();
    (!place.is_empty()).then(|| collapse(place))
}

/// Meeting metadata from the lines before the first item.
fn meeting(head: &[Line], title: Option<&str>, header: &[String], profile: &Profile) -> Meeting {
    let w = &profile.meeting;
    let months = &profile.text.months;
    let mut m = Meeting::default();
    if let Some(title) = title {
        from_title(&mut m, title, profile);
    }
    let all_labels = all_meeting_labels(profile);
    let mut absent = Vec::new();
    let mut i = 0;
    while i < head.len() {
        let text = head[i].text.trim();
        if let Some(v) = labelled(text, &w.absent_labels) {
            let (names, used) = participants(v, &head[i + 1..], &all_labels, profile);
            absent.extend(names);
            i += used;
        } else if let Some(v) = labelled(text, &w.date_labels) {
            if let Some(d) = find_date(v, months) {
                m.date = m.date.take().or(Some(d));
            }
            m.start_time = m.start_time.or_else(|| find_time(v, &w.time_words));
            // "Plats och tid: Kommunhuset, sal Ekan, kl. 13.00": a label of
            // both kinds, the place before the time.
            if m.location.is_none()
                && let Some(v) = labelled(text, &w.location_labels)
            {
                m.location = place_before_time(v, &w.time_words);
            }
        } else if let Some(v) = labelled(text, &w.location_labels) {
            if !v.is_empty() && m.location.is_none() {
                m.location = Some(collapse(v));
            }
        } else if let Some(v) = labelled(text, &w.body_labels) {
            if !v.is_empty() && m.body.is_none() {
                m.body = Some(collapse(v));
            }
        } else if let Some(v) = labelled(text, &w.participant_labels) {
            let (names, used) = participants(v, &head[i + 1..], &all_labels, profile);
            if m.participants.is_empty() {
                m.participants = names;
            }
            i += used;
        } else if let Some(v) = labelled(text, &w.time_labels) {
            m.start_time = m
                .start_time
                .or_else(|| clock_time(v).or_else(|| find_time(v, &w.time_words)));
        } else if m.start_time.is_none() && labelled(text, &w.other_labels).is_some() {
            m.start_time = find_time(text, &w.time_words);
        }
        i += 1;
    }
    m.participants.retain(|p| !absent.contains(p));
    unlabelled(&mut m, head, profile);
    from_header(&mut m, header, profile);
    m
}

/// Body and date from a running header that names them ("Kommunstyrelsen
/// 12.03.2025", "Byrådet 16-09-2025").
fn from_header(m: &mut Meeting, header: &[String], profile: &Profile) {
    let named = header.iter().map(|h| collapse(h)).find_map(|h| {
        super::history::treatment_line(&h, profile).filter(|t| t.item_number.is_none())
    });
    if let Some(t) = named {
        m.body = m.body.take().or(t.body);
        m.date = m.date.take().or(t.date);
    }
    if m.date.is_none() {
        m.date = header
            .iter()
            .find_map(|h| find_date(h, &profile.text.months));
    }
}

/// A letterhead line: the municipality's name ("Egelund Kommune"), never the
/// title or the body.
pub fn is_letterhead(text: &str, profile: &Profile) -> bool {
    text.split_whitespace()
        .last()
        .is_some_and(|w| is_phrase(w, &profile.meeting.letterhead_words))
}

/// Lines of a front page searched for unlabelled meeting facts.
const FRONT_LINES: usize = 12;

/// Facts a front page prints without labels ("Referat" / "Byrådet" /
/// "Tirsdag den 16. september 2025" / "Kl. 17:00" / "Byrådssalen, Rådhuset").
fn unlabelled(m: &mut Meeting, head: &[Line], profile: &Profile) {
    let w = &profile.meeting;
    // A letterhead set in two columns ("NORRVIKS KOMMUN   PROTOKOLL") is
    // read column by column.
    let front: Vec<&str> = head
        .iter()
        .map(|l| l.text.trim())
        .filter(|t| !t.is_empty())
        .take_while(|t| !is_phrase(t, &profile.toc.headings))
        .take(FRONT_LINES)
        .flat_map(|t| t.split(['\t']).flat_map(|c| c.split("   ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .collect();
    if m.date.is_none() {
        m.date = front
            .iter()
            .find_map(|t| find_date(t, &profile.text.months));
    }
    if m.start_time.is_none() {
        m.start_time = front.iter().find_map(|t| find_time(t, &w.time_words));
    }
    if m.body.is_none() {
        m.body = front_body(&front, profile);
    }
    if m.body.is_none() {
        // A name line above the first labelled line ("Egelund Kommune" /
        // "Kommunalbestyrelsen" / "Mødedato: …").
        m.body = front
            .iter()
            .take_while(|t| labelled(t, &all_meeting_labels(profile)).is_none())
            .find(|t| {
                is_name_line(t)
                    && !is_letterhead(t, profile)
                    && phrase(&w.title_prefixes).parse(t).is_err()
            })
            .map(|t| collapse(t));
    }
    if m.location.is_none() {
        m.location = front
            .iter()
            .filter(|t| labelled(t, &w.date_labels).is_none())
            .find(|t| {
                t.split([' ', ','])
                    .any(|word| is_phrase(word, &w.location_words))
            })
            .map(|t| collapse(t));
    }
}

/// Every meeting label of the profile.
fn all_meeting_labels(profile: &Profile) -> Vec<String> {
    let w = &profile.meeting;
    [
        &w.date_labels,
        &w.location_labels,
        &w.participant_labels,
        &w.other_labels,
        &w.time_labels,
        &w.body_labels,
        &w.absent_labels,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect()
}

/// The body on a front page: after a title word on its line ("Møde i
/// Folkeoplysningsudvalget"), or the short line under a bare title word
/// ("Referat" / "Byrådet").
fn front_body(front: &[&str], profile: &Profile) -> Option<String> {
    let prefixes = &profile.meeting.title_prefixes;
    for (k, t) in front.iter().enumerate() {
        let Ok((rest, _)) = phrase(prefixes).parse(t) else {
            continue;
        };
        let mut probe = Meeting::default();
        from_title(&mut probe, t, profile);
        if probe.body.is_some() {
            return probe.body;
        }
        if rest.trim().is_empty()
            && let Some(next) = front.get(k + 1)
            && is_name_line(next)
            && phrase(prefixes).parse(next).is_err()
        {
            return Some(collapse(next));
        }
    }
    None
}

/// A short line of capitalised words without digits: a body's name.
fn is_name_line(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (1..=5).contains(&words.len())
        && words[0].starts_with(char::is_uppercase)
        && !text
            .chars()
            .any(|c| c.is_ascii_digit() || matches!(c, ':' | '·' | '|' | '•'))
}

/// Body and date from a title "REFERAT <body> d. <date>", or "<body> -
/// Referat fra mødet den <date>".
fn from_title(m: &mut Meeting, title: &str, profile: &Profile) {
    let w = &profile.meeting;
    let months = &profile.text.months;
    let title = title.trim();
    let Ok((rest, _)) = phrase(&w.title_prefixes).parse(title) else {
        if let Some((body, tail)) = title.split_once(" - ").or_else(|| title.split_once(" – "))
            && phrase(&w.title_prefixes).parse(tail.trim()).is_ok()
            && is_name_line(body)
        {
            m.body = Some(collapse(body));
            m.date = find_date(tail, months);
        }
        return;
    };
    // "Referat – Teknisk Udvalg 1. oktober 2025": a dash after the prefix.
    let rest = rest.trim_start().trim_start_matches(['-', '–', '—', ':']);
    let body: Vec<&str> = rest
        .split_whitespace()
        .take_while(|t| {
            !w.title_date_words.iter().any(|d| d.eq_ignore_ascii_case(t))
                && find_date(t, months).is_none()
                && !t.ends_with(':')
                && !t.starts_with(|c: char| c.is_ascii_digit())
        })
        .collect();
    // "Referat af bestyrelsesmøde i …" names a meeting, not a body;
    // "REFERAT FRA FORRETNINGSUDVALGETS MØDE" names the body in the genitive.
    let mut body: Vec<String> = body.iter().map(|w| title_case_if_shouting(w)).collect();
    if body.len() >= 2
        && body
            .last()
            .is_some_and(|last| is_phrase(last, &w.meeting_words))
    {
        body.pop();
        if let Some(last) = body.last_mut()
            && let Some(stem) = last.strip_suffix('s')
        {
            *last = stem.to_string();
        }
    }
    if body
        .first()
        .is_some_and(|w| w.starts_with(char::is_uppercase))
    {
        m.body = Some(body.join(" "));
    }
    m.date = find_date(rest, months);
}

/// The participants after a label: the label line's value wrapped over the
/// next lines, or (when the label stands alone) a list of one or more names
/// a line. Returns the names and how many following lines were used.
fn participants(
    value: &str,
    next: &[Line],
    labels: &[String],
    profile: &Profile,
) -> (Vec<String>, usize) {
    let mut used = 0;
    let mut parts: Vec<String> = Vec::new();
    // A table of names and roles ("Holmström Anna<tab>ordförande"): one name a line.
    let table = value.contains('\t') || value.contains("   ");
    let one_per_line = value.trim().is_empty() || table;
    if table {
        parts.push(first_cell(value));
    } else if !one_per_line {
        parts.push(collapse(value));
    }
    for line in next {
        let t = line.text.trim();
        let ends = labelled(t, labels).is_some() || line.heading.is_some();
        let list_ends = one_per_line && !t.is_empty() && !parts.is_empty() && !is_person_line(t);
        if ends || list_ends || (t.is_empty() && !one_per_line) {
            break;
        }
        used += 1;
        if t.is_empty() {
            continue;
        }
        match parts.last_mut() {
            Some(last) if !one_per_line => {
                last.push(' ');
                last.push_str(&collapse(t));
            }
            _ if table => parts.push(first_cell(t)),
            _ => parts.extend(t.split('\t').map(collapse)),
        }
    }
    let names = parts.iter().flat_map(|p| split_names(p, profile)).collect();
    (names, used)
}

/// The first cell of a layout line ("Holmström Anna    ordförande" → "Holmström Anna").
fn first_cell(text: &str) -> String {
    let t = text.trim();
    let end = t
        .find('\t')
        .into_iter()
        .chain(t.find("   "))
        .min()
        .unwrap_or(t.len());
    collapse(&t[..end])
}

/// A line of one list of names: short, capitalised, no sentence.
fn is_person_line(text: &str) -> bool {
    let words = text.split_whitespace().count();
    text.starts_with(char::is_uppercase)
        && words <= 12
        && !text.ends_with('.')
        && !text.contains(':')
}

/// Split a participants list on commas, semicolons and the profile's joiners
/// (" og ", " and "), dropping role words ("formand") and bracketed remarks.
fn split_names(text: &str, profile: &Profile) -> Vec<String> {
    let roles = &profile.meeting.participant_roles;
    let mut parts: Vec<String> = vec![text.to_string()];
    for joiner in [",", ";"]
        .iter()
        .map(|s| s.to_string())
        .chain(profile.meeting.participant_joiners.iter().cloned())
    {
        parts = parts
            .iter()
            .flat_map(|p| {
                p.split(joiner.as_str())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
    }
    parts
        .iter()
        .map(|s| without_role_remarks(s, roles))
        .map(|s| collapse(s.trim().trim_end_matches(['.', ':']).trim()))
        .filter(|s| !s.is_empty() && !is_phrase(s, roles) && !is_role_remark(s, roles))
        .map(|s| strip_trailing_role(&s, roles))
        .collect()
}

/// "Anna Berg (formand)" → "Anna Berg"; other remarks ("(A)", a party) stay.
fn without_role_remarks(text: &str, roles: &[String]) -> String {
    if let Some((name, remark)) = text.split_once('(')
        && let Some((inside, after)) = remark.split_once(')')
        && (is_phrase(inside, roles) || is_party(inside))
    {
        return format!("{}{}", name.trim_end(), after);
    }
    // "skoleleder Hans Ulrik Berg", "Direktør Claus Nyborg": a title before the name.
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.iter().position(|w| w.starts_with(char::is_uppercase)) {
        Some(k) if k > 0 && words.len() - k >= 2 => words[k..].join(" "),
        _ => text.to_string(),
    }
}

/// A party letter after a name: "(A)", "(SF)", "(Ø)".
fn is_party(text: &str) -> bool {
    let t = text.trim();
    (1..=3).contains(&t.chars().count()) && t.chars().all(char::is_uppercase)
}

/// A list part that is a role phrase with more words ("ersättare för Berg").
fn is_role_remark(text: &str, roles: &[String]) -> bool {
    text.starts_with(char::is_lowercase)
        && roles
            .iter()
            .any(|r| super::words::strip_phrase(text, r).is_some())
}

/// "Anna Berg ordförande" → "Anna Berg".
fn strip_trailing_role(text: &str, roles: &[String]) -> String {
    let lower = text.to_lowercase();
    for r in roles {
        let r = r.to_lowercase();
        if let Some(head) = lower.strip_suffix(&r)
            && head.ends_with(' ')
            && text.is_char_boundary(head.len())
        {
            return text[..head.len()]
                .trim_end_matches([' ', ',', '-', '–'])
                .to_string();
        }
    }
    text.to_string()
}

/// A TOC title without the item number and heading word printed before it.
fn without_number(title: &str, profile: &Profile) -> String {
    let line = Line {
        text: title.to_string(),
        bold: true,
        ..Default::default()
    };
    super::headings::item_heading(&line, profile)
        .map(|(_, t)| t.to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| title.to_string())
}

/// "Title 12" → ("Title", 12): a title and a page number after a space.
fn trailing_page(text: &str) -> Option<(String, u32)> {
    let t = collapse(text);
    let (title, page) = t.rsplit_once(' ')?;
    let page: u32 = page.parse().ok().filter(|_| page.len() <= 3)?;
    (title.chars().any(char::is_alphabetic)).then(|| (title.to_string(), page))
}

/// Table of contents after the TOC heading, and the lines it spans. Entries
/// with page numbers where the layout prints them (a title wrapped over two
/// lines is one entry), else one title a line.
fn toc(head: &[Line], profile: &Profile) -> (Vec<TocEntry>, Range<usize>) {
    let Some(start) = head
        .iter()
        .position(|l| is_phrase(&l.text, &profile.toc.headings))
    else {
        return (Vec::new(), 0..0);
    };
    let w = &profile.meeting;
    let labels: Vec<String> = [
        &w.date_labels,
        &w.location_labels,
        &w.participant_labels,
        &w.other_labels,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    let end = head[start + 1..]
        .iter()
        .position(|l| labelled(&l.text, &labels).is_some())
        .map_or(head.len(), |k| start + 1 + k);
    (toc_entries(&head[start + 1..end], profile), start..end)
}

/// The entries of a contents region.
fn toc_entries(region: &[Line], profile: &Profile) -> Vec<TocEntry> {
    let filled = region.iter().filter(|l| !l.text.trim().is_empty()).count();
    let with_page = region.iter().filter_map(|l| trailing_page(&l.text)).count();
    // "34. Meddelelser fra borgmesteren 1": page numbers without a leader,
    // when nearly every entry ends in one.
    let bare_pages = filled >= 2 && with_page * 3 >= filled * 2;
    let paged = bare_pages || region.iter().any(|l| toc_entry(&l.text).is_some());
    let mut entries = Vec::new();
    let mut pending: Option<String> = None;
    for l in region {
        let t = collapse(&l.text);
        let prose = !is_person_line(&t) && t.split_whitespace().count() > 3 && t.ends_with('.');
        if t.is_empty() || (!paged && prose) {
            pending = None;
        } else if !paged {
            entries.push(TocEntry {
                title: without_number(&t, profile),
                page: None,
            });
        } else if let Some((title, page)) = toc_entry(&l.text)
            .map(|(t, p, _)| (t, p))
            .or_else(|| trailing_page(&l.text).filter(|_| bare_pages))
        {
            // A title wrapped over two lines is one entry, unless the line
            // with the page starts an entry of its own ("718. …").
            let numbered = without_number(&title, profile) != title;
            let title = match pending.take() {
                Some(p) if !numbered => format!("{p} {title}"),
                _ => title,
            };
            entries.push(TocEntry {
                title: without_number(&title, profile),
                page: Some(page),
            });
        } else if !is_phrase(&t, &profile.toc.sections) {
            pending = Some(t);
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profiles;

    fn line(t: &str) -> Line {
        Line::plain(t)
    }

    fn lines(t: &[&str]) -> Vec<Line> {
        t.iter().map(|t| line(t)).collect()
    }

    #[test]
    fn toc_entries() {
        assert_eq!(
            toc_entry("Øvrige sager.....\t3"),
            Some(("Øvrige sager".into(), 3, true))
        );
        assert_eq!(
            toc_entry("FLIS - Tilslutningsaftale 2024-33.....\t5")
                .unwrap()
                .0,
            "FLIS - Tilslutningsaftale 2024-33"
        );
        assert_eq!(toc_entry("Budget 2024"), None);
    }

    #[test]
    fn toc_with_and_without_pages() {
        let profiles = Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        let (entries, range) = toc(
            &lines(&[
                "Indholdsfortegnelse",
                "En meget lang titel der",
                "fortsætter.....\t4",
                "Kort.....\t5",
            ]),
            p,
        );
        let titles: Vec<(&str, Option<u32>)> =
            entries.iter().map(|e| (e.title.as_str(), e.page)).collect();
        assert_eq!(
            titles,
            [
                ("En meget lang titel der fortsætter", Some(4)),
                ("Kort", Some(5))
            ]
        );
        assert_eq!(range, 0..4);
        let (entries, _) = toc(
            &lines(&[
                "Indholdsfortegnelse",
                "Budget 2026",
                "Lukket: Salg af grund",
            ]),
            p,
        );
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].page, None);
    }

    #[test]
    fn participants_in_lines_and_with_roles() {
        let profiles = Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        let head = lines(&[
            "Mødedeltagere Lars Holte, Jørgen Lerhard og Anya Krogh",
            "Manghezi",
            "Fraværende: Ole Hansen",
        ]);
        let m = meeting(&head, None, &[], p);
        assert_eq!(
            m.participants,
            ["Lars Holte", "Jørgen Lerhard", "Anya Krogh Manghezi"]
        );
        let head = lines(&[
            "Deltagere:",
            "Anna Berg (formand)",
            "Peter Holm\tSofie Lund, næstformand",
            "",
            "Dato: 3. maj 2025",
        ]);
        let m = meeting(&head, None, &[], p);
        assert_eq!(m.participants, ["Anna Berg", "Peter Holm", "Sofie Lund"]);
        assert_eq!(m.date.as_deref(), Some("2025-05-03"));
    }

    #[test]
    fn items_with_sections_and_closed() {
        let profiles = Profiles::builtin();
        let p = profiles.get("minutes-da").unwrap();
        let l = lines(&[
            "Punkt 3: Lukket",
            "",
            "21/500",
            "",
            "Punkt 7: X",
            "19/25138",
            "",
            "Baggrund",
            "",
            "Tekst på 255.000 kr.",
            "",
            "Beslutning Direktionen den 14-06-2021",
            "",
            "Godkendt.",
            "",
            "Beslutning Byrådet den 20-06-2021",
            "",
            "Udsat.",
        ]);
        let m = parse(&l, None, &[], p);
        assert_eq!(m.items.len(), 2);
        let closed = &m.items[0].0;
        assert!(!closed.public);
        assert_eq!(closed.case_number.as_deref(), Some("21/500"));
        let x = &m.items[1].0;
        assert_eq!(x.background.as_deref(), Some("Tekst på 255.000 kr."));
        assert_eq!(x.decisions.len(), 2);
        assert_eq!(x.decisions[1].outcome, crate::record::Outcome::Postponed);
        assert_eq!(x.amounts[0].dkk, 255000.0);
    }
}
