//! Stage 3: profile-driven grammar from lines to a document tree.
//!
//! [`parse`] picks the profile whose cue phrases occur most (see
//! [`crate::profile::Detect`]), falls back to the generic profile for a
//! layout seen for the first time, and reports how sure it is.

mod amounts;
mod business;
mod checks;
mod decisions;
mod furniture;
mod headings;
mod history;
mod item;
mod minutes;
mod outcome;
#[cfg(test)]
mod props;
mod text;
mod words;

/// Tables read their words with the same phrase matcher.
pub(crate) use words::{collapse, strip_phrase};

use crate::error::warn;
use crate::extract::{Extracted, Line};
use crate::profile::{Profile, ProfileKind, Profiles};
use crate::record::{Issue, Item, Kind, Meeting, Proposal, TocEntry};
use std::ops::Range;
use words::phrase;

/// Layout cues are looked for in this many lines from the top: a family shows itself early.
const DETECT_LINES: usize = 400;

/// Below this share of a profile's cues, a record says it is unsure (a
/// one-item excerpt of a known layout shows about 0.4).
const LOW_CONFIDENCE: f64 = 0.35;

/// Confidence reported for a document parsed by the generic fallback profile.
const FALLBACK_CONFIDENCE: f64 = 0.3;

/// The parsed document: contract pieces plus the line ranges tables are searched in.
#[derive(Debug, Clone)]
pub struct Document {
    /// Family.
    pub kind: Kind,
    /// Profile used.
    pub profile: Option<String>,
    /// Layout detection confidence, 0..1.
    pub confidence: f64,
    /// Title line.
    pub title: Option<String>,
    /// Meeting metadata.
    pub meeting: Option<Meeting>,
    /// Table of contents.
    pub toc: Vec<TocEntry>,
    /// Items with the line range each spans (after the heading line).
    pub items: Vec<(Item, Range<usize>)>,
    /// Proposals with the line range each spans (after the heading line).
    pub proposals: Vec<(Proposal, Range<usize>)>,
    /// Lines before the first item or proposal.
    pub head: Range<usize>,
    /// Lines of the table of contents (inside `head`).
    pub toc_lines: Range<usize>,
    /// The lines parsed: the extracted lines without running headers and footers.
    pub lines: Vec<Line>,
    /// Head text without the title line (see [`crate::record::Record::preamble`]).
    pub preamble: Option<String>,
    /// Full text when the layout is unknown.
    pub text: Option<String>,
    /// Parser warnings.
    pub warnings: Vec<Issue>,
}

/// The title a line carries when it is an item or proposal heading under
/// `profile` ("Punkt 3: Budget" → "Budget"), else `None`.
pub fn heading_title(line: &Line, profile: &Profile) -> Option<String> {
    headings::item_heading(line, profile)
        .map(|(_, t)| t.to_string())
        .or_else(|| business::proposal_heading(&line.text, &profile.proposals).map(|h| h.title))
}

/// How well a profile's cue phrases match a document: (hits, confidence).
pub fn detect_score(lines: &[Line], profile: &Profile) -> (usize, f64) {
    score(&LineHeads::of(lines), profile)
}

/// [`detect_score`] over lines grouped once for all profiles.
fn score(heads: &LineHeads, profile: &Profile) -> (usize, f64) {
    let cues = &profile.detect.line_starts;
    if cues.is_empty() {
        return (0, 0.0);
    }
    let hits = cues
        .iter()
        .filter(|cue| {
            let cue = cue.trim_end();
            heads
                .for_phrase(cue)
                .any(|text| words::strip_phrase(text, cue).is_some())
        })
        .count();
    (hits, hits as f64 / cues.len() as f64)
}

/// The first [`DETECT_LINES`] lines (start trimmed), grouped by their
/// first byte in ASCII lower case, so that a cue is compared only with the
/// lines it can start: [`words::strip_phrase`] never matches when both first
/// bytes are ASCII and differ in more than case.
struct LineHeads<'a> {
    /// Lines whose first byte is this ASCII byte (lower-cased).
    ascii: Vec<Vec<&'a str>>,
    /// Lines that are empty or start with a non-ASCII character.
    other: Vec<&'a str>,
    all: Vec<&'a str>,
}

