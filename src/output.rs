//! Stage 6: write records as JSON Lines.

use crate::record::Record;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Name of the records file inside OUT.
pub const RECORDS_FILE: &str = "records.jsonl";

/// Write all records to `out/records.jsonl` atomically (temporary file, then rename).
pub fn write_records(out: &Path, records: &[Record]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(out)?;
    let target = out.join(RECORDS_FILE);
    let tmp = out.join(format!(".{RECORDS_FILE}.tmp"));
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        for r in records {
            serde_json::to_writer(&mut w, r)?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
        w.get_ref().sync_all()?;
    }
    std::fs::rename(&tmp, &target)?;
    Ok(target)
}
