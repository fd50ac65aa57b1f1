//! Web pages: an HTML5 parse (`scraper`/`html5ever`, which repairs
//! unclosed and stray tags as browsers do) walked into the same lines the
//! text and PDF paths give. Headings keep their level, paragraphs and
//! blocks end with a paragraph break, list items are lines, a data table's
//! rows are tab-separated cells, and a layout table (cells holding
//! headings, lists or tables) is read cell by cell as blocks. Scripts,
//! styles, navigation, sidebars, footers, controls (buttons, script links,
//! menus), cookie banners and hidden elements are left out. A line that is one link carries its `href`.

use super::{Extracted, Line};
use crate::error::{FileError, warn};
use crate::record::Issue;
use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{Html, Node};
use std::borrow::Cow;

/// Decode and parse a web page into lines.
pub fn extract(bytes: &[u8]) -> Result<Extracted, FileError> {
    let (text, mut warnings) = decode(bytes)?;
    let (text, dropped) = flatten_deep(&text);
    if dropped > 0 {
        warnings.push(Issue {
            code: warn::HTML_TOO_DEEP.into(),
            message: format!(
                "{dropped} elements nested deeper than {MAX_NESTING} were flattened (their text is kept)"
            ),
            location: None,
        });
    }
    let html = Html::parse_document(&text);
    drop(text);
    let lines = Walker::default().walk(html.tree.root());
    if lines.iter().all(|l| l.text.trim().is_empty()) {
        return Err(FileError::Empty);
    }
    Ok(Extracted {
        lines,
        pages: None,
        warnings,
        furniture: Vec::new(),
        ..Extracted::default()
    })
}

/// The lines of an HTML fragment (an item body in a case-system export).
pub fn fragment_lines(fragment: &str) -> Vec<Line> {
    let (fragment, _) = flatten_deep(fragment);
    let html = Html::parse_fragment(&fragment);
    Walker::default().walk(html.tree.root())
}

/// Elements whose content is never shown as text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "nav", "footer", "aside", "select",
    "option", "textarea", "input", "iframe", "svg", "canvas", "object", "embed", "map", "audio",
    "video", "dialog", "menu",
];

/// ARIA roles of page chrome.
const SKIPPED_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "search",
    "dialog",
    "menu",
];

/// Words in a class or id that mark chrome or text for screen readers only.
const SKIPPED_MARKS: &[&str] = &[
    "cookie",
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "screen-reader",
    "skip-link",
    "skiplink",
    "breadcrumb",
    "dropdown-menu",
    "modal",
    "badge",
];

/// Elements that start and end a block of text.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "form",
    "header",
    "hr",
    "legend",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