impl<'a> LineHeads<'a> {
    fn of(lines: &'a [Line]) -> Self {
        let mut heads = LineHeads {
            ascii: vec![Vec::new(); 128],
            other: Vec::new(),
            all: Vec::new(),
        };
        for l in lines.iter().take(DETECT_LINES) {
            let text = l.text.trim_start();
            heads.all.push(text);
            match text.as_bytes().first() {
                Some(b) if b.is_ascii() => {
                    heads.ascii[usize::from(b.to_ascii_lowercase())].push(text)
                }
                _ => heads.other.push(text),
            }
        }
        heads
    }

    /// The lines `phrase` may start.
    fn for_phrase(&self, phrase: &str) -> Box<dyn Iterator<Item = &'a str> + '_> {
        match phrase.as_bytes().first() {
            Some(b) if b.is_ascii() => {
                let same = &self.ascii[usize::from(b.to_ascii_lowercase())];
                Box::new(same.iter().chain(&self.other).copied())
            }
            _ => Box::new(self.all.iter().copied()),
        }
    }
}

/// Choose the profile for a document: the best-scoring one that reaches its
/// `min_hits`, else the fallback.
pub fn choose<'p>(lines: &[Line], profiles: &'p Profiles) -> Option<(&'p Profile, f64)> {
    let heads = LineHeads::of(lines);
    profiles
        .profiles
        .iter()
        .filter(|p| !p.fallback)
        .map(|p| (p, score(&heads, p)))
        .filter(|(p, (hits, _))| *hits >= p.detect.min_hits.max(1))
        .max_by(|a, b| a.1.1.total_cmp(&b.1.1))
        .map(|(p, (_, c))| (p, c))
        .or_else(|| profiles.fallback().map(|p| (p, FALLBACK_CONFIDENCE)))
}

/// The title: the first non-blank line that is not a label such as "Bilag 5".
/// The title: among the first few lines, one that starts with a title word
/// ("Referat …") rather than a letterhead above it ("Havbjerg Kommune"); else
/// a short cell of the running header ("PROTOKOLL 3/2025"); else the first
/// line that is not a letterhead.
fn title(lines: &[Line], header: &[String], profile: &Profile) -> Option<String> {
    let candidates: Vec<String> = lines
        .iter()
        .map(|l| collapse(&l.text))
        .filter(|t| !t.is_empty())
        .filter(|t| {
            let label = phrase(&profile.title.skip_labels)(t.as_str()).is_ok_and(|(rest, _)| {
                rest.trim()
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == ':')
            });
            !label
        })
        .take(TITLE_LINES)
        .collect();
    let prefixes = &profile.meeting.title_prefixes;
    let titled = |t: &&String| phrase(prefixes)(t.as_str()).is_ok();
    let header_cell = header.iter().flat_map(|h| cells(h)).find(|c| {
        c.split_whitespace().count() <= HEADER_TITLE_WORDS && phrase(prefixes)(c.as_str()).is_ok()
    });
    let letterhead = |t: &&String| minutes::is_letterhead(t, profile);
    // A letterhead in two columns: "NORRVIKS KOMMUN   SAMMANTRÄDESPROTOKOLL".
    let column_cell = lines
        .iter()
        .take(TITLE_LINES)
        .map(|l| cells(&l.text))
        .filter(|c| c.len() > 1)
        .flatten()
        .find(|c| phrase(prefixes)(c.as_str()).is_ok());
    candidates
        .iter()
        .find(titled)
        .cloned()
        .or(column_cell)
        .or(header_cell)
        .or_else(|| candidates.iter().find(|t| !letterhead(t)).cloned())
        .or_else(|| candidates.first().cloned())
}

/// A header cell this short can be the title ("PROTOKOLL 3/2025").
const HEADER_TITLE_WORDS: usize = 4;

/// Cells of a line: tab-separated, or separated by runs of three spaces
/// (a converter's layout mode).
fn cells(line: &str) -> Vec<String> {
    line.split('\t')
        .flat_map(|c| c.split("   "))
        .map(collapse)
        .filter(|c| !c.is_empty())
        .collect()
}

