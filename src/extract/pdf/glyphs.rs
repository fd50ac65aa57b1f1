//! Running pdf-extract and collecting positioned glyphs: all pages are read
//! as one stream when that works, else page by page, each page under its
//! own panic guard (and retried without a font pdf-extract fails on). The
//! glyphs are turned upright when a page is rotated; text turned against
//! the rest of its page is kept apart, upright in its own frame.

use super::load::{Loaded, Style, retry_page};
use super::{panic_message, warning};
use crate::extract::{BOX_EMPTY, BOX_TICKED};
use crate::record::Issue;
use lopdf::Object;
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};
use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// One glyph, upright, in page space with y growing downwards.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Glyph {
    /// Left edge.
    pub x: f64,
    /// Baseline.
    pub y: f64,
    /// Width of the glyph.
    pub adv: f64,
    /// Font size (height of the em square).
    pub size: f64,
    /// The text (usually one char; ligatures are expanded).
    pub text: String,
    /// The font is bold.
    pub bold: bool,
    /// Where the next glyph of the same operator would start (left edge +
    /// advance including character and word spacing).
    pub next_x: f64,
    /// Running number of the operator that showed the glyph.
    pub op: u32,
}

impl Glyph {
    /// Right edge.
    pub fn end(&self) -> f64 {
        self.x + self.adv
    }

    /// The glyph is white space.
    pub fn is_space(&self) -> bool {
        self.text.chars().all(char::is_whitespace)
    }
}

/// The glyphs of one page.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct PageGlyphs {
    /// 1-based page number.
    pub number: u32,
    /// Page height (upright).
    pub height: f64,
    /// Glyphs in drawing order.
    pub glyphs: Vec<Glyph>,
    /// Glyphs running another way than `glyphs` (margin notes, chart
    /// labels): those turned a quarter, a half and three quarters from
    /// them, in that order, each set upright in its own frame.
    pub turned: Vec<PageGlyphs>,
}

/// What pdf-extract produced for a document.
pub(super) struct Collected {
    /// One entry per page, in order.
    pub pages: Vec<PageGlyphs>,
    /// Number of non-space glyphs.
    pub glyph_count: usize,
    /// Pages on which pdf-extract failed.
    pub failed_pages: usize,
    /// Pages read only after leaving out a font pdf-extract failed on.
    pub font_skipped_pages: usize,
    /// Message of the first failure.
    pub first_failure: Option<String>,
    /// Warnings (pages lost or cut short).
    pub warnings: Vec<Issue>,
}

impl Collected {
    /// Nothing collected yet, room for `pages` pages.
    fn with_capacity(pages: usize) -> Self {
        Collected {
            pages: Vec::with_capacity(pages),
            glyph_count: 0,
            failed_pages: 0,
            font_skipped_pages: 0,
            first_failure: None,
            warnings: Vec::new(),
        }
    }

    /// Add the next page and count its glyphs.
    fn push_page(&mut self, page: PageGlyphs) {
        self.glyph_count += page.glyphs.iter().filter(|g| !g.is_space()).count();
        self.pages.push(page);
    }
}

/// A glyph as pdf-extract reports it (PDF user space, y up).
#[derive(Debug, Clone)]
struct RawGlyph {
    x: f64,
    y: f64,
    /// Unit vector along the baseline.
    dir: (f64, f64),
    adv: f64,
    /// Advance including character and word spacing.
    step: f64,
    size: f64,
    text: String,
    bold: bool,
    op: u32,
    /// Index of the page (see [`Style::page`]).
    page: u32,
}

/// The `OutputDev` that records glyphs of one page (or of all pages read as one).
struct Recorder<'s> {
    styles: &'s [Style],
    shown: usize,
    media_box: Option<MediaBox>,
    glyphs: Vec<RawGlyph>,
}

impl<'s> Recorder<'s> {
    /// A recorder giving the shown strings `styles`, in order.
    fn new(styles: &'s [Style]) -> Self {
        Recorder {
            styles,
            shown: 0,
            media_box: None,
            glyphs: Vec::new(),
        }
    }
}

