//! nom combinators generic over a profile's word lists: phrases, labels,
//! dates, times, case numbers and Danish numbers.

use nom::IResult;
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{take_while_m_n, take_while1};
use nom::character::complete::{char, digit1, space1};
use nom::combinator::{opt, recognize};
use nom::error::{Error, ErrorKind};
use regex::Regex;

/// Strip `phrase` from the start of `input`, ignoring case, when a word
/// boundary follows it (the phrase may itself end in punctuation).
pub fn strip_phrase<'a>(input: &'a str, phrase: &str) -> Option<&'a str> {
    if let (Some(a), Some(b)) = (input.as_bytes().first(), phrase.as_bytes().first())
        && a.is_ascii()
        && b.is_ascii()
        && !a.eq_ignore_ascii_case(b)
    {
        return None;
    }
    let (ib, pb) = (input.as_bytes(), phrase.as_bytes());
    let offset = if pb.is_ascii() && ib.len() >= pb.len() && ib[..pb.len()].is_ascii() {
        // ASCII against ASCII: Unicode case folding is ASCII's.
        if !ib[..pb.len()].eq_ignore_ascii_case(pb) {
            return None;
        }
        pb.len()
    } else {
        phrase_end(input, phrase)?
    };
    let tail = &input[offset..];
    let last_is_word = phrase.chars().last().is_some_and(char::is_alphanumeric);
    if last_is_word && tail.chars().next().is_some_and(char::is_alphanumeric) {
        return None;
    }
    Some(tail)
}

/// Where `phrase` ends at the start of `input`, comparing characters
/// case-insensitively; None when it does not start `input`.
fn phrase_end(input: &str, phrase: &str) -> Option<usize> {
    let mut rest = input.char_indices();
    for p in phrase.chars() {
        let (_, c) = rest.next()?;
        if c != p
            && !(c.is_ascii() && p.is_ascii() && c.eq_ignore_ascii_case(&p))
            && !c.to_lowercase().eq(p.to_lowercase())
        {
            return None;
        }
    }
    Some(rest.next().map(|(i, _)| i).unwrap_or(input.len()))
}

/// nom parser: one of `phrases` (longest first), case-insensitive, at a word boundary.
pub fn phrase<'p>(phrases: &'p [String]) -> impl FnMut(&str) -> IResult<&str, &'p str> + 'p {
    move |input: &str| {
        let mut best: Option<(&'p str, &str)> = None;
        for p in phrases {
            if let Some(rest) = strip_phrase(input, p)
                && best.is_none_or(|(b, _)| p.len() > b.len())
            {
                best = Some((p.as_str(), rest));
            }
        }
        match best {
            Some((p, rest)) => Ok((rest, p)),
            None => Err(nom::Err::Error(Error::new(input, ErrorKind::Tag))),
        }
    }
}

/// True when `text` is exactly one of `phrases` (ignoring case, trailing `:` and spaces).
pub fn is_phrase(text: &str, phrases: &[String]) -> bool {
    let t = text.trim().trim_end_matches(':').trim_end();
    phrases
        .iter()
        .any(|p| strip_phrase(t, p).is_some_and(str::is_empty))
}

/// "Label: value" or "Label value": the value after one of `labels`.
pub fn labelled<'a>(text: &'a str, labels: &[String]) -> Option<&'a str> {
    let (rest, _) = phrase(labels).parse(text.trim_start()).ok()?;
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    Some(rest.trim())
}

/// The first case (journal) number in `text` with one of the profile's shapes.
pub fn find_case_number<'a>(text: &'a str, shapes: &Regex) -> Option<&'a str> {
    shapes
        .captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

/// A line that carries an item's case number: the whole line is one
/// ("EMN-2025-003383"), or a label is followed by one ("Sagsnr.: 2012-28504
/// Dok.nr.: 2012-203438" → "2012-28504").
pub fn case_number_line<'a>(text: &'a str, labels: &[String], shapes: &Regex) -> Option<&'a str> {
    let t = text.trim();
    if let Some(value) = labelled(t, labels) {
        return match find_case_number(value, shapes) {
            Some(n) if value.starts_with(n) => Some(n),
            // "Dnr KS 2026/0112": the organ's abbreviation is part of it.
            Some(n) if organ_before(value, n) => Some(&value[..value.find(n)? + n.len()]),
            // After a label, any number-like token is the case number as printed.
            _ => value.split_whitespace().next().filter(|v| is_reference(v)),
        };
    }
    find_case_number(t, shapes).filter(|n| n.len() == t.trim_end_matches('.').len())
}

