//! Type0 fonts with an embedded CMap (an `Encoding` stream, e.g. a one-byte
//! code space `<00> <FF>`): pdf-extract misreads their code space (a
//! one-byte range is never matched, a two-byte one is read a byte at a
//! time) and their CID ranges, so their text is lost. The rewriter shows
//! such text in a copy of the font that uses `Identity-H`: every shown
//! string re-encoded as two-byte CIDs ([`CodeMap::recode`]), and a
//! ToUnicode map keyed by CID built from the font's own.

use super::deref;
use crate::extract::pdf::content;
use lopdf::{Dictionary, Document, Object, Stream};
use std::collections::{BTreeMap, HashMap};

/// Most codes one range of a CMap may expand to.
const MAX_RANGE: u32 = 65_536;
/// Most entries read from one ToUnicode map.
const MAX_ENTRIES: usize = 1 << 20;

/// A code space range: bytes per code, and the low and high byte of each position.
struct Space {
    low: Vec<u8>,
    high: Vec<u8>,
}

/// An embedded CMap: code space and the codes' CIDs.
pub(super) struct CodeMap {
    spaces: Vec<Space>,
    /// CID ranges: first code, last code, CID of the first code.
    ranges: Vec<(u32, u32, u32)>,
    /// Single codes and their CIDs.
    chars: HashMap<u32, u32>,
}

/// A code's value: its bytes read big-endian.
fn code_of(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |c, &b| (c << 8) | u32::from(b))
}

impl CodeMap {
    /// Parse a CMap stream's code space and CID mappings. None when it
    /// has no code space or uses a CMap other than `Identity-H`/`-V`.
    fn parse(data: &[u8]) -> Option<CodeMap> {
        let mut map = CodeMap {
            spaces: Vec::new(),
            ranges: Vec::new(),
            chars: HashMap::new(),
        };
        for op in content::decode(data) {
            let o = &op.operands;
            match op.operator.as_str() {
                "endcodespacerange" => {
                    for pair in o.chunks_exact(2) {
                        if let (Ok(low), Ok(high)) = (pair[0].as_str(), pair[1].as_str())
                            && low.len() == high.len()
                            && (1..=4).contains(&low.len())
                        {
                            let (low, high) = (low.to_vec(), high.to_vec());
                            map.spaces.push(Space { low, high });
                        }
                    }
                }
                "endcidrange" => map.ranges.extend(o.chunks_exact(3).filter_map(cid_range)),
                "endcidchar" => map.chars.extend(o.chunks_exact(2).filter_map(cid_char)),
                "usecmap" => map.use_identity(o.first()?.as_name().ok()?)?,
                _ => {}
            }
        }
        (!map.spaces.is_empty()).then_some(map)
    }

    /// `usecmap` of `Identity-H`/`-V`: two-byte codes that are their own CIDs.
    fn use_identity(&mut self, name: &[u8]) -> Option<()> {
        if name != b"Identity-H" && name != b"Identity-V" {
            return None;
        }
        self.spaces.push(Space {
            low: vec![0, 0],
            high: vec![0xff, 0xff],
        });
        self.ranges.push((0, 0xffff, 0));
        Some(())
    }

    /// The width of the code starting `bytes`: the shortest code space
    /// range that holds it, else the shortest code width.
    fn width(&self, bytes: &[u8]) -> usize {
        let fits = |s: &Space| {
            s.low.len() <= bytes.len()
                && (0..s.low.len()).all(|i| (s.low[i]..=s.high[i]).contains(&bytes[i]))
        };
        let shortest = |it: &mut dyn Iterator<Item = &Space>| it.map(|s| s.low.len()).min();
        shortest(&mut self.spaces.iter().filter(|s| fits(s)))
            .or_else(|| shortest(&mut self.spaces.iter()))
            .unwrap_or(1)
            .min(bytes.len())
            .max(1)
    }

    /// The CID of a code (0, `.notdef`, when unmapped).
    fn cid(&self, code: u32) -> u32 {
        if let Some(&cid) = self.chars.get(&code) {
            return cid;
        }
        self.ranges
            .iter()
            .rev()
            .find(|(low, high, _)| (*low..=*high).contains(&code))
            .map_or(0, |(low, _, first)| first + (code - low))
    }

    /// The codes of a shown string, with their widths in bytes.
    fn codes<'b>(&'b self, mut bytes: &'b [u8]) -> impl Iterator<Item = (u32, usize)> + 'b {
        std::iter::from_fn(move || {
            if bytes.is_empty() {
                return None;
            }
            let n = self.width(bytes);
            let code = code_of(&bytes[..n]);
            bytes = &bytes[n..];
            Some((code, n))
        })
    }

    /// A shown string re-encoded as two-byte CIDs.
    pub(super) fn recode(&self, bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len() * 2);
        for (code, _) in self.codes(bytes) {
            let cid = self.cid(code).min(0xffff) as u16;
            out.extend_from_slice(&cid.to_be_bytes());
        }
        out
    }

    /// Whether a code of `n` bytes lies in the code space.
    fn in_space(&self, code: u32, n: usize) -> bool {
        let bytes = &code.to_be_bytes()[4 - n.min(4)..];
        self.width(bytes) == n
            && self.spaces.iter().any(|s| {
                s.low.len() == n && (0..n).all(|i| (s.low[i]..=s.high[i]).contains(&bytes[i]))
            })
    }
}