/// Blocks followed by a paragraph break (an empty line).
const PARAGRAPHS: &[&str] = &[
    "p",
    "table",
    "ul",
    "ol",
    "dl",
    "blockquote",
    "pre",
    "section",
    "article",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

/// Elements inside a table cell that make the table a layout table.
const LAYOUT_MARKERS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"];

/// A cell with more words than this makes its table a layout table.
const LAYOUT_CELL_WORDS: usize = 60;

/// Nodes looked at when deciding whether a table is a layout table; past
/// this, it is one (a data table's rows are small).
const LAYOUT_SCAN_NODES: usize = 4000;

/// The text being gathered for one line.
#[derive(Default)]
struct Pending {
    text: String,
    /// Characters of `text` written in bold.
    bold_chars: usize,
    /// Links inside the line: (start, end) in `text`, and the href.
    links: Vec<(usize, usize, String)>,
}

/// Walks the tree once, in document order, without recursion (a page of
/// 100,000 nested elements does not overflow the stack).
#[derive(Default)]
struct Walker {
    lines: Vec<Line>,
    pending: Pending,
    /// Open headings' level (innermost last).
    headings: Vec<u8>,
    /// Depth of open bold elements.
    bold: usize,
    /// Open links: start in `pending.text` and href.
    open_links: Vec<(usize, String)>,
    /// Open data tables: each row's cells so far, and the open cell.
    tables: Vec<DataTable>,
    /// Open tables outside data cells, innermost last: true for data.
    table_kinds: Vec<bool>,
    /// Layout tables: cells closed so far in the open row.
    cells_in_row: usize,
    /// An open title block (an element of class `title` before the first
    /// heading line): its node, and
    /// the level of its first heading. Its headings make one line
    /// ("Referat 1. oktober 2025 kl. 15.45 Teknisk Udvalg - …").
    title_block: Option<(ego_tree::NodeId, Option<u8>)>,
    /// A heading line has been written.
    seen_heading: bool,
    /// Layout tables: the item number of a row's label cell ("1"), put
    /// before the heading that opens the next cell ("1. Godkendelse").
    label: Option<String>,
}

/// A data table being read.
#[derive(Default)]
struct DataTable {
    row: Vec<String>,
    cell: Option<String>,
}

impl Walker {
    /// Whether `node` is left out here: see [`skipped`]; also a layout
    /// table's header row ("Punkt | Titel" over the items).
    fn skipped(&self, node: NodeRef<'_, Node>, e: &scraper::node::Element) -> bool {
        skipped(node, e) || (e.name() == "thead" && self.table_kinds.last() == Some(&false))
    }

    fn walk(mut self, root: NodeRef<'_, Node>) -> Vec<Line> {
        let mut skipping: Option<ego_tree::NodeId> = None;
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) => {
                    if skipping.is_some() {
                        continue;
                    }
                    match node.value() {
                        Node::Text(t) => self.text(t),
                        Node::Element(e) if self.skipped(node, e) => skipping = Some(node.id()),
                        Node::Element(e) => self.open(node, e),
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    if skipping == Some(node.id()) {
                        skipping = None;
                    } else if skipping.is_none()
                        && let Node::Element(e) = node.value()
                    {
                        self.close(node, e);
                    }
                }
            }
        }
        self.flush();
        self.finish()
    }

    /// Whether the innermost open table is read as data.
    fn in_data_cell(&self) -> bool {
        self.tables.last().is_some_and(|t| t.cell.is_some())
    }

    fn text(&mut self, text: &str) {
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            push_collapsed(cell, text);
            return;
        }
        let before = self.pending.text.len();
        push_collapsed(&mut self.pending.text, text);
        if self.bold > 0 {
            self.pending.bold_chars += self.pending.text[before..]
                .chars()
                .filter(|c| !c.is_whitespace())
                .count();
        }
    }

    fn open(&mut self, node: NodeRef<'_, Node>, e: &scraper::node::Element) {
        let name = e.name();
        if self.in_data_cell() {
            // Inside a data cell everything is the cell's text; a nested
            // block only separates words.
            if name == "br" || BLOCKS.contains(&name) {
                self.text(" ");
            }
            if name == "table" {
                self.tables.push(DataTable::default());
                self.tables.last_mut().expect("pushed").cell = Some(String::new());
            }
            return;
        }
        // Only a title block before the page's first heading: further down
        // a "title" class marks an item's or attachment's title.
        if self.title_block.is_none()
            && !self.seen_heading
            && e.attr("class").is_some_and(|c| {
                c.split_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("title"))
            })
        {
            self.flush();
            self.title_block = Some((node.id(), None));
        }
        if let (Some((_, level @ None)), Some(l)) = (&mut self.title_block, heading_level(name)) {
            *level = Some(l);
        }
        match name {
            "br" => self.flush(),
            "b" | "strong" => self.bold += 1,
            "a" => {
                if let Some(href) = e.attr("href") {
                    self.open_links
                        .push((self.pending.text.len(), href.trim().to_string()));
                }
            }
            "table" if data_table(node) => {
                self.flush();
                self.table_kinds.push(true);
                self.tables.push(DataTable::default());
            }
            "table" => {
                self.flush();
                self.table_kinds.push(false);
            }
            "tr" if self.table_kinds.last() == Some(&false) => {
                self.flush();
                self.cells_in_row = 0;
                self.label = None;
            }
            "td" | "th" if self.tables.last().is_some_and(|t| t.cell.is_none()) => {
                self.tables.last_mut().expect("checked").cell = Some(String::new());
            }
            _ if BLOCKS.contains(&name) => {
                self.flush();
                if let Some(level) = heading_level(name) {
                    self.headings.push(level);
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, node: NodeRef<'_, Node>, e: &scraper::node::Element) {
        let name = e.name();
        if let Some((id, level)) = self.title_block
            && id == node.id()
        {
            self.title_block = None;
            let before = self.lines.len();
            self.flush();
            if let Some(line) = self.lines.get_mut(before) {
                line.heading = level;
                self.seen_heading = true;
            }
            self.paragraph_break();
            return;
        }
        if let Some(table) = self.tables.last_mut() {
            match (name, table.cell.is_some()) {
                ("td" | "th", true) => {
                    let cell = table.cell.take().expect("open cell");
                    table.row.push(cell.trim().to_string());
                    return;
                }
                ("tr", false) => {
                    let row = std::mem::take(&mut table.row);
                    self.row(row);
                    return;
                }
                ("table", _) => {
                    let table = self.tables.pop().expect("open table");
                    if table.cell.is_none() {
                        self.table_kinds.pop();
                    }
                    if let Some(parent) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                        // A table nested in a data cell: its text joins the cell.
                        push_collapsed(parent, table.cell.as_deref().unwrap_or(""));
                    } else {
                        if !table.row.is_empty() {
                            self.row(table.row);
                        }
                        self.paragraph_break();
                    }
                    return;
                }
                (_, true) => return,
                _ => {}
            }
        }
        match name {
            "td" | "th" if self.table_kinds.last() == Some(&false) => {
                self.flush();
                self.label_cell();
                self.cells_in_row += 1;
            }
            "tr" if self.table_kinds.last() == Some(&false) => {
                self.flush();
                if let Some(label) = self.label.take() {
                    self.lines.push(Line::plain(&label));
                }
            }
            "table" => {
                self.flush();
                self.table_kinds.pop();
                self.paragraph_break();
            }
            "b" | "strong" => self.bold = self.bold.saturating_sub(1),
            "a" => {
                if e.attr("href").is_some()
                    && let Some((start, href)) = self.open_links.pop()
                {
                    let end = self.pending.text.len();
                    if end > start {
                        self.pending.links.push((start, end, href));
                    }
                }
            }
            _ if BLOCKS.contains(&name) => {
                let before = self.lines.len();
                self.flush();
                if heading_level(name).is_some() {
                    self.headings.pop();
                }
                // A div that holds text itself is a paragraph.
                let text_div = name == "div" && self.lines.len() > before;
                if text_div || PARAGRAPHS.contains(&name) {
                    self.paragraph_break();
                }
            }
            _ => {}
        }
    }

    /// After a layout row's first cell: when it held only an item number
    /// ("1", "1."), take it back as the label of the next cell's heading.
    fn label_cell(&mut self) {
        if self.cells_in_row != 0 {
            return;
        }
        let Some(last) = self.lines.last() else {
            return;
        };
        let digits = last.text.trim_end_matches('.');
        let number =
            !digits.is_empty() && digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit());
        if number && last.heading.is_none() {
            self.label = Some(digits.to_string());
            self.lines.pop();
        }
    }

    /// A data table's row as one line of tab-separated cells.
    fn row(&mut self, cells: Vec<String>) {
        if cells.iter().all(|c| c.is_empty()) {
            return;
        }
        let text = cells.join("\t");
        self.lines.push(Line {
            text,
            ..Line::default()
        });
    }

    /// End the line being gathered (inside a title block: a space).
    fn flush(&mut self) {
        if self.title_block.is_some() {
            if !self.pending.text.ends_with(' ') {
                self.pending.text.push(' ');
            }
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        self.open_links.iter_mut().for_each(|(start, _)| *start = 0);
        let text = pending.text.trim();
        if text.is_empty() {
            return;
        }
        let visible = text.chars().filter(|c| !c.is_whitespace()).count();
        let lead = pending.text.len() - pending.text.trim_start().len();
        let link = pending
            .links
            .iter()
            .find(|(s, e, _)| {
                let linked = pending.text[*s..*e].trim().chars().count();
                linked * 10 >= text.chars().count() * 8 && s.saturating_sub(lead) <= 12
            })
            .map(|(_, _, href)| href.clone());
        let heading = self.headings.last().copied();
        self.seen_heading |= heading.is_some();
        let mut text = text.to_string();
        if let Some(label) = self.label.take() {
            if heading.is_some() {
                text = format!("{label}. {text}");
            } else {
                self.lines.push(Line::plain(&label));
            }
        }
        self.lines.push(Line {
            text,
            heading,
            bold: visible > 0 && pending.bold_chars >= visible,
            link,
            ..Line::default()
        });
    }

    /// An empty line, unless the last line is one already.
    fn paragraph_break(&mut self) {
        super::paragraph_break(&mut self.lines);
    }

    /// Number the lines and drop a trailing break.
    fn finish(self) -> Vec<Line> {
        super::number_lines(self.lines)
    }
}

