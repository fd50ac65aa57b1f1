//! Cross-reference repair: when lopdf cannot read a file, it is rebuilt
//! with a fresh header and a cross-reference table pointing at every
//! `N G obj` found, after correcting wrong stream lengths.

use lopdf::{Document, Object};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

/// Offsets of `N G obj` headers: (object number, generation, offset).
pub(super) fn find_objects(bytes: &[u8]) -> Vec<(u32, u16, usize)> {
    static OBJ: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(
            r"(?-u)(?:^|[^0-9])(\d{1,9})[ \t\r\n\f\x00]+(\d{1,5})[ \t\r\n\f\x00]+obj\b",
        )
        .unwrap()
    });
    OBJ.captures_iter(bytes)
        .filter_map(|c| {
            let num = std::str::from_utf8(&c[1]).ok()?.parse().ok()?;
            let generation = std::str::from_utf8(&c[2]).ok()?.parse().ok()?;
            Some((num, generation, c.get(1)?.start()))
        })
        .collect()
}

/// True when a page's content stream is missing (lopdf drops a stream whose
/// `/Length` is wrong).
pub(super) fn missing_contents(doc: &Document) -> bool {
    doc.page_iter().take(200).any(|page| {
        doc.get_page_contents(page)
            .iter()
            .any(|id| !matches!(doc.get_object(*id), Ok(Object::Stream(_))))
    })
}

/// Correct direct `/Length n` entries of streams to the distance from
/// `stream` to `endstream` (producers get them wrong, and lopdf then drops
/// the stream).
fn fix_lengths(bytes: &[u8]) -> Cow<'_, [u8]> {
    let objects = find_objects(bytes);
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut copied = 0usize;
    let mut changed = false;
    for (k, &(_, _, start)) in objects.iter().enumerate() {
        let end = objects.get(k + 1).map_or(bytes.len(), |o| o.2);
        let Some((digits, actual)) = wrong_length(bytes, start, end) else {
            continue;
        };
        out.extend_from_slice(&bytes[copied..digits.start]);
        out.extend_from_slice(actual.to_string().as_bytes());
        copied = digits.end;
        changed = true;
    }
    if !changed {
        return Cow::Borrowed(bytes);
    }
    out.extend_from_slice(&bytes[copied..]);
    Cow::Owned(out)
}

/// For the object at `start..end`: where the digits of its direct
/// `/Length` are and the length of its stream data, when the two differ.
fn wrong_length(bytes: &[u8], start: usize, end: usize) -> Option<(Range<usize>, usize)> {
    static LENGTH: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(r"(?-u)/Length[ \t\r\n]+(\d{1,10})([ \t\r\n]*)(\d+[ \t\r\n]+R)?")
            .unwrap()
    });
    static STREAM: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(r"(?-u)\bstream(\r\n|\n|\r)").unwrap()
    });
    let m = STREAM.find(&bytes[start..end])?;
    let data = start + m.end();
    let rel = bytes[data..end]
        .windows(9)
        .position(|w| w == b"endstream")?;
    let mut stop = data + rel;
    if stop > data && bytes[stop - 1] == b'\n' {
        stop -= 1;
    }
    if stop > data && bytes[stop - 1] == b'\r' {
        stop -= 1;
    }
    let actual = stop - data;
    let dict = &bytes[start..start + m.start()];
    let c = LENGTH.captures(dict)?;
    if c.get(3).is_some() {
        return None; // an indirect length
    }
    let digits = c.get(1)?;
    let declared: usize = std::str::from_utf8(digits.as_bytes())
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(usize::MAX);
    (declared != actual).then(|| (start + digits.start()..start + digits.end(), actual))
}

/// Rebuild the file with a fresh header and a cross-reference table that
/// points at every `N G obj` found (the last copy of an object wins), after
/// correcting stream lengths.
pub(super) fn repair(bytes: &[u8]) -> Option<Vec<u8>> {
    let fixed = fix_lengths(bytes);
    let bytes: &[u8] = &fixed;
    let objects = find_objects(bytes);
    if objects.is_empty() {
        return None;
    }
    let keys = trailer_keys(bytes, &objects)?;
    let mut offsets: HashMap<u32, (u16, usize)> = HashMap::new();
    for &(num, generation, off) in &objects {
        offsets.insert(num, (generation, off + HEADER.len()));
    }
    let size = offsets.keys().max().copied().unwrap_or(0) + 1;
    let mut out = Vec::with_capacity(bytes.len() + 64 + size as usize * 20);
    out.extend_from_slice(HEADER);
    out.extend_from_slice(bytes);
    out.push(b'\n');
    let xref_at = out.len();
    write_xref(&mut out, &offsets, size);
    write_trailer(&mut out, bytes, &keys, size, xref_at);
    Some(out)
}

