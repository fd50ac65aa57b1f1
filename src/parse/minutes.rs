//! Minutes: title, meeting metadata, table of contents and agenda items with
//! their sections, decisions and amounts.

use super::amounts::find_amounts;
use super::outcome::classify;
use super::text::assemble;
use super::words::{
    case_number_line, clock_time, collapse, find_date, find_time, is_phrase, labelled, phrase,
    strip_phrase,
};
use crate::extract::Line;
use crate::profile::Profile;
use crate::record::{Amount, Decision, Item, Location, Meeting, Section, SectionKind, TocEntry};
use nom::Parser;
use std::ops::Range;

/// What the minutes grammar found.
#[derive(Debug, Default)]
pub struct Minutes {
    /// Meeting metadata.
    pub meeting: Meeting,
    /// Table of contents.
    pub toc: Vec<TocEntry>,
    /// Items with their line ranges.
    pub items: Vec<(Item, Range<usize>)>,
    /// Index of the first item heading (end of the document head).
    pub head_end: usize,
}

/// Parse an agenda item heading: "Punkt 6: Title" → (6, "Title").
pub fn item_heading<'a>(line: &'a Line, profile: &Profile) -> Option<(u32, &'a str)> {
    let text = line.text.trim();
    let (rest, _) = phrase(&profile.items.heading_words).parse(text).ok()?;
    let rest = rest.trim_start();
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let number: u32 = rest[..digits].parse().ok()?;
    let after = &rest[digits..];
    let marked = line.heading.is_some() || line.bold;
    let title = if let Some(t) = after.strip_prefix([':', '.']) {
        t
    } else if let Some(t) = after.strip_prefix([' ', '\t']).filter(|_| marked) {
        t.trim_start().trim_start_matches(['-', '–']).trim_start()
    } else if after.is_empty() && marked {
        after
    } else {
        return None;
    };
    if is_toc_line(title) {
        return None;
    }
    Some((number, title.trim()))
}

/// A line that ends in a dotted leader or tab and a page number.
fn is_toc_line(text: &str) -> bool {
    toc_entry(text).is_some_and(|(_, _, leader)| leader)
}

/// Parse "Title.....\t3" or "Title\t3" → (title, page, had a dotted leader).
fn toc_entry(text: &str) -> Option<(String, u32, bool)> {
    let t = text.trim_end();
    let digits = t.chars().rev().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let (head, page) = t.split_at(t.len() - digits);
    let page: u32 = page.parse().ok()?;
    let stripped = head.trim_end_matches([' ', '\t', '.', '…']);
    let leader = &head[stripped.len()..];
    let dotted = leader.matches(['.', '…']).count() >= 3;
    if !(dotted || leader.contains('\t')) || stripped.trim().is_empty() {
        return None;
    }
    Some((collapse(stripped), page, dotted))
}

/// Parse a decision heading: "Beslutning Direktionen den 14-06-2021" →
/// (Some("Direktionen"), Some("2021-06-14")). A bare "Beslutning" gives (None, None).
pub fn decision_heading(text: &str, profile: &Profile) -> Option<(Option<String>, Option<String>)> {
    let words = &profile.sections;
    let text = text.trim().trim_end_matches(':');
    let (rest, _) = phrase(&words.decision).parse(text).ok()?;
    let rest = rest.trim_start_matches(':').trim();
    if rest.is_empty() {
        return Some((None, None));
    }
    let rest = phrase(&words.decision_body_fillers)
        .parse(rest)
        .map(|(r, _)| r.trim_start())
        .unwrap_or(rest);
    let months = &profile.text.months;
    let date = find_date(rest, months)?;
    let tokens: Vec<&str> = rest.split_whitespace().collect();
    let mut body_tokens = Vec::new();
    for (k, tok) in tokens.iter().enumerate() {
        let date_word = words
            .decision_date_words
            .iter()
            .any(|w| w.eq_ignore_ascii_case(tok));
        if date_word && find_date(&tokens[k + 1..].join(" "), months).is_some() {
            break;
        }
        if find_date(tok, months).is_some() || tok.starts_with(|c: char| c.is_ascii_digit()) {
            break;
        }
        body_tokens.push(*tok);
    }
    let body = (!body_tokens.is_empty()).then(|| title_case_if_shouting(&body_tokens.join(" ")));
    Some((body, Some(date)))
}

