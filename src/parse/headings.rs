//! Agenda item headings: "Punkt 6: Title", and, where a profile allows bare
//! numbers, "715. Title" or "39 § Title".
//!
//! A bare number also starts list lines inside items ("1. At direktionen …")
//! and table-of-contents lines, so headings are chosen as a whole: the
//! candidates form a chain of rising numbers, and the chain with the most
//! evidence (a heading word, a marked line, a case number under it) wins.

use super::words::{case_number_of, collapse, is_organ, phrase, strip_phrase};
use crate::extract::Line;
use crate::profile::Profile;
use nom::Parser;

/// An item heading: line index, number and title.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemStart {
    /// Index of the heading line.
    pub line: usize,
    /// Item number as printed.
    pub number: u32,
    /// Title after the number.
    pub title: String,
}

/// Weight of a heading introduced by a heading word ("Punkt 3:").
const WORDED: f64 = 4.0;
/// Weight of a bare-number heading before other evidence.
const BARE: f64 = 1.0;
/// Weight of a bare-number line that looks like a list entry or a sentence.
const LIST_LIKE: f64 = 0.1;
/// Cost of each number a chain skips (published minutes may omit closed items).
const GAP_COST: f64 = 0.3;
/// The most a single skip can cost (numbering that runs across meetings starts anywhere).
const MAX_GAP_COST: f64 = 1.5;
/// A bare-number title longer than this is running text.
const MAX_BARE_TITLE: usize = 200;
/// Lines after a heading searched for its case number.
const CASE_NUMBER_REACH: usize = 4;

/// "Punkt 6: Title" → (6, "Title") by the profile's heading words.
pub fn worded_heading<'a>(line: &'a Line, profile: &Profile) -> Option<(u32, &'a str)> {
    let text = line.text.trim();
    let (rest, _) = phrase(&profile.items.heading_words).parse(text).ok()?;
    let (number, after) = leading_number(rest.trim_start())?;
    let marked = is_marked(line);
    let title = if let Some(t) = after.strip_prefix([':', '.']) {
        t
    } else if let Some(t) = after
        .strip_prefix([' ', '\t'])
        .filter(|t| marked || starts_title(t))
    {
        t.trim_start().trim_start_matches(['-', '–']).trim_start()
    } else if after.is_empty() && marked {
        after
    } else {
        return None;
    };
    (!is_toc_line(title)).then(|| (number, title.trim()))
}

/// After "Pkt. 4 ": a title ("Meddelelser", "- Godkendelse"), not a sentence ("er vigtigt").
fn starts_title(text: &str) -> bool {
    let t = text.trim_start();
    let t = t.strip_prefix(['-', '–']).map_or(t, str::trim_start);
    // "Punkt 3 (Lukket) Køb af ejendom": a mark in brackets, then the title.
    let t = t
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .map_or(t, |(_, after)| after.trim_start());
    t.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
}

/// "715. Title", "39 § Title", "§ 39 Title" → (number, title) by the
/// profile's number marks.
pub fn bare_heading<'a>(line: &'a Line, profile: &Profile) -> Option<(u32, &'a str)> {
    let words = &profile.items;
    if words.number_marks.is_empty() && words.number_prefixes.is_empty() {
        return None;
    }
    let text = without_organ(line.text.trim(), profile);
    let title = phrase(&words.number_prefixes)
        .parse(text)
        .ok()
        .and_then(|(rest, _)| {
            let (n, after) = leading_number(rest.trim_start())?;
            Some((n, after.strip_prefix([' ', '\t', '.'])?))
        })
        .or_else(|| {
            let (n, after) = leading_number(text)?;
            let (after, _) = phrase(&words.number_marks)
                .parse(after.trim_start_matches(' '))
                .ok()?;
            Some((n, after))
        });
    let (number, title) = title?;
    let title = title.trim();
    // "§ 31   Dnr KS 2026/0112": the title is on a line of its own.
    (plausible_title(title) && case_number_of(title, profile).is_none()).then_some((number, title))
}

