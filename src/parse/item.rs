//! One agenda item: its heading, case number, sections, decisions (one per
//! treatment), earlier treatments and amounts.

use super::amounts::find_amounts_with;
use super::decisions::{self, DecisionHead, decision_heading};
use super::headings::{self, starts_with_any};
use super::history::{section_entries, treatment_line};
use super::outcome::classify;
use super::text::assemble;
use super::words::{self, case_number_of, collapse, is_phrase, strip_phrase};
use crate::extract::Line;
use crate::profile::Profile;
use crate::record::AttachmentLink;
use crate::record::{Amount, Decision, Item, Location, Meeting, Section, SectionKind, Treatment};

/// Lines longer than this are running text, never a section heading.
const MAX_HEADING_BYTES: usize = 160;
/// Lines after the heading searched for the case number.
const CASE_NUMBER_REACH: usize = 4;

/// What a section is for beyond its contract kind.
#[derive(Debug, Clone, PartialEq)]
enum Role {
    /// An ordinary section.
    Plain,
    /// A decision of this meeting (or of the treatment the heading names).
    Decision(DecisionHead),
    /// A decision inside an earlier treatment: text for history entry N.
    EarlierDecision(usize),
    /// A section listing earlier treatments ("Sagsforløb").
    History,
    /// The text under a line naming earlier treatment N.
    Treatment(usize),
    /// The text under a line naming this meeting's treatment ("Teknisk
    /// udvalg, 05.05.2026, pkt. 3:"): its decision when text stands
    /// directly under the line, before any heading.
    CurrentTreatment(DecisionHead),
}

/// One open section while walking an item's lines.
struct Open {
    heading: Option<String>,
    kind: SectionKind,
    role: Role,
    lines: Vec<Line>,
    /// Opened inside an earlier treatment's block.
    earlier: bool,
    /// Line number of the heading that opened it.
    line: Option<u32>,
    /// Page of that heading (PDF).
    page: Option<u32>,
}

impl Open {
    fn new(heading: Option<String>, kind: SectionKind, role: Role) -> Self {
        Open {
            heading,
            kind,
            role,
            lines: Vec::new(),
            earlier: false,
            line: None,
            page: None,
        }
    }
}

/// Which treatment the lines being read belong to.
#[derive(Debug, Clone, PartialEq)]
enum Context {
    /// This meeting's treatment.
    Current(Option<String>, Option<String>),
    /// An earlier treatment: history entry N.
    Earlier(usize),
}

/// Walks an item's lines into sections.
struct Walker<'p> {
    profile: &'p Profile,
    meeting: &'p Meeting,
    sections: Vec<Open>,
    open: Open,
    context: Context,
    history: Vec<Treatment>,
    case_number: Option<String>,
    /// The open section quotes an earlier decision: one paragraph long.
    quoted: bool,
    /// A line under the heading marked the item closed.
    closed: bool,
    /// The item is written as treatment blocks, one of them this meeting's.
    blocks: bool,
    /// Number of the line being read.
    at: u32,
    /// Page of the line being read (PDF).
    page: Option<u32>,
    /// This meeting's date: the meeting's, else the latest treatment named
    /// in the item (a protocol whose date was not read).
    today: Option<String>,
    /// The last line was a case-number label alone ("JOURNALNUMMER").
    case_label: bool,
}

/// Parse one item from its heading line onwards.
pub fn item(
    lines: &[Line],
    number: u32,
    title: String,
    meeting: &Meeting,
    profile: &Profile,
) -> Item {
    let location = Location {
        page: lines[0].page,
        line: lines[0].number,
    };
    let (title, bracketed) = bracketed_mark(title, profile);
    let marker = title_marker(&title, profile).or(bracketed);
    let (mut title, case_number, body_start) = head(lines, title, profile);
    let case_number = case_number.or_else(|| heading_case_number(&lines[0].text, profile));
    if let Some(closed) = marker {
        title = title_after_marker(title, closed, profile);
    }
    let today = meeting.date.clone().or_else(|| {
        lines
            .iter()
            .filter_map(|l| treatment_line(&l.text, profile)?.date)
            .max()
    });
    let mut w = Walker {
        today,
        profile,
        meeting,
        sections: Vec::new(),
        open: Open::new(None, untitled(profile), Role::Plain),
        context: Context::Current(None, None),
        history: Vec::new(),
        case_number,
        quoted: false,
        closed: false,
        blocks: false,
        at: 0,
        page: None,
        case_label: false,
    };
    w.closed = marker == Some(true);
    for line in &lines[body_start..] {
        w.line(line);
    }
    w.finish(number, title, location)
}