/// Lines from the top searched for a title line.
const TITLE_LINES: usize = 6;

/// Parse extracted lines with the best-matching profile.
pub fn parse(doc: &Extracted, profiles: &Profiles) -> Document {
    parse_with(doc, profiles, None)
}

/// Parse with a named profile (`--profile`), or the best-matching one when `forced` is None.
pub fn parse_with(doc: &Extracted, profiles: &Profiles, forced: Option<&Profile>) -> Document {
    let chosen = match forced {
        Some(p) => Some((p, 1.0)),
        None => choose(&doc.lines, profiles),
    };
    let out = parse_as(doc, chosen);
    // A profile whose cues matched but whose grammar found nothing hands the
    // document to the generic fallback, which reads broader forms.
    match profiles.fallback() {
        Some(fallback)
            if forced.is_none()
                && out.kind == Kind::Unknown
                && chosen.is_some_and(|(p, _)| !p.fallback) =>
        {
            let retry = parse_as(doc, Some((fallback, FALLBACK_CONFIDENCE)));
            if retry.kind == Kind::Unknown {
                out
            } else {
                retry
            }
        }
        _ => out,
    }
}

/// Parse with one profile (None: no profile is loaded).
fn parse_as(doc: &Extracted, chosen: Option<(&Profile, f64)>) -> Document {
    let (lines, header) = match chosen {
        Some((p, _)) => {
            let (mut lines, mut header) = furniture::split(&doc.lines, |l| structural(l, p));
            lines.retain(|l| !headings::starts_with_any(&l.text, &p.furniture.line_starts));
            header.splice(0..0, doc.furniture.iter().cloned());
            (lines, header)
        }
        None => (doc.lines.clone(), Vec::new()),
    };
    let mut out = Document {
        kind: Kind::Unknown,
        profile: None,
        confidence: 0.0,
        title: None,
        meeting: None,
        toc: Vec::new(),
        items: Vec::new(),
        proposals: Vec::new(),
        head: 0..lines.len(),
        toc_lines: 0..0,
        lines: Vec::new(),
        preamble: None,
        text: None,
        warnings: Vec::new(),
    };
    match chosen {
        Some((profile, confidence)) => read(&mut out, &lines, &header, profile, confidence),
        None => {
            out.text = Some(full_text(&lines));
            out.warnings
                .push(unknown_layout("no grammar profile is loaded"));
        }
    }
    out.lines = lines;
    out
}

/// A line that repeats for a reason and is never page furniture.
fn structural(line: &Line, profile: &Profile) -> bool {
    let text = line.text.trim();
    let numbered_title = text
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
        .trim_start();
    line.heading.is_some()
        || item::is_section_heading(line, profile)
        || headings::starts_with_any(numbered_title, &profile.proposals.section_titles)
        || decisions::decision_heading(text, profile).is_some()
        || history::treatment_line(text, profile).is_some_and(|t| t.item_number.is_some())
        || headings::item_heading(line, profile).is_some()
        || profile.case_number_shapes().is_some_and(|s| {
            words::case_number_line(text, &profile.items.case_number_labels, s).is_some()
        })
}

/// Every line's text, for a document no profile could read: pages
/// separated by form feeds, as in `referat text`.
fn full_text(lines: &[Line]) -> String {
    let mut text = crate::extract::plain_text(lines, None);
    text.pop();
    text
}

/// The family a profile reads, deciding per document for the generic profile.
fn family(lines: &[Line], profile: &Profile) -> Kind {
    match profile.kind {
        ProfileKind::Minutes => Kind::Minutes,
        ProfileKind::BusinessCases => Kind::BusinessCases,
        ProfileKind::Auto => {
            let starts = headings::item_starts(lines, profile);
            let worded = starts
                .iter()
                .any(|s| headings::worded_heading(&lines[s.line], profile).is_some());
            // Numbered headings alone ("1. Introduction") make a report, not
            // minutes: a decision, a case number or a meeting label must show too.
            let items = if worded || shows_minutes(lines, profile) {
                starts.len()
            } else {
                0
            };
            let proposals = lines
                .iter()
                .filter(|l| business::proposal_heading(&l.text, &profile.proposals).is_some())
                .count();
            if items == 0 && proposals == 0 {
                Kind::Unknown
            } else if items >= proposals {
                Kind::Minutes
            } else {
                Kind::BusinessCases
            }
        }
    }
}

