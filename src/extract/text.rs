//! Text input: decoding (UTF-8, with its few invalid sequences replaced;
//! UTF-8/UTF-16 with BOM; Windows-1252 when the bytes are not mostly UTF-8)
//! and removal of the markup converters leave (`#`, `**`, `<b>`, `<input …>`).

use super::{BOX_EMPTY, BOX_TICKED, Extracted, Line};
use crate::error::{FileError, warn};
use crate::record::Issue;
use regex::Regex;
use std::borrow::Cow;
use std::sync::LazyLock;

/// Decode and clean a text file into lines.
pub fn extract(bytes: &[u8]) -> Result<Extracted, FileError> {
    let (text, mut warnings) = decode(bytes)?;
    let mut lines = clean_lines(&text);
    drop(text);
    tabulate(&mut lines);
    if lines.iter().all(|l| l.text.trim().is_empty()) {
        return Err(FileError::Empty);
    }
    warnings.shrink_to_fit();
    Ok(Extracted {
        lines,
        pages: None,
        warnings,
        furniture: Vec::new(),
        ..Extracted::default()
    })
}

/// Decode bytes to a string, refusing empty and binary input.
///
/// A BOM names the encoding. Otherwise the bytes are read as UTF-8 when
/// they are mostly UTF-8 ([`mostly_utf8`]), each invalid sequence replaced
/// by U+FFFD and counted in a `text-invalid-utf8` warning; else as
/// Windows-1252 with a `decoded-windows-1252` warning.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Vec<Issue>), FileError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty);
    }
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return decode_with_bom(bytes, encoding);
    }
    if looks_binary(bytes) {
        return Err(FileError::Binary("NUL or control bytes".into()));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(s), Vec::new()));
    }
    let counts = Utf8Counts::of(bytes);
    if counts.mostly_utf8() {
        let warning = invalid_utf8_warning(counts.invalid_sequences);
        return Ok((String::from_utf8_lossy(bytes), vec![warning]));
    }
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    let warning = Issue {
        code: warn::DECODED_WINDOWS_1252.into(),
        message: "the file is not valid UTF-8; it was read as Windows-1252".into(),
        location: None,
    };
    Ok((text, vec![warning]))
}

/// Decode a file that starts with the BOM of `encoding`: invalid UTF-8 is
/// replaced and counted, invalid UTF-16 makes the file binary.
fn decode_with_bom<'a>(
    bytes: &'a [u8],
    encoding: &'static encoding_rs::Encoding,
) -> Result<(Cow<'a, str>, Vec<Issue>), FileError> {
    let (text, _, had_errors) = encoding.decode(bytes);
    if !had_errors {
        return Ok((text, Vec::new()));
    }
    if encoding != encoding_rs::UTF_8 {
        return Err(FileError::Binary(format!(
            "invalid {} data",
            encoding.name()
        )));
    }
    let invalid = Utf8Counts::of(bytes).invalid_sequences;
    Ok((text, vec![invalid_utf8_warning(invalid)]))
}

/// The `text-invalid-utf8` warning for `count` replaced sequences.
fn invalid_utf8_warning(count: usize) -> Issue {
    let what = if count == 1 {
        "1 invalid UTF-8 sequence was".to_string()
    } else {
        format!("{count} invalid UTF-8 sequences were")
    };
    Issue {
        code: warn::TEXT_INVALID_UTF8.into(),
        message: format!("{what} replaced by U+FFFD; the rest of the file is UTF-8"),
        location: None,
    }
}

/// What a UTF-8 reading of some bytes finds.
#[derive(Debug, Default, PartialEq)]
struct Utf8Counts {
    /// Characters of two to four bytes that are valid UTF-8.
    multibyte_chars: usize,
    /// Bytes above 0x7F, valid or not.
    high_bytes: usize,
    /// Invalid sequences (each becomes one U+FFFD).
    invalid_sequences: usize,
    /// Bytes in invalid sequences.
    invalid_bytes: usize,
}

impl Utf8Counts {
    fn of(bytes: &[u8]) -> Utf8Counts {
        let mut c = Utf8Counts::default();
        for chunk in bytes.utf8_chunks() {
            let valid = chunk.valid();
            let ascii = valid.bytes().filter(u8::is_ascii).count();
            c.high_bytes += valid.len() - ascii;
            c.multibyte_chars += valid.chars().count() - ascii;
            let bad = chunk.invalid().len();
            c.high_bytes += bad;
            c.invalid_bytes += bad;
            c.invalid_sequences += usize::from(bad > 0);
        }
        c
    }