/// Kind of text that no section heading introduces.
fn untitled(profile: &Profile) -> SectionKind {
    profile.sections.untitled.unwrap_or(SectionKind::Other)
}

/// The title (with wrapped continuation lines), the case number under the
/// heading, and where the item's body starts.
fn head(lines: &[Line], mut title: String, profile: &Profile) -> (String, Option<String>, usize) {
    let is_case = |l: &Line| case_number_of(&l.text, profile).map(str::to_string);
    let non_blank: Vec<usize> = (1..lines.len())
        .filter(|&i| !lines[i].text.trim().is_empty())
        .take(CASE_NUMBER_REACH)
        .collect();
    let Some(at) = non_blank.iter().position(|&i| is_case(&lines[i]).is_some()) else {
        let mut start = 1;
        // "Sag nr. 7 - Åben" with the title on the line under it.
        if let Some(&i) = non_blank.first()
            && title_marker(&title, profile).is_some()
            && i <= 2
            && title_part(&lines[i], profile)
            && !lines[i].text.trim_end().ends_with(['.', ':'])
        {
            title.push(' ');
            title.push_str(&collapse(&lines[i].text));
            return (title, None, i + 1);
        }
        if let Some(&i) = non_blank.first()
            && normalized(&lines[i].text) == normalized(&title)
            && !title.is_empty()
        {
            start = i + 1;
        }
        return (title, None, start);
    };
    let case_line = non_blank[at];
    let wrapped = &non_blank[..at];
    let continuous = wrapped
        .iter()
        .all(|&i| i == 1 || !lines[i - 1].text.trim().is_empty());
    if !wrapped.is_empty() && continuous && wrapped.iter().all(|&i| title_part(&lines[i], profile))
    {
        for &i in wrapped {
            title.push(' ');
            title.push_str(&collapse(&lines[i].text));
        }
        return (title, is_case(&lines[case_line]), case_line + 1);
    }
    if wrapped.is_empty() {
        return (title, is_case(&lines[case_line]), case_line + 1);
    }
    (title, None, 1)
}

/// A case number printed after its label in a column of the heading line
/// itself ("KS § 31   Dnr KS 2026/0112"; a title that mentions "sag
/// 21/1234" is not one).
fn heading_case_number(text: &str, profile: &Profile) -> Option<String> {
    let labels = &profile.items.case_number_labels;
    text.match_indices(['\t', ' '])
        .filter(|(at, gap)| *gap == "\t" || text[at + 1..].starts_with(' '))
        .map(|(at, _)| text[at..].trim_start())
        .filter(|rest| labels.iter().any(|l| strip_phrase(rest, l).is_some()))
        .find_map(|rest| case_number_of(rest, profile))
        .map(str::to_string)
}

/// A line that can continue a wrapped item title: short and no section heading.
fn title_part(line: &Line, profile: &Profile) -> bool {
    line.text.len() < MAX_HEADING_BYTES && section_heading(line, profile).is_none()
}

