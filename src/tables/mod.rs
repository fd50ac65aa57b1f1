//! Stage 4: numeric tables from tab-separated runs of lines.

use crate::extract::Line;
use crate::profile::TableWords;
use crate::record::Table;

/// Find the tables in a run of lines (an item, a proposal, or the document head).
pub fn detect(_lines: &[Line], _words: &TableWords) -> Vec<Table> {
    Vec::new()
}