/// Append `text` with its whitespace runs collapsed to one space.
fn push_collapsed(out: &mut String, text: &str) {
    let mut space = out.ends_with(' ') || out.is_empty();
    for c in text.chars() {
        let c = if c == '\u{a0}' { ' ' } else { c };
        if c.is_whitespace() {
            if !space {
                out.push(' ');
                space = true;
            }
        } else if c != '\u{ad}' && c != '\u{200b}' {
            out.push(c);
            space = false;
        }
    }
}

fn heading_level(name: &str) -> Option<u8> {
    match name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

/// Whether an element and everything in it is left out: page chrome,
/// hidden elements, and controls (buttons) that hold no heading.
fn skipped(node: NodeRef<'_, Node>, e: &scraper::node::Element) -> bool {
    if SKIPPED.contains(&e.name()) {
        return true;
    }
    let script_link = e.name() == "a"
        && e.attr("href").is_some_and(|h| {
            h.trim_start()
                .to_ascii_lowercase()
                .starts_with("javascript:")
        });
    if script_link {
        return true;
    }
    // Buttons, and links styled or typed as buttons ("Tilbage til
    // forsiden", "Hent som PDF").
    let styled_button = e
        .attr("class")
        .is_some_and(|c| c.split_whitespace().any(|t| t == "btn"));
    let control = e.name() == "button"
        || e.attr("role") == Some("button")
        || e.attr("type") == Some("button")
        || styled_button;
    if control && !has_heading(node) {
        return true;
    }
    if e.attr("hidden").is_some() || e.attr("aria-hidden") == Some("true") {
        return true;
    }
    if let Some(style) = e.attr("style") {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    if e.attr("role").is_some_and(|r| SKIPPED_ROLES.contains(&r)) {
        return true;
    }
    let marks = [e.attr("class"), e.attr("id")];
    marks.iter().flatten().any(|m| {
        let m = m.to_ascii_lowercase();
        SKIPPED_MARKS.iter().any(|w| m.contains(w))
    })
}

/// Whether an element holds a heading (looked for among its first nodes).
fn has_heading(node: NodeRef<'_, Node>) -> bool {
    node.descendants()
        .take(LAYOUT_SCAN_NODES)
        .any(|n| matches!(n.value(), Node::Element(e) if heading_level(e.name()).is_some()))
}

/// Whether a table holds data (short cells) rather than the page's layout
/// (cells with headings, lists, tables or long prose).
fn data_table(table: NodeRef<'_, Node>) -> bool {
    let mut seen = 0;
    let mut cell_words = 0;
    for edge in table.traverse().skip(1) {
        seen += 1;
        if seen > LAYOUT_SCAN_NODES {
            return false;
        }
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Element(e) if LAYOUT_MARKERS.contains(&e.name()) => return false,
                Node::Element(e) if matches!(e.name(), "td" | "th") => cell_words = 0,
                Node::Text(t) => {
                    cell_words += t.split_whitespace().count();
                    if cell_words > LAYOUT_CELL_WORDS {
                        return false;
                    }
                }
                _ => {}
            },
            Edge::Close(_) => {}
        }
    }
    true
}