/// Header of a rebuilt file.
const HEADER: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";

/// The trailer's `Root`, `Info` and `Encrypt` references (key → `N G R`),
/// the last of each in the file; without a `Root`, the object holding
/// `/Type /Catalog`. None when there is no catalog.
fn trailer_keys(bytes: &[u8], objects: &[(u32, u16, usize)]) -> Option<HashMap<Vec<u8>, String>> {
    static KEY: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(
            r"(?-u)/(Root|Info|Encrypt)[ \t\r\n]*(\d{1,9})[ \t\r\n]+(\d{1,5})[ \t\r\n]+R",
        )
        .unwrap()
    });
    let mut keys: HashMap<Vec<u8>, String> = HashMap::new();
    for c in KEY.captures_iter(bytes) {
        let reference = format!(
            "{} {} R",
            String::from_utf8_lossy(&c[2]),
            String::from_utf8_lossy(&c[3])
        );
        keys.insert(c[1].to_vec(), reference);
    }
    if !keys.contains_key(b"Root".as_slice()) {
        let (num, generation) = find_catalog(bytes, objects)?;
        keys.insert(b"Root".to_vec(), format!("{num} {generation} R"));
    }
    Some(keys)
}

/// The last object holding `/Type /Catalog` (for a file without a trailer).
fn find_catalog(bytes: &[u8], objects: &[(u32, u16, usize)]) -> Option<(u32, u16)> {
    static CATALOG: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(r"(?-u)/Type[ \t\r\n]*/Catalog\b").unwrap()
    });
    let &(num, generation, _) = objects.iter().rev().find(|&&(_, _, off)| {
        let end = (off + 4096).min(bytes.len());
        let text = &bytes[off..end];
        let text = match text.windows(6).position(|w| w == b"endobj") {
            Some(p) => &text[..p],
            None => text,
        };
        CATALOG.is_match(text)
    })?;
    Some((num, generation))
}

/// Write a cross-reference table of `size` entries pointing at `offsets`.
fn write_xref(out: &mut Vec<u8>, offsets: &HashMap<u32, (u16, usize)>, size: u32) {
    out.extend_from_slice(format!("xref\n0 {size}\n").as_bytes());
    for num in 0..size {
        match offsets.get(&num) {
            Some(&(generation, off)) if num > 0 => {
                out.extend_from_slice(format!("{off:010} {generation:05} n\r\n").as_bytes())
            }
            _ => out.extend_from_slice(b"0000000000 65535 f\r\n"),
        }
    }
}

/// Write the trailer (with the file's last `/ID`, if any) and `startxref`.
fn write_trailer(
    out: &mut Vec<u8>,
    bytes: &[u8],
    keys: &HashMap<Vec<u8>, String>,
    size: u32,
    xref_at: usize,
) {
    static ID: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(r"(?-u)/ID[ \t\r\n]*\[[^\]]{0,600}\]").unwrap()
    });
    out.extend_from_slice(format!("trailer\n<< /Size {size}").as_bytes());
    for key in ["Root", "Info", "Encrypt"] {
        if let Some(r) = keys.get(key.as_bytes()) {
            out.extend_from_slice(format!(" /{key} {r}").as_bytes());
        }
    }
    if let Some(id) = ID.find_iter(bytes).last() {
        out.push(b' ');
        out.extend_from_slice(id.as_bytes());
    }
    out.extend_from_slice(format!(" >>\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repair_finds_objects_and_catalog() {
        let pdf = b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n";
        let fixed = repair(pdf).unwrap();
        let text = String::from_utf8_lossy(&fixed);
        assert!(text.contains("/Root 1 0 R"));
        assert!(text.starts_with("%PDF-1.7"));
    }

    #[test]
    fn wrong_stream_lengths_are_corrected() {
        let pdf = b"5 0 obj<</Length 44>>\nstream\nBT (Hi) Tj ET\nendstream endobj\n";
        let fixed = fix_lengths(pdf);
        assert!(String::from_utf8_lossy(&fixed).contains("/Length 13>>"));
    }
}
