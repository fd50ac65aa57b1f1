//! Case-system (ESDH) XML exports: eDoc, Acadre and SBSYS meeting exports,
//! recognised by their root element and shape, not their file name.
//!
//! Each shape's reader fills one [`Export`]; [`Export::lines`] writes it as
//! the lines of a minutes document ("Punkt N: title", the case number,
//! each section under the heading the export gives it, the attachments
//! under "Bilag", each line linked to its file), which the `export-da`
//! profile parses like any other minutes. Item bodies that are HTML
//! fragments go through the HTML path.

mod acadre;
mod dom;
mod edoc;
mod sbsys;

use super::{Extracted, Line};
use crate::error::FileError;
use dom::Dom;

/// The profile that parses the lines of an export.
pub const EXPORT_PROFILE: &str = "export-da";

/// Read a meeting export into lines.
pub fn extract(bytes: &[u8]) -> Result<Extracted, FileError> {
    let text = decode(bytes)?;
    let dom = Dom::parse(&text)?;
    drop(text);
    let export = edoc::read(&dom)
        .or_else(|| acadre::read(&dom))
        .or_else(|| sbsys::read(&dom))
        .ok_or_else(|| {
            FileError::XmlUnknownExport(format!(
                "root element <{}> is not an eDoc, Acadre or SBSYS meeting export",
                dom.root_name()
            ))
        })?;
    drop(dom);
    let references = export.references();
    Ok(Extracted {
        lines: export.lines(),
        pages: None,
        warnings: Vec::new(),
        furniture: Vec::new(),
        profile_hint: Some(EXPORT_PROFILE.into()),
        meeting_ref: export.meeting_ref.clone(),
        references,
        ocr: Vec::new(),
    })
}

/// Decode the bytes: UTF-8 (a BOM, or no declaration, or one saying so),
/// else the encoding the XML declaration names.
fn decode(bytes: &[u8]) -> Result<String, FileError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FileError::Empty);
    }
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return Ok(enc.decode(bytes).0.into_owned());
    }
    let head = &bytes[..bytes.len().min(200)];
    let declared = head
        .starts_with(b"<?xml")
        .then(|| {
            let end = head.iter().position(|&b| b == b'>')?;
            let decl = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
            let at = decl.find("encoding=")? + 9;
            let label: String = decl[at..]
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | ' ' | '?'))
                .collect();
            encoding_rs::Encoding::for_label(label.as_bytes())
        })
        .flatten();
    match declared {
        Some(enc) if enc != encoding_rs::UTF_8 && std::str::from_utf8(bytes).is_err() => {
            Ok(enc.decode(bytes).0.into_owned())
        }
        _ => Ok(String::from_utf8_lossy(bytes).into_owned()),
    }
}

/// A meeting as an export describes it.
#[derive(Debug, Default)]
struct Export {
    /// "Referat" or "Dagsorden".
    kind_word: String,
    body: Option<String>,
    date: Option<Ymd>,
    start: Option<Hm>,
    location: Option<String>,
    participants: Vec<String>,
    absent: Vec<String>,
    /// The case system's own id of the meeting.
    meeting_ref: Option<String>,
    /// Files of the whole meeting (eDoc: each agenda type's PDF).
    documents: Vec<String>,
    items: Vec<ExportItem>,
}

/// One agenda item of an export.
#[derive(Debug, Default)]
struct ExportItem {
    number: u32,
    title: String,
    case_number: Option<String>,
    closed: bool,
    /// Sections in order: heading as the export names it, and body.
    sections: Vec<(String, Body)>,
    /// Attachments: title and file name.
    attachments: Vec<(String, Option<String>)>,
    /// The item's own PDF, when the export names one.
    pdf: Option<String>,
    /// The item's text lists the attachments itself (eDoc), each line
    /// linked: no "Bilag" block is added.
    attachments_in_body: bool,
}

/// A section's body.
#[derive(Debug)]
enum Body {
    /// An HTML fragment.
    Html(String),
    /// Lines already made (plain text read by a reader, with links).
    Lines(Vec<Line>),
}

impl Export {
    /// Files the export refers to (item PDFs and attachments), in order.
    fn references(&self) -> Vec<String> {
        let mut refs: Vec<String> = self.documents.clone();
        for item in &self.items {
            let files = item
                .pdf
                .iter()
                .chain(item.attachments.iter().filter_map(|(_, f)| f.as_ref()));
            for f in files {
                if !refs.contains(f) {
                    refs.push(f.clone());
                }
            }
        }
        refs
    }

