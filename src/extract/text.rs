//! Text input: decoding (UTF-8, UTF-16 with BOM, Windows-1252 fallback) and
//! removal of the markup converters leave (`#`, `**`, `<b>`, `<input …>`).

use super::{BOX_EMPTY, BOX_TICKED, Extracted, Line};
use crate::error::{FileError, warn};
use crate::record::Issue;
use regex::Regex;
use std::sync::LazyLock;

/// Decode and clean a text file into lines.
pub fn extract(bytes: &[u8]) -> Result<Extracted, FileError> {
    let (text, mut warnings) = decode(bytes)?;
    let lines = clean_lines(&text);
    if lines.iter().all(|l| l.text.trim().is_empty()) {
        return Err(FileError::Empty);
    }
    warnings.shrink_to_fit();
    Ok(Extracted {
        lines,
        pages: None,
        warnings,
        furniture: Vec::new(),
    })
}

/// Decode bytes to a string, refusing empty and binary input.
pub fn decode(bytes: &[u8]) -> Result<(String, Vec<Issue>), FileError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty);
    }
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, had_errors) = encoding.decode(bytes);
        let _ = bom_len;
        if had_errors && encoding != encoding_rs::UTF_8 {
            return Err(FileError::Binary(format!(
                "invalid {} data",
                encoding.name()
            )));
        }
        return Ok((text.into_owned(), Vec::new()));
    }
    if looks_binary(bytes) {
        return Err(FileError::Binary("NUL or control bytes".into()));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_owned(), Vec::new())),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            let warning = Issue {
                code: warn::DECODED_WINDOWS_1252.into(),
                message: "the file is not valid UTF-8; it was read as Windows-1252".into(),
                location: None,
            };
            Ok((text.into_owned(), vec![warning]))
        }
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
    if let Some(c) = HEADING.captures(&text) {
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
    let text = normalize_bullet(text.trim_end());
    Line {
        text,
        page: None,
        number,
        heading,
        bold,
        page_break: false,
    }
}

/// Write list bullets (`*`, `•`) the one way the contract wants: `- `.
fn normalize_bullet(text: &str) -> String {
    let lead = text.len() - text.trim_start_matches([' ']).len();
    let rest = &text[lead..];
    for bullet in ["* ", "• ", "· ", "– "] {
        if let Some(after) = rest.strip_prefix(bullet) {
            return format!("{}- {}", &text[..lead], after.trim_start());
        }
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn crlf_and_form_feeds_split_lines() {
        let lines = clean_lines("a\r\nb\x0cc\n");
        let texts: Vec<_> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["a", "b", "c", ""]);
    }
}