/// A `begincidrange` entry: first code, last code, first CID.
fn cid_range(entry: &[Object]) -> Option<(u32, u32, u32)> {
    let (low, high) = (entry[0].as_str().ok()?, entry[1].as_str().ok()?);
    let cid = u32::try_from(entry[2].as_i64().ok()?).ok()?;
    let (low, high) = (code_of(low), code_of(high));
    (low <= high && high - low < MAX_RANGE).then_some((low, high, cid))
}

/// A `begincidchar` entry: code and CID.
fn cid_char(entry: &[Object]) -> Option<(u32, u32)> {
    let code = code_of(entry[0].as_str().ok()?);
    Some((code, u32::try_from(entry[1].as_i64().ok()?).ok()?))
}

/// A ToUnicode map: (code, its width in bytes) → text.
fn to_unicode(data: &[u8]) -> BTreeMap<(u32, usize), String> {
    let mut map = BTreeMap::new();
    for op in content::decode(data) {
        match op.operator.as_str() {
            "endbfchar" => {
                for pair in op.operands.chunks_exact(2) {
                    if let (Ok(code), Ok(text)) = (pair[0].as_str(), pair[1].as_str()) {
                        map.insert((code_of(code), code.len()), utf16(text));
                    }
                }
            }
            "endbfrange" => {
                for entry in op.operands.chunks_exact(3) {
                    bf_range(entry, &mut map);
                }
            }
            _ => {}
        }
        if map.len() > MAX_ENTRIES {
            break;
        }
    }
    map
}

/// Add a `beginbfrange` entry (`<lo> <hi> <text>` or `<lo> <hi> [<text> …]`).
fn bf_range(entry: &[Object], map: &mut BTreeMap<(u32, usize), String>) {
    let (Ok(low), Ok(high)) = (entry[0].as_str(), entry[1].as_str()) else {
        return;
    };
    let n = low.len();
    let (low, high) = (code_of(low), code_of(high));
    if low > high || high - low >= MAX_RANGE {
        return;
    }
    match &entry[2] {
        Object::String(first, _) => {
            let mut units: Vec<u16> = first
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            for code in low..=high {
                map.insert((code, n), String::from_utf16_lossy(&units));
                if let Some(last) = units.last_mut() {
                    *last = last.wrapping_add(1);
                }
            }
        }
        Object::Array(texts) => {
            for (code, text) in (low..=high).zip(texts) {
                if let Ok(text) = text.as_str() {
                    map.insert((code, n), utf16(text));
                }
            }
        }
        _ => {}
    }
}

/// UTF-16BE bytes as text.
fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// A ToUnicode CMap stream with two-byte codes (the CIDs of `cids`). Runs
/// of CIDs that map to consecutive characters are written as ranges:
/// pdf-extract's CMap parser is slow, and a font mapping all 65,536 codes
/// one by one cost over a second per page.
fn to_unicode_stream(cids: &BTreeMap<u32, String>) -> Stream {
    let mut out = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
         /CMapName /Referat-CID def /CMapType 2 def\n\
         1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    let (ranges, chars) = runs(cids);
    for block in ranges.chunks(100) {
        out.push_str(&format!("{} beginbfrange\n", block.len()));
        for (low, high, unit) in block {
            out.push_str(&format!("<{low:04X}> <{high:04X}> <{unit:04X}>\n"));
        }
        out.push_str("endbfrange\n");
    }
    for block in chars.chunks(100) {
        out.push_str(&format!("{} beginbfchar\n", block.len()));
        for (cid, text) in block {
            let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
            out.push_str(&format!("<{cid:04X}> <{hex}>\n"));
        }
        out.push_str("endbfchar\n");
    }
    out.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    Stream::new(Dictionary::new(), out.into_bytes())
}

/// A `bfrange` entry: first and last CID, and the first one's UTF-16 unit.
type Range = (u32, u32, u16);

/// The runs of `cids` (at least two CIDs in one block of 256 mapped to
/// consecutive single UTF-16 units) as `(low, high, first unit)`, and the
/// other CIDs with their text.
fn runs(cids: &BTreeMap<u32, String>) -> (Vec<Range>, Vec<(u32, &String)>) {
    let single = |t: &str| {
        let mut units = t.encode_utf16();
        match (units.next(), units.next()) {
            (Some(u), None) => Some(u),
            _ => None,
        }
    };
    let (mut ranges, mut chars) = (Vec::new(), Vec::new());
    let mut run: Option<(u32, u32, u16, &String)> = None;
    for (&cid, text) in cids {
        let unit = single(text);
        if let (Some((low, high, first, _)), Some(u)) = (run, unit) {
            let next = u32::from(first) + (cid - low);
            if cid == high + 1 && cid >> 8 == low >> 8 && u32::from(u) == next {
                run = Some((low, cid, first, text));
                continue;
            }
        }
        flush(run.take(), &mut ranges, &mut chars);
        run = unit.map(|u| (cid, cid, u, text));
        if unit.is_none() {
            chars.push((cid, text));
        }
    }
    flush(run, &mut ranges, &mut chars);
    (ranges, chars)
}