/// Lines only minutes have (a decision heading, a case number, a meeting
/// label), at least two of them.
fn shows_minutes(lines: &[Line], profile: &Profile) -> bool {
    let w = &profile.meeting;
    let labels: Vec<String> = [&w.date_labels, &w.location_labels, &w.participant_labels]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let evidence = |l: &&Line| {
        let t = l.text.trim();
        (t.len() < 200 && decisions::decision_heading(t, profile).is_some())
            || profile.case_number_shapes().is_some_and(|s| {
                words::case_number_line(t, &profile.items.case_number_labels, s).is_some()
            })
            || words::phrase(&labels)(t).is_ok_and(|(rest, _)| {
                // "Mødedato: …", "Date 5 January 2024"; not "Present work …"
                // or "date-format 3 4".
                let v = rest.trim_start_matches([' ', ':', '\t']);
                rest.starts_with([' ', ':', '\t'])
                    && !v.is_empty()
                    && (rest.trim_start().starts_with(':') || v.chars().any(|c| c.is_ascii_digit()))
            })
    };
    lines.iter().filter(evidence).take(2).count() == 2
}

/// Read the document with the chosen profile.
fn read(out: &mut Document, lines: &[Line], header: &[String], profile: &Profile, confidence: f64) {
    out.profile = Some(profile.name.clone());
    out.confidence = confidence;
    out.title = title(lines, header, profile);
    let kind = family(lines, profile);
    match kind {
        Kind::Minutes => {
            let m = minutes::parse(lines, out.title.as_deref(), header, profile);
            out.head = 0..m.head_end;
            out.toc_lines = m.toc_lines;
            out.meeting = Some(m.meeting);
            out.toc = m.toc;
            out.items = m.items;
            out.warnings
                .extend(checks::missing_facts(lines, &out.items, profile));
        }
        Kind::BusinessCases => {
            let c = business::parse(lines, profile);
            out.head = 0..c.head_end;
            out.proposals = c.proposals;
        }
        Kind::Unknown => {}
    }
    out.kind = kind;
    out.preamble = preamble(&lines[out.head.clone()], out.title.as_deref(), profile);
    if kind == Kind::Unknown || (out.items.is_empty() && out.proposals.is_empty()) {
        out.kind = Kind::Unknown;
        out.preamble = None;
        out.text = Some(full_text(lines));
        out.confidence = 0.0;
        out.warnings.push(unknown_layout(
            "no profile recognised the layout; the full text is kept in `text`",
        ));
    } else if profile.fallback || confidence < LOW_CONFIDENCE {
        let how = if profile.fallback {
            "layout not recognised by a specific profile; parsed from generic cues"
        } else {
            "few of the profile's layout cues were found; parsed"
        };
        out.warnings.push(Issue {
            code: warn::LOW_CONFIDENCE.into(),
            message: format!(
                "{how} by `{}` (confidence {:.2})",
                profile.name, out.confidence
            ),
            location: None,
        });
    }
}

/// The head's text without the title line, or None when nothing else is there.
fn preamble(head: &[Line], title: Option<&str>, profile: &Profile) -> Option<String> {
    let title_at = title.and_then(|t| head.iter().position(|l| collapse(&l.text) == t));
    let rest: Vec<Line> = head
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != title_at)
        .map(|(_, l)| l.clone())
        .collect();
    let text = text::assemble(&rest, &profile.text.compound_joiners);
    (!text.is_empty()).then_some(text)
}

/// The `unknown-layout` warning.
fn unknown_layout(message: &str) -> Issue {
    Issue {
        code: warn::UNKNOWN_LAYOUT.into(),
        message: message.into(),
        location: None,
    }
}