    /// True when the bytes are UTF-8 with a few errors rather than a
    /// single-byte encoding: valid multi-byte characters are present and at
    /// most a quarter of the bytes above 0x7F are in invalid sequences. In
    /// Windows-1252 text "æøå" are single high bytes between ASCII, never
    /// valid UTF-8, so nearly all its high bytes are invalid.
    fn mostly_utf8(&self) -> bool {
        self.multibyte_chars > 0 && self.invalid_bytes * 4 <= self.high_bytes
    }
}

/// True when the bytes hold NULs or many control characters (a binary file).
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.contains(&0) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    controls * 20 > sample.len()
}

static HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(#{1,6})\s+(.*)$").unwrap());
static CHECKBOX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)<input\b[^>]*?(checkbox)?[^>]*/?>"#).unwrap());
static BOLD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\*\*(\S(?:.*?\S)?)\*\*").unwrap());
static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)</?(b|i|u|p|ul|ol|li|br|span|strong|em|div|sup|sub|font|mark|s)\b[^>]*>")
        .unwrap()
});

/// Split decoded text into cleaned lines (markup removed, headings marked).
pub fn clean_lines(text: &str) -> Vec<Line> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Vec::new();
    let mut number = 0u32;
    for raw in text.split('\n') {
        for (k, part) in raw.split('\x0c').enumerate() {
            number += 1;
            let mut line = clean_line(part.trim_end_matches('\r'), number);
            line.page_break = k > 0;
            lines.push(line);
        }
    }
    lines
}

/// Clean one raw line of converter output.
fn clean_line(raw: &str, number: u32) -> Line {
    let mut text = raw.trim_end().to_string();
    let mut heading = None;
    if text.starts_with('#')
        && let Some(c) = HEADING.captures(&text)
    {
        heading = Some(c[1].len() as u8);
        text = c[2].to_string();
    }
    if text.contains('<') {
        text = CHECKBOX
            .replace_all(&text, |c: &regex::Captures| {
                let tag = c[0].to_ascii_lowercase();
                if tag.contains("checked") {
                    BOX_TICKED.to_string()
                } else {
                    BOX_EMPTY.to_string()
                }
            })
            .into_owned();
        text = TAG.replace_all(&text, "").into_owned();
    }
    let trimmed = text.trim();
    let bold = trimmed.len() > 4 && trimmed.starts_with("**") && trimmed.ends_with("**");
    if text.contains("**") {
        text = BOLD.replace_all(&text, "$1").into_owned();
    }
    text.truncate(text.trim_end().len());
    let text = normalize_bullet(text);
    Line {
        text,
        page: None,
        number,
        heading,
        bold,
        ..Line::default()
    }
}

/// Give the rows of plain-text tables `\t` between their cells, as the PDF
/// path and tab-separated text write them: markdown rows (`| a | b |`,
/// `|---|---:|`), and runs of lines whose columns are set apart by two or
/// more spaces (`pdftotext -layout`, hand-typed minutes) when at least two
/// lines of the run are mostly numbers after their label. Prose, even
/// justified with double spaces, has too few numbers to be taken.
pub fn tabulate(lines: &mut [Line]) {
    for line in lines.iter_mut() {
        if let Some(cells) = pipe_cells(&line.text) {
            line.text = cells.join("\t");
        }
    }
    let mut i = 0;
    while i < lines.len() {
        let end = (i..lines.len())
            .find(|&j| {
                space_cells(&lines[j].text).is_none_or(|c| c.len() < 2)
                    || lines[j].heading.is_some()
            })
            .unwrap_or(lines.len());
        if end > i + 1 {
            let numeric = lines[i..end]
                .iter()
                .filter(|l| space_cells(&l.text).is_some_and(|c| mostly_numbers(&c)))
                .count();
            if numeric >= 2 {
                tab_run(&mut lines[i..end]);
            }
        }
        i = end.max(i + 1);
    }
}

