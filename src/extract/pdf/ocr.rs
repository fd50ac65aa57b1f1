//! OCR of pages without a text layer: each page is rendered by poppler's
//! `pdftoppm` and recognised by Tesseract, both as child processes with
//! the PDF extraction's memory limit and a timeout per page, pages in
//! parallel. Tesseract's hOCR gives every word's box, its line's baseline
//! and size, and its confidence; the words become glyphs of the page, so
//! that lines, cells, tables and paragraphs are rebuilt by the same layout
//! code as a born-digital page's.

use super::glyphs::{Glyph, PageGlyphs};
use super::isolate::set_limit;
use super::{LayoutWords, Scanned, lay_out};
use crate::error::{FileError, warn};
use crate::extract::Extracted;
use crate::record::{Issue, OcrPage};
use quick_xml::events::Event;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// When pages are read by OCR (`--ocr`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OcrMode {
    /// Pages without a text layer (the default).
    #[default]
    Auto,
    /// Every page, text layer or not.
    Always,
    /// No page: a PDF without text fails with `pdf-no-text`.
    Never,
}

impl OcrMode {
    /// The mode's name, as `--ocr` and the child's environment write it.
    pub fn as_str(self) -> &'static str {
        match self {
            OcrMode::Auto => "auto",
            OcrMode::Always => "always",
            OcrMode::Never => "never",
        }
    }

    /// The mode of a name (`None` for another word).
    pub fn parse(s: &str) -> Option<OcrMode> {
        match s {
            "auto" => Some(OcrMode::Auto),
            "always" => Some(OcrMode::Always),
            "never" => Some(OcrMode::Never),
            _ => None,
        }
    }
}

/// Resolution pages are rendered at: Tesseract reads 300 dpi best.
pub const DPI: f64 = 300.0;
/// Mean word confidence (0–100) under which a page gets `ocr-low-confidence`.
pub const LOW_CONFIDENCE: f64 = 70.0;

/// The OCR programs, found once.
#[derive(Debug, Clone)]
pub(super) struct Tools {
    /// Languages Tesseract has data for, of those asked.
    pub languages: String,
}

/// The OCR programs and language data, or what to install to get them.
pub(super) fn tools(languages: &str) -> Result<Tools, String> {
    static FOUND: OnceLock<Result<Vec<String>, String>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let ppm = Command::new("pdftoppm").arg("-v").output();
        if !ppm.is_ok_and(|o| o.status.success() || !o.stderr.is_empty()) {
            return Err("pdftoppm is not installed (Debian: poppler-utils)".into());
        }
        let langs = Command::new("tesseract").arg("--list-langs").output();
        match langs {
            Ok(o) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout)
                .lines()
                .skip(1)
                .map(|l| l.trim().to_string())
                .collect()),
            _ => Err("tesseract is not installed (Debian: tesseract-ocr, \
                      tesseract-ocr-dan, tesseract-ocr-swe)"
                .into()),
        }
    });
    let have = match found {
        Ok(have) => have,
        Err(why) => return Err(why.clone()),
    };
    let usable: Vec<&str> = languages
        .split('+')
        .filter(|l| have.iter().any(|h| h == l))
        .collect();
    if usable.is_empty() {
        return Err(format!(
            "tesseract has no data for {languages} (Debian: tesseract-ocr-dan, tesseract-ocr-swe)"
        ));
    }
    Ok(Tools {
        languages: usable.join("+"),
    })
}

/// Limits of the OCR programs.
#[derive(Debug, Clone, Copy)]
pub(super) struct OcrLimits {
    /// Seconds each program may take for one page.
    pub page_timeout: Duration,
    /// Address-space limit in bytes (0: none).
    pub memory: u64,
}

/// One page read by OCR: its glyphs and what the record tells of it.
#[derive(Debug)]
pub(super) struct Read1 {
    /// The page's words as glyphs.
    pub glyphs: PageGlyphs,
    /// Page, words and mean confidence.
    pub info: OcrPage,
}