/// The case number a line carries, by the profile's labels and shapes.
pub fn case_number_of<'t>(text: &'t str, profile: &crate::profile::Profile) -> Option<&'t str> {
    let shapes = profile.case_number_shapes()?;
    case_number_line(text, &profile.items.case_number_labels, shapes)
}

/// An organ's abbreviation in capitals ("KS", "BUN", "SBN").
pub fn is_organ(token: &str) -> bool {
    (2..=8).contains(&token.chars().count()) && token.chars().all(char::is_uppercase)
}

/// `value` is an organ's abbreviation, a space, then the number `n`.
fn organ_before(value: &str, n: &str) -> bool {
    value
        .split_once(' ')
        .is_some_and(|(organ, rest)| is_organ(organ) && rest.trim_start().starts_with(n))
}

/// A token that can be a journal number after its label: at least four
/// digits, and only digits, letters and `./-`.
pub fn is_reference(token: &str) -> bool {
    token.chars().filter(char::is_ascii_digit).count() >= 4
        && token
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '/' | '-'))
        && !token.ends_with(['.', '-', '/'])
}

/// A date in digits: "14-06-2021", "14.06.2021", "14/6 2021", "2024-01-05", two-digit years.
pub fn numeric_date(input: &str) -> IResult<&str, String> {
    let iso = (
        take_while_m_n(4, 4, |c: char| c.is_ascii_digit()),
        char('-'),
        take_while_m_n(1, 2, |c: char| c.is_ascii_digit()),
        char('-'),
        take_while_m_n(1, 2, |c: char| c.is_ascii_digit()),
    )
        .map(|(y, _, m, _, d): (&str, char, &str, char, &str)| {
            (y.to_string(), m.to_string(), d.to_string())
        });
    let dmy = (
        take_while_m_n(1, 2, |c: char| c.is_ascii_digit()),
        alt((char('-'), char('.'), char('/'))),
        take_while_m_n(1, 2, |c: char| c.is_ascii_digit()),
        alt((char('-'), char('.'), char('/'), char(' '))),
        take_while_m_n(2, 4, |c: char| c.is_ascii_digit()),
    )
        .map(|(d, _, m, _, y): (&str, char, &str, char, &str)| {
            (y.to_string(), m.to_string(), d.to_string())
        });
    let (rest, (y, m, d)) = alt((iso, dmy)).parse(input)?;
    if rest.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return Err(nom::Err::Error(Error::new(input, ErrorKind::Digit)));
    }
    iso_date(&y, &m, &d)
        .map(|s| (rest, s))
        .ok_or(nom::Err::Error(Error::new(input, ErrorKind::Verify)))
}

/// A date in words: "14. juni 2021", "d. 14. juni 2021". A month entry may
/// list spellings separated by `|` ("januar|januari").
pub fn word_date<'a>(input: &'a str, months: &[String]) -> IResult<&'a str, String> {
    let (rest, (d, _, _, month, _, y)) = (
        take_while_m_n(1, 2, |c: char| c.is_ascii_digit()),
        opt(char('.')),
        space1,
        take_while1(char::is_alphabetic),
        space1,
        take_while_m_n(4, 4, |c: char| c.is_ascii_digit()),
    )
        .parse(input)?;
    let m = months
        .iter()
        .position(|names| {
            names.split('|').any(|name| {
                name.eq_ignore_ascii_case(month) || name.to_lowercase() == month.to_lowercase()
            })
        })
        .ok_or(nom::Err::Error(Error::new(input, ErrorKind::Tag)))?;
    iso_date(y, &(m + 1).to_string(), d)
        .map(|s| (rest, s))
        .ok_or(nom::Err::Error(Error::new(input, ErrorKind::Verify)))
}

/// A date (digits or words) at the start of `text`, and what follows it.
pub fn date_at<'a>(text: &'a str, months: &[String]) -> Option<(String, &'a str)> {
    numeric_date(text)
        .or_else(|_| word_date(text, months))
        .ok()
        .map(|(rest, d)| (d, rest))
}

/// Find the first date (digits or words) anywhere in `text`.
pub fn find_date(text: &str, months: &[String]) -> Option<String> {
    for (i, c) in text.char_indices() {
        if !c.is_ascii_digit() {
            continue;
        }
        if i > 0 && text[..i].chars().last().is_some_and(|p| p.is_ascii_digit()) {
            continue;
        }
        let at = &text[i..];
        if let Ok((_, d)) = numeric_date(at) {
            return Some(d);
        }
        if let Ok((_, d)) = word_date(at, months) {
            return Some(d);
        }
    }
    None
}