/// "DIREKTIONEN" → "Direktionen"; mixed case is left alone.
fn title_case_if_shouting(text: &str) -> String {
    if text.chars().any(char::is_lowercase) {
        return text.to_string();
    }
    text.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(c.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lines longer than this are running text, never a section heading.
const MAX_HEADING_BYTES: usize = 160;

/// A section heading of an item: its kind, printed heading, inline text and decision parts.
struct Heading {
    kind: SectionKind,
    text: String,
    inline: Option<String>,
    decision: Option<(Option<String>, Option<String>)>,
}

/// Recognise a section heading line by the profile's words.
fn section_heading(line: &Line, profile: &Profile) -> Option<Heading> {
    let text = line.text.trim();
    if text.is_empty() || text.len() > MAX_HEADING_BYTES || text.contains('\t') {
        return None;
    }
    if let Some(decision) = decision_heading(text, profile) {
        return Some(Heading {
            kind: SectionKind::Decision,
            text: collapse(text),
            inline: None,
            decision: Some(decision),
        });
    }
    let w = &profile.sections;
    let kinds = [
        (SectionKind::Background, &w.background),
        (SectionKind::Recommendation, &w.recommendation),
        (SectionKind::CaseDescription, &w.case_description),
        (SectionKind::Attachments, &w.attachments),
        (SectionKind::Other, &w.other),
    ];
    for (kind, words) in kinds {
        if is_phrase(text, words) {
            return Some(Heading {
                kind,
                text: collapse(text.trim_end_matches(':')),
                inline: None,
                decision: None,
            });
        }
        for word in words.iter() {
            let marked = line.heading.is_some() || line.bold;
            // "Indstilling: At …", or two headings a layout ran together:
            // "Sagsfremstilling Status fra KOMBIT" (a marked heading line only).
            let inline = strip_phrase(text, word).and_then(|rest| {
                rest.strip_prefix(':').or_else(|| {
                    rest.strip_prefix(' ')
                        .filter(|r| marked && r.trim_start().starts_with(char::is_uppercase))
                })
            });
            if let Some(inline) = inline
                && !inline.trim().is_empty()
            {
                return Some(Heading {
                    kind,
                    text: word.clone(),
                    inline: Some(inline.trim().to_string()),
                    decision: None,
                });
            }
        }
    }
    None
}

/// Parse minutes with `profile`.
pub fn parse(lines: &[Line], title: Option<&str>, profile: &Profile) -> Minutes {
    let starts: Vec<(usize, u32, String)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| item_heading(l, profile).map(|(n, t)| (i, n, collapse(t))))
        .collect();
    let head_end = starts.first().map(|s| s.0).unwrap_or(lines.len());
    let head = &lines[..head_end];
    let mut minutes = Minutes {
        meeting: meeting(head, title, profile),
        toc: toc(head, profile),
        head_end,
        ..Default::default()
    };
    for (k, (start, number, title)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map(|s| s.0).unwrap_or(lines.len());
        let item = item(&lines[*start..end], *number, title.clone(), profile);
        minutes.items.push((item, *start + 1..end));
    }
    minutes
}

/// Meeting metadata from the lines before the first item.
fn meeting(head: &[Line], title: Option<&str>, profile: &Profile) -> Meeting {
    let w = &profile.meeting;
    let months = &profile.text.months;
    let mut m = Meeting::default();
    if let Some(title) = title
        && let Ok((rest, _)) = phrase(&w.title_prefixes).parse(title.trim())
    {
        let body: Vec<&str> = rest
            .split_whitespace()
            .take_while(|t| {
                !w.title_date_words.iter().any(|d| d.eq_ignore_ascii_case(t))
                    && find_date(t, months).is_none()
            })
            .collect();
        if !body.is_empty() {
            m.body = Some(title_case_if_shouting(&body.join(" ")));
        }
        m.date = find_date(rest, months);
    }
    let all_labels: Vec<String> = [
        &w.date_labels,
        &w.location_labels,
        &w.participant_labels,
        &w.other_labels,
        &w.time_labels,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    let mut i = 0;
    while i < head.len() {
        let text = head[i].text.trim();
        if let Some(v) = labelled(text, &w.date_labels) {
            if let Some(d) = find_date(v, months) {
                m.date = Some(d);
            }
            m.start_time = m.start_time.or_else(|| find_time(v, &w.time_words));
        } else if let Some(v) = labelled(text, &w.location_labels) {
            if !v.is_empty() {
                m.location = Some(collapse(v));
            }
        } else if let Some(v) = labelled(text, &w.participant_labels) {
            let mut joined = collapse(v);
            while let Some(next) = head.get(i + 1) {
                let t = next.text.trim();
                if t.is_empty() || labelled(t, &all_labels).is_some() || next.heading.is_some() {
                    break;
                }
                joined.push(' ');
                joined.push_str(&collapse(t));
                i += 1;
            }
            m.participants = split_names(&joined);
        } else if let Some(v) = labelled(text, &w.time_labels) {
            m.start_time = m
                .start_time
                .or_else(|| clock_time(v).or_else(|| find_time(v, &w.time_words)));
        } else if m.start_time.is_none() && labelled(text, &w.other_labels).is_some() {
            m.start_time = find_time(text, &w.time_words);
        }
        i += 1;
    }
    m
}

/// Split a participants list on commas, semicolons and a final " og ".
fn split_names(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .flat_map(|part| part.split(" og "))
        .map(|s| collapse(s.trim().trim_end_matches('.')))
        .filter(|s| !s.is_empty())
        .collect()
}

/// Table of contents entries after the TOC heading.
fn toc(head: &[Line], profile: &Profile) -> Vec<TocEntry> {
    let Some(start) = head
        .iter()
        .position(|l| is_phrase(&l.text, &profile.toc.headings))
    else {
        return Vec::new();
    };
    head[start + 1..]
        .iter()
        .filter_map(|l| toc_entry(&l.text))
        .map(|(title, page, _)| TocEntry {
            title,
            page: Some(page),
        })
        .collect()
}

/// One open section while walking an item's lines.
struct OpenSection<'a> {
    heading: Option<String>,
    kind: SectionKind,
    decision: Option<(Option<String>, Option<String>)>,
    lines: Vec<Line>,
    _marker: std::marker::PhantomData<&'a ()>,
}

/// Parse one item from its heading line onwards.
fn item(lines: &[Line], number: u32, title: String, profile: &Profile) -> Item {
    let location = Location {
        page: lines[0].page,
        line: lines[0].number,
    };
    let joiners = &profile.text.compound_joiners;
    let mut i = 1;
    let skip_blank = |i: &mut usize| {
        while lines.get(*i).is_some_and(|l| l.text.trim().is_empty()) {
            *i += 1;
        }
    };
    skip_blank(&mut i);
    let mut case_number = None;
    if let Some(n) = lines
        .get(i)
        .and_then(|l| case_number_line(&l.text, &profile.items.case_number_labels))
    {
        case_number = Some(n.to_string());
        i += 1;
        skip_blank(&mut i);
    }
    if lines
        .get(i)
        .is_some_and(|l| normalized(&l.text) == normalized(&title) && !title.is_empty())
    {
        i += 1;
    }
    let mut sections: Vec<OpenSection> = Vec::new();
    let mut open = OpenSection {
        heading: None,
        kind: SectionKind::Other,
        decision: None,
        lines: Vec::new(),
        _marker: Default::default(),
    };
    for line in &lines[i..] {
        if let Some(h) = section_heading(line, profile) {
            sections.push(std::mem::replace(
                &mut open,
                OpenSection {
                    heading: Some(h.text),
                    kind: h.kind,
                    decision: h.decision,
                    lines: Vec::new(),
                    _marker: Default::default(),
                },
            ));
            if let Some(inline) = h.inline {
                open.lines.push(Line {
                    text: inline,
                    ..line.clone()
                });
            }
            continue;
        }
        if case_number.is_none()
            && let Some(n) = case_number_line(&line.text, &profile.items.case_number_labels)
        {
            case_number = Some(n.to_string());
            continue;
        }
        open.lines.push(line.clone());
    }
    sections.push(open);
    sections.retain(|s| s.heading.is_some() || s.lines.iter().any(|l| !l.text.trim().is_empty()));

    let public = !is_closed(&title, profile);
    let mut out = Item {
        number,
        title,
        case_number,
        public,
        attachments: Vec::new(),
        background: None,
        recommendation: None,
        decisions: Vec::new(),
        case_description: None,
        sections: Vec::new(),
        amounts: Vec::new(),
        tables: Vec::new(),
        location,
    };
    for s in sections {
        let text = assemble(&s.lines, joiners);
        let prose: Vec<Line> = s
            .lines
            .iter()
            .filter(|l| !is_table_row(&l.text))
            .cloned()
            .collect();
        for a in find_amounts(&assemble(&prose, joiners), &profile.amounts.units) {
            out.amounts.push(Amount {
                text: a.text,
                dkk: a.value,
                section: Some(s.kind),
            });
        }
        match s.kind {
            SectionKind::Background => append(&mut out.background, &text),
            SectionKind::Recommendation => append(&mut out.recommendation, &text),
            SectionKind::CaseDescription => append(&mut out.case_description, &text),
            SectionKind::Attachments => out.attachments.extend(attachment_titles(&s.lines)),
            SectionKind::Decision => {
                let (body, date) = s.decision.clone().unwrap_or((None, None));
                let outcome = classify(&text, &profile.outcomes);
                out.decisions.push(Decision {
                    body,
                    date,
                    text: text.clone(),
                    outcome,
                });
            }
            SectionKind::Other => {}
        }
        out.sections.push(Section {
            heading: s.heading,
            kind: Some(s.kind),
            text,
        });
    }
    out
}

/// A tab-separated line whose cells are all short is a table row (its
/// amounts belong to the table); a line with a sentence-long cell is prose
/// that a layout split at a list marker ("1\tAt direktionen godkender …").
fn is_table_row(text: &str) -> bool {
    text.contains('\t')
        && text
            .split('\t')
            .all(|cell| cell.split_whitespace().count() < PROSE_CELL_WORDS)
}

/// A cell with at least this many words is running text, not a table cell.
const PROSE_CELL_WORDS: usize = 8;

/// Add a section's text to a field, separating repeated sections by a paragraph break.
fn append(field: &mut Option<String>, text: &str) {
    if text.is_empty() {
        return;
    }
    match field {
        Some(f) => {
            f.push_str("\n\n");
            f.push_str(text);
        }
        None => *field = Some(text.to_string()),
    }
}

/// Attachment titles: one per non-blank line, bullets removed.
fn attachment_titles(lines: &[Line]) -> Vec<String> {
    lines
        .iter()
        .map(|l| collapse(l.text.trim().trim_start_matches(['-', '•', '*']).trim()))
        .filter(|t| !t.is_empty())
        .collect()
}

/// Whether an item title marks a closed item ("Lukket", "Lukket punkt: …").
fn is_closed(title: &str, profile: &Profile) -> bool {
    let words = &profile.items.closed_titles;
    is_phrase(title, words)
        || words.iter().any(|w| {
            strip_phrase(title, w)
                .is_some_and(|rest| rest.trim_start().starts_with([':', '-', '–']))
        })
}

/// Lowercased alphanumerics, to compare a repeated title line with the heading.
fn normalized(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profiles;

    fn minutes_profile() -> Profile {
        Profiles::builtin().get("minutes-da").unwrap().clone()
    }

    fn line(t: &str) -> Line {
        Line {
            text: t.into(),
            ..Default::default()
        }
    }

    #[test]
    fn item_headings() {
        let p = minutes_profile();
        assert_eq!(
            item_heading(&line("Punkt 6: Godkendelse af centernavne"), &p),
            Some((6, "Godkendelse af centernavne"))
        );
        assert_eq!(
            item_heading(&line("PUNKT 2: Lukket"), &p),
            Some((2, "Lukket"))
        );
        assert_eq!(item_heading(&line("Punkt 6 er vigtigt"), &p), None);
        assert_eq!(item_heading(&line("Punkt 3: Lukket.....\t4"), &p), None);
    }

    #[test]
    fn decision_headings() {
        let p = minutes_profile();
        assert_eq!(
            decision_heading("Beslutning Direktionen den 14-06-2021", &p),
            Some((Some("Direktionen".into()), Some("2021-06-14".into())))
        );
        assert_eq!(
            decision_heading("BESLUTNING DIREKTIONEN DEN 10-03-2015", &p),
            Some((Some("Direktionen".into()), Some("2015-03-10".into())))
        );
        assert_eq!(
            decision_heading("Beslutning i Økonomiudvalget den 5. maj 2020", &p),
            Some((Some("Økonomiudvalget".into()), Some("2020-05-05".into())))
        );
        assert_eq!(decision_heading("Beslutningen blev taget", &p), None);
    }

    #[test]
    fn table_rows_and_prose_with_a_tab() {
        assert!(is_table_row(
            "År\tForventet befolkningstal\tUdgift til FLIS (1.000 kr.)"
        ));
        assert!(!is_table_row(
            "2\tAt etableringsomkostninger på 255.000 kr. finansieres af direktionens IT-pulje"
        ));
        assert!(!is_table_row("Almindelig tekst"));
    }

    #[test]
    fn run_together_headings_split() {
        let p = minutes_profile();
        let merged = Line {
            text: "Sagsfremstilling Status fra KOMBIT".into(),
            heading: Some(2),
            ..Default::default()
        };
        let h = section_heading(&merged, &p).unwrap();
        assert_eq!(
            (h.kind, h.inline.as_deref()),
            (SectionKind::CaseDescription, Some("Status fra KOMBIT"))
        );
        assert!(section_heading(&line("Sagsfremstilling Status fra KOMBIT"), &p).is_none());
        assert!(section_heading(&line("Baggrund: tekst"), &p).is_some());
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
    fn item_sections_and_closed() {
        let p = minutes_profile();
        let lines: Vec<Line> = [
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
        ]
        .iter()
        .map(|t| line(t))
        .collect();
        let m = parse(&lines, None, &p);
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