/// Read the pages `scanned` hands back by OCR, in parallel, and lay out
/// the document's pages together: OCR'd pages replace their text layer.
pub(super) fn read(
    pdf: &[u8],
    scanned: Scanned,
    tools: &Tools,
    limits: OcrLimits,
    words: &LayoutWords,
) -> Result<Extracted, FileError> {
    use rayon::prelude::*;
    let results: Vec<(u32, Result<Read1, String>)> = scanned
        .ocr
        .par_iter()
        .map(|&page| (page, read_page(pdf, page, tools, limits)))
        .collect();
    let (mut pages, mut warnings) = (scanned.pages, scanned.warnings);
    let mut read = Vec::new();
    let mut failures = Vec::new();
    for (page, result) in results {
        match result {
            Ok(r) => {
                if r.info.words > 0 && r.info.confidence < LOW_CONFIDENCE {
                    warnings.push(issue(
                        warn::OCR_LOW_CONFIDENCE,
                        format!(
                            "page {page} was read by OCR with a mean word confidence of {} \
                             (of 100): check its text and numbers against the page",
                            r.info.confidence
                        ),
                    ));
                }
                read.push(r.info);
                match pages.iter_mut().find(|p| p.number == page) {
                    Some(p) => *p = r.glyphs,
                    None => pages.push(r.glyphs),
                }
            }
            Err(e) => {
                warnings.push(issue(
                    warn::OCR_FAILED,
                    format!("page {page} has no text layer and OCR failed: {e}"),
                ));
                failures.push(e);
            }
        }
    }
    pages.sort_by_key(|p| p.number);
    let ink = pages.iter().any(|p| p.glyphs.iter().any(|g| !g.is_space()));
    if !ink {
        return Err(FileError::PdfNoText(match failures.first() {
            Some(e) => format!("OCR failed: {e}"),
            None => format!("OCR found no words on its {} page(s)", scanned.ocr.len()),
        }));
    }
    let mut extracted = lay_out(&pages, scanned.page_count, warnings, words)?;
    extracted.ocr = read;
    Ok(extracted)
}

fn issue(code: &str, message: String) -> Issue {
    Issue {
        code: code.to_string(),
        message,
        location: None,
    }
}

/// Render page `page` of `pdf` and recognise it.
pub(super) fn read_page(
    pdf: &[u8],
    page: u32,
    tools: &Tools,
    limits: OcrLimits,
) -> Result<Read1, String> {
    let n = page.to_string();
    let image = run(
        Command::new("pdftoppm").args(["-f", &n, "-l", &n, "-r", &DPI.to_string(), "-gray", "-"]),
        pdf,
        limits,
    )
    .map_err(|e| format!("pdftoppm, page {page}: {e}"))?;
    let hocr = run(
        Command::new("tesseract")
            .args(["stdin", "stdout", "-l", &tools.languages, "--dpi", "300"])
            // One block of text: Tesseract's automatic page segmentation
            // (psm 3) drops numbers standing alone at a line's end (a
            // contents page's page numbers, a table's last column); our
            // layout rebuilds columns and tables from the word positions.
            .args(["--psm", "6"])
            .arg("hocr")
            // One thread each: pages run in parallel instead.
            .env("OMP_THREAD_LIMIT", "1"),
        &image,
        limits,
    )
    .map_err(|e| format!("tesseract, page {page}: {e}"))?;
    Ok(from_hocr(&String::from_utf8_lossy(&hocr), page))
}

/// Run `cmd` with `input` on stdin and return its stdout, within the limits.
fn run(cmd: &mut Command, input: &[u8], limits: OcrLimits) -> Result<Vec<u8>, String> {
    let memory = limits.memory;
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // SAFETY: the closure runs between fork and exec and only calls
    // setrlimit, which is async-signal-safe; it allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            set_limit!(libc::RLIMIT_CORE, 0);
            if memory > 0 {
                set_limit!(libc::RLIMIT_AS, memory);
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().map_err(|e| e.to_string())?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let mut stdout = child.stdout.take().expect("piped stdout");
    std::thread::scope(|s| {
        let writer = s.spawn(move || {
            // A program that stops reading early closes the pipe: not an error here.
            let _ = stdin.write_all(input);
        });
        let reader = s.spawn(move || {
            let mut out = Vec::new();
            stdout.read_to_end(&mut out).map(|_| out)
        });
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Ok(status),
                Ok(None) if started.elapsed() > limits.page_timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break Err(format!(
                        "timed out after {} s",
                        limits.page_timeout.as_secs()
                    ));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                Err(e) => break Err(e.to_string()),
            }
        };
        let _ = writer.join();
        let out = reader.join().map_err(|_| "reader failed".to_string())?;
        let status = status?;
        if !status.success() {
            return Err(format!("failed ({status})"));
        }
        out.map_err(|e| e.to_string())
    })
}