impl Walker<'_> {
    /// Read one line.
    fn line(&mut self, line: &Line) {
        self.at = line.number;
        self.page = line.page;
        let text = line.text.trim();
        if self.value_of_case_label(text) {
            return;
        }
        if self.quoted
            && text.is_empty()
            && self.open.lines.iter().any(|l| !l.text.trim().is_empty())
        {
            self.quoted = false;
            self.push(Open::new(None, untitled(self.profile), Role::Plain));
        }
        if !self.heading(line, text) {
            self.content(line, text);
        }
    }

    /// The line under a case-number label standing alone ("JOURNALNUMMER" /
    /// "24058813") is the case number; true when it was taken.
    fn value_of_case_label(&mut self, text: &str) -> bool {
        if self.case_label && !text.is_empty() {
            self.case_label = false;
            let token = text.split_whitespace().next().unwrap_or("");
            if self.case_number.is_none()
                && words::is_reference(token)
                && text.split_whitespace().count() == 1
            {
                self.case_number = Some(token.to_string());
                return true;
            }
        }
        if is_phrase(text, &self.profile.items.case_number_labels) {
            self.case_label = true;
        }
        false
    }

    /// A line that opens a section or a treatment; true when it was one.
    fn heading(&mut self, line: &Line, text: &str) -> bool {
        if let Some((date, number)) = decisions::earlier_decision(text, self.profile) {
            let t = Treatment {
                body: self.meeting.body.clone(),
                date: Some(date),
                item_number: number,
                text: None,
            };
            self.earlier(line, t);
            // The quoted decision is the treatment's text: this meeting's comes next.
            self.context = Context::Current(None, None);
            self.quoted = true;
        } else if let Some(h) = self.decision(line) {
            self.open_decision(line, h);
        } else if text.len() <= MAX_HEADING_BYTES && is_phrase(text, &self.profile.history.headings)
        {
            let heading = Some(collapse(text.trim_end_matches(':')));
            self.push(Open::new(heading, SectionKind::Other, Role::History));
        } else if self.open.role != Role::History
            && self.open.kind != SectionKind::Attachments
            && let Some(t) = treatment_line(text, self.profile)
        {
            self.treatment(line, t);
        } else if let Some((kind, heading, inline)) = section_heading(line, self.profile) {
            let one_line = is_phrase(&heading, &self.profile.sections.one_line);
            self.push(Open::new(Some(heading), kind, Role::Plain));
            self.inline(line, inline);
            if one_line {
                self.push(Open::new(None, untitled(self.profile), Role::Plain));
            }
        } else {
            return false;
        }
        true
    }

    /// A line of text: a closed-item mark, the start of what follows a
    /// decision, the case number, or the open section's text.
    fn content(&mut self, line: &Line, text: &str) {
        if headings::starts_with_any(text, &self.profile.items.closed_lines) {
            self.closed = true;
            // A mark alone on its line ("Lukket punkt") is the flag, not text.
            let mark_only = self
                .profile
                .items
                .closed_lines
                .iter()
                .any(|m| m.trim().eq_ignore_ascii_case(text.trim()));
            if !mark_only {
                self.open.lines.push(line.clone());
            }
        } else if self.ends_decision(text) {
            self.push(Open::new(None, SectionKind::Other, Role::Plain));
            self.open.lines.push(line.clone());
        } else if self.case_number.is_none() && self.is_case_number(text).is_some() {
            self.case_number = self.is_case_number(text).map(str::to_string);
        } else {
            self.open.lines.push(line.clone());
        }
    }

    /// A decision heading on this line (short, or with its text inline).
    fn decision(&self, line: &Line) -> Option<DecisionHead> {
        let text = line.text.trim();
        if text.is_empty() || text.contains('\t') {
            return None;
        }
        let h = decision_heading(text, self.profile)?;
        (text.len() <= MAX_HEADING_BYTES || h.inline.is_some()).then_some(h)
    }

    /// Open a decision section; a bare heading belongs to the treatment being read.
    fn open_decision(&mut self, line: &Line, h: DecisionHead) {
        let heading = Some(collapse(line.text.trim()));
        let inline = h.inline.clone();
        let role = match (&h.body, &h.date, &self.context) {
            (None, None, Context::Earlier(n)) => {
                // An earlier treatment has one decision; the next bare one is this meeting's.
                let n = *n;
                self.context = Context::Current(None, None);
                Role::EarlierDecision(n)
            }
            (None, None, Context::Current(body, date)) => Role::Decision(DecisionHead {
                body: body.clone(),
                date: date.clone(),
                inline: None,
            }),
            _ => {
                self.context = Context::Current(None, None);
                Role::Decision(h)
            }
        };
        let kind = match role {
            Role::Decision(_) => SectionKind::Decision,
            _ => SectionKind::Other,
        };
        self.push(Open::new(heading, kind, role));
        self.inline(line, inline);
    }

    /// A line naming a treatment opens it: this meeting's, or an earlier one (history).
    fn treatment(&mut self, line: &Line, t: Treatment) {
        let current = t.date.is_some() && t.date == self.today;
        if current {
            self.blocks = true;
            self.context = Context::Current(t.body.clone(), t.date.clone());
            let head = DecisionHead {
                body: t.body,
                date: t.date,
                inline: None,
            };
            self.push(Open::new(
                Some(collapse(line.text.trim())),
                SectionKind::Other,
                Role::CurrentTreatment(head),
            ));
        } else {
            self.earlier(line, t);
        }
    }

    /// An earlier treatment: a history entry whose text follows. A treatment
    /// named twice (in a list, then heading its block) is one entry.
    fn earlier(&mut self, line: &Line, t: Treatment) {
        let same = |h: &Treatment| {
            h.date == t.date && h.item_number.or(t.item_number) == t.item_number.or(h.item_number)
        };
        let n = match self.history.iter().position(same) {
            Some(n) => n,
            None => {
                self.history.push(t);
                self.history.len() - 1
            }
        };
        self.context = Context::Earlier(n);
        self.push(Open::new(
            Some(collapse(line.text.trim())),
            SectionKind::Other,
            Role::Treatment(n),
        ));
    }

    /// A line that ends a decision's (or other section's) text without a
    /// heading ("BESLUTNINGSFORSLAG FRA …", "Besvärsanvisning").
    fn ends_decision(&self, text: &str) -> bool {
        let lines = &self.open.lines;
        let new_paragraph = lines.last().is_some_and(|l| l.text.trim().is_empty())
            && lines.iter().any(|l| !l.text.trim().is_empty());
        let in_decision = matches!(self.open.role, Role::Decision(_) | Role::EarlierDecision(_));
        (self.open.heading.is_some() || !matches!(self.open.role, Role::Plain))
            && new_paragraph
            && (starts_with_any(text, &self.profile.sections.decision_ends)
                || (in_decision && is_capital_heading(text)))
    }

    /// The case number on a line, by the profile's labels and shapes.
    fn is_case_number<'t>(&self, text: &'t str) -> Option<&'t str> {
        case_number_of(text, self.profile)
    }

    /// Close the open section and start `next`.
    fn push(&mut self, mut next: Open) {
        self.quoted = false;
        let quoted = matches!(self.open.role, Role::Treatment(_))
            && self.open.lines.iter().any(|l| !l.text.trim().is_empty());
        if quoted {
            // The text under the treatment line was its decision; what follows is this meeting's.
            self.context = Context::Current(None, None);
        }
        next.earlier = matches!(self.context, Context::Earlier(_));
        next.line = next.heading.as_ref().map(|_| self.at);
        next.page = next.heading.as_ref().and(self.page);
        let mut done = std::mem::replace(&mut self.open, next);
        if let Role::CurrentTreatment(head) = &done.role {
            let decided = done.lines.iter().any(|l| !l.text.trim().is_empty());
            done.role = if decided {
                done.kind = SectionKind::Decision;
                Role::Decision(head.clone())
            } else {
                Role::Plain
            };
        }
        self.sections.push(done);
    }

    /// Text that followed a heading on its own line.
    fn inline(&mut self, line: &Line, inline: Option<String>) {
        if let Some(text) = inline {
            self.open.lines.push(Line {
                text,
                heading: None,
                bold: false,
                ..line.clone()
            });
        }
    }

    /// Build the item from the sections read.
    fn finish(mut self, number: u32, title: String, location: Location) -> Item {
        self.push(Open::new(None, SectionKind::Other, Role::Plain));
        let profile = self.profile;
        let mut out = Item {
            number,
            public: !self.closed && !is_closed(&title, profile),
            title,
            case_number: self.case_number.take(),
            attachments: Vec::new(),
            attachment_links: Vec::new(),
            background: None,
            recommendation: None,
            decisions: Vec::new(),
            history: std::mem::take(&mut self.history),
            case_description: None,
            sections: Vec::new(),
            amounts: Vec::new(),
            tables: Vec::new(),
            location,
        };
        let mut sections = std::mem::take(&mut self.sections);
        if self.blocks {
            // An earlier treatment's recommendation is history, not this item's.
            for s in sections
                .iter_mut()
                .filter(|s| s.earlier && s.role == Role::Plain)
            {
                s.kind = SectionKind::Other;
            }
        }
        for s in sections
            .into_iter()
            .filter(|s| s.heading.is_some() || s.lines.iter().any(|l| !l.text.trim().is_empty()))
        {
            add_section(&mut out, s, self.meeting, profile);
        }
        out
    }
}