/// Find a clock time after one of `time_words` ("kl. 09:00", "kl. 9.30").
pub fn find_time(text: &str, time_words: &[String]) -> Option<String> {
    text.char_indices().find_map(|(i, _)| {
        let (rest, _) = phrase(time_words).parse(&text[i..]).ok()?;
        clock_time(rest.trim_start())
    })
}

/// A clock time at the start of `text`: "09:00", "9.30" → "HH:MM".
pub fn clock_time(text: &str) -> Option<String> {
    let (_, (h, _, m)) = (
        take_while_m_n::<_, &str, Error<&str>>(1, 2, |c: char| c.is_ascii_digit()),
        alt((char(':'), char('.'))),
        take_while_m_n(2, 2, |c: char| c.is_ascii_digit()),
    )
        .parse(text)
        .ok()?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// Build an ISO date from year, month and day strings (two-digit years are 20xx).
fn iso_date(y: &str, m: &str, d: &str) -> Option<String> {
    let mut year: u32 = y.parse().ok()?;
    if y.len() == 2 {
        year += 2000;
    } else if y.len() != 4 {
        return None;
    }
    let month: u32 = m.parse().ok()?;
    let day: u32 = d.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || !(1800..=2200).contains(&year) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// A Danish number: optional sign, thousands dots, decimal comma ("-12.711", "0,475", "1000").
pub fn danish_number(input: &str) -> IResult<&str, f64> {
    let (rest, text) = recognize((
        opt(alt((char('-'), char('−'), char('–')))),
        digit1,
        nom::multi::many0((
            char('.'),
            take_while_m_n(3, 3, |c: char| c.is_ascii_digit()),
        )),
        opt((char(','), digit1)),
    ))
    .parse(input)?;
    if rest.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return Err(nom::Err::Error(Error::new(input, ErrorKind::Digit)));
    }
    let normal: String = text
        .chars()
        .filter(|&c| c != '.')
        .map(|c| match c {
            ',' => '.',
            '−' | '–' => '-',
            c => c,
        })
        .collect();
    normal
        .parse::<f64>()
        .map(|v| (rest, v))
        .map_err(|_| nom::Err::Error(Error::new(input, ErrorKind::Float)))
}

/// The byte length of the whitespace character at byte `i` of `text` (a
/// character boundary), or 0 when it is not whitespace (`char::is_whitespace`).
fn whitespace_at(text: &str, i: usize) -> usize {
    match text.as_bytes()[i] {
        b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => 1,
        // Lead bytes of the other whitespace characters (U+0085, U+00A0,
        // U+1680, U+2000–U+205F, U+3000): decode and ask.
        0xc2 | 0xe1 | 0xe2 | 0xe3 => text[i..]
            .chars()
            .next()
            .filter(|c| c.is_whitespace())
            .map_or(0, char::len_utf8),
        _ => 0,
    }
}

/// True when `text` is non-empty and its only whitespace is single spaces
/// between other characters (what [`collapse`] makes of it is itself).
fn is_collapsed(text: &str) -> bool {
    let mut previous_space = true;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        let irregular = match b {
            b' ' => previous_space,
            _ => whitespace_at(text, i) > 0,
        };
        if irregular {
            return false;
        }
        previous_space = b == b' ';
    }
    !previous_space
}

