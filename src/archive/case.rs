//! `referat case`: every treatment of a case across meetings.

use super::{open, query_err};
use crate::export::ExportError;
use serde::Serialize;
use std::path::Path;

/// Everything the archive holds about case `:number`: each decision on an
/// item with that case number (body, date, outcome, page), each such item
/// without a decision (the meeting's body and date), and each earlier
/// treatment the minutes list under the item (history).
pub const CASE_SQL: &str = r#"
SELECT 'decision' AS source, d.date, d.body,
    -- The item's number is that meeting's: an earlier body's decision
    -- printed in these minutes had a number of its own.
    CASE WHEN m.date IS NULL OR d.date IS NULL OR d.date = m.date THEN i.number END
        AS item_number,
    i.title, d.outcome, d.text, i.path, d.page, d.line
FROM items i JOIN decisions d ON d.path = i.path AND d.item = i.item
LEFT JOIN meetings m ON m.path = i.path
WHERE i.case_number = :number
UNION ALL
SELECT 'item', m.date, m.body, i.number, i.title, NULL, NULL, i.path, i.page, i.line
FROM items i LEFT JOIN meetings m ON m.path = i.path
WHERE i.case_number = :number
    AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.path = i.path AND d.item = i.item)
UNION ALL
SELECT 'history', h.date, h.body, h.item_number, i.title, NULL, h.text, i.path, NULL, NULL
FROM items i JOIN history h ON h.path = i.path AND h.item = i.item
WHERE i.case_number = :number
ORDER BY 2, 1, 8
"#;

/// One treatment of a case: a body's handling of it at a meeting.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Treatment {
    /// Date (ISO), when known.
    pub date: Option<String>,
    /// The body (committee, council, board).
    pub body: Option<String>,
    /// The item's number at that meeting.
    pub item_number: Option<i64>,
    /// The item's title.
    pub title: Option<String>,
    /// The outcome, when a decision was read.
    pub outcome: Option<String>,
    /// The decision's text, or the history entry's.
    pub text: Option<String>,
    /// Where it is printed: every document that records it.
    pub sources: Vec<Source>,
}

/// Where a treatment is printed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Source {
    /// The document.
    pub path: String,
    /// `decision`, `item` (an item without a decision read) or `history`
    /// (a later document's list of earlier treatments).
    pub kind: String,
    /// Page (null for text input and history entries).
    pub page: Option<i64>,
    /// Line.
    pub line: Option<i64>,
}

/// Every treatment of case `number` in the database at `db`, oldest first
/// (undated last). The same treatment printed in several documents (the
/// PDF and the web page of one meeting; a later document's history) is one
/// treatment with several sources, the decision's reading first.
pub fn case(db: &Path, number: &str) -> Result<Vec<Treatment>, ExportError> {
    let conn = open(db)?;
    let err = query_err(db);
    let mut stmt = conn.prepare(CASE_SQL).map_err(&err)?;
    let rows = stmt
        .query_map(rusqlite::named_params! {":number": number.trim()}, |row| {
            Ok((
                Source {
                    kind: row.get(0)?,
                    path: row.get(7)?,
                    page: row.get(8)?,
                    line: row.get(9)?,
                },
                Treatment {
                    date: row.get(1)?,
                    body: row.get(2)?,
                    item_number: row.get(3)?,
                    title: row.get(4)?,
                    outcome: row.get(5)?,
                    text: row.get(6)?,
                    sources: Vec::new(),
                },
            ))
        })
        .map_err(&err)?;
    let mut all: Vec<(Source, Treatment)> = rows.collect::<Result<_, _>>().map_err(&err)?;
    // Decisions first, then items, then history: the fullest reading of a
    // treatment is the one kept.
    let rank = |kind: &str| {
        ["decision", "item", "history"]
            .iter()
            .position(|k| *k == kind)
    };
    all.sort_by_key(|(source, _)| rank(&source.kind));
    let mut out: Vec<Treatment> = Vec::new();
    for (source, treatment) in all {
        let same = out.iter_mut().find(|t| {
            t.date.is_some()
                && t.date == treatment.date
                && fold(t.body.as_deref()) == fold(treatment.body.as_deref())
        });
        match same {
            Some(t) => {
                if !t.sources.contains(&source) {
                    t.sources.push(source);
                }
            }
            None => out.push(Treatment {
                sources: vec![source],
                ..treatment
            }),
        }
    }
    out.sort_by(|a, b| match (&a.date, &b.date) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    Ok(out)
}

/// A body's name for comparison: case and spacing folded.
fn fold(body: Option<&str>) -> String {
    body.unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