/// The line an amount found in the joined text is printed on: the first
/// line holding it whole, else the first holding its first word (a line
/// break split it).
fn printed_at(lines: &[Line], amount: &str) -> Option<Location> {
    let first = amount.split_whitespace().next()?;
    lines
        .iter()
        .find(|l| l.text.contains(amount))
        .or_else(|| lines.iter().find(|l| l.text.contains(first)))
        .map(|l| Location {
            page: l.page,
            line: l.number,
        })
}

/// Put one section's text where its kind and role say.
fn add_section(out: &mut Item, s: Open, meeting: &Meeting, profile: &Profile) {
    let joiners = &profile.text.compound_joiners;
    let text = assemble(&s.lines, joiners);
    let prose: Vec<Line> = s
        .lines
        .iter()
        .filter(|l| !is_table_row(&l.text))
        .cloned()
        .collect();
    for a in find_amounts_with(&assemble(&prose, joiners), &profile.amounts) {
        out.amounts.push(Amount {
            location: printed_at(&prose, &a.text),
            text: a.text,
            dkk: a.value,
            section: Some(s.kind),
        });
    }
    let start = s
        .line
        .map(|line| Location { page: s.page, line })
        .or_else(|| {
            s.lines
                .iter()
                .find(|l| !l.text.trim().is_empty())
                .map(|l| Location {
                    page: l.page,
                    line: l.number,
                })
        });
    match (&s.role, s.kind) {
        (Role::Decision(h), _) => out.decisions.push(Decision {
            body: h.body.clone().or_else(|| meeting.body.clone()),
            date: h.date.clone().or_else(|| meeting.date.clone()),
            outcome: classify(&text, &profile.outcomes),
            text: text.clone(),
            location: start,
        }),
        (Role::EarlierDecision(n) | Role::Treatment(n), _) => {
            if let Some(t) = out.history.get_mut(*n)
                && !text.is_empty()
            {
                t.text = Some(text.clone());
            }
        }
        (Role::History, _) => out.history.extend(section_entries(&s.lines, profile)),
        (_, SectionKind::Background) => append(&mut out.background, &text),
        (_, SectionKind::Recommendation) => append(&mut out.recommendation, &text),
        (_, SectionKind::CaseDescription) => append(&mut out.case_description, &text),
        (_, SectionKind::Attachments) => {
            for (title, href) in attachment_titles(&s.lines, profile) {
                if let Some(href) = href {
                    out.attachment_links.push(AttachmentLink {
                        title: title.clone(),
                        href,
                    });
                }
                out.attachments.push(title);
            }
        }
        _ => {}
    }
    out.sections.push(Section {
        heading: s.heading,
        kind: Some(s.kind),
        text,
        line: s.line,
    });
}