/// "§ 39" or "39 §" alone on a line.
fn lone_number(line: &Line, profile: &Profile) -> Option<u32> {
    let words = &profile.items;
    let text = without_organ(line.text.trim(), profile);
    let after_prefix = phrase(&words.number_prefixes)
        .parse(text)
        .ok()
        .map(|(rest, _)| rest.trim());
    let (n, rest) = match after_prefix {
        Some(rest) => leading_number(rest)?,
        None => {
            let (n, rest) = leading_number(text)?;
            let (rest, _) = phrase(&words.number_marks).parse(rest.trim_start()).ok()?;
            (n, rest)
        }
    };
    let alone = rest.trim().is_empty() || case_number_of(rest, profile).is_some();
    (alone && !words.number_prefixes.is_empty()).then_some(n)
}

/// "1 Title" or "1<tab>Title" where the profile allows it.
fn spaced_number<'a>(line: &'a Line, profile: &Profile) -> Option<(u32, &'a str)> {
    if !profile.items.spaced_number_with_case {
        return None;
    }
    let (n, after) = leading_number(line.text.trim())?;
    let title = after.strip_prefix([' ', '\t'])?.trim();
    // A further tab makes it a table row ("1<tab>Drift<tab>500").
    plausible_title(title).then_some((n, title))
}

/// "KS § 31" → "§ 31" where the profile allows an organ before the number.
fn without_organ<'a>(text: &'a str, profile: &Profile) -> &'a str {
    if !profile.items.organ_before_number {
        return text;
    }
    match text.split_once(' ') {
        Some((organ, rest))
            if is_organ(organ)
                && phrase(&profile.items.number_prefixes)
                    .parse(rest.trim_start())
                    .is_ok() =>
        {
            rest.trim_start()
        }
        _ => text,
    }
}

/// A bare-number title: capitalised, not a sentence fragment or a TOC line.
fn plausible_title(title: &str) -> bool {
    let first = title.chars().next();
    !title.is_empty()
        && title.len() <= MAX_BARE_TITLE
        && first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '"' || c == '«')
        && !title.ends_with([',', ';'])
        && !is_toc_line(title)
        && !title.contains('\t')
}

/// Any item heading on one line, worded or bare.
pub fn item_heading<'a>(line: &'a Line, profile: &Profile) -> Option<(u32, &'a str)> {
    worded_heading(line, profile).or_else(|| bare_heading(line, profile))
}

/// The item headings of a document: the best chain of candidates.
pub fn item_starts(lines: &[Line], profile: &Profile) -> Vec<ItemStart> {
    let mut candidates: Vec<(ItemStart, f64)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| candidate(lines, i, l, profile))
        .collect();
    // Where items are introduced by a heading word, bare numbers are lists.
    if candidates.iter().filter(|(_, w)| *w >= WORDED).count() >= 2 {
        candidates.retain(|(_, w)| *w >= WORDED);
    }
    best_chain(&candidates)
}

/// One heading candidate with its weight of evidence.
fn candidate(lines: &[Line], i: usize, line: &Line, profile: &Profile) -> Option<(ItemStart, f64)> {
    let (number, title, mut weight) = match worded_heading(line, profile) {
        Some((n, t)) => (n, t, WORDED),
        None => match bare_heading(line, profile) {
            Some((n, t)) => (n, t, BARE),
            None => match spaced_number(line, profile)
                .filter(|_| case_number_follows(lines, i, profile))
            {
                Some((n, t)) => (n, t, BARE),
                None => {
                    // "§ 39" on its own line, the title on the next (Dynasty).
                    let n = lone_number(line, profile)?;
                    let next = lines[i + 1..].iter().find(|l| !l.text.trim().is_empty())?;
                    let t = next.text.trim();
                    if !plausible_title(t) {
                        return None;
                    }
                    (n, t, BARE)
                }
            },
        },
    };
    if is_marked(line) {
        weight += 1.0;
    }
    if case_number_follows(lines, i, profile) {
        weight += 2.0;
    }
    if weight == BARE && (in_a_list(lines, i, profile) || title.ends_with('.')) {
        weight = LIST_LIKE;
    }
    let start = ItemStart {
        line: i,
        number,
        title: collapse(title),
    };
    Some((start, weight))
}

/// A case-number line within the next few non-blank lines.
fn case_number_follows(lines: &[Line], i: usize, profile: &Profile) -> bool {
    lines[i + 1..]
        .iter()
        .filter(|l| !l.text.trim().is_empty())
        .take(CASE_NUMBER_REACH)
        .any(|l| case_number_of(&l.text, profile).is_some())
}

