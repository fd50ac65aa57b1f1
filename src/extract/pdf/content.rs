//! A fast reader and writer for page content streams.
//!
//! lopdf's content parser (nom, byte by byte through located spans) was
//! the largest single cost of extraction: about a fifth of all
//! instructions on a text-heavy PDF, and it stops at the first token it
//! does not know, losing the rest of the page. This reader produces the
//! same [`Operation`]s for well-formed streams (checked against lopdf in
//! the tests), and on damaged ones skips the bad token instead of the rest
//! of the page. The writer emits what the rewriter keeps (text operators)
//! compactly, with every string as a literal string, which pdf-extract's
//! parser reads several times faster than the same string in hex.

use lopdf::content::Operation;
use lopdf::{Dictionary, Object, StringFormat};
use std::io::Write;

/// Deepest nesting of arrays and dictionaries read; deeper content is skipped.
const MAX_DEPTH: usize = 64;

/// PDF whitespace.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

/// PDF delimiters.
fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Characters of names, numbers and operators.
fn is_regular(c: u8) -> bool {
    !is_space(c) && !is_delimiter(c)
}

/// Value of a hex digit.
fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// A token that is not an operand.
enum Token<'a> {
    /// An operator (or an unknown keyword).
    Keyword(&'a [u8]),
    /// `]` or `>>` closing a container.
    Close,
}