/// A heading in capitals the profile does not know ("POLITISK BEHANDLING"):
/// two to six words, no digits, no sentence end.
fn is_capital_heading(text: &str) -> bool {
    let words = text.split_whitespace().count();
    (2..=6).contains(&words)
        && text.chars().filter(|c| c.is_alphabetic()).count() >= 6
        && text
            .chars()
            .all(|c| c.is_uppercase() || c == ' ' || c == '-' || c == '&')
}

/// A section heading of the profile (never page furniture, however often it repeats).
pub fn is_section_heading(line: &Line, profile: &Profile) -> bool {
    section_heading(line, profile).is_some() || is_phrase(&line.text, &profile.history.headings)
}

/// Recognise a section heading line by the profile's words: kind, printed
/// heading, and text that followed it on the line.
fn section_heading(
    line: &Line,
    profile: &Profile,
) -> Option<(SectionKind, String, Option<String>)> {
    let text = line.text.trim();
    if text.is_empty() {
        return None;
    }
    if let Some((first, rest)) = split_first_cell(text) {
        // "Bilagor<tab>Bilaga 3<tab>Plankarta": a label cell and its value.
        let (kind, heading, _) = section_heading(
            &Line {
                text: first.to_string(),
                ..line.clone()
            },
            profile,
        )?;
        return Some((kind, heading, Some(collapse(rest))));
    }
    // "Baggrund: <a whole paragraph>" may be long; a bare heading is not.
    let long = text.len() > MAX_HEADING_BYTES;
    let w = &profile.sections;
    let kinds = [
        (SectionKind::Background, &w.background),
        (SectionKind::Recommendation, &w.recommendation),
        (SectionKind::CaseDescription, &w.case_description),
        (SectionKind::Attachments, &w.attachments),
        (SectionKind::Other, &w.other),
    ];
    for (kind, words) in kinds {
        if !long && is_phrase(text, words) {
            return Some((kind, collapse(text.trim_end_matches(':')), None));
        }
        let marked = !long && (line.heading.is_some() || line.bold);
        for word in words.iter() {
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
                return Some((kind, word.clone(), Some(inline.trim().to_string())));
            }
        }
    }
    None
}