/// A line of hOCR: its baseline and size in pixels.
#[derive(Debug, Clone, Copy, Default)]
struct HocrLine {
    x0: f64,
    y1: f64,
    slope: f64,
    offset: f64,
    size: f64,
}

impl HocrLine {
    /// The baseline's y at `x`.
    fn baseline(&self, x: f64) -> f64 {
        self.y1 + self.offset + self.slope * (x - self.x0)
    }
}

/// The glyphs and confidence of a page from Tesseract's hOCR. Coordinates
/// are turned from pixels at [`DPI`] into points, y downwards, as the PDF
/// path's glyphs are.
pub(super) fn from_hocr(hocr: &str, page: u32) -> Read1 {
    let scale = DPI / 72.0;
    let mut reader = quick_xml::Reader::from_str(hocr);
    let mut glyphs = PageGlyphs {
        number: page,
        ..PageGlyphs::default()
    };
    let mut line = HocrLine::default();
    // Right edge (px) of the line's last word, when the line has one.
    let mut line_end: Option<f64> = None;
    // The line's last word is a number.
    let mut last_number = false;
    // The open word: its box and confidence, and its text so far.
    let mut word: Option<([f64; 4], f64, String)> = None;
    let (mut words, mut confidence, mut op) = (0usize, 0.0f64, 0u32);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let class = attr(&e, "class");
                let title = attr(&e, "title");
                match class.as_deref() {
                    Some("ocr_page") => {
                        if let Some(b) = bbox(&title) {
                            glyphs.height = b[3] / scale;
                        }
                    }
                    Some("ocr_line" | "ocr_header" | "ocr_caption" | "ocr_textfloat") => {
                        line = parse_line(&title);
                        line_end = None;
                    }
                    Some("ocrx_word") => {
                        if let Some(b) = bbox(&title) {
                            word =
                                Some((b, field(&title, "x_wconf").unwrap_or(0.0), String::new()));
                        }
                    }
                    _ => {}
                }
            }
            Ok(Event::Text(t)) => {
                if let Some((_, _, text)) = word.as_mut() {
                    text.push_str(&t.xml10_content());
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some((_, _, text)) = word.as_mut() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => text.push(c),
                        _ => text.push_str(unescape(&r.into_inner())),
                    }
                }
            }
            Ok(Event::End(e)) if e.name().as_ref() == "span" => {
                let Some((b, conf, text)) = word.take() else {
                    continue;
                };
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                op += 1;
                words += 1;
                confidence += conf;
                let b = after(b, line_end, text.chars().count());
                let number = is_number(text);
                if let Some(end) = line_end {
                    push_space(&mut glyphs.glyphs, end, b[0], scale, number && last_number);
                }
                line_end = Some(b[2]);
                last_number = number;
                push_word(&mut glyphs.glyphs, text, b, &line, scale, op);
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    Read1 {
        glyphs,
        info: OcrPage {
            page,
            words: words as u32,
            confidence: if words == 0 {
                0.0
            } else {
                (confidence / words as f64 * 10.0).round() / 10.0
            },
        },
    }
}

/// A number as tables print them: digits with grouping, decimal and sign
/// marks ("-12.711", "0,475", "2025", "(3.960)", "45%").
fn is_number(word: &str) -> bool {
    let core = word.trim_matches(|c: char| "()*%".contains(c));
    core.chars().any(|c| c.is_ascii_digit())
        && core
            .chars()
            .all(|c| c.is_ascii_digit() || ".,-–+".contains(c))
}

/// A word's box moved to start after the line's previous word: Tesseract's
/// boxes may overlap ("Punkt" reaching into "2:"), and overlapping glyphs
/// would read as text printed over text.
fn after(mut b: [f64; 4], line_end: Option<f64>, chars: usize) -> [f64; 4] {
    if let Some(end) = line_end {
        b[0] = b[0].max(end + 1.0);
    }
    b[2] = b[2].max(b[0] + chars as f64);
    b
}

