//! Business-case catalogues: proposals with summary, administrations,
//! payback time and numbered sections.

use super::text::assemble;
use super::words::{collapse, danish_number, labelled, phrase, strip_phrase};
use crate::extract::{BOX_EMPTY, BOX_TICKED, Line};
use crate::profile::{Profile, ProposalWords};
use crate::record::{Location, Payback, Proposal, Section};
use nom::Parser;
use std::ops::Range;

/// What the business-case grammar found.
#[derive(Debug, Default)]
pub struct Catalogue {
    /// Proposals with their line ranges.
    pub proposals: Vec<(Proposal, Range<usize>)>,
    /// Index of the first proposal heading (end of the document head).
    pub head_end: usize,
}

/// A proposal heading: code, number, type and title.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProposalHeading {
    /// Code such as "HA01".
    pub code: Option<String>,
    /// N of "Forslag N".
    pub number: Option<u32>,
    /// Type such as "Investeringsforslag".
    pub kind: Option<String>,
    /// Title.
    pub title: String,
}

/// Parse "Forslag N Title" or "Forslagets titel: CODE: Type – Title" (or "CODE – Type: Title").
pub fn proposal_heading(text: &str, w: &ProposalWords) -> Option<ProposalHeading> {
    let trimmed = text.trim_start();
    let starts_with_word = |words: &[String]| phrase(words).parse(trimmed).is_ok();
    if !starts_with_word(&w.title_labels) && !starts_with_word(&w.heading_words) {
        return None;
    }
    let text = collapse(text);
    if let Some(rest) = labelled(&text, &w.title_labels) {
        return Some(coded_title(rest, w));
    }
    let (rest, _) = phrase(&w.heading_words).parse(text.as_str()).ok()?;
    let rest = rest.trim_start();
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        // "Forslag nr. BUV-03: Title": a code instead of a number.
        let heading = coded_title(rest, w);
        return heading
            .code
            .is_some()
            .then_some(heading)
            .filter(|h| !h.title.is_empty());
    }
    if digits > 3 {
        return None;
    }
    let number: u32 = rest[..digits].parse().ok()?;
    let after = rest[digits..].trim_start_matches([':', '.', ' ', '-', '–']);
    if after.is_empty() || !rest[digits..].starts_with([' ', ':', '.']) {
        return None;
    }
    let mut heading = coded_title(after, w);
    heading.number = Some(number);
    Some(heading)
}

/// Split "CODE: Type – Title", "CODE – Type: Title", "Type – Title" or "Title".
fn coded_title(text: &str, w: &ProposalWords) -> ProposalHeading {
    let mut rest = text.trim();
    let mut code = None;
    // "HA01", "BUV-03", "TMU.2".
    let token: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '.'))
        .collect();
    let token = token.trim_end_matches(['-', '.']).to_string();
    let is_code = token.len() >= 3
        && token.len() <= 10
        && token.chars().any(|c| c.is_ascii_digit())
        && token.chars().next().is_some_and(char::is_uppercase)
        && token
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    if is_code {
        let after = rest[token.len()..].trim_start();
        if let Some(a) = after.strip_prefix([':', '–', '-', '.']) {
            code = Some(token);
            rest = a.trim_start();
        }
    }
    let mut kind = None;
    let first_word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    let suffixed = w
        .type_suffixes
        .iter()
        .any(|s| first_word.to_lowercase().ends_with(&s.to_lowercase()));
    let typed = phrase(&w.types)
        .parse(rest)
        .ok()
        .map(|(after, t)| (after, t.to_string()));
    let typed = typed.or_else(|| suffixed.then(|| (&rest[first_word.len()..], first_word.clone())));
    if let Some((after, t)) = typed
        && let Some(a) = after.trim_start().strip_prefix([':', '–', '-'])
    {
        kind = Some(t);
        rest = a.trim_start();
    }
    ProposalHeading {
        code,
        number: None,
        kind,
        title: rest.trim().to_string(),
    }
}

/// Parse a business-case catalogue with `profile`.
pub fn parse(lines: &[Line], profile: &Profile) -> Catalogue {
    let w = &profile.proposals;
    let starts: Vec<(usize, ProposalHeading)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.text.contains('\t') || labelled(&l.text, &w.title_labels).is_some())
        .filter_map(|(i, l)| proposal_heading(&l.text, w).map(|h| (i, h)))
        .collect();
    let head_end = starts.first().map(|s| s.0).unwrap_or(lines.len());
    let mut catalogue = Catalogue {
        head_end,
        ..Default::default()
    };
    for (k, (start, heading)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map(|s| s.0).unwrap_or(lines.len());
        let proposal = proposal(&lines[*start..end], heading.clone(), profile);
        catalogue.proposals.push((proposal, *start + 1..end));
    }
    catalogue
}

