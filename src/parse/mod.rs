//! Stage 3: profile-driven grammar from lines to a document tree.

use crate::extract::Extracted;
use crate::profile::Profiles;
use crate::record::{Issue, Item, Kind, Meeting, Proposal, TocEntry};
use std::ops::Range;

/// The parsed document: contract pieces plus the line ranges tables are searched in.
#[derive(Debug, Clone)]
pub struct Document {
    /// Family.
    pub kind: Kind,
    /// Profile used.
    pub profile: Option<String>,
    /// Layout detection confidence, 0..1.
    pub confidence: f64,
    /// Title line.
    pub title: Option<String>,
    /// Meeting metadata.
    pub meeting: Option<Meeting>,
    /// Table of contents.
    pub toc: Vec<TocEntry>,
    /// Items with the line range each spans.
    pub items: Vec<(Item, Range<usize>)>,
    /// Proposals with the line range each spans.
    pub proposals: Vec<(Proposal, Range<usize>)>,
    /// Lines before the first item or proposal.
    pub head: Range<usize>,
    /// Full text when the layout is unknown.
    pub text: Option<String>,
    /// Parser warnings.
    pub warnings: Vec<Issue>,
}

/// Parse extracted lines with the best-matching profile.
pub fn parse(doc: &Extracted, _profiles: &Profiles) -> Document {
    Document {
        kind: Kind::Unknown,
        profile: None,
        confidence: 0.0,
        title: None,
        meeting: None,
        toc: Vec::new(),
        items: Vec::new(),
        proposals: Vec::new(),
        head: 0..doc.lines.len(),
        text: Some(
            doc.lines
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        warnings: Vec::new(),
    }
}
