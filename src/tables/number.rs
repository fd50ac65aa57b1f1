//! A nom grammar for numbers and cells as Danish tables print them.
//!
//! Numbers use a dot between thousands and a comma before decimals
//! (`-12.711`, `0,475`, `-2,0`) or are written plain (`-1000`). A cell holds
//! one or more numbers separated by spaces (`-4.603 881`), optionally a unit
//! word after them (`2 år`, `7,96 kr.`; the words come from the profile's
//! `cell_suffixes`) and footnote markers glued to a number (`55.2581)` is
//! 55 258 with footnote `1`, `145*` is 145 with footnote `*`). A dash alone
//! means "nothing" and any other text is a text cell; both have no values.
//!
//! The whole cell must match: `Maj 2025`, `2Q 2025` or `OFS 23-24` are text,
//! so a year or count inside words is never read as a value.

use nom::{
    IResult, Parser,
    bytes::complete::{take_while_m_n, take_while1},
    character::complete::{char, digit1, one_of, space0, space1},
    combinator::{opt, recognize},
    multi::{many1, separated_list1},
    sequence::{pair, preceded, terminated},
};

/// One number as printed: its value and how many decimals were printed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    /// The value, in the unit it was printed in.
    pub value: f64,
    /// Digits printed after the decimal comma (0 for whole numbers).
    pub decimals: u32,
}

/// What the cell grammar reads from one cell.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedCell {
    /// The numbers in the cell, left to right (empty for text and dashes).
    pub numbers: Vec<Number>,
    /// Footnote markers glued to the numbers (`"1"`, `"*"`).
    pub footnotes: Vec<String>,
    /// The unit word after the numbers, as printed (`"år"`), if any.
    pub suffix: Option<String>,
    /// The cell is only a dash: printed "nothing".
    pub dash: bool,
}

impl ParsedCell {
    /// True when the cell printed at least one number.
    pub fn is_numeric(&self) -> bool {
        !self.numbers.is_empty()
    }

    /// The values of the numbers in the cell.
    pub fn values(&self) -> Vec<f64> {
        self.numbers.iter().map(|n| n.value).collect()
    }

    /// Most decimals printed by any number in the cell.
    pub fn decimals(&self) -> u32 {
        self.numbers.iter().map(|n| n.decimals).max().unwrap_or(0)
    }
}

/// Characters read as a minus sign before a digit (hyphen, minus, en dash).
const MINUS: &str = "-\u{2212}\u{2013}";
/// Characters that alone in a cell mean "nothing" (hyphen, en/em dash, minus).
const DASHES: &[char] = &['-', '\u{2013}', '\u{2014}', '\u{2212}'];
/// Superscript digits used as footnote markers.
const SUPERSCRIPTS: &[char] = &[
    '\u{b9}', '\u{b2}', '\u{b3}', '\u{2070}', '\u{2074}', '\u{2075}', '\u{2076}', '\u{2077}',
    '\u{2078}', '\u{2079}',
];

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// `1.234.567`: one to three digits, then groups of exactly three after dots.
fn dotted_int(i: &str) -> IResult<&str, &str> {
    recognize(pair(
        take_while_m_n(1, 3, is_digit),
        many1(pair(char('.'), take_while_m_n(3, 3, is_digit))),
    ))
    .parse(i)
}

/// A footnote marker: stars, `1)`, or superscript digits.
fn footnote(i: &str) -> IResult<&str, String> {
    if let Ok((rest, stars)) =
        take_while1::<_, &str, nom::error::Error<&str>>(|c| c == '*').parse(i)
    {
        return Ok((rest, stars.to_string()));
    }
    if let Ok((rest, d)) = terminated(
        take_while_m_n(1, 2, is_digit),
        char::<&str, nom::error::Error<&str>>(')'),
    )
    .parse(i)
    {
        return Ok((rest, d.to_string()));
    }
    let (rest, sup) = take_while1(|c| SUPERSCRIPTS.contains(&c)).parse(i)?;
    Ok((rest, sup.chars().map(superscript_digit).collect()))
}

fn superscript_digit(c: char) -> char {
    match c {
        '\u{b9}' => '1',
        '\u{b2}' => '2',
        '\u{b3}' => '3',
        '\u{2070}' => '0',
        other => char::from_u32(other as u32 - 0x2070 + '0' as u32).unwrap_or('?'),
    }
}