impl OutputDev for Recorder<'_> {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.media_box = Some(*media_box);
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        let style = self
            .shown
            .checked_sub(1)
            .and_then(|i| self.styles.get(i))
            .copied()
            .unwrap_or_default();
        let text = clean_text(char, style.symbol);
        if text.is_empty() {
            return Ok(());
        }
        let along = trm.m11.hypot(trm.m12);
        let up = trm.m21.hypot(trm.m22);
        let size = font_size.abs() * up;
        let adv = width * font_size.abs() * along;
        let step = (width * font_size.abs() + spacing) * along;
        let values = [trm.m31, trm.m32, size, adv, along, step];
        if values.iter().any(|v| !v.is_finite()) || !(0.5..=2000.0).contains(&size) || along <= 0.0
        {
            return Ok(());
        }
        self.glyphs.push(RawGlyph {
            x: trm.m31,
            y: trm.m32,
            dir: (trm.m11 / along, trm.m12 / along),
            adv: adv.clamp(0.0, size * 4.0),
            step: step.clamp(-size * 4.0, size * 8.0),
            size,
            text,
            bold: style.bold,
            op: style.op,
            page: style.page,
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.shown += 1;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// Most fonts tried one by one on a page pdf-extract fails on.
const MAX_FONT_RETRIES: usize = 8;
/// Most page retries for a whole document.
const MAX_RETRIES: usize = 200;

/// Run pdf-extract on one page under a panic guard: the glyphs it produced
/// (also those before a failure) and the failure.
fn run_page(loaded: &Loaded, index: usize) -> (Option<MediaBox>, Vec<RawGlyph>, Option<String>) {
    let page_num = loaded.pages[index].0;
    let styles = loaded.fonts.get(index).map(Vec::as_slice).unwrap_or(&[]);
    let mut rec = Recorder::new(styles);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pdf_extract::output_doc_page(&loaded.doc, &mut rec, page_num)
    }));
    let failure = match result {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(payload) => Some(panic_message(&payload)),
    };
    (rec.media_box, rec.glyphs, failure)
}

/// Run pdf-extract over all pages read as one stream (see
/// [`Loaded::merged`]); None when that fails in any way (then the pages are
/// read one by one). Page 1 carries the merged stream for the run and gets
/// its own content back afterwards.
fn collect_merged(loaded: &mut Loaded) -> Option<Collected> {
    let (stream, resources) = loaded.merged.take()?;
    let &(first_num, first_id) = loaded.pages.first()?;
    let (contents, own_resources) = {
        let page = loaded.doc.get_dictionary(first_id).ok()?;
        (
            page.get(b"Contents").ok()?.clone(),
            page.get(b"Resources").ok()?.clone(),
        )
    };
    let media_boxes: Vec<Option<MediaBox>> = loaded
        .pages
        .iter()
        .map(|&(_, id)| media_box(&loaded.doc, id))
        .collect();
    let merged = (Object::Reference(stream), Object::Dictionary(resources));
    set_content(&mut loaded.doc, first_id, merged);
    let styles: Vec<Style> = loaded.fonts.iter().flatten().copied().collect();
    let mut rec = Recorder::new(&styles);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pdf_extract::output_doc_page(&loaded.doc, &mut rec, first_num)
    }));
    set_content(&mut loaded.doc, first_id, (contents, own_resources));
    loaded.doc.objects.remove(&stream);
    // Every shown string must have met its style, or glyphs would land on
    // the wrong page.
    if !matches!(result, Ok(Ok(()))) || rec.shown != styles.len() {
        return None;
    }
    let per_page = by_page(rec.glyphs, media_boxes.len());
    let mut out = Collected::with_capacity(per_page.len());
    for (index, (glyphs, media_box)) in per_page.into_iter().zip(media_boxes).enumerate() {
        out.push_page(upright(index as u32 + 1, media_box, glyphs));
    }
    Some(out)
}

/// Set a page's `Contents` and `Resources`.
fn set_content(
    doc: &mut lopdf::Document,
    page: lopdf::ObjectId,
    (contents, resources): (Object, Object),
) {
    if let Ok(Object::Dictionary(page)) = doc.get_object_mut(page) {
        page.set("Contents", contents);
        page.set("Resources", resources);
    }
}

/// Glyphs sorted out to `pages` pages by [`RawGlyph::page`].
fn by_page(glyphs: Vec<RawGlyph>, pages: usize) -> Vec<Vec<RawGlyph>> {
    let mut per_page: Vec<Vec<RawGlyph>> = vec![Vec::new(); pages];
    for g in glyphs {
        if let Some(page) = per_page.get_mut(g.page as usize) {
            page.push(g);
        }
    }
    per_page
}

/// The media box of a page as prepared (see [`super::load`]).
fn media_box(doc: &lopdf::Document, page: lopdf::ObjectId) -> Option<MediaBox> {
    let b = doc
        .get_dictionary(page)
        .ok()?
        .get(b"MediaBox")
        .ok()?
        .as_array()
        .ok()?;
    let v: Vec<f64> = b
        .iter()
        .filter_map(|o| o.as_float().ok().map(f64::from))
        .collect();
    (v.len() == 4).then(|| MediaBox {
        llx: v[0],
        lly: v[1],
        urx: v[2],
        ury: v[3],
    })
}

