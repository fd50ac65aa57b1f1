//! Form XObjects: each use of a form is copied with the current
//! transformation prepended (pdf-extract starts every form with an identity
//! matrix), its content rewritten like a page's.

use super::rewrite::{IDENTITY, Matrix, Rewriter, concat, rewritten_resources};
use super::{deref, numbers};
use crate::extract::pdf::content;
use lopdf::content::Operation;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

/// Most form XObject copies made for one document.
const MAX_FORM_COPIES: usize = 4000;
/// Deepest nesting of form XObjects followed.
const MAX_FORM_DEPTH: usize = 12;

impl<'a> Rewriter<'a> {
    /// Rewrite the form XObject `name` for one use at `ctm`; returns the
    /// name of its copy (added to `xobjects`), or None to drop the `Do`.
    pub(super) fn form(
        &mut self,
        resources: &'a Dictionary,
        name: &[u8],
        xobjects: &mut Dictionary,
        ctm: Matrix,
        stack: &mut Vec<ObjectId>,
    ) -> Option<Vec<u8>> {
        let (id, stream) = form_stream(self.doc, resources, name)?;
        if stack.contains(&id) || stack.len() >= MAX_FORM_DEPTH || self.copies >= MAX_FORM_COPIES {
            self.dropped_forms += 1;
            return None;
        }
        self.copies += 1;
        stack.push(id);
        let copy = self.copy_form(stream, resources, ctm, stack);
        stack.pop();
        let new_name = format!("RfX{}", copy.0).into_bytes();
        xobjects.set(new_name.clone(), Object::Reference(copy));
        Some(new_name)
    }

    /// A copy of the form `stream` for one use at `ctm` (the form is on
    /// `stack` already): its content rewritten, with the form's matrix and
    /// `ctm` prepended as one `cm`, and with the resources the rewritten
    /// content uses. Returns the id of the copy.
    fn copy_form(
        &mut self,
        stream: &'a Stream,
        resources: &'a Dictionary,
        ctm: Matrix,
        stack: &mut Vec<ObjectId>,
    ) -> ObjectId {
        let doc = self.doc;
        let effective = concat(&form_matrix(doc, stream), &ctm);
        let form_resources: &'a Dictionary = stream
            .dict
            .get(b"Resources")
            .ok()
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok())
            .unwrap_or(resources);
        let raw = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        let mut nested = Dictionary::new();
        let mut nested_fonts = Dictionary::new();
        let mut ops = self.walk(
            content::decode(&raw),
            form_resources,
            &mut nested,
            &mut nested_fonts,
            effective,
            stack,
        );
        let cm = effective.iter().map(|&v| Object::Real(v as f32)).collect();
        ops.insert(0, Operation::new("cm", cm));
        let mut dict = stream.dict.clone();
        dict.remove(b"Filter");
        dict.remove(b"DecodeParms");
        dict.remove(b"Matrix");
        dict.set(
            "Resources",
            rewritten_resources(doc, form_resources, nested, nested_fonts),
        );
        self.add_object(Object::Stream(Stream::new(dict, content::encode(&ops))))
    }
}

/// The form XObject `name` of `resources`: its id and stream; None when it
/// is missing or not a form.
fn form_stream<'a>(
    doc: &'a Document,
    resources: &Dictionary,
    name: &[u8],
) -> Option<(ObjectId, &'a Stream)> {
    let entry = resources
        .get(b"XObject")
        .ok()
        .map(|o| deref(doc, o))?
        .as_dict()
        .ok()?
        .get(name)
        .ok()?;
    let id = entry.as_reference().ok()?;
    let stream = doc.get_object(id).ok()?.as_stream().ok()?;
    let subtype = stream
        .dict
        .get(b"Subtype")
        .ok()
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_name().ok());
    (subtype == Some(b"Form".as_slice())).then_some((id, stream))
}

/// The form's `Matrix`; the identity when it has none (or a bad one).
fn form_matrix(doc: &Document, stream: &Stream) -> Matrix {
    stream
        .dict
        .get(b"Matrix")
        .ok()
        .map(|o| deref(doc, o))
        .and_then(|o| o.as_array().ok())
        .and_then(|a| numbers::<6>(a))
        .unwrap_or(IDENTITY)
}