/// One proposal from its heading line onwards.
fn proposal(lines: &[Line], heading: ProposalHeading, profile: &Profile) -> Proposal {
    let mut p = Proposal {
        code: heading.code,
        number: heading.number,
        kind: heading.kind,
        title: heading.title,
        summary: None,
        presenting_administrations: Vec::new(),
        affected_administrations: Vec::new(),
        payback_years: None,
        sections: Vec::new(),
        tables: Vec::new(),
        location: Location {
            page: lines[0].page,
            line: lines[0].number,
        },
    };
    let body = &lines[1..];
    read_labels(&mut p, body, profile);
    p.sections = sections(body, profile);
    p
}

/// Fill summary, administrations and payback from the labelled lines of a
/// proposal's body: the first of each label counts, and every payback row.
fn read_labels(p: &mut Proposal, body: &[Line], profile: &Profile) {
    let w = &profile.proposals;
    let joiners = &profile.text.compound_joiners;
    let mut i = 0;
    while i < body.len() {
        let text = body[i].text.trim();
        let first_cell = text.split('\t').next().unwrap_or("");
        if labelled(first_cell, &w.summary_labels).is_some() && p.summary.is_none() {
            let value = strip_label(text, &w.summary_labels);
            let (para, used) = paragraph_from(value, &body[i + 1..], profile);
            p.summary = Some(assemble(&para, joiners)).filter(|s| !s.is_empty());
            i += used;
        } else if labelled(first_cell, &w.presenting_labels).is_some()
            && p.presenting_administrations.is_empty()
        {
            let value = strip_label(text, &w.presenting_labels);
            let (para, used) = paragraph_from(value, &body[i + 1..], profile);
            p.presenting_administrations = split_names(&assemble(&para, joiners), w);
            i += used;
        } else if labelled(first_cell, &w.affected_labels).is_some()
            && p.affected_administrations.is_empty()
        {
            let rest = strip_label(text, &w.affected_labels);
            let (names, used) = affected_administrations(rest, &body[i + 1..], profile);
            p.affected_administrations = names;
            i += used;
        } else if p.kind.is_none()
            && let Some(kind) = labelled(first_cell, &w.type_labels).filter(|k| !k.is_empty())
        {
            p.kind = Some(collapse(kind));
        } else if labelled(first_cell, &w.payback_labels).is_some() {
            record_payback(
                &mut p.payback_years,
                text,
                body.get(i + 1).map(|l| l.text.as_str()),
                w,
            );
        }
        i += 1;
    }
}

/// The ticked administrations in `rest` (the label line after its label)
/// and the box or tab lines `below` it; without any, the names listed as
/// plain text under the label ("Berørte forvaltninger:" /
/// "Økonomiforvaltningen og Socialforvaltningen"). Returns the names and
/// how many lines below were used.
fn affected_administrations(rest: &str, below: &[Line], profile: &Profile) -> (Vec<String>, usize) {
    let mut cells: Vec<String> = rest.split('\t').map(str::to_string).collect();
    let mut used = 0;
    for next in below {
        let t = next.text.trim_end();
        if t.trim().is_empty()
            || !(next.text.starts_with('\t') || t.contains([BOX_TICKED, BOX_EMPTY]))
        {
            break;
        }
        cells.extend(t.split('\t').map(str::to_string));
        used += 1;
    }
    let names = ticked_names(&cells, &profile.proposals);
    if !names.is_empty() || used > 0 {
        return (names, used);
    }
    let (para, used) = paragraph_from(rest, below, profile);
    let lines: Vec<String> = para.iter().map(|l| l.text.clone()).collect();
    (ticked_names(&lines, &profile.proposals), used)
}

/// The label's value plus continuation lines up to a blank line or another label.
fn paragraph_from(first: &str, rest: &[Line], profile: &Profile) -> (Vec<Line>, usize) {
    let w = &profile.proposals;
    let labels: Vec<&Vec<String>> = vec![
        &w.summary_labels,
        &w.presenting_labels,
        &w.affected_labels,
        &w.payback_labels,
    ];
    let first = collapse(first);
    let mut started = !first.is_empty();
    let mut para = vec![Line {
        text: first,
        ..Default::default()
    }];
    let mut used = 0;
    for l in rest {
        let t = l.text.trim();
        if t.is_empty() && !started {
            used += 1;
            continue;
        }
        if t.is_empty()
            || labels.iter().any(|ls| labelled(t, ls).is_some())
            || section_title(t, w).is_some()
        {
            break;
        }
        para.push(Line {
            text: collapse(t),
            ..l.clone()
        });
        started = true;
        used += 1;
    }
    if para.len() == 1 && para[0].text.is_empty() {
        return (para, 0);
    }
    (para, used)
}