/// A finished run: a range when it holds two CIDs or more, else a char.
fn flush<'a>(
    run: Option<(u32, u32, u16, &'a String)>,
    ranges: &mut Vec<Range>,
    chars: &mut Vec<(u32, &'a String)>,
) {
    match run {
        Some((low, high, first, _)) if high > low => ranges.push((low, high, first)),
        Some((low, _, _, text)) => chars.push((low, text)),
        None => {}
    }
}

/// The stream's content, inflated.
fn stream_data(doc: &Document, object: &Object) -> Option<Vec<u8>> {
    let stream = deref(doc, object).as_stream().ok()?;
    Some(
        stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone()),
    )
}

/// For a Type0 font whose `Encoding` is an embedded CMap: its code map,
/// and a copy of the font (without the ToUnicode reference) that uses
/// `Identity-H`, with the ToUnicode stream to give it (keyed by CID).
/// None for any other font, and when the maps cannot be read.
pub(super) fn identity_copy(
    doc: &Document,
    font: &Dictionary,
) -> Option<(CodeMap, Dictionary, Stream)> {
    if font.get(b"Subtype").ok()?.as_name().ok()? != b"Type0" {
        return None;
    }
    let map = CodeMap::parse(&stream_data(doc, font.get(b"Encoding").ok()?)?)?;
    let unicode = to_unicode(&stream_data(doc, font.get(b"ToUnicode").ok()?)?);
    let mut cids = BTreeMap::new();
    for ((code, n), text) in unicode {
        if map.in_space(code, n) {
            cids.entry(map.cid(code)).or_insert(text);
        }
    }
    if cids.is_empty() {
        return None;
    }
    let mut copy = font.clone();
    copy.set("Encoding", Object::Name(b"Identity-H".to_vec()));
    copy.remove(b"ToUnicode");
    Some((map, copy, to_unicode_stream(&cids)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE_BYTE: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        1 begincodespacerange <00> <FF> endcodespacerange\n\
        2 begincidrange <20> <7E> 1 <E6> <E6> 200 endcidrange\n\
        1 begincidchar <F8> 201 endcidchar\n\
        endcmap CMapName currentdict /CMap defineresource pop end end";

    #[test]
    fn consecutive_cids_are_written_as_ranges() {
        let cids: BTreeMap<u32, String> = [
            (1, "a"),
            (2, "b"),
            (3, "c"),
            (5, "x"),
            (0xFF, "y"),
            (0x100, "z"),
            (7, "fi"),
        ]
        .into_iter()
        .map(|(c, t)| (c, t.to_string()))
        .collect();
        let (ranges, chars) = runs(&cids);
        assert_eq!(ranges, [(1, 3, 0x61)]);
        let chars: Vec<(u32, &str)> = chars.iter().map(|(c, t)| (*c, t.as_str())).collect();
        // 0xFF and 0x100 are consecutive but in two blocks of 256.
        assert_eq!(chars, [(5, "x"), (7, "fi"), (0xFF, "y"), (0x100, "z")]);
        let data = to_unicode_stream(&cids).content;
        assert_eq!(to_unicode(&data).len(), cids.len(), "read back whole");
        assert_eq!(to_unicode(&data)[&(2, 2)], "b");
    }

    #[test]
    fn one_byte_codes_become_two_byte_cids() {
        let map = CodeMap::parse(ONE_BYTE).unwrap();
        assert_eq!(
            map.recode(b"A \xe6\xf8\x01"),
            [0, 34, 0, 1, 0, 200, 0, 201, 0, 0]
        );
        assert!(map.in_space(0x41, 1));
        assert!(!map.in_space(0x41, 2));
    }

    #[test]
    fn mixed_code_widths_are_read_by_the_code_space() {
        let cmap = b"2 begincodespacerange <00> <7F> <8000> <FFFF> endcodespacerange\n\
            2 begincidrange <00> <7F> 0 <8000> <80FF> 1000 endcidrange";
        let map = CodeMap::parse(cmap).unwrap();
        assert_eq!(map.recode(b"A\x80\x02B"), [0, 0x41, 0x03, 0xea, 0, 0x42]);
    }

    #[test]
    fn to_unicode_ranges_and_arrays_are_read() {
        let cmap = b"1 beginbfrange <20> <22> <0041> endbfrange\n\
            1 beginbfrange <30> <31> [<00E6> <00F8>] endbfrange\n\
            1 beginbfchar <40> <00E50020> endbfchar";
        let map = to_unicode(cmap);
        assert_eq!(map[&(0x22, 1)], "C");
        assert_eq!(map[&(0x31, 1)], "ø");
        assert_eq!(map[&(0x40, 1)], "å ");
    }
}