/// The reader's position in a content stream.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Skip whitespace and comments.
    fn skip_space(&mut self) {
        while let Some(&c) = self.data.get(self.pos) {
            if is_space(c) {
                self.pos += 1;
            } else if c == b'%' {
                while let Some(&c) = self.data.get(self.pos) {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The run of regular characters at the position.
    fn regular_run(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.data.get(self.pos).is_some_and(|&c| is_regular(c)) {
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }

    /// The next operand, or the token that ends the operands. `None` at the end.
    fn next(&mut self, depth: usize) -> Option<Result<Object, Token<'a>>> {
        self.skip_space();
        let c = *self.data.get(self.pos)?;
        Some(match c {
            b'/' => {
                self.pos += 1;
                Ok(Object::Name(self.name()))
            }
            b'(' => {
                self.pos += 1;
                Ok(Object::String(self.literal(), StringFormat::Literal))
            }
            b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                Ok(Object::Dictionary(self.dictionary(depth + 1)))
            }
            b'<' => {
                self.pos += 1;
                Ok(Object::String(self.hex(), StringFormat::Hexadecimal))
            }
            b'[' => {
                self.pos += 1;
                Ok(Object::Array(self.array(depth + 1)))
            }
            b']' => {
                self.pos += 1;
                Err(Token::Close)
            }
            b'>' => {
                self.pos += 1;
                if self.data.get(self.pos) == Some(&b'>') {
                    self.pos += 1;
                }
                Err(Token::Close)
            }
            b')' | b'{' | b'}' => {
                // Stray delimiters: a keyword nobody knows.
                self.pos += 1;
                Err(Token::Keyword(&self.data[self.pos - 1..self.pos]))
            }
            _ => {
                let word = self.regular_run();
                match word {
                    b"true" => Ok(Object::Boolean(true)),
                    b"false" => Ok(Object::Boolean(false)),
                    b"null" => Ok(Object::Null),
                    _ => number(word).ok_or(Token::Keyword(word)),
                }
            }
        })
    }

    /// A name after its `/`, with `#xx` escapes decoded.
    fn name(&mut self) -> Vec<u8> {
        let raw = self.regular_run();
        if !raw.contains(&b'#') {
            return raw.to_vec();
        }
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            let decoded = (raw[i] == b'#')
                .then(|| Some(hex_value(*raw.get(i + 1)?)? << 4 | hex_value(*raw.get(i + 2)?)?))
                .flatten();
            match decoded {
                Some(b) => {
                    out.push(b);
                    i += 3;
                }
                None => {
                    out.push(raw[i]);
                    i += 1;
                }
            }
        }
        out
    }

    /// A literal string after its `(`: balanced parentheses, escapes decoded.
    fn literal(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        while let Some(&c) = self.data.get(self.pos) {
            self.pos += 1;
            match c {
                b'\\' => {
                    let Some(&e) = self.data.get(self.pos) else {
                        break;
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(b'\x08'),
                        b'f' => out.push(b'\x0c'),
                        b'0'..=b'7' => {
                            let mut value = u16::from(e - b'0');
                            for _ in 0..2 {
                                match self.data.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        value = value * 8 + u16::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(value as u8);
                        }
                        b'\r' => {
                            if self.data.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' if depth == 0 => break,
                b')' => {
                    depth -= 1;
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        out
    }

    /// A hex string after its `<`; other characters are ignored, an odd
    /// last digit is padded with 0.
    fn hex(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(&c) = self.data.get(self.pos) {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            if let Some(v) = hex_value(c) {
                match high.take() {
                    Some(h) => out.push(h << 4 | v),
                    None => high = Some(v),
                }
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        out
    }

    /// An array after its `[`, up to `]` (or the end of the stream).
    fn array(&mut self, depth: usize) -> Vec<Object> {
        let mut items = Vec::new();
        while let Some(next) = self.next(depth) {
            match next {
                Ok(object) if depth <= MAX_DEPTH => items.push(object),
                Ok(_) => {}
                Err(Token::Close) => break,
                Err(Token::Keyword(_)) => {}
            }
        }
        items
    }

    /// A dictionary after its `<<`, up to `>>` (or the end of the stream).
    fn dictionary(&mut self, depth: usize) -> Dictionary {
        let mut dict = Dictionary::new();
        let mut key: Option<Vec<u8>> = None;
        while let Some(next) = self.next(depth) {
            match next {
                Ok(Object::Name(name)) if key.is_none() => key = Some(name),
                Ok(value) => {
                    if let Some(k) = key.take()
                        && depth <= MAX_DEPTH
                    {
                        dict.set(k, value);
                    }
                }
                Err(Token::Close) => break,
                Err(Token::Keyword(_)) => key = None,
            }
        }
        dict
    }

    /// Skip an inline image's data after `ID`: up to an `EI` that stands
    /// alone between whitespace (or the end of the stream).
    fn skip_image_data(&mut self) {
        // One whitespace byte separates ID from the data.
        self.pos += 1;
        let data = self.data;
        let mut i = self.pos;
        while i + 2 <= data.len() {
            if &data[i..i + 2] == b"EI"
                && i > 0
                && is_space(data[i - 1])
                && data.get(i + 2).is_none_or(|&c| !is_regular(c))
            {
                self.pos = i + 2;
                return;
            }
            i += 1;
        }
        self.pos = data.len();
    }
}

/// A number token: an integer, or a real when it has a `.`.
fn number(word: &[u8]) -> Option<Object> {
    let first = *word.first()?;
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return None;
    }
    let text = std::str::from_utf8(word).ok()?;
    if word.contains(&b'.') {
        text.parse::<f32>().ok().map(Object::Real)
    } else {
        text.parse::<i64>()
            .map(Object::Integer)
            .ok()
            .or_else(|| text.parse::<f32>().ok().map(Object::Real))
    }
}

/// Read a content stream into operations. Never fails: a token that is
/// neither an operand nor an operator is skipped, and so are the operands
/// gathered before it. Inline images become a `BI` operation without
/// operands (their data is skipped).
pub(super) fn decode(data: &[u8]) -> Vec<Operation> {
    let mut reader = Reader { data, pos: 0 };
    let mut ops = Vec::with_capacity(data.len() / 12);
    let mut operands = Vec::new();
    while let Some(next) = reader.next(0) {
        match next {
            Ok(object) => operands.push(object),
            Err(Token::Close) => operands.clear(),
            Err(Token::Keyword(word)) => {
                let operator = String::from_utf8_lossy(word).into_owned();
                if operator == "BI" {
                    // Key/value pairs up to ID, then binary data up to EI.
                    operands.clear();
                    while let Some(next) = reader.next(0) {
                        if let Err(Token::Keyword(b"ID")) = next {
                            reader.skip_image_data();
                            break;
                        }
                    }
                }
                ops.push(Operation {
                    operator,
                    operands: std::mem::take(&mut operands),
                });
            }
        }
    }
    ops
}

/// Write operations as a content stream.
pub(super) fn encode(ops: &[Operation]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ops.len() * 16);
    for op in ops {
        for operand in &op.operands {
            write_object(&mut out, operand);
            out.push(b' ');
        }
        out.extend_from_slice(op.operator.as_bytes());
        out.push(b'\n');
    }
    out
}

/// Write one operand. Streams and references cannot occur in content and
/// are written as `null`.
fn write_object(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Object::Real(r) => write_real(out, *r),
        Object::Name(name) => write_name(out, name),
        Object::String(bytes, _) => write_literal(out, bytes),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                write_object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => {
            out.extend_from_slice(b"<<");
            for (key, value) in dict.iter() {
                write_name(out, key);
                out.push(b' ');
                write_object(out, value);
                out.push(b' ');
            }
            out.extend_from_slice(b">>");
        }
        Object::Stream(_) | Object::Reference(_) => out.extend_from_slice(b"null"),
    }
}

/// A real without exponent (PDF has none), shortest form that reads back the same.
fn write_real(out: &mut Vec<u8>, r: f32) {
    if !r.is_finite() {
        out.push(b'0');
        return;
    }
    if r == r.trunc() && r.abs() < 1e9 {
        let _ = write!(out, "{}", r as i64);
        // Keep it a real: lopdf reads `5` as an integer, `5.` as a real.
        out.push(b'.');
        return;
    }
    // Display for f32 prints the shortest round-tripping digits, never an exponent.
    let _ = write!(out, "{r}");
}

/// A name with `#xx` escapes for bytes that are not regular characters.
fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &c in name {
        if c == b'#' || !is_regular(c) || !(0x21..=0x7e).contains(&c) {
            let _ = write!(out, "#{c:02X}");
        } else {
            out.push(c);
        }
    }
}

/// A literal string, escaping what would change its bytes when read back.
fn write_literal(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'(');
    for &c in bytes {
        match c {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(c);
            }
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\n' => out.extend_from_slice(b"\\n"),
            _ => out.push(c),
        }
    }
    out.push(b')');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings compare by their bytes, whichever way they were written.
    fn normalized(object: Object) -> Object {
        match object {
            Object::String(bytes, _) => Object::String(bytes, StringFormat::Literal),
            Object::Array(items) => Object::Array(items.into_iter().map(normalized).collect()),
            other => other,
        }
    }

    fn plain(ops: Vec<Operation>) -> Vec<(String, Vec<Object>)> {
        ops.into_iter()
            .map(|o| (o.operator, o.operands.into_iter().map(normalized).collect()))
            .collect()
    }

    fn ops(data: &[u8]) -> Vec<(String, Vec<Object>)> {
        plain(decode(data))
    }

    #[test]
    fn text_operators_and_their_operands() {
        let got = ops(b"BT /F1 12 Tf 72 700.5 Td (Punkt \\(1\\)) Tj [(A) -120 <0041>] TJ ET");
        assert_eq!(got[1].0, "Tf");
        assert_eq!(
            got[1].1,
            vec![Object::Name(b"F1".to_vec()), Object::Integer(12)]
        );
        assert_eq!(got[2].1, vec![Object::Integer(72), Object::Real(700.5)]);
        assert_eq!(got[3].1[0].as_str().unwrap(), b"Punkt (1)");
        let Object::Array(items) = &got[4].1[0] else {
            panic!("TJ takes an array")
        };
        assert_eq!(items[1], Object::Integer(-120));
        assert_eq!(items[2].as_str().unwrap(), b"\0A");
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn escapes_comments_and_names() {
        let got = ops(b"% a comment (not a string\n/A#20B Tf (x\\101\\\ny\\n) Tj");
        assert_eq!(got[0].1[0], Object::Name(b"A B".to_vec()));
        assert_eq!(got[1].1[0].as_str().unwrap(), b"xAy\n");
    }

    #[test]
    fn inline_images_are_skipped_whole() {
        let got = ops(b"BI /W 2 /H 1 /BPC 8 /CS /G ID \x00EI\xff EI Q");
        assert_eq!(got[0].0, "BI");
        assert!(got[0].1.is_empty());
        assert_eq!(got[1].0, "Q");
    }

    #[test]
    fn junk_costs_only_itself() {
        // lopdf stops at `1.2.3`; the reader drops it and goes on.
        let got = ops(b"1.2.3 } (a) Tj");
        assert_eq!(got.last().unwrap().0, "Tj");
        assert_eq!(got.last().unwrap().1[0].as_str().unwrap(), b"a");
    }

    #[test]
    fn encoded_streams_read_back_identically() {
        let src: &[u8] = b"BT /F#231 9.5 Tf 1 0 0 1 72 -3.25 Tm [(\\(a\\)\r) -5 <00ff0d0a>] TJ \
                           (back\\\\slash) Tj (50% off) Tj /P <</MCID 3 /Alt (x)>> BDC true false null ET";
        let first = ops(src);
        let encoded = encode(&decode(src));
        assert_eq!(first, ops(&encoded));
        // lopdf (which pdf-extract uses) reads the encoded stream the same way.
        let lopdf = plain(
            lopdf::content::Content::decode(&encoded)
                .unwrap()
                .operations,
        );
        assert_eq!(first, lopdf);
        assert_eq!(first[5].1[0].as_str().unwrap(), b"50% off");
    }
}