/// Elements may nest this deep; deeper start tags (and their end tags)
/// are dropped before parsing. An HTML5 parser's work grows with the square
/// of the nesting depth: 100,000 nested `<div>`s take most of a minute.
const MAX_NESTING: usize = 256;

/// Elements that hold no content or close themselves implicitly (a new
/// `<p>` or `<li>` ends the last one): they do not count as nesting.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "td", "th", "tr", "dt", "dd", "option",
];

/// Elements whose content is raw text, not tags.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp"];

/// `html` with start tags past [`MAX_NESTING`] open elements dropped, each
/// with one later end tag; returns it and the number of tags dropped. One
/// pass over the tags, approximate where end tags are left out (they are
/// for the elements in [`FLAT`]).
fn flatten_deep(html: &str) -> (Cow<'_, str>, usize) {
    let bytes = html.as_bytes();
    let (mut depth, mut excess, mut dropped) = (0usize, 0usize, 0usize);
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr(b'<', &bytes[i..]) {
        let at = i + off;
        let rest = &bytes[at + 1..];
        if rest.starts_with(b"!--") {
            i = find(&bytes[at..], b"-->").map_or(bytes.len(), |e| at + e + 3);
            continue;
        }
        let end_tag = rest.first() == Some(&b'/');
        let name_start = at + 1 + usize::from(end_tag);
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 {
            i = at + 1;
            continue;
        }
        let close = memchr(b'>', &bytes[name_start..]).map_or(bytes.len(), |e| name_start + e + 1);
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let self_closing = bytes[..close].ends_with(b"/>");
        if !end_tag && RAW_TEXT.contains(&name.as_str()) {
            let closing = format!("</{name}");
            i = find_ci(&bytes[close..], closing.as_bytes()).map_or(bytes.len(), |e| close + e);
            continue;
        }
        if !FLAT.contains(&name.as_str()) && !self_closing {
            if end_tag {
                if excess > 0 {
                    excess -= 1;
                    cuts.push((at, close));
                } else {
                    depth = depth.saturating_sub(1);
                }
            } else if depth >= MAX_NESTING {
                excess += 1;
                dropped += 1;
                cuts.push((at, close));
            } else {
                depth += 1;
            }
        }
        i = close.max(at + 1);
    }
    if cuts.is_empty() {
        return (Cow::Borrowed(html), 0);
    }
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    for (start, end) in cuts {
        out.push_str(&html[from..start]);
        from = end;
    }
    out.push_str(&html[from..]);
    (Cow::Owned(out), dropped)
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

/// [`find`], ASCII case-insensitive.
fn find_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Decode a page: a BOM, else the charset the page declares, else the
/// text path's rules. Bytes that are valid UTF-8 with non-ASCII characters
/// are read as UTF-8 even when the page declares a single-byte charset (a
/// common mistake), with an `html-charset-mismatch` warning.
fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Vec<Issue>), FileError> {
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return super::text::decode(bytes);
    }
    let declared = declared_charset(bytes).and_then(encoding_rs::Encoding::for_label);
    let Some(encoding) = declared.filter(|e| *e != encoding_rs::UTF_8) else {
        return super::text::decode(bytes);
    };
    if bytes.iter().all(u8::is_ascii) {
        return super::text::decode(bytes);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        let warning = Issue {
            code: warn::HTML_CHARSET_MISMATCH.into(),
            message: format!(
                "the page declares {} but its bytes are UTF-8; it was read as UTF-8",
                encoding.name()
            ),
            location: None,
        };
        return Ok((Cow::Borrowed(s), vec![warning]));
    }
    if bytes.contains(&0) {
        return Err(FileError::Binary("NUL bytes".into()));
    }
    let (text, _, _) = encoding.decode(bytes);
    Ok((text, Vec::new()))
}