/// One number with an optional footnote glued to it.
///
/// `55.2581)` reads as 55 258 with footnote `1` (thousand groups have exactly
/// three digits); for plain digits `5481)` the digit before the parenthesis
/// is the marker.
pub fn number_with_footnote(i: &str) -> IResult<&str, (Number, Option<String>)> {
    let (i, sign) = opt(one_of(MINUS).or(char('+'))).parse(i)?;
    let negative = sign.is_some_and(|c| c != '+');
    let (i, dotted) = opt(dotted_int).parse(i)?;
    let (i, int) = match dotted {
        Some(d) => (i, d),
        None => digit1(i)?,
    };
    let (i, frac) = opt(preceded(char(','), digit1)).parse(i)?;
    let (mut int, mut frac) = (int.to_string(), frac.map(str::to_string));
    let (i, mark) = match opt(footnote).parse(i)? {
        (rest, Some(f)) => (rest, Some(f)),
        (rest, None) => {
            // `5481)` / `9,921)`: the last digit before `)` is the marker.
            let has_frac = frac.is_some();
            let last = frac.as_mut().unwrap_or(&mut int);
            let splittable =
                rest.starts_with(')') && last.len() >= 2 && (has_frac || dotted.is_none());
            if splittable {
                let d = last.pop().map(String::from);
                (&rest[1..], d)
            } else {
                (rest, None)
            }
        }
    };
    let digits: String = int.chars().filter(|c| *c != '.').collect();
    let text = match &frac {
        Some(f) => format!("{digits}.{f}"),
        None => digits,
    };
    let value: f64 = text
        .parse()
        .map_err(|_| nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Float)))?;
    let value = if negative { -value } else { value };
    let number = Number {
        value: if value == 0.0 { 0.0 } else { value },
        decimals: frac.map_or(0, |f| f.len() as u32),
    };
    Ok((i, (number, mark)))
}

/// Case-insensitive prefix match that ends at a word boundary (the parser's
/// phrase matcher, shared so both stages read words the same way).
pub(crate) fn strip_word_ci<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    crate::parse::strip_phrase(text, word)
}

/// The longest of `suffixes` that starts `i` (case-insensitive, whole word).
fn suffix<'a>(suffixes: &[String], i: &'a str) -> IResult<&'a str, String> {
    let mut best: Option<(&str, &'a str)> = None;
    if i.is_empty() {
        return Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Tag,
        )));
    }
    for s in suffixes.iter().filter(|s| !s.is_empty()) {
        if let Some(rest) = strip_word_ci(i, s)
            && best.is_none_or(|(b, _)| s.len() > b.len())
        {
            best = Some((s, rest));
        }
    }
    match best {
        Some((_, rest)) => Ok((rest, i[..i.len() - rest.len()].to_string())),
        None => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Tag,
        ))),
    }
}

/// The numeric part of a cell: numbers, a unit word, a trailing marker.
fn numeric_cell<'a>(suffixes: &[String], i: &'a str) -> IResult<&'a str, ParsedCell> {
    let (i, _) = space0(i)?;
    let (i, items) = separated_list1(space1, number_with_footnote).parse(i)?;
    let (i, unit) = opt(preceded(space0, |x| suffix(suffixes, x))).parse(i)?;
    let (i, tail) = opt(footnote).parse(i)?;
    let (i, _) = space0(i)?;
    let mut cell = ParsedCell {
        suffix: unit,
        ..ParsedCell::default()
    };
    for (n, mark) in items {
        cell.numbers.push(n);
        cell.footnotes.extend(mark);
    }
    cell.footnotes.extend(tail);
    Ok((i, cell))
}

/// Read one cell's text. Never fails: a cell that is not wholly numeric is
/// text (no numbers), a lone dash is "nothing".
pub fn parse_cell(raw: &str, suffixes: &[String]) -> ParsedCell {
    let text = raw.trim();
    if !text.is_empty() && text.chars().count() <= 3 && text.chars().all(|c| DASHES.contains(&c)) {
        return ParsedCell {
            dash: true,
            ..ParsedCell::default()
        };
    }
    // A number starts with a sign or a digit; anything else is text.
    let starts_number = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '+' || MINUS.contains(c));
    if !starts_number {
        return ParsedCell::default();
    }
    match numeric_cell(suffixes, text) {
        Ok(("", cell)) => cell,
        _ => ParsedCell::default(),
    }
}

/// True when the text is a bare year (four digits, 1900–2100), as printed in
/// column headers ("2025").
pub fn is_year(text: &str) -> bool {
    let t = text.trim();
    t.len() == 4
        && t.bytes().all(|b| b.is_ascii_digit())
        && t.parse::<u32>().is_ok_and(|y| (1900..=2100).contains(&y))
}

