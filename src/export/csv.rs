//! CSV: one file per table of the schema, a header row, UTF-8.

use super::{Counts, ExportError, Row, SCHEMA, Sink, feed};
use std::path::{Path, PathBuf};

/// Export `OUT/records.jsonl` as CSV files (one per table of [`SCHEMA`])
/// into `dir`; returns the number of rows written per table.
pub fn to_csv(out: &Path, dir: &Path) -> Result<Counts, ExportError> {
    let records = super::records_file(out)?;
    std::fs::create_dir_all(dir).map_err(|e| ExportError::write(dir, e))?;
    let mut sink = CsvSink {
        writers: Vec::new(),
    };
    for def in SCHEMA {
        let path = dir.join(format!("{}.csv", def.name));
        let mut w = ::csv::Writer::from_path(&path).map_err(|e| ExportError::write(&path, e))?;
        w.write_record(def.columns.iter().map(|c| c.name))
            .map_err(|e| ExportError::write(&path, e))?;
        sink.writers.push((path, w));
    }
    let counts = feed(&records, &mut sink)?;
    for (path, w) in &mut sink.writers {
        w.flush().map_err(|e| ExportError::write(path, e))?;
    }
    Ok(counts)
}

struct CsvSink {
    writers: Vec<(PathBuf, ::csv::Writer<std::fs::File>)>,
}

impl Sink for CsvSink {
    fn row(&mut self, table: usize, row: Row) -> Result<(), ExportError> {
        let (path, w) = &mut self.writers[table];
        w.write_record(row.iter().map(|v| v.to_text()))
            .map_err(|e| ExportError::write(path, e))
    }
}