/// "Label<tab>value" or "Label   value" (a converter's layout mode) → (label, value).
fn split_first_cell(text: &str) -> Option<(&str, &str)> {
    let at = text.find('\t').into_iter().chain(text.find("   ")).min()?;
    let (first, rest) = text.split_at(at);
    let rest = rest.trim();
    let wordy = rest
        .split(['\t', ' '])
        .next()
        .is_some_and(|c| c.chars().any(char::is_alphabetic));
    (!first.trim().is_empty() && wordy).then_some((first.trim(), rest))
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
/// An attachment title longer than this many words, after a blank line, is prose.
const MAX_ATTACHMENT_WORDS: usize = 25;

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

/// Attachment titles: one per non-blank line, bullets and "Bilag N:" removed;
/// after a blank line, running text ends the list. Each with the link the
/// line carries (web pages, exports).
fn attachment_titles(lines: &[Line], profile: &Profile) -> Vec<(String, Option<String>)> {
    let mut titles = Vec::new();
    let mut after_blank = false;
    for l in lines {
        let t = collapse(
            l.text
                .trim()
                .trim_start_matches(['-', '•', '*', '·'])
                .trim(),
        );
        if t.is_empty() {
            after_blank = !titles.is_empty();
            continue;
        }
        if after_blank && is_prose(&t) {
            break;
        }
        let t = strip_attachment_label(&t, profile);
        if !t.is_empty() {
            titles.push((t, l.link.clone()));
        }
    }
    titles
}

/// A sentence rather than a title.
fn is_prose(text: &str) -> bool {
    let words = text.split_whitespace().count();
    words > MAX_ATTACHMENT_WORDS || (words > 8 && text.ends_with('.'))
}

/// "Bilag 2: Notat" → "Notat"; "2012-208960 - Notat" → "Notat"; "1. Notat" → "Notat".
fn strip_attachment_label(text: &str, profile: &Profile) -> String {
    let mut t = text;
    for word in &profile.sections.attachments {
        if let Some(rest) = strip_phrase(t, word) {
            let rest = rest.trim_start();
            // "Bilag 2:", "Bilag 2.1:", "Bilag 3)".
            let number = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .count();
            if rest.starts_with(|c: char| c.is_ascii_digit()) {
                t = rest[number..].trim_start_matches([':', '.', ')', ' ', '-', '–']);
            }
        }
    }
    if let Some(shapes) = profile.case_number_shapes()
        && let Some(n) = super::words::find_case_number(t, shapes)
        && t.starts_with(n)
    {
        let rest = t[n.len()..].trim_start();
        if let Some(r) = rest.strip_prefix(['-', '–']) {
            t = r.trim_start();
        }
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if (1..=2).contains(&digits) && t[digits..].starts_with(". ") {
        t = &t[digits + 2..];
    }
    t.trim().to_string()
}

/// Some(closed) when the heading's title is only an open or closed mark
/// ("Åben", "Lukket"): the title is then on the line under the heading.
fn title_marker(title: &str, profile: &Profile) -> Option<bool> {
    let items = &profile.items;
    if is_phrase(title, &items.closed_titles) {
        Some(true)
    } else if is_phrase(title, &items.open_titles) {
        Some(false)
    } else {
        None
    }
}

/// "(Lukket) Køb af ejendom" → ("Køb af ejendom", Some(true)): an open or
/// closed mark in brackets before the title.
fn bracketed_mark(title: String, profile: &Profile) -> (String, Option<bool>) {
    let Some((mark, rest)) = title
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .map(|(m, r)| (m.trim(), r.trim()))
    else {
        return (title, None);
    };
    let closed = match title_marker(mark, profile) {
        Some(closed) if !rest.is_empty() => closed,
        _ => return (title, None),
    };
    (rest.to_string(), Some(closed))
}

/// The title with the mark that stood in its place taken off; a mark with
/// no title after it stays the title ("Lukket").
fn title_after_marker(title: String, closed: bool, profile: &Profile) -> String {
    let words = if closed {
        &profile.items.closed_titles
    } else {
        &profile.items.open_titles
    };
    let rest = words
        .iter()
        .filter_map(|w| strip_phrase(&title, w))
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .min_by_key(|r| r.len());
    rest.map_or(title.clone(), str::to_string)
}

/// Whether an item title marks a closed item ("Lukket", "Lukket punkt: …").
fn is_closed(title: &str, profile: &Profile) -> bool {
    let words = &profile.items.closed_titles;
    is_phrase(title, words)
        || words.iter().any(|w| {
            strip_phrase(title, w)
                .is_some_and(|rest| rest.trim_start().starts_with([':', '-', '–', '(']))
        })
        || title
            .rsplit_once('(')
            .is_some_and(|(_, tail)| is_phrase(tail.trim_end_matches(')'), words))
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

    fn line(t: &str) -> Line {
        Line::plain(t)
    }

    fn lines(t: &[&str]) -> Vec<Line> {
        t.iter().map(|t| line(t)).collect()
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
        let profiles = Profiles::builtin();
        let p = profiles.get("minutes-da").unwrap();
        let merged = Line {
            text: "Sagsfremstilling Status fra KOMBIT".into(),
            heading: Some(2),
            ..Default::default()
        };
        let (kind, _, inline) = section_heading(&merged, p).unwrap();
        assert_eq!(
            (kind, inline.as_deref()),
            (SectionKind::CaseDescription, Some("Status fra KOMBIT"))
        );
        assert!(section_heading(&line("Sagsfremstilling Status fra KOMBIT"), p).is_none());
        assert!(section_heading(&line("Baggrund: tekst"), p).is_some());
    }

    #[test]
    fn bare_decision_inherits_the_meeting_and_earlier_treatments_are_history() {
        let profiles = Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        let meeting = Meeting {
            body: Some("Byrådet".into()),
            date: Some("2025-09-17".into()),
            ..Default::default()
        };
        let l = lines(&[
            "Punkt 4: Lukket: Salg af grund",
            "EMN-2025-003383",
            "",
            "Økonomiudvalget 03-09-2025 Punkt 7",
            "",
            "Beslutning",
            "Anbefales.",
            "",
            "Beslutninger",
            "",
            "Godkendt.",
            "",
            "BESLUTNINGSFORSLAG FRA Enhedslisten",
            "Tekst om forslaget.",
            "",
            "Bilag",
            "Bilag 1: Kort over grunden",
            "2025-208960 - Notat om salg",
        ]);
        let it = item(&l, 4, "Lukket: Salg af grund".into(), &meeting, p);
        assert!(!it.public);
        assert_eq!(it.case_number.as_deref(), Some("EMN-2025-003383"));
        assert_eq!(it.history.len(), 1);
        assert_eq!(it.history[0].body.as_deref(), Some("Økonomiudvalget"));
        assert_eq!(it.history[0].text.as_deref(), Some("Anbefales."));
        assert_eq!(it.decisions.len(), 1);
        let d = &it.decisions[0];
        assert_eq!(
            (d.body.as_deref(), d.date.as_deref()),
            (Some("Byrådet"), Some("2025-09-17"))
        );
        assert_eq!(d.text, "Godkendt.");
        assert_eq!(it.attachments, ["Kort over grunden", "Notat om salg"]);
    }

    #[test]
    fn a_case_number_in_a_column_of_the_heading_line() {
        let profiles = Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        let col = |t: &str| heading_case_number(t, p);
        assert_eq!(
            col("KS § 31   Dnr KS 2026/0112").as_deref(),
            Some("KS 2026/0112")
        );
        assert_eq!(col("31\tSagsnr.: 26/1234").as_deref(), Some("26/1234"));
        assert_eq!(col("Punkt 4: Orientering om sag 21/1234"), None);
    }

    #[test]
    fn an_open_or_closed_mark_in_the_heading_takes_the_title_from_the_next_line() {
        let profiles = Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        let m = Meeting::default();
        let closed = lines(&[
            "Sag nr. 8 - Lukket",
            "Elevsag",
            "Journalnr.: 28.06.00-G01-12-26",
        ]);
        let it = item(&closed, 8, "Lukket".into(), &m, p);
        assert_eq!(it.title, "Elevsag");
        assert!(!it.public);
        assert_eq!(it.case_number.as_deref(), Some("28.06.00-G01-12-26"));

        let open = lines(&[
            "Sag nr. 7 - Åben",
            "Skolestruktur - høringssvar",
            "",
            "Beslutning",
            "Drøftet.",
        ]);
        let it = item(&open, 7, "Åben".into(), &m, p);
        assert_eq!(it.title, "Skolestruktur - høringssvar");
        assert!(it.public);

        // "Punkt 3 (Lukket) Køb af ejendom", "Punkt 1 (Åben) Dagsorden".
        let it = item(
            &lines(&["Punkt 3 (Lukket) Køb af ejendom"]),
            3,
            "(Lukket) Køb af ejendom".into(),
            &m,
            p,
        );
        assert_eq!((it.title.as_str(), it.public), ("Køb af ejendom", false));
        let it = item(
            &lines(&["Punkt 1 (Åben) Dagsorden"]),
            1,
            "(Åben) Dagsorden".into(),
            &m,
            p,
        );
        assert_eq!((it.title.as_str(), it.public), ("Dagsorden", true));
        let it = item(
            &lines(&["Punkt 2 (se bilag) Budget"]),
            2,
            "(se bilag) Budget".into(),
            &m,
            p,
        );
        assert_eq!(it.title, "(se bilag) Budget", "only a mark is taken off");

        // A closed item whose only title is the mark keeps it; the sentence
        // under it is its text, not a title.
        let bare = lines(&["Punkt 12: Lukket", "Sagen blev behandlet for lukkede døre."]);
        let it = item(&bare, 12, "Lukket".into(), &m, p);
        assert_eq!(it.title, "Lukket");
        assert!(!it.public);
    }

    #[test]
    fn without_a_meeting_date_the_latest_treatment_is_this_meetings() {
        let profiles = Profiles::builtin();
        let p = profiles.get("protokoll-sv").unwrap();
        let l = lines(&[
            "40 § Detaljplan",
            "",
            "Tekniska nämnden 28.1.2025 § 6",
            "",
            "Beslut:",
            "Förslaget godkändes.",
            "",
            "Kommunstyrelsen 12.3.2025 § 40",
            "",
            "Beslut:",
            "Återremitterades.",
        ]);
        let it = item(&l, 40, "Detaljplan".into(), &Meeting::default(), p);
        assert_eq!(it.history.len(), 1);
        assert_eq!(it.decisions.len(), 1);
        let d = &it.decisions[0];
        assert_eq!(
            (d.body.as_deref(), d.date.as_deref()),
            (Some("Kommunstyrelsen"), Some("2025-03-12"))
        );
        assert_eq!(d.outcome, crate::record::Outcome::Postponed);
    }
}