/// The line just before or after is numbered too: a list.
fn in_a_list(lines: &[Line], i: usize, profile: &Profile) -> bool {
    let numbered = |l: &Line| bare_heading(l, profile).is_some();
    let before = i.checked_sub(1).and_then(|b| lines.get(b));
    before.is_some_and(numbered) || lines.get(i + 1).is_some_and(numbered)
}

/// The heaviest chain of candidates whose numbers rise in document order.
fn best_chain(candidates: &[(ItemStart, f64)]) -> Vec<ItemStart> {
    let n = candidates.len();
    let mut score = vec![0.0f64; n];
    let mut previous: Vec<Option<usize>> = vec![None; n];
    for j in 0..n {
        let (cj, wj) = &candidates[j];
        score[j] = *wj;
        for i in 0..j {
            let ci = &candidates[i].0;
            if ci.number >= cj.number {
                continue;
            }
            let gap = f64::from(cj.number - ci.number - 1);
            let s = score[i] + wj - (gap * GAP_COST).min(MAX_GAP_COST);
            if s > score[j] {
                score[j] = s;
                previous[j] = Some(i);
            }
        }
    }
    let Some(mut at) = (0..n).max_by(|&a, &b| score[a].total_cmp(&score[b])) else {
        return Vec::new();
    };
    let mut chain = vec![candidates[at].0.clone()];
    while let Some(p) = previous[at] {
        chain.push(candidates[p].0.clone());
        at = p;
    }
    chain.reverse();
    chain
}

/// Leading 1–4 digits and the rest: "12: x" → (12, ": x").
fn leading_number(text: &str) -> Option<(u32, &str)> {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    Some((text[..digits].parse().ok()?, &text[digits..]))
}

/// The source marked the line as a heading or bold.
fn is_marked(line: &Line) -> bool {
    line.heading.is_some() || line.bold
}

/// A line that ends in a dotted leader or tab and a page number.
pub fn is_toc_line(text: &str) -> bool {
    toc_entry(text).is_some_and(|(_, _, leader)| leader)
}

/// Parse "Title.....\t3" or "Title\t3" → (title, page, had a dotted leader).
pub fn toc_entry(text: &str) -> Option<(String, u32, bool)> {
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
    let gap = leader.contains('\t') || leader.contains("   ");
    if !(dotted || gap) || stripped.trim().is_empty() {
        return None;
    }
    Some((collapse(stripped), page, dotted))
}