/// Write a run of space-aligned rows with tabs. A line indented past the
/// run's labels (a header over the number columns) starts with an empty
/// label cell.
fn tab_run(run: &mut [Line]) {
    let indent = |l: &Line| l.text.len() - l.text.trim_start().len();
    let labels = run.iter().map(indent).min().unwrap_or(0);
    for line in run {
        let lead = if indent(line) > labels + 2 { "\t" } else { "" };
        let cells = space_cells(&line.text).unwrap_or_default().join("\t");
        line.text = format!("{lead}{cells}");
    }
}

/// The cells of a markdown table row (`| a | b |`), or None.
fn pipe_cells(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('|')?.strip_suffix('|')?;
    if !inner.contains('|') || text.contains('\t') {
        return None;
    }
    Some(inner.split('|').map(|c| c.trim().to_string()).collect())
}

/// The cells of a line without tabs, split where two or more spaces stand
/// between them; None for a line with tabs (already cells) or blank.
fn space_cells(text: &str) -> Option<Vec<&str>> {
    if text.contains('\t') || text.trim().is_empty() {
        return None;
    }
    // Most lines have no wide gap: one cell, without the regular expression.
    if !text.trim().contains("  ") && !text.contains('\u{a0}') {
        return Some(vec![text.trim()]);
    }
    Some(
        SPACES
            .split(text.trim())
            .filter(|c| !c.is_empty())
            .collect(),
    )
}

static SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r" {2,}| *\u{a0} *").unwrap());
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-+−–]?\s?\d[\d.,]*\s?%?$|^[-–—]$").unwrap());

fn is_number(cell: &str) -> bool {
    NUMBER.is_match(cell.trim())
}

/// A row of numbers: after its label, at least half the cells are numbers.
fn mostly_numbers(cells: &[&str]) -> bool {
    let Some(first) = cells.first() else {
        return false;
    };
    let rest = if is_number(first) { cells } else { &cells[1..] };
    let numbers = rest.iter().filter(|c| is_number(c)).count();
    numbers > 0 && numbers * 2 >= rest.len()
}