/// The charset a page declares in its first 2 KiB (`<meta charset=…>` or
/// `content="text/html; charset=…"`, or an XML declaration's `encoding`).
fn declared_charset(bytes: &[u8]) -> Option<&[u8]> {
    let head = &bytes[..bytes.len().min(2048)];
    let lower = head.to_ascii_lowercase();
    let at = find(&lower, b"charset=")
        .map(|i| i + 8)
        .or_else(|| find(&lower, b"encoding=").map(|i| i + 9))?;
    let rest = &head[at..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| matches!(b, b'"' | b'\'' | b';' | b'>' | b' ' | b'/' | b'?'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<String> {
        extract(html.as_bytes())
            .unwrap()
            .lines
            .into_iter()
            .map(|l| l.text)
            .collect()
    }

    #[test]
    fn blocks_headings_lists_and_data_tables_become_lines() {
        let page = "<html><head><title>T</title><script>var x = 'hemmelig';</script></head>\
            <body><nav>Forside | Politik</nav><h1>Referat</h1><p>Første <b>afsnit</b>\n  her.</p>\
            <ul><li>en</li><li>to</li></ul>\
            <table><tr><th>1.000 kr.</th><th>2026</th></tr><tr><td>Vej</td><td><p>3.800</p></td></tr></table>\
            <div style='display: none'>skjult</div><footer>Kontakt</footer></body></html>";
        assert_eq!(
            texts(page),
            [
                "Referat",
                "",
                "Første afsnit her.",
                "",
                "en",
                "to",
                "",
                "1.000 kr.\t2026",
                "Vej\t3.800"
            ]
        );
        let lines = extract(page.as_bytes()).unwrap().lines;
        assert_eq!(lines[0].heading, Some(1));
        assert_eq!(lines[2].heading, None);
    }

    #[test]
    fn layout_tables_are_read_as_blocks_and_links_kept() {
        let page = "<table><tr><td>1.</td><td><h2>Godkendelse</h2><p>Tekst</p>\
            <p><a href='bilag/1.pdf'>Bilag 1: Kort</a></p></td></tr></table>";
        let lines = extract(page.as_bytes()).unwrap().lines;
        let t: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        // The label cell's item number opens the next cell's heading.
        assert_eq!(t, ["1. Godkendelse", "", "Tekst", "", "Bilag 1: Kort"]);
        assert_eq!(lines[0].heading, Some(2));
        assert_eq!(lines[4].link.as_deref(), Some("bilag/1.pdf"));
        assert_eq!(lines[2].link, None);
    }

    #[test]
    fn declared_single_byte_charset_over_utf8_bytes_is_read_as_utf8() {
        let page = "<meta charset=\"iso-8859-1\"><p>Grøn æble på ø</p>";
        let ex = extract(page.as_bytes()).unwrap();
        assert_eq!(ex.lines[0].text, "Grøn æble på ø");
        assert_eq!(ex.warnings[0].code, "html-charset-mismatch");
        let (cp1252, _, _) =
            encoding_rs::WINDOWS_1252.encode("<meta charset=windows-1252><p>Grøn</p>");
        let ex = extract(&cp1252).unwrap();
        assert_eq!(ex.lines[0].text, "Grøn");
        assert!(ex.warnings.is_empty());
    }

    #[test]
    fn nesting_past_the_limit_is_flattened_keeping_the_text() {
        let deep = format!(
            "{}<p>Tekst</p>{}",
            "<div>".repeat(1000),
            "</div>".repeat(1000)
        );
        let (flat, dropped) = flatten_deep(&deep);
        assert_eq!(dropped, 1000 - MAX_NESTING);
        assert_eq!(flat.matches("<div>").count(), MAX_NESTING);
        assert_eq!(flat.matches("</div>").count(), MAX_NESTING);
        let ex = extract(deep.as_bytes()).unwrap();
        assert_eq!(ex.lines[0].text, "Tekst");
        assert_eq!(ex.warnings[0].code, "html-too-deep");
        // Scripts are skipped whole, and lists do not count as nesting.
        let page = format!(
            "<script>{}</script>{}",
            "<div>".repeat(600),
            "<li>x".repeat(600)
        );
        assert_eq!(flatten_deep(&page).1, 0);
    }

    #[test]
    fn a_title_block_is_one_heading_line() {
        let page = "<div class='title'><h1>Referat 1. oktober 2025 kl. 15.45</h1>\
            <h2><span>Teknisk Udvalg</span><span> - </span><span>Byrådssalen</span></h2></div><p>Tekst</p>";
        let lines = extract(page.as_bytes()).unwrap().lines;
        assert_eq!(
            lines[0].text,
            "Referat 1. oktober 2025 kl. 15.45 Teknisk Udvalg - Byrådssalen"
        );
        assert_eq!(lines[0].heading, Some(1));
        assert_eq!(lines[2].text, "Tekst");
    }

    #[test]
    fn a_page_without_visible_text_is_empty() {
        let page = "<html><script>alert(1)</script><style>p{}</style></html>";
        assert_eq!(extract(page.as_bytes()).unwrap_err().code(), "empty-file");
    }
}