/// Whether the line starts with one of `words` (a profile's word list).
pub fn starts_with_any(text: &str, words: &[String]) -> bool {
    words
        .iter()
        .any(|w| strip_phrase(text.trim_start(), w).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profiles;

    fn line(t: &str) -> Line {
        Line::plain(t)
    }

    #[test]
    fn an_organ_before_the_paragraph_and_the_title_on_the_next_line() {
        let profiles = Profiles::builtin();
        let p = profiles.get("protokoll-se").unwrap();
        let lines: Vec<Line> = [
            "KS § 31   Dnr KS 2026/0112",
            "",
            "Årsredovisning 2025",
            "",
            "KS § 32",
            "Motion om solceller",
        ]
        .iter()
        .map(|t| line(t))
        .collect();
        let starts = item_starts(&lines, p);
        let got: Vec<(u32, &str)> = starts
            .iter()
            .map(|s| (s.number, s.title.as_str()))
            .collect();
        assert_eq!(
            got,
            [(31, "Årsredovisning 2025"), (32, "Motion om solceller")]
        );
        // Without the profile's permission an organ is no part of a heading.
        let da = profiles.get("minutes-da").unwrap();
        assert!(item_starts(&lines, da).is_empty());
    }

    #[test]
    fn a_number_and_a_title_apart_by_space_need_a_case_number_below() {
        let profiles = Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        let with_case: Vec<Line> = [
            "1\tGodkendelse af dagsorden",
            "Sagsnr.: 26/4001",
            "",
            "2 Tilskud til spillesteder",
            "Sagsnr.: 26/4002",
        ]
        .iter()
        .map(|t| line(t))
        .collect();
        let got: Vec<(u32, String)> = item_starts(&with_case, p)
            .into_iter()
            .map(|s| (s.number, s.title))
            .collect();
        assert_eq!(
            got,
            [
                (1, "Godkendelse af dagsorden".to_string()),
                (2, "Tilskud til spillesteder".to_string())
            ]
        );
        let prose: Vec<Line> = ["2 Tilskud blev givet i 2025", "og mere tekst"]
            .iter()
            .map(|t| line(t))
            .collect();
        assert!(item_starts(&prose, p).is_empty());
    }

    #[test]
    fn worded_headings() {
        let profiles = Profiles::builtin();
        let p = profiles.get("minutes-da").unwrap();
        assert_eq!(
            worded_heading(&line("Punkt 6: Godkendelse af centernavne"), p),
            Some((6, "Godkendelse af centernavne"))
        );
        assert_eq!(
            worded_heading(&line("PUNKT 2: Lukket"), p),
            Some((2, "Lukket"))
        );
        assert_eq!(worded_heading(&line("Punkt 6 er vigtigt"), p), None);
        assert_eq!(
            worded_heading(&line("Punkt nr. 1: Regnskab 2025"), p),
            Some((1, "Regnskab 2025"))
        );
        assert_eq!(
            worded_heading(&line("Punkt 3 (Lukket) Køb af ejendom"), p),
            Some((3, "(Lukket) Køb af ejendom"))
        );
        assert_eq!(
            worded_heading(&line("Pkt. 4 Meddelelser"), p),
            Some((4, "Meddelelser"))
        );
        assert_eq!(
            worded_heading(&line("Sag 23 - Godkendelse af dagsorden"), p),
            None,
            "Sag is not a heading word of minutes-da"
        );
        assert_eq!(worded_heading(&line("Punkt 3: Lukket.....\t4"), p), None);
    }

    #[test]
    fn bare_headings_by_marks() {
        let profiles = Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        assert_eq!(
            bare_heading(&line("715. Budget 2026"), p),
            Some((715, "Budget 2026"))
        );
        assert_eq!(
            bare_heading(&line("39 § Bokslut 2024"), p),
            Some((39, "Bokslut 2024"))
        );
        assert_eq!(
            bare_heading(&line("§ 39 Bokslut 2024"), p),
            Some((39, "Bokslut 2024"))
        );
        assert_eq!(bare_heading(&line("2. at sagen udsættes,"), p), None);
        assert_eq!(bare_heading(&line("2025 blev et godt år"), p), None);
        let lines: Vec<Line> = ["§ 39", "", "Bokslut 2024", "", "Beslut:", "Godkändes."]
            .iter()
            .map(|t| line(t))
            .collect();
        let starts = item_starts(&lines, p);
        assert_eq!(
            (starts[0].number, starts[0].title.as_str()),
            (39, "Bokslut 2024")
        );
    }

    #[test]
    fn bare_headings_without_case_numbers_beat_longer_lists() {
        let profiles = Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        let lines: Vec<Line> = [
            "1. Godkendelse af dagsorden",
            "",
            "Godkendt.",
            "",
            "2. Budget 2026",
            "",
            "Der blev peget på:",
            "1. Skolerne",
            "2. Vejene",
            "3. Ældreplejen",
            "4. Kulturen",
            "",
            "3. Eventuelt",
            "",
            "Intet.",
        ]
        .iter()
        .map(|t| line(t))
        .collect();
        let numbers: Vec<(usize, u32)> = item_starts(&lines, p)
            .iter()
            .map(|s| (s.line, s.number))
            .collect();
        assert_eq!(numbers, [(0, 1), (4, 2), (12, 3)]);
    }

    #[test]
    fn list_lines_inside_items_lose_to_the_heading_chain() {
        let profiles = Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        let lines: Vec<Line> = [
            "1. Godkendelse af dagsorden",
            "Sagsnr.: 24/100",
            "2. Budget 2026",
            "Sagsnr.: 24/101",
            "Indstilling",
            "1. At budgettet godkendes",
            "2. At rammen fastholdes",
            "3. At sagen sendes videre",
            "3. Eventuelt",
            "Sagsnr.: 24/102",
        ]
        .iter()
        .map(|t| line(t))
        .collect();
        let starts: Vec<(usize, u32)> = item_starts(&lines, p)
            .iter()
            .map(|s| (s.line, s.number))
            .collect();
        assert_eq!(starts, [(0, 1), (2, 2), (8, 3)]);
    }
}