/// Write list bullets (`*`, `•`) the one way the contract wants: `- `.
fn normalize_bullet(text: String) -> String {
    let lead = text.len() - text.trim_start_matches([' ']).len();
    let rest = &text[lead..];
    for bullet in ["* ", "• ", "· ", "– "] {
        if let Some(after) = rest.strip_prefix(bullet) {
            return format!("{}- {}", &text[..lead], after.trim_start());
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tabulated(text: &str) -> Vec<String> {
        let mut lines = clean_lines(text);
        tabulate(&mut lines);
        lines.into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn space_aligned_number_rows_become_cells() {
        let got = tabulated(
            "Tabel 2\n             2026     2027\nStier       1.200      800\nShelter       450        -\nI alt       1.650      800",
        );
        assert_eq!(
            got,
            [
                "Tabel 2",
                "\t2026\t2027",
                "Stier\t1.200\t800",
                "Shelter\t450\t-",
                "I alt\t1.650\t800",
            ]
        );
    }

    #[test]
    fn prose_and_single_rows_stay_lines() {
        let text = "Udvalget  har  i  2026  brugt  4.120  kr.\nog  forventer  i  2027  at  bruge  4.500\n\nMødested:     Rådhuset\nNatur     4.500\n\nKlima     2.300";
        let got = tabulated(text);
        assert!(got.iter().all(|l| !l.contains('\t')), "{got:?}");
    }

    #[test]
    fn markdown_rows_become_cells() {
        let got =
            tabulated("| Anlæg | 2026 |\n|---|---:|\n| Stier | 1.200 |\nTekst | med | streger");
        assert_eq!(
            got,
            [
                "Anlæg\t2026",
                "---\t---:",
                "Stier\t1.200",
                "Tekst | med | streger"
            ]
        );
    }

    #[test]
    fn markdown_heading_and_bold_are_structure() {
        let l = clean_line("## **Punkt 1: Øvrige sager**", 3);
        assert_eq!(l.text, "Punkt 1: Øvrige sager");
        assert_eq!(l.heading, Some(2));
        assert!(l.bold);
    }

    #[test]
    fn checkboxes_become_markers() {
        let l = clean_line(
            "Berørte:\t<input checked=\"\" type=\"checkbox\"/> A\t<input type=\"checkbox\"/> B",
            1,
        );
        assert_eq!(l.text, "Berørte:\t☒ A\t☐ B");
    }

    #[test]
    fn html_tags_removed() {
        assert_eq!(clean_line("<b>Afklaring</b>\t\t", 1).text, "Afklaring");
        assert_eq!(
            clean_line("<i>Indkøbs effektiviseringer**</i>\t\t-449", 1).text,
            "Indkøbs effektiviseringer**\t\t-449"
        );
    }

    #[test]
    fn decoding_handles_boms_and_cp1252() {
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Å".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&utf16).unwrap().0, "Å");
        let (s, w) = decode(b"K\xf8benhavn").unwrap();
        assert_eq!(s, "København");
        assert_eq!(w[0].code, "decoded-windows-1252");
        assert!(matches!(decode(b""), Err(FileError::Empty)));
        assert!(matches!(
            decode(b"\x00\x01\x02abc"),
            Err(FileError::Binary(_))
        ));
    }

    #[test]
    fn one_bad_byte_in_utf8_is_replaced_not_a_reason_for_cp1252() {
        let mut bytes = "Æblegrød på Ørsted-skolen\n".repeat(3).into_bytes();
        bytes.insert(11, 0xFF);
        let (s, w) = decode(&bytes).unwrap();
        assert!(s.starts_with("Æblegrød \u{FFFD}på Ørsted"));
        assert_eq!(s.matches('ø').count(), 3);
        assert_eq!(s.matches('\u{FFFD}').count(), 1);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].code, "text-invalid-utf8");
        assert!(w[0].message.starts_with("1 invalid UTF-8 sequence was"));
    }

    #[test]
    fn several_bad_sequences_are_counted() {
        let bytes = b"\xc3\xa6\xc3\xb8\xc3\xa5 \xc3\xa6\xc3\xb8\xc3\xa5 \xe2\x82 x \x80 y";
        let (s, w) = decode(bytes).unwrap();
        assert_eq!(s, "æøå æøå \u{FFFD} x \u{FFFD} y");
        assert!(w[0].message.starts_with("2 invalid UTF-8 sequences were"));
    }

    #[test]
    fn cp1252_file_is_read_as_cp1252_without_replacements() {
        let bytes = b"Referat fra m\xf8det i \xc6ldrer\xe5det \x96 K\xf8benhavn \x80 12";
        let (s, w) = decode(bytes).unwrap();
        assert_eq!(s, "Referat fra mødet i Ældrerådet – København € 12");
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].code, "decoded-windows-1252");
    }

    #[test]
    fn a_stray_valid_pair_in_cp1252_does_not_make_it_utf8() {
        // "Ø–" is D8 96 in Windows-1252, which is also valid UTF-8 (U+0616).
        let bytes = b"\xd8\x96 m\xf8de, r\xe5d, \xe6ble, s\xf8, \xe5";
        assert_eq!(
            Utf8Counts::of(bytes),
            Utf8Counts {
                multibyte_chars: 1,
                high_bytes: 7,
                invalid_sequences: 5,
                invalid_bytes: 5
            }
        );
        let (s, w) = decode(bytes).unwrap();
        assert_eq!(s, "Ø– møde, råd, æble, sø, å");
        assert_eq!(w[0].code, "decoded-windows-1252");
    }

    #[test]
    fn ascii_and_valid_utf8_borrow_without_warnings() {
        let (s, w) = decode(b"Punkt 1: Godkendelse\n").unwrap();
        assert!(matches!(s, Cow::Borrowed("Punkt 1: Godkendelse\n")));
        assert!(w.is_empty());
        let (s, w) = decode("Ærø".as_bytes()).unwrap();
        assert_eq!(s, "Ærø");
        assert!(w.is_empty());
    }

    #[test]
    fn utf8_bom_is_dropped_and_its_bad_bytes_counted() {
        let (s, w) = decode("\u{feff}Ærø".as_bytes()).unwrap();
        assert_eq!(s, "Ærø");
        assert!(w.is_empty());
        let (s, w) = decode(b"\xef\xbb\xbf\xc3\x86r\xf8").unwrap();
        assert_eq!(s, "Ær\u{FFFD}");
        assert_eq!(w[0].code, "text-invalid-utf8");
    }

    #[test]
    fn crlf_and_form_feeds_split_lines() {
        let lines = clean_lines("a\r\nb\x0cc\n");
        let texts: Vec<_> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["a", "b", "c", ""]);
    }
}
