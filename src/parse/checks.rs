//! Honest status: facts the text seems to carry that the parser did not read.

use super::headings::starts_with_any;
use super::words::find_case_number;
use crate::error::warn;
use crate::extract::Line;
use crate::profile::Profile;
use crate::record::{Issue, Item, Location};
use std::ops::Range;

/// Lines under an item heading searched for a case number it seems to carry.
const CASE_NUMBER_LINES: usize = 6;

/// Warnings for items whose text shows a case number or a decision that
/// was not read.
pub fn missing_facts(
    lines: &[Line],
    items: &[(Item, Range<usize>)],
    profile: &Profile,
) -> Vec<Issue> {
    let mut out = Vec::new();
    let cases: Vec<&Item> = items
        .iter()
        .filter(|(it, r)| it.case_number.is_none() && shows_case_number(&lines[r.clone()], profile))
        .map(|(it, _)| it)
        .collect();
    if let Some(first) = cases.first() {
        out.push(issue(
            warn::CASE_NUMBER_NOT_READ,
            format!(
                "{} of {} items show a case number near their heading that was not read (first: item {})",
                cases.len(),
                items.len(),
                first.number
            ),
            first.location,
        ));
    }
    let decisions: Vec<&Item> = items
        .iter()
        .filter(|(it, r)| it.decisions.is_empty() && shows_decision(&lines[r.clone()], profile))
        .map(|(it, _)| it)
        .collect();
    if let Some(first) = decisions.first() {
        out.push(issue(
            warn::DECISION_NOT_READ,
            format!(
                "{} of {} items have a line starting with a decision word but no decision was read (first: item {})",
                decisions.len(),
                items.len(),
                first.number
            ),
            first.location,
        ));
    }
    out
}

/// A case-number shape in the first lines under the heading.
fn shows_case_number(lines: &[Line], profile: &Profile) -> bool {
    let Some(shapes) = profile.case_number_shapes() else {
        return false;
    };
    lines
        .iter()
        .filter(|l| !l.text.trim().is_empty())
        .take(CASE_NUMBER_LINES)
        .any(|l| find_case_number(&l.text, shapes).is_some())
}

/// A line starting with a decision word.
fn shows_decision(lines: &[Line], profile: &Profile) -> bool {
    lines
        .iter()
        .any(|l| starts_with_any(&l.text, &profile.sections.decision))
}

/// A warning with a location.
fn issue(code: &str, message: String, location: Location) -> Issue {
    Issue {
        code: code.into(),
        message,
        location: Some(location),
    }
}