/// Text after a label and its colon.
fn strip_label<'a>(text: &'a str, labels: &[String]) -> &'a str {
    for l in labels {
        if let Some(rest) = strip_phrase(text.trim_start(), l) {
            return rest.trim_start().strip_prefix(':').unwrap_or(rest);
        }
    }
    text
}

/// Names following ticked boxes (a box and its name may share a cell or sit
/// in neighbouring cells); without boxes, every name counts.
fn ticked_names(cells: &[String], w: &ProposalWords) -> Vec<String> {
    let has_boxes = cells.iter().any(|c| c.contains([BOX_TICKED, BOX_EMPTY]));
    if !has_boxes {
        return split_names(&collapse(&cells.join(" ")), w);
    }
    let first_token = cells
        .iter()
        .map(|c| c.trim())
        .find(|c| !c.is_empty())
        .unwrap_or("");
    if !first_token.starts_with([BOX_TICKED, BOX_EMPTY]) {
        return names_before_boxes(cells);
    }
    let mut names = Vec::new();
    let mut state: Option<bool> = None;
    for cell in cells {
        let mut rest = cell.trim();
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix(BOX_TICKED) {
                state = Some(true);
                rest = r.trim_start();
                continue;
            }
            if let Some(r) = rest.strip_prefix(BOX_EMPTY) {
                state = Some(false);
                rest = r.trim_start();
                continue;
            }
            let end = rest.find([BOX_TICKED, BOX_EMPTY]).unwrap_or(rest.len());
            let name = collapse(&rest[..end]);
            if state == Some(true) && !name.is_empty() {
                names.push(name);
            }
            state = None;
            rest = &rest[end..];
        }
    }
    names
}

/// Names in a layout that prints the box after the name ("Økonomiforvaltningen ☒").
fn names_before_boxes(cells: &[String]) -> Vec<String> {
    let joined = cells.join("\t");
    let mut names = Vec::new();
    let mut rest = joined.as_str();
    while let Some(pos) = rest.find([BOX_TICKED, BOX_EMPTY]) {
        let name = collapse(&rest[..pos]);
        let ticked = rest[pos..].starts_with(BOX_TICKED);
        if ticked && !name.is_empty() {
            names.push(name);
        }
        let width = rest[pos..].chars().next().map_or(1, char::len_utf8);
        rest = &rest[pos + width..];
    }
    names
}

/// Split "A og B-, C- og D" into names: a joiner after a hyphen is part of a
/// compound, and a word joiner (" og ") after a name without one of the
/// profile's name endings is part of that name ("Børn og Unge").
pub fn split_names(text: &str, w: &ProposalWords) -> Vec<String> {
    let mut names = vec![text.trim().to_string()];
    let endings = &w.joined_name_endings;
    let ends_name = |prev: &str| {
        let prev = prev.trim_end();
        endings.is_empty()
            || endings
                .iter()
                .any(|e| prev.to_lowercase().ends_with(&e.to_lowercase()))
    };
    for j in &w.name_joiners {
        let word_joiner = j.trim().chars().all(char::is_alphabetic) && !j.trim().is_empty();
        names = names
            .into_iter()
            .flat_map(|n| {
                let mut parts: Vec<String> = Vec::new();
                for piece in n.split(j.as_str()) {
                    match parts.last_mut() {
                        Some(prev) if prev.ends_with('-') || (word_joiner && !ends_name(prev)) => {
                            prev.push_str(j);
                            prev.push_str(piece);
                        }
                        _ => parts.push(piece.to_string()),
                    }
                }
                parts
            })
            .collect();
    }
    names
        .into_iter()
        .map(|n| collapse(n.trim().trim_end_matches('.')))
        .filter(|n| !n.is_empty())
        .collect()
}