    /// The export as the lines of a minutes document.
    fn lines(&self) -> Vec<Line> {
        let mut out = Lines::default();
        let date = self.date.map(|(y, m, d)| format!("{d:02}-{m:02}-{y:04}"));
        let title = [
            Some(self.kind_word.clone()),
            self.body.clone(),
            date.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        out.heading(&title, 1);
        if let Some(date) = &date {
            let time = self
                .start
                .map(|(h, m)| format!(" kl. {h:02}:{m:02}"))
                .unwrap_or_default();
            out.paragraph(&format!("Mødedato {date}{time}"));
        }
        if let Some(body) = &self.body {
            out.paragraph(&format!("Udvalg {body}"));
        }
        if let Some(place) = &self.location {
            out.paragraph(&format!("Mødested {place}"));
        }
        if !self.participants.is_empty() {
            out.paragraph(&format!("Mødedeltagere {}", self.participants.join(", ")));
        }
        if !self.absent.is_empty() {
            out.paragraph(&format!("Afbud {}", self.absent.join(", ")));
        }
        for item in &self.items {
            item.write(&mut out);
        }
        out.finish()
    }
}

impl ExportItem {
    fn write(&self, out: &mut Lines) {
        out.heading(&format!("Punkt {}: {}", self.number, self.title), 2);
        if let Some(case) = &self.case_number {
            out.paragraph(&format!("Sagsnr.: {case}"));
        }
        if self.closed {
            // A closed item's body is not public, even where the export holds it.
            out.paragraph("Lukket punkt");
            return;
        }
        for (heading, body) in &self.sections {
            let lines = match body {
                Body::Html(html) => super::html::fragment_lines(html),
                Body::Lines(lines) => lines.clone(),
            };
            if lines.iter().all(|l| l.text.trim().is_empty()) {
                continue;
            }
            if heading.trim().is_empty() {
                out.blank();
            } else {
                out.heading(heading, 3);
            }
            out.lines.extend(lines);
            out.blank();
        }
        if !self.attachments.is_empty() && !self.attachments_in_body {
            out.heading("Bilag", 3);
            for (title, file) in &self.attachments {
                out.lines.push(Line {
                    text: title.clone(),
                    link: file.clone(),
                    ..Line::default()
                });
            }
            out.blank();
        }
    }
}

/// Plain text as lines: each line a paragraph, except tab-separated rows,
/// which stay together as a table.
fn text_lines<'a>(text: impl IntoIterator<Item = &'a str>) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    for raw in text {
        let t: String = raw
            .chars()
            .map(|c| if c == '\u{a0}' { ' ' } else { c })
            .filter(|c| !c.is_control() || *c == '\t')
            .collect();
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        let row = t.contains('\t');
        let prev_row = lines
            .iter()
            .rev()
            .find(|l| !l.text.is_empty())
            .is_some_and(|l| l.text.contains('\t'));
        let same_table = row && prev_row;
        if !lines.is_empty() && !same_table {
            lines.push(Line::default());
        }
        lines.push(Line::plain(t));
    }
    lines
}

/// Lines being written, with paragraph breaks between blocks.
#[derive(Default)]
struct Lines {
    lines: Vec<Line>,
}

impl Lines {
    fn heading(&mut self, text: &str, level: u8) {
        self.lines.push(Line {
            text: text.to_string(),
            heading: Some(level),
            ..Line::default()
        });
        self.blank();
    }

    fn paragraph(&mut self, text: &str) {
        self.lines.push(Line::plain(text));
        self.blank();
    }

    fn blank(&mut self) {
        super::paragraph_break(&mut self.lines);
    }

    fn finish(self) -> Vec<Line> {
        super::number_lines(self.lines)
    }
}

/// (year, month, day).
type Ymd = (u32, u32, u32);
/// (hour, minute).
type Hm = (u32, u32);

/// "01-10-2025 15:45:00", "2025-10-01 15:45", "2025-10-01T15:45:00",
/// "01.10.2025": the date and, when present, the time.
fn parse_date_time(s: &str) -> (Option<Ymd>, Option<Hm>) {
    let nums: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    let date = match nums.as_slice() {
        [y, m, d, ..] if *y > 1900 => Some((*y, *m, *d)),
        [d, m, y, ..] if *y > 1900 => Some((*y, *m, *d)),
        _ => None,
    }
    .filter(|(_, m, d)| (1..=12).contains(m) && (1..=31).contains(d));
    let time = match nums.as_slice() {
        [_, _, _, h, mi, ..] if *h < 24 && *mi < 60 => Some((*h, *mi)),
        _ => None,
    };
    (date, time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_exports_formats() {
        let full = (Some((2025, 10, 1)), Some((15, 45)));
        assert_eq!(parse_date_time("01-10-2025 15:45:00"), full);
        assert_eq!(parse_date_time("2025-10-01 15:45"), full);
        assert_eq!(parse_date_time("2025-10-01T15:45:00"), full);
        assert_eq!(parse_date_time("01.10.2025"), (Some((2025, 10, 1)), None));
        assert_eq!(parse_date_time("i morgen"), (None, None));
    }

    #[test]
    fn plain_text_paragraphs_and_rows() {
        let lines = text_lines("Første\r\nAnden\n1.000 kr.\t2026\nVej\t3.800\n\u{c}Sidst".lines());
        let t: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "Første",
                "",
                "Anden",
                "",
                "1.000 kr.\t2026",
                "Vej\t3.800",
                "",
                "Sidst"
            ]
        );
    }
}