/// Format a number the Danish way: thousands dots, decimal comma,
/// `decimals` digits after the comma, a leading `-` when negative.
pub fn format_danish(value: f64, decimals: usize) -> String {
    let plain = format!("{:.*}", decimals, value.abs());
    let (int, frac) = match plain.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (plain.clone(), None),
    };
    let mut grouped = String::new();
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let zero = plain.chars().all(|c| c == '0' || c == '.');
    let mut out = String::new();
    if value < 0.0 && !zero {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push(',');
        out.push_str(&f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sfx() -> Vec<String> {
        ["år", "kr.", "kr", "pct.", "%", "ÅV", "mio. kr."]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn vals(raw: &str) -> Vec<f64> {
        parse_cell(raw, &sfx()).values()
    }

    fn marks(raw: &str) -> Vec<String> {
        parse_cell(raw, &sfx()).footnotes
    }

    #[test]
    fn thousands_dots() {
        assert_eq!(vals("-12.711"), vec![-12711.0]);
        assert_eq!(vals("1.000"), vec![1000.0]);
        assert_eq!(vals("22.032"), vec![22032.0]);
        assert_eq!(vals("1.234.567"), vec![1234567.0]);
        assert_eq!(vals("-6.356"), vec![-6356.0]);
    }

    #[test]
    fn decimal_commas() {
        assert_eq!(vals("0,475"), vec![0.475]);
        assert_eq!(vals("-2,0"), vec![-2.0]);
        assert_eq!(vals("9,92"), vec![9.92]);
        assert_eq!(vals("1.234,5"), vec![1234.5]);
        assert_eq!(parse_cell("-2,0", &sfx()).decimals(), 1);
    }

    #[test]
    fn plain_numbers_and_signs() {
        assert_eq!(vals("-1000"), vec![-1000.0]);
        assert_eq!(vals("0"), vec![0.0]);
        assert_eq!(vals("11"), vec![11.0]);
        assert_eq!(vals("+500"), vec![500.0]);
        assert_eq!(vals("\u{2212}449"), vec![-449.0]);
        assert_eq!(vals("\u{2013}1.200"), vec![-1200.0]);
        assert_eq!(vals("  -475 "), vec![-475.0]);
    }

    #[test]
    fn unit_suffixes() {
        assert_eq!(vals("2 år"), vec![2.0]);
        assert_eq!(vals("6 år"), vec![6.0]);
        assert_eq!(vals("7,96 kr."), vec![7.96]);
        assert_eq!(vals("12 ÅV"), vec![12.0]);
        assert_eq!(vals("20 %"), vec![20.0]);
        assert_eq!(vals("20%"), vec![20.0]);
        assert_eq!(vals("1,5 mio. kr."), vec![1.5]);
        assert_eq!(parse_cell("9 år", &sfx()).suffix.as_deref(), Some("år"));
    }

    #[test]
    fn several_numbers_in_one_cell() {
        assert_eq!(vals("-4.603 881"), vec![-4603.0, 881.0]);
        assert_eq!(vals("1 2 3"), vec![1.0, 2.0, 3.0]);
    }

    #[test]
    fn footnote_markers() {
        assert_eq!(vals("55.2581)"), vec![55258.0]);
        assert_eq!(marks("55.2581)"), vec!["1"]);
        assert_eq!(vals("145*"), vec![145.0]);
        assert_eq!(marks("145*"), vec!["*"]);
        assert_eq!(marks("-1.895**"), vec!["**"]);
        assert_eq!(vals("5481)"), vec![548.0]);
        assert_eq!(marks("5481)"), vec!["1"]);
        assert_eq!(vals("9,921)"), vec![9.92]);
        assert_eq!(vals("300\u{b2}"), vec![300.0]);
        assert_eq!(marks("300\u{b2}"), vec!["2"]);
        assert_eq!(vals("6 år*"), vec![6.0]);
        assert_eq!(marks("6 år*"), vec!["*"]);
    }

    #[test]
    fn dashes_mean_nothing() {
        for d in ["-", "\u{2013}", "\u{2014}", "--", "\u{2212}"] {
            let c = parse_cell(d, &sfx());
            assert!(c.dash, "{d}");
            assert!(c.values().is_empty(), "{d}");
        }
    }

    #[test]
    fn text_cells_have_no_values() {
        for t in [
            "Service",
            "Maj 2025",
            "2Q 2025",
            "OFS 23-24",
            "ØU 5. marts 24",
            "Godkendt d. 25. oktober.",
            "2022-2026",
            "6.45",
            "1.5",
            "(19 ÅV)",
            "1)",
            "2198 Sankt Annæ Gymnasium",
            "1.000 kr. 2025 p/l",
            "",
            "12,",
            "1.0001",
        ] {
            assert!(vals(t).is_empty(), "{t:?} read as {:?}", vals(t));
        }
    }

    #[test]
    fn years() {
        assert!(is_year("2025"));
        assert!(is_year(" 2029 "));
        assert!(!is_year("2.025"));
        assert!(!is_year("-2025"));
        assert!(!is_year("548"));
        assert!(!is_year("2022-2026"));
    }

    #[test]
    fn danish_formatting() {
        assert_eq!(format_danish(-12711.0, 0), "-12.711");
        assert_eq!(format_danish(0.475, 3), "0,475");
        assert_eq!(format_danish(-2.0, 1), "-2,0");
        assert_eq!(format_danish(1234567.891, 2), "1.234.567,89");
        assert_eq!(format_danish(999.0, 0), "999");
        assert_eq!(format_danish(-0.0001, 2), "0,00");
    }
}