/// The space between two words of a Tesseract line (from `from` to `to`,
/// in px): a space glyph of the word before, as wide as the gap up to half
/// an em. The words join with a space; a gap of more than 0.8 em parts
/// them into cells, as the PDF path parts a pen jump past a space (0.5 em
/// between two numbers). Words are 0.25–0.45 em apart in prose, a table's
/// columns an em and more.
fn push_space(out: &mut Vec<Glyph>, from: f64, to: f64, scale: f64, numbers: bool) {
    let Some(last) = out.last() else { return };
    let (y, size, op) = (last.y, last.size, last.op);
    let x = from / scale;
    // Two numbers side by side are a table's columns sooner: past 0.5 em.
    let widest = if numbers { 0.2 } else { 0.5 };
    let adv = ((to - from) / scale).clamp(0.0, (widest * size).max(0.0));
    out.push(Glyph {
        x,
        y,
        adv,
        size,
        text: " ".into(),
        bold: false,
        next_x: x + adv,
        op,
    });
}

/// A word as glyphs, one per character, spread over the word's box on its
/// line's baseline.
fn push_word(out: &mut Vec<Glyph>, text: &str, b: [f64; 4], line: &HocrLine, scale: f64, op: u32) {
    let chars: Vec<char> = text.chars().collect();
    let width = (b[2] - b[0]).max(1.0) / scale;
    let adv = width / chars.len() as f64;
    let x0 = b[0] / scale;
    // One baseline for the whole line, where it starts: on a skewed scan
    // the baseline climbs or falls along the line, and the line's last
    // words would otherwise land nearer the next line's first. A word far
    // off the line's baseline where it stands (the second line of a table
    // header Tesseract took into one line) keeps its own.
    let y = if line.size > 0.0 {
        let off = (b[3] - line.baseline(b[0])).abs();
        if off > 0.45 * line.size {
            b[3] - 0.2 * (b[3] - b[1])
        } else {
            line.baseline(line.x0)
        }
    } else {
        b[3]
    } / scale;
    // Tesseract's row size (`x_size`) measures as the font size: 10 pt
    // text at 300 dpi gives about 41.5 px.
    // A size that is no size (broken hOCR) counts as a point.
    let size = if line.size > 0.0 {
        line.size / scale
    } else {
        (b[3] - b[1]) / scale
    };
    let size = if size.is_finite() && size > 0.0 {
        size
    } else {
        1.0
    };
    for (i, c) in chars.iter().enumerate() {
        let x = x0 + adv * i as f64;
        out.push(Glyph {
            x,
            y,
            adv,
            size,
            text: c.to_string(),
            bold: false,
            next_x: x + adv,
            op,
        });
    }
}

/// An attribute's value.
fn attr(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value.to_string())
}

/// `bbox x0 y0 x1 y1` of an hOCR title.
fn bbox(title: &Option<String>) -> Option<[f64; 4]> {
    let t = title.as_deref()?;
    let part = t.split(';').find_map(|p| p.trim().strip_prefix("bbox "))?;
    let v: Vec<f64> = part
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
}