/// Fill the service or total payback from a "Tilbagebetalingstid …" row.
fn record_payback(
    payback: &mut Option<Payback>,
    text: &str,
    next: Option<&str>,
    w: &ProposalWords,
) {
    let cells: Vec<&str> = text.split('\t').collect();
    let label = cells[0].to_lowercase();
    let inline = cells[0].split_whitespace().skip(1);
    let candidates = cells[1..]
        .iter()
        .flat_map(|c| c.split_whitespace())
        .chain(inline);
    let Some(years) = candidates
        .filter_map(|c| {
            danish_number(c.trim_end_matches([',', '.', ')']))
                .ok()
                .map(|(_, v)| v)
        })
        .find(|v| (0.0..100.0).contains(v))
    else {
        return;
    };
    let p = payback.get_or_insert_with(Payback::default);
    let next = next.unwrap_or("").to_lowercase();
    let mentions = |words: &[String], s: &str| words.iter().any(|x| s.contains(&x.to_lowercase()));
    let says_total = mentions(&w.payback_total_words, &label)
        || (p.service.is_some() && p.total.is_none())
        || (mentions(&w.payback_total_words, &next) && p.total.is_none());
    if mentions(&w.payback_service_words, &label) || !says_total {
        p.service = Some(years);
    } else {
        p.total = Some(years);
    }
}

/// "2. Økonomi" → Some("2. Økonomi") when the title is one of the profile's section titles.
fn section_title(text: &str, w: &ProposalWords) -> Option<String> {
    let t = text.trim();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let rest = if digits > 0 && digits <= 2 {
        t[digits..].strip_prefix('.')?.trim_start()
    } else {
        return None;
    };
    w.section_titles
        .iter()
        .any(|s| strip_phrase(rest, s).is_some())
        .then(|| collapse(t))
}

/// Every section in order: the untitled head, then each numbered section.
fn sections(body: &[Line], profile: &Profile) -> Vec<Section> {
    let joiners = &profile.text.compound_joiners;
    let mut out = Vec::new();
    let mut heading = None;
    let mut start = 0;
    for (i, l) in body.iter().enumerate() {
        if let Some(title) = section_title(&l.text, &profile.proposals) {
            push_section(&mut out, heading.take(), &body[start..i], joiners);
            heading = Some(title);
            start = i + 1;
        }
    }
    push_section(&mut out, heading, &body[start..], joiners);
    out
}