/// Run pdf-extract over every page: all pages as one stream when that
/// works, else page by page, each under its own panic guard. When a page
/// fails, it is tried again without each of its fonts in turn, so a font
/// pdf-extract cannot read costs its own text, not the page.
pub(super) fn collect(loaded: &mut Loaded) -> Collected {
    if let Some(collected) = collect_merged(loaded) {
        return collected;
    }
    let mut out = Collected::with_capacity(loaded.pages.len());
    let mut lost = Vec::new();
    let mut partial = Vec::new();
    let mut retries = 0usize;
    for index in 0..loaded.pages.len() {
        let number = index as u32 + 1;
        let (mut media_box, mut glyphs, failure) = run_page(loaded, index);
        if let Some(msg) = failure {
            out.first_failure.get_or_insert(msg);
            match retry_without_fonts(loaded, index, &mut retries) {
                Some(read) => {
                    (media_box, glyphs) = read;
                    partial.push(number);
                }
                None => {
                    out.failed_pages += 1;
                    lost.push(number);
                }
            }
        }
        out.push_page(upright(number, media_box, glyphs));
    }
    out.font_skipped_pages = partial.len();
    if !partial.is_empty() {
        out.warnings.push(warning(
            "pdf-font-unreadable",
            format!(
                "text in a font the reader cannot decode was left out on page(s) {}",
                page_list(&partial)
            ),
        ));
    }
    if !lost.is_empty() {
        out.warnings.push(warning(
            "pdf-page-unreadable",
            format!(
                "text may be missing on page(s) {}: {}",
                page_list(&lost),
                out.first_failure.clone().unwrap_or_default()
            ),
        ));
    }
    out
}

/// Run a page pdf-extract failed on again without each of its first
/// [`MAX_FONT_RETRIES`] fonts in turn (no more than [`MAX_RETRIES`] runs
/// per document, counted in `retries`): what the first run that succeeds
/// read.
fn retry_without_fonts(
    loaded: &mut Loaded,
    index: usize,
    retries: &mut usize,
) -> Option<(Option<MediaBox>, Vec<RawGlyph>)> {
    let fonts: Vec<_> = loaded.page_fonts[index]
        .iter()
        .copied()
        .take(MAX_FONT_RETRIES)
        .collect();
    for font in fonts {
        if *retries >= MAX_RETRIES {
            break;
        }
        *retries += 1;
        retry_page(loaded, index, &HashSet::from([font]));
        let (media_box, glyphs, failure) = run_page(loaded, index);
        if failure.is_none() {
            return Some((media_box, glyphs));
        }
    }
    None
}

/// Page numbers for a message: the first 20, then `…`.
fn page_list(pages: &[u32]) -> String {
    let list: Vec<String> = pages.iter().take(20).map(u32::to_string).collect();
    format!(
        "{}{}",
        list.join(", "),
        if pages.len() > 20 { ", …" } else { "" }
    )
}

/// Turn a page's glyphs upright: the most common baseline direction becomes
/// left-to-right; glyphs running another quarter turn are set upright in
/// their own frame ([`PageGlyphs::turned`]), others are dropped. y grows
/// downwards.
fn upright(number: u32, media_box: Option<MediaBox>, glyphs: Vec<RawGlyph>) -> PageGlyphs {
    let mb = media_box.unwrap_or(MediaBox {
        llx: 0.0,
        lly: 0.0,
        urx: 595.0,
        ury: 842.0,
    });
    let dominant = dominant_quarter(&glyphs);
    let mut by_turn: [Vec<RawGlyph>; 4] = Default::default();
    for g in glyphs {
        if let Some(q) = quarter(g.dir) {
            by_turn[(q + 4 - dominant) % 4].push(g);
        }
    }
    let [body, turned @ ..] = by_turn;
    let mut page = set_upright(number, &mb, dominant, body);
    if turned.iter().any(|t| !t.is_empty()) {
        page.turned = (1..4)
            .zip(turned)
            .map(|(t, g)| set_upright(number, &mb, (dominant + t) % 4, g))
            .collect();
    }
    page
}

/// Glyphs that all run the quarter turn `q`, turned upright, in page space
/// with y growing downwards; those off the page are dropped.
fn set_upright(number: u32, mb: &MediaBox, q: usize, glyphs: Vec<RawGlyph>) -> PageGlyphs {
    let turn = Turn::new(q);
    let (min_x, max_y, width, height) = turn.page_box(mb);
    let margin = 2.0;
    let out = glyphs
        .into_iter()
        .filter_map(|g| {
            let (x, y) = turn.apply(g.x, g.y);
            let (x, y) = (x - min_x, max_y - y);
            let inside =
                x > -margin && x < width + margin && y > -margin && y < height + g.size + margin;
            inside.then_some(Glyph {
                x,
                y,
                adv: g.adv,
                size: g.size,
                text: g.text,
                bold: g.bold,
                next_x: x + g.step,
                op: g.op,
            })
        })
        .collect();
    PageGlyphs {
        number,
        height,
        glyphs: out,
        turned: Vec::new(),
    }
}

