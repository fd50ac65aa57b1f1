//! A small element tree read with `quick-xml`, bounded in depth and size,
//! that never expands entities a DTD declares.

use crate::error::FileError;
use quick_xml::events::{BytesStart, Event};

/// Elements may nest this deep; deeper is refused as malformed.
const MAX_DEPTH: usize = 512;

/// Most elements one file may hold (a meeting export has tens of
/// thousands); past it the file is refused as too large.
const MAX_ELEMENTS: usize = 5_000_000;

/// One element: name, attributes, its own text (text, CDATA and
/// references directly inside it), and its children.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<usize>,
}

/// The elements of a document; index 0 is the root element.
#[derive(Debug, Default)]
pub struct Dom {
    pub elements: Vec<Element>,
}

impl Dom {
    /// Parse a whole document.
    pub fn parse(text: &str) -> Result<Dom, FileError> {
        let mut reader = quick_xml::Reader::from_str(text);
        reader.config_mut().check_end_names = true;
        let mut dom = Dom::default();
        let mut open: Vec<usize> = Vec::new();
        let mut closed_root = false;
        loop {
            let at = reader.buffer_position();
            let event = reader
                .read_event()
                .map_err(|e| FileError::XmlMalformed(format!("at byte {at}: {e}")))?;
            match event {
                Event::Start(e) | Event::Empty(e) if closed_root => {
                    let _ = e;
                    return Err(FileError::XmlMalformed(format!(
                        "at byte {at}: a second root element"
                    )));
                }
                Event::Start(e) => {
                    let id = dom.push(&e, open.last().copied())?;
                    open.push(id);
                    if open.len() > MAX_DEPTH {
                        return Err(FileError::XmlMalformed(format!(
                            "elements nested deeper than {MAX_DEPTH}"
                        )));
                    }
                }
                Event::Empty(e) => {
                    dom.push(&e, open.last().copied())?;
                    closed_root |= open.is_empty();
                }
                Event::End(_) => {
                    open.pop();
                    closed_root |= open.is_empty();
                }
                Event::Text(t) => dom.append(&open, &t.xml10_content()),
                Event::CData(t) => dom.append(&open, &t.into_inner()),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        Ok(None) => predefined(&r).map(str::to_string),
                        Err(_) => None,
                    };
                    let name = r.into_inner();
                    dom.append(&open, &resolved.unwrap_or_else(|| format!("&{name};")));
                }
                Event::DocType(t) => {
                    let dtd = t.xml10_content();
                    if dtd.to_ascii_uppercase().contains("<!ENTITY") {
                        return Err(FileError::XmlEntities(
                            "the document type declares entities".into(),
                        ));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if let Some(&id) = open.last() {
            return Err(FileError::XmlMalformed(format!(
                "the file ends inside <{}>",
                dom.elements[id].name
            )));
        }
        if dom.elements.is_empty() {
            return Err(FileError::XmlMalformed("no root element".into()));
        }
        Ok(dom)
    }

    fn push(&mut self, e: &BytesStart<'_>, parent: Option<usize>) -> Result<usize, FileError> {
        if parent.is_none() && !self.elements.is_empty() {
            return Err(FileError::XmlMalformed("a second root element".into()));
        }
        if self.elements.len() >= MAX_ELEMENTS {
            return Err(FileError::MarkupTooLarge(format!(
                "more than {MAX_ELEMENTS} elements"
            )));
        }
        let name = e.local_name().as_ref().to_string();
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|e| FileError::XmlMalformed(e.to_string()))?;
            let key = a.key.local_name().as_ref().to_string();
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string());
            attrs.push((key, value));
        }
        let id = self.elements.len();
        self.elements.push(Element {
            name,
            attrs,
            ..Element::default()
        });
        if let Some(p) = parent {
            self.elements[p].children.push(id);
        }
        Ok(id)
    }

    fn append(&mut self, open: &[usize], text: &str) {
        if let Some(&id) = open.last() {
            self.elements[id].text.push_str(text);
        }
    }

    /// The root element's name.
    pub fn root_name(&self) -> &str {
        &self.elements[0].name
    }

    /// The children of `id` named `name`.
    pub fn children<'a>(&'a self, id: usize, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.elements[id]
            .children
            .iter()
            .copied()
            .filter(move |&c| self.elements[c].name.eq_ignore_ascii_case(name))
    }

    /// The first child of `id` named `name`.
    pub fn child(&self, id: usize, name: &str) -> Option<usize> {
        self.children(id, name).next()
    }

    /// The element at a path of child names below `id`.
    pub fn at(&self, id: usize, path: &[&str]) -> Option<usize> {
        path.iter().try_fold(id, |at, name| self.child(at, name))
    }

    /// The trimmed text at a path below `id`, if not empty.
    pub fn text_at(&self, id: usize, path: &[&str]) -> Option<String> {
        let t = self.elements[self.at(id, path)?].text.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    /// An attribute of `id`.
    pub fn attr(&self, id: usize, name: &str) -> Option<&str> {
        self.elements[id]
            .attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The five entities XML predefines, and `nbsp`, which HTML-minded
/// exporters write into XML.
fn predefined(r: &quick_xml::events::BytesRef<'_>) -> Option<&'static str> {
    Some(match &**r {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        "nbsp" => "\u{a0}",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_text_and_references() {
        let dom = Dom::parse(
            "<?xml version=\"1.0\"?><a x=\"1&amp;2\"><b>æ &amp; ø&#xC;<![CDATA[<p>å</p>]]></b><b/></a>",
        )
        .unwrap();
        assert_eq!(dom.root_name(), "a");
        assert_eq!(dom.attr(0, "x"), Some("1&2"));
        assert_eq!(dom.children(0, "b").count(), 2);
        assert_eq!(dom.text_at(0, &["b"]).unwrap(), "æ & ø\u{c}<p>å</p>");
    }

    #[test]
    fn bad_documents_are_refused_with_their_codes() {
        let code = |s: &str| Dom::parse(s).unwrap_err().code();
        assert_eq!(code("<a><b></a>"), "xml-malformed");
        assert_eq!(code("<a><b>"), "xml-malformed");
        assert_eq!(code("<a/><b/>"), "xml-malformed");
        assert_eq!(code("just text"), "xml-malformed");
        let laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">\
            <!ENTITY lol2 \"&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>";
        assert_eq!(code(laughs), "xml-entities");
        let deep = "<a>".repeat(10_000);
        assert_eq!(code(&deep), "xml-malformed");
    }
}