/// Add a section unless it is an untitled empty one.
fn push_section(
    out: &mut Vec<Section>,
    heading: Option<String>,
    lines: &[Line],
    joiners: &[String],
) {
    let text = assemble(lines, joiners);
    if heading.is_some() || !text.is_empty() {
        out.push(Section {
            heading,
            kind: None,
            text,
            line: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profiles;

    fn words() -> ProposalWords {
        Profiles::builtin()
            .get("business-cases-da")
            .unwrap()
            .proposals
            .clone()
    }

    #[test]
    fn headings() {
        let w = words();
        let h = proposal_heading("Forslag 4 UDBREDELSE AF STEP UP", &w).unwrap();
        assert_eq!(
            (h.number, h.title.as_str()),
            (Some(4), "UDBREDELSE AF STEP UP")
        );
        let h = proposal_heading(
            "Forslagets titel: HA01: Investeringsforslag – Bedre drift",
            &w,
        )
        .unwrap();
        assert_eq!(h.code.as_deref(), Some("HA01"));
        assert_eq!(h.kind.as_deref(), Some("Investeringsforslag"));
        assert_eq!(h.title, "Bedre drift");
        let h = proposal_heading(
            "Forslagets titel: KFF3 – Innovationspuljeforslag: Nyt bibliotek",
            &w,
        )
        .unwrap();
        assert_eq!(
            (h.code.as_deref(), h.kind.as_deref(), h.title.as_str()),
            (
                Some("KFF3"),
                Some("Innovationspuljeforslag"),
                "Nyt bibliotek"
            )
        );
        assert!(proposal_heading("Forslaget er godt", &w).is_none());
        let h = proposal_heading(
            "Forslagets titel:\tBUF7 – Udvidelsesforslag: Flere pædagoger",
            &w,
        )
        .unwrap();
        assert_eq!(h.kind.as_deref(), Some("Udvidelsesforslag"));
        let h = proposal_heading(
            "Forslagets titel: SUF2: Omstillingsforslag – Ny vagtplan",
            &w,
        )
        .unwrap();
        assert_eq!(
            (h.code.as_deref(), h.kind.as_deref(), h.title.as_str()),
            (Some("SUF2"), Some("Omstillingsforslag"), "Ny vagtplan")
        );
    }

    #[test]
    fn names_split_but_compounds_stay() {
        let j = words();
        assert_eq!(
            split_names(
                "Socialforvaltningen og Beskæftigelses- og Integrationsforvaltningen",
                &j
            ),
            vec![
                "Socialforvaltningen",
                "Beskæftigelses- og Integrationsforvaltningen"
            ]
        );
        assert_eq!(
            split_names(
                "Teknik- og Miljøforvaltningen (TMF) og Økonomiforvaltningen (ØKF)",
                &j
            ),
            vec![
                "Teknik- og Miljøforvaltningen (TMF)",
                "Økonomiforvaltningen (ØKF)"
            ]
        );
        // Administrations named for their areas keep their "og".
        assert_eq!(
            split_names("Teknik og Miljø, Børn og Unge", &j),
            vec!["Teknik og Miljø", "Børn og Unge"]
        );
    }

    #[test]
    fn proposals_with_a_code_and_a_type_line() {
        let profiles = crate::profile::Profiles::builtin();
        let p = profiles.get("business-cases-da").unwrap();
        let lines: Vec<Line> = [
            "Forslag nr. BUV-03: Reduktion af åbningstid i dagtilbud",
            "Type: Reduktionsforslag",
            "Fremstillende forvaltning: Børn og Unge",
        ]
        .iter()
        .map(|t| Line::plain(t))
        .collect();
        let c = parse(&lines, p);
        let got = &c.proposals[0].0;
        assert_eq!(got.code.as_deref(), Some("BUV-03"));
        assert_eq!(got.kind.as_deref(), Some("Reduktionsforslag"));
        assert_eq!(got.title, "Reduktion af åbningstid i dagtilbud");
        assert_eq!(got.presenting_administrations, ["Børn og Unge"]);
        assert!(proposal_heading("Forslag nr. 12 Flere stier", &p.proposals).is_some());
        assert!(proposal_heading("Forslag nr. se bilag", &p.proposals).is_none());
    }

    #[test]
    fn affected_administrations_listed_under_the_label() {
        let profiles = crate::profile::Profiles::builtin();
        let p = profiles.get("business-cases-da").unwrap();
        let lines: Vec<Line> = [
            "Forslag 1 Bedre indkøb",
            "Berørte forvaltninger:",
            "Økonomiforvaltningen og Socialforvaltningen",
            "",
            "Kort resumé: Forslaget sparer penge.",
        ]
        .iter()
        .map(|t| Line {
            text: t.to_string(),
            ..Default::default()
        })
        .collect();
        let c = parse(&lines, p);
        assert_eq!(
            c.proposals[0].0.affected_administrations,
            ["Økonomiforvaltningen", "Socialforvaltningen"]
        );
    }

    #[test]
    fn ticked_boxes_only() {
        let cells: Vec<String> = [
            "☒",
            "Økonomiforvaltningen",
            "☐",
            "Socialforvaltningen",
            "☒ Teknik- og Miljøforvaltningen",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            ticked_names(&cells, &words()),
            vec!["Økonomiforvaltningen", "Teknik- og Miljøforvaltningen"]
        );
        let after: Vec<String> = [
            "Økonomiforvaltningen ☒",
            "Socialforvaltningen ☐",
            "Kultur- og Fritidsforvaltningen ☒",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            ticked_names(&after, &ProposalWords::default()),
            vec!["Økonomiforvaltningen", "Kultur- og Fritidsforvaltningen"]
        );
    }

    #[test]
    fn payback_rows() {
        let w = words();
        let mut p = None;
        record_payback(
            &mut p,
            "Tilbagebetalingstid baseret på serviceeffektivisering\t\t6 år",
            None,
            &w,
        );
        record_payback(
            &mut p,
            "Tilbagebetalingstid baseret på\t\t6 år",
            Some("totaløkonomi"),
            &w,
        );
        assert_eq!(
            p,
            Some(Payback {
                service: Some(6.0),
                total: Some(6.0)
            })
        );
        let mut p = None;
        record_payback(
            &mut p,
            "Tilbagebetalingstid baseret på totaløkonomi: 9 år",
            None,
            &w,
        );
        assert_eq!(
            p,
            Some(Payback {
                service: None,
                total: Some(9.0)
            })
        );
    }

    #[test]
    fn summary_on_the_line_after_its_label() {
        let profiles = Profiles::builtin();
        let p = profiles.get("business-cases-da").unwrap();
        let lines: Vec<Line> = [
            "Forslag 1 Titel",
            "Kort resumé:",
            "",
            "Første linje",
            "anden linje.",
            "",
            "Fremstillende forvaltning:\tØkonomiforvaltningen",
        ]
        .iter()
        .map(|t| Line {
            text: t.to_string(),
            ..Default::default()
        })
        .collect();
        let c = parse(&lines, p);
        let prop = &c.proposals[0].0;
        assert_eq!(prop.summary.as_deref(), Some("Første linje anden linje."));
        assert_eq!(
            prop.presenting_administrations,
            vec!["Økonomiforvaltningen"]
        );
    }
}
