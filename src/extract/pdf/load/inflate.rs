//! Decompression bombs: a file with a stream (or an object stream) that
//! inflates past the limit is refused as `pdf-too-large` before anything
//! inflates it for real.

use super::deref;
use super::repair::find_objects;
use crate::error::FileError;
use lopdf::{Document, Object, Stream};
use std::io::Read;

/// Refuse the file when a stream other than an image inflates past `limit`.
/// Images are never decoded (the rewritten content drops their `Do`).
pub(super) fn check_inflation(doc: &Document, limit: u64) -> Result<(), FileError> {
    for (id, object) in &doc.objects {
        let Object::Stream(stream) = object else {
            continue;
        };
        if is_image(doc, stream) {
            continue;
        }
        let Ok(filters) = stream.filters() else {
            continue;
        };
        if filters.first() != Some(&b"FlateDecode".as_slice()) {
            continue;
        }
        if inflated_size(&stream.content, limit) > limit {
            return Err(FileError::PdfTooLarge(format!(
                "stream {} {} inflates past {} MiB",
                id.0,
                id.1,
                limit >> 20
            )));
        }
    }
    Ok(())
}

/// Refuse object streams (which lopdf inflates while loading the file) that
/// inflate past `limit`, found by scanning the raw bytes.
pub(super) fn check_object_streams(bytes: &[u8], limit: u64) -> Result<(), FileError> {
    static OBJSTM: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(r"(?-u)/Type[ \t\r\n]*/ObjStm\b").unwrap()
    });
    static STREAM: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(r"(?-u)\bstream(\r\n|\n|\r)").unwrap()
    });
    let objects = find_objects(bytes);
    for (k, &(num, _, start)) in objects.iter().enumerate() {
        let end = objects.get(k + 1).map_or(bytes.len(), |o| o.2);
        let Some(m) = STREAM.find(&bytes[start..end]) else {
            continue;
        };
        let dict = &bytes[start..start + m.start()];
        if !OBJSTM.is_match(dict) || !dict.windows(11).any(|w| w == b"FlateDecode") {
            continue;
        }
        if inflated_size(&bytes[start + m.end()..end], limit) > limit {
            return Err(FileError::PdfTooLarge(format!(
                "object stream {num} inflates past {} MiB",
                limit >> 20
            )));
        }
    }
    Ok(())
}

/// How many bytes `data` inflates to, counting no further than `limit + 1`.
fn inflated_size(data: &[u8], limit: u64) -> u64 {
    let zlib = flate2::read::ZlibDecoder::new(data);
    let n = count(zlib, limit);
    if n > 0 {
        return n;
    }
    count(flate2::read::DeflateDecoder::new(data), limit)
}

/// Bytes read from `r` (stopping at an error or past `limit`).
fn count(r: impl Read, limit: u64) -> u64 {
    let mut r = r.take(limit + 1);
    let mut buf = [0u8; 64 * 1024];
    let mut n = 0u64;
    loop {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => return n,
            Ok(k) => n += k as u64,
        }
    }
}

/// True for image XObjects.
fn is_image(doc: &Document, stream: &Stream) -> bool {
    stream
        .dict
        .get(b"Subtype")
        .ok()
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_name().ok())
        == Some(b"Image".as_slice())
}