/// Collapse runs of whitespace (tabs included) to single spaces.
pub fn collapse(text: &str) -> String {
    if is_collapsed(text) {
        return text.to_string();
    }
    // Bytewise `split_whitespace().join(" ")`: continuation bytes and other
    // lead bytes are never whitespace, so words end on character boundaries.
    let mut out = String::with_capacity(text.len());
    let (mut i, mut start) = (0, None);
    while i < text.len() {
        let n = whitespace_at(text, i);
        if n == 0 {
            start.get_or_insert(i);
            i += 1;
            continue;
        }
        if let Some(s) = start.take() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&text[s..i]);
        }
        i += n;
    }
    if let Some(s) = start {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&text[s..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(w: &[&str]) -> Vec<String> {
        w.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn phrases_respect_word_boundaries_and_case() {
        let w = words(&["Punkt", "Pkt."]);
        assert_eq!(phrase(&w).parse("PUNKT 3: x").unwrap().0, " 3: x");
        assert!(phrase(&w).parse("Punktet").is_err());
        assert_eq!(phrase(&w).parse("Pkt.4").unwrap().0, "4");
        assert!(is_phrase("BAGGRUND:", &words(&["Baggrund"])));
        assert!(!is_phrase("Baggrunden", &words(&["Baggrund"])));
    }

    #[test]
    fn case_numbers() {
        let profiles = crate::profile::Profiles::builtin();
        let p = profiles.get("generic").unwrap();
        let shapes = p.case_number_shapes().unwrap();
        let labels = &p.items.case_number_labels;
        let line = |t| case_number_line(t, labels, shapes);
        assert_eq!(line("21/9445"), Some("21/9445"));
        assert_eq!(line(" 19/25138 "), Some("19/25138"));
        assert_eq!(line("Sagsnr.: 2021-012345"), Some("2021-012345"));
        assert_eq!(
            line("Sagsnr.: 2012-28504 Dok.nr.: 2012-203438"),
            Some("2012-28504")
        );
        assert_eq!(line("EMN-2025-003383"), Some("EMN-2025-003383"));
        assert_eq!(line("J.nr.: 00.01.00-A00-1-15"), Some("00.01.00-A00-1-15"));
        assert_eq!(line("Sagsnr. 12/27845"), Some("12/27845"));
        assert_eq!(line("21/9445 og mere"), None);
        assert_eq!(line("Journalnummer: 12345678"), Some("12345678"));
        assert_eq!(line("Sagsnr.: se bilag"), None);
        assert_eq!(line("2024"), None);
        assert_eq!(line("14-06-2021"), None);
        assert_eq!(line("2025-2028"), None);
        // Swedish: the organ's abbreviation belongs to the number.
        assert_eq!(line("Dnr KS 2026/0112"), Some("KS 2026/0112"));
        assert_eq!(line("Dnr Ks 2026/0112"), None, "an organ is in capitals");
        let se = profiles.get("protokoll-se").unwrap();
        let se_line = |t| {
            case_number_line(
                t,
                &se.items.case_number_labels,
                se.case_number_shapes().unwrap(),
            )
        };
        assert_eq!(se_line("Dnr KS 2026:45"), Some("KS 2026:45"));
        assert_eq!(se_line("Diarienummer: KS/2026:123"), Some("KS/2026:123"));
        assert_eq!(se_line("kl. 13:00"), None);
        assert_eq!(
            find_case_number("jf. sag 19/25138, se bilag", shapes),
            Some("19/25138")
        );
        assert_eq!(find_case_number("den 14.06.2021 kl. 10", shapes), None);
    }

    #[test]
    fn dates_and_times() {
        let months = words(&["januar", "februar", "marts", "april", "maj", "juni"]);
        assert_eq!(
            find_date("Mandag d. 14. juni 2021 kl. 09:00", &months).as_deref(),
            Some("2021-06-14")
        );
        assert_eq!(
            find_date("REFERAT Direktionen d. 14-06-2021", &months).as_deref(),
            Some("2021-06-14")
        );
        assert_eq!(
            find_date("on 2024-01-05", &months).as_deref(),
            Some("2024-01-05")
        );
        assert_eq!(
            find_date("den 10.03.2015", &months).as_deref(),
            Some("2015-03-10")
        );
        assert_eq!(find_date("nothing 99-99-2020", &months), None);
        assert_eq!(
            find_time("kl. 9.30", &words(&["kl."])).as_deref(),
            Some("09:30")
        );
    }

    #[test]
    fn collapse_whitespace() {
        assert_eq!(collapse("a  b\tc "), "a b c");
        assert_eq!(collapse(" a"), "a");
        assert_eq!(collapse("æ ø\u{a0}å"), "æ ø å");
        assert_eq!(collapse("plain text"), "plain text");
        assert_eq!(collapse(""), "");
    }

    #[test]
    fn collapse_agrees_with_split_whitespace() {
        for text in [
            "Ældre\u{3000}råd",
            "a\u{2028}b",
            "\u{85}x",
            "x\u{202f}y\u{205f}z\u{1680}w",
            "ø\u{2007} å",
            "vej\u{b}nr",
            "€ 12 – ½",
            "ok tekst",
        ] {
            let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse(text), expected, "{text:?}");
        }
    }

    #[test]
    fn danish_numbers() {
        assert_eq!(danish_number("-12.711").unwrap().1, -12711.0);
        assert_eq!(danish_number("0,475 x").unwrap().1, 0.475);
        assert_eq!(danish_number("1.000 kr.").unwrap(), (" kr.", 1000.0));
        assert_eq!(danish_number("255.000").unwrap().1, 255000.0);
    }
}
