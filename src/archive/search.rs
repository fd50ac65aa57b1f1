//! `referat search`: full-text search over item titles, sections,
//! decisions, proposals and document heads.

use super::{open, query_err};
use crate::export::ExportError;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;

/// The search: every match with its document, meeting, item, case number,
/// outcome (of the decision matched, else the item's last decision), page
/// and line, and a snippet with the matched words in [brackets]; best
/// first. `:q` is an FTS5 query.
pub const SEARCH_SQL: &str = r#"
SELECT search.path, search.item, m.meeting_id, m.date, m.body, i.number AS item_number, i.title AS item_title,
    i.case_number,
    coalesce(d.outcome, (SELECT outcome FROM decisions x
        WHERE x.path = search.path AND x.item = search.item
        ORDER BY x.decision DESC LIMIT 1)) AS outcome,
    search.kind,
    coalesce(d.page, p.page, i.page) AS page,
    coalesce(d.line, p.line, i.line) AS line,
    snippet(search, 0, '[', ']', '…', 16) AS snippet
FROM search
LEFT JOIN items i ON i.path = search.path AND i.item = search.item
LEFT JOIN meetings m ON m.path = search.path
LEFT JOIN decisions d ON search.kind = 'decision' AND d.path = search.path
    AND d.item = search.item AND d.decision = search.part
LEFT JOIN proposals p ON search.kind = 'proposal' AND p.path = search.path
    AND p.proposal = search.part
WHERE search MATCH :q
ORDER BY rank
"#;

/// One match.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    /// The document (its path in the records).
    pub path: String,
    /// The item's place in its document (the key of the export's `items`).
    pub item: Option<i64>,
    /// The meeting's identity (`body/date/start`), which joins its prints.
    pub meeting_id: Option<String>,
    /// The same item in other prints of the meeting (a PDF and its text,
    /// web page or export): their paths.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_in: Vec<String>,
    /// The meeting's date (ISO), when the document records a meeting.
    pub date: Option<String>,
    /// The meeting's body.
    pub body: Option<String>,
    /// The item's number as printed.
    pub item_number: Option<i64>,
    /// The item's title.
    pub item_title: Option<String>,
    /// The item's case number.
    pub case_number: Option<String>,
    /// The outcome of the decision matched, else the item's last decision.
    pub outcome: Option<String>,
    /// What matched: `title`, `section`, `decision`, `proposal` or `document`.
    pub kind: String,
    /// Page of the decision, proposal or item (null for text input).
    pub page: Option<i64>,
    /// Line of the decision, proposal or item.
    pub line: Option<i64>,
    /// The text around the match, matched words in [brackets].
    pub snippet: String,
}

/// How a query is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Words match their inflected forms (every word a prefix: "skole"
    /// finds "skolen", "skolernes"); "quoted phrases" match as phrases.
    Words,
    /// Words match whole words only.
    Exact,
    /// SQLite FTS5 query syntax as given (AND, OR, NOT, NEAR, *, ^).
    Fts,
}

/// The FTS5 query for what a user typed.
pub fn fts_query(query: &str, syntax: Syntax) -> String {
    if syntax == Syntax::Fts {
        return query.to_string();
    }
    let star = if syntax == Syntax::Words { "*" } else { "" };
    let mut terms = Vec::new();
    for (n, part) in query.split('"').enumerate() {
        if n % 2 == 1 {
            // A quoted phrase: as a phrase, whole words.
            if !part.trim().is_empty() {
                terms.push(format!("\"{}\"", part.trim()));
            }
            continue;
        }
        for word in part.split_whitespace() {
            terms.push(format!("\"{word}\"{star}"));
        }
    }
    terms.join(" ")
}

/// Search the database at `db`: at most `limit` matches, one per item (or
/// proposal, or document; an item printed in several documents of one
/// meeting once), best first.
pub fn search(
    db: &Path,
    query: &str,
    syntax: Syntax,
    limit: usize,
) -> Result<Vec<Hit>, ExportError> {
    let conn = open(db)?;
    let q = fts_query(query, syntax);
    if q.trim().is_empty() {
        return Ok(Vec::new());
    }
    let err = query_err(db);
    let mut stmt = conn.prepare(SEARCH_SQL).map_err(&err)?;
    let rows = stmt
        .query_map(rusqlite::named_params! {":q": q}, |row| {
            Ok(Hit {
                path: row.get(0)?,
                item: row.get(1)?,
                meeting_id: row.get(2)?,
                also_in: Vec::new(),
                date: row.get(3)?,
                body: row.get(4)?,
                item_number: row.get(5)?,
                item_title: row.get(6)?,
                case_number: row.get(7)?,
                outcome: row.get(8)?,
                kind: row.get(9)?,
                page: row.get(10)?,
                line: row.get(11)?,
                snippet: row.get(12)?,
            })
        })
        .map_err(|e| bad_query(db, query, e))?;
    // One hit per item: its best match; the same item in another print of
    // the meeting (same meeting_id and number) is named in `also_in`.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut hits: Vec<Hit> = Vec::new();
    for hit in rows {
        let hit = hit.map_err(|e| bad_query(db, query, e))?;
        let in_doc = format!("{}\u{0}{:?}", hit.path, hit.item);
        let in_meeting = match (&hit.meeting_id, hit.item_number) {
            (Some(m), Some(n)) => Some(format!("{m}\u{0}{n}")),
            _ => None,
        };
        if seen.contains_key(&in_doc) {
            continue;
        }
        if let Some(&at) = in_meeting.as_ref().and_then(|k| seen.get(k)) {
            if !hits[at].also_in.contains(&hit.path) {
                hits[at].also_in.push(hit.path.clone());
            }
            seen.insert(in_doc, at);
            continue;
        }
        if hits.len() == limit {
            break;
        }
        if hit.item.is_some() {
            seen.insert(in_doc, hits.len());
        }
        if let Some(k) = in_meeting {
            seen.insert(k, hits.len());
        }
        hits.push(hit);
    }
    Ok(hits)
}

fn bad_query(db: &Path, query: &str, e: rusqlite::Error) -> ExportError {
    ExportError::Database {
        path: db.to_path_buf(),
        message: format!("cannot search for {query:?}: {e}"),
    }
}