/// The quarter turn of a baseline direction (0 = →, 1 = ↑, 2 = ←, 3 = ↓);
/// None when it is more than 12° off all four.
fn quarter(d: (f64, f64)) -> Option<usize> {
    let angle = d.1.atan2(d.0).to_degrees();
    let q = ((angle / 90.0).round() as i64).rem_euclid(4) as usize;
    let off = (angle - (angle / 90.0).round() * 90.0).abs();
    (off < 12.0).then_some(q)
}

/// The most common quarter turn of the glyphs' baselines (on a tie, the
/// smaller turn).
fn dominant_quarter(glyphs: &[RawGlyph]) -> usize {
    let mut counts = [0usize; 4];
    for g in glyphs {
        if let Some(q) = quarter(g.dir) {
            counts[q] += 1;
        }
    }
    (0..4).max_by_key(|&q| (counts[q], 4 - q)).unwrap_or(0)
}

/// The rotation that undoes a quarter turn (by -θ, so that the turned
/// direction points along +x).
#[derive(Clone, Copy)]
struct Turn {
    cos: f64,
    sin: f64,
}

impl Turn {
    fn new(quarter: usize) -> Self {
        let (cos, sin) = match quarter {
            0 => (1.0, 0.0),
            1 => (0.0, 1.0),
            2 => (-1.0, 0.0),
            _ => (0.0, -1.0),
        };
        Turn { cos, sin }
    }

    /// A point rotated.
    fn apply(self, x: f64, y: f64) -> (f64, f64) {
        (x * self.cos + y * self.sin, -x * self.sin + y * self.cos)
    }

    /// The page box rotated: its left edge, top edge, width and height.
    fn page_box(self, mb: &MediaBox) -> (f64, f64, f64, f64) {
        let corners = [
            self.apply(mb.llx, mb.lly),
            self.apply(mb.urx, mb.lly),
            self.apply(mb.llx, mb.ury),
            self.apply(mb.urx, mb.ury),
        ];
        let min_x = corners.iter().map(|c| c.0).fold(f64::INFINITY, f64::min);
        let max_x = corners
            .iter()
            .map(|c| c.0)
            .fold(f64::NEG_INFINITY, f64::max);
        let min_y = corners.iter().map(|c| c.1).fold(f64::INFINITY, f64::min);
        let max_y = corners
            .iter()
            .map(|c| c.1)
            .fold(f64::NEG_INFINITY, f64::max);
        (min_x, max_y, max_x - min_x, max_y - min_y)
    }
}

/// Normalise the text of one glyph: ligatures expanded, no-break space made a
/// space, controls dropped, checkbox and bullet symbols mapped.
fn clean_text(s: &str, symbol_font: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let code = c as u32;
        // Symbol fonts often map their codes into the private-use area.
        let low = if (0xF020..=0xF0FF).contains(&code) {
            Some(code - 0xF000)
        } else if symbol_font && code < 0x100 {
            Some(code)
        } else {
            None
        };
        if let Some(low) = low {
            match low {
                0xFE | 0xFD | 0x78 | 0xFC | 0xFB => out.push(BOX_TICKED),
                0xA8 | 0x6F | 0x71 | 0x72 => out.push(BOX_EMPTY),
                0xB7 | 0xA7 | 0x6C | 0xD8 | 0x9F | 0xA1 => out.push('•'),
                0x20 => out.push(' '),
                _ if symbol_font || code >= 0xF000 => {}
                _ => out.push(c),
            }
            continue;
        }
        match c {
            '\u{2610}' | '\u{25A1}' | '\u{274F}' | '\u{2751}' | '\u{274E}' => out.push(BOX_EMPTY),
            '\u{2611}' | '\u{2612}' | '\u{2713}' | '\u{2714}' | '\u{2705}' | '\u{2717}'
            | '\u{2718}' | '\u{22A0}' => out.push(BOX_TICKED),
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{3000}' => out.push(' '),
            '\u{FB00}'..='\u{FB06}' => out.extend(c.to_string().nfkc()),
            '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{FFFD}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_and_ligatures_are_mapped() {
        assert_eq!(clean_text("\u{F0FE}", false), "☒");
        assert_eq!(clean_text("o", true), "☐");
        assert_eq!(clean_text("\u{FB01}", false), "fi");
        assert_eq!(clean_text("\u{2713}", false), "☒");
        assert_eq!(clean_text("a\u{0}", false), "a");
    }
}