/// The first number of a property of an hOCR title (`x_wconf 93`).
fn field(title: &Option<String>, name: &str) -> Option<f64> {
    let t = title.as_deref()?;
    t.split(';')
        .find_map(|p| p.trim().strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// A line's bbox, baseline (`baseline slope offset`) and size (`x_size`).
fn parse_line(title: &Option<String>) -> HocrLine {
    let Some(b) = bbox(title) else {
        return HocrLine::default();
    };
    let t = title.as_deref().unwrap_or_default();
    let baseline: Vec<f64> = t
        .split(';')
        .find_map(|p| p.trim().strip_prefix("baseline "))
        .map(|s| {
            s.split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    HocrLine {
        x0: b[0],
        y1: b[3],
        slope: baseline.first().copied().unwrap_or(0.0),
        offset: baseline.get(1).copied().unwrap_or(0.0),
        size: field(title, "x_size").unwrap_or(b[3] - b[1]),
    }
}

/// The text of an XML entity reference hOCR writes.
fn unescape(name: &str) -> &'static str {
    match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" | "#39" => "'",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two lines as Tesseract 5 writes them at 300 dpi.
    const HOCR: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body>
  <div class='ocr_page' id='page_1' title='image "stdin"; bbox 0 0 2480 3508; ppageno 0'>
   <div class='ocr_carea' id='block_1_1' title="bbox 240 127 1400 230">
    <p class='ocr_par' id='par_1_1' lang='dan' title="bbox 240 127 1400 230">
     <span class='ocr_line' id='line_1_1' title="bbox 240 127 922 167; baseline 0.001 -10; x_size 41.5; x_descenders 9.5; x_ascenders 9.5">
      <span class='ocrx_word' id='word_1_1' title='bbox 240 128 430 157; x_wconf 95'>Punkt</span>
      <span class='ocrx_word' id='word_1_2' title='bbox 460 128 520 157; x_wconf 85'>1:</span>
     </span>
     <span class='ocr_line' id='line_1_2' title="bbox 240 190 1400 230; baseline 0 -8; x_size 41.5; x_descenders 9; x_ascenders 10">
      <span class='ocrx_word' id='word_1_3' title='bbox 240 190 400 222; x_wconf 90'>Drift</span>
      <span class='ocrx_word' id='word_1_4' title='bbox 430 190 520 222; x_wconf 90'>&amp;</span>
      <span class='ocrx_word' id='word_1_5' title='bbox 1200 190 1400 222; x_wconf 60'>1.895</span>
     </span>
    </p>
   </div>
  </div>
</body></html>"#;

    #[test]
    fn words_become_glyphs_on_their_baseline_in_points() {
        let read = from_hocr(HOCR, 3);
        assert_eq!(read.info.page, 3);
        assert_eq!(read.info.words, 5);
        assert_eq!(read.info.confidence, 84.0);
        let g = &read.glyphs;
        assert_eq!(g.number, 3);
        assert!((g.height - 3508.0 / 300.0 * 72.0).abs() < 0.01);
        let text: String = g.glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(
            text,
            "Punkt 1: Drift & 1.895".replace(": D", ":D"),
            "words of a line parted by spaces"
        );
        // "Punkt": 5 glyphs over its box, x from 240 px = 57.6 pt, on the
        // line's baseline where it starts (167 - 10 px), one operator.
        let p = &g.glyphs[0];
        assert!((p.x - 57.6).abs() < 0.01);
        assert!((p.y - 157.0 * 72.0 / 300.0).abs() < 0.01);
        assert!((p.adv - 190.0 / 5.0 * 72.0 / 300.0).abs() < 0.01);
        assert!(g.glyphs[..5].iter().all(|x| x.op == p.op));
        assert_ne!(g.glyphs[6].op, p.op, "each word its own operator");
        // Both lines have one size (Tesseract's x_size, in points).
        assert!(g.glyphs.iter().all(|x| (x.size - p.size).abs() < 1e-9));
        assert!(p.size > 8.0 && p.size < 12.0, "{}", p.size);
    }

    #[test]
    fn broken_hocr_gives_what_it_holds() {
        for input in [
            "",
            "<html",
            "<span class='ocrx_word' title='bbox 1 2'>x</span>",
            "\u{0}\u{1}",
        ] {
            let read = from_hocr(input, 1);
            assert_eq!(read.info.words, 0, "{input:?}");
        }
    }

    #[test]
    fn modes_are_words() {
        for mode in [OcrMode::Auto, OcrMode::Always, OcrMode::Never] {
            assert_eq!(OcrMode::parse(mode.as_str()), Some(mode));
        }
        assert_eq!(OcrMode::parse("sometimes"), None);
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    proptest! {
        /// No hOCR, however broken, makes the reader panic.
        #[test]
        fn any_hocr_is_read_without_panic(
            parts in proptest::collection::vec(prop_oneof![
                Just("<span class='ocr_line' title=\"bbox 1 2 3 4; baseline 0.5 -3; x_size 9\">".to_string()),
                Just("<span class='ocrx_word' title='bbox 9 9 1 1; x_wconf 77'>".to_string()),
                Just("<div class='ocr_page' title='bbox 0 0 -5 NaN'>".to_string()),
                Just("</span>".to_string()),
                Just("&amp;&#x41;&bogus;".to_string()),
                "[ -~æøå]{0,12}",
            ], 0..40)
        ) {
            let hocr: String = parts.concat();
            let read = super::from_hocr(&hocr, 1);
            prop_assert!(read.info.words as usize <= read.glyphs.glyphs.len());
        }
    }
}
