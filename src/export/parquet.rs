//! Parquet: one file per table of the schema, typed columns (UTF-8 text,
//! INT64, DOUBLE, BOOLEAN; every column optional), Snappy-compressed, in
//! row groups of [`ROW_GROUP`] rows.

use super::{Counts, ExportError, Row, SCHEMA, Sink, TableDef, Type, Value, feed};
use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows per row group (the unit a reader reads at once).
const ROW_GROUP: usize = 65_536;

/// Export `OUT/records.jsonl` as Parquet files (one per table of
/// [`SCHEMA`], `<table>.parquet`) into `dir`; returns the number of rows
/// per table.
pub fn to_parquet(out: &Path, dir: &Path) -> Result<Counts, ExportError> {
    let records = super::records_file(out)?;
    std::fs::create_dir_all(dir).map_err(|e| ExportError::write(dir, e))?;
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let mut sink = ParquetSink { tables: Vec::new() };
    for def in SCHEMA {
        let path = dir.join(format!("{}.parquet", def.name));
        let tmp = path.with_extension("parquet.tmp");
        let file = File::create(&tmp).map_err(|e| ExportError::write(&tmp, e))?;
        let schema = parquet::schema::parser::parse_message_type(&message_type(def))
            .map_err(|e| ExportError::write(&tmp, e))?;
        let writer = SerializedFileWriter::new(file, Arc::new(schema), props.clone())
            .map_err(|e| ExportError::write(&tmp, e))?;
        sink.tables.push(TableWriter {
            def,
            path,
            tmp,
            writer,
            rows: Vec::new(),
        });
    }
    let tmps: Vec<PathBuf> = sink.tables.iter().map(|t| t.tmp.clone()).collect();
    let result = feed(&records, &mut sink).and_then(|counts| {
        for mut t in sink.tables {
            t.flush()?;
            t.writer
                .close()
                .map_err(|e| ExportError::write(&t.tmp, e))?;
            std::fs::rename(&t.tmp, &t.path).map_err(|e| ExportError::write(&t.path, e))?;
        }
        Ok(counts)
    });
    if result.is_err() {
        for tmp in tmps {
            let _ = std::fs::remove_file(tmp);
        }
    }
    result
}

/// The Parquet schema of a table.
fn message_type(def: &TableDef) -> String {
    let fields: Vec<String> = def
        .columns
        .iter()
        .map(|c| {
            let ty = match c.ty {
                Type::Text => "BYTE_ARRAY",
                Type::Int => "INT64",
                Type::Real => "DOUBLE",
                Type::Bool => "BOOLEAN",
            };
            let logical = if c.ty == Type::Text { " (UTF8)" } else { "" };
            format!("OPTIONAL {ty} {}{logical};", c.name)
        })
        .collect();
    format!("message {} {{ {} }}", def.name, fields.join(" "))
}

struct ParquetSink {
    tables: Vec<TableWriter>,
}

struct TableWriter {
    def: &'static TableDef,
    path: PathBuf,
    tmp: PathBuf,
    writer: SerializedFileWriter<File>,
    rows: Vec<Row>,
}

impl Sink for ParquetSink {
    fn row(&mut self, table: usize, row: Row) -> Result<(), ExportError> {
        let t = &mut self.tables[table];
        t.rows.push(row);
        if t.rows.len() >= ROW_GROUP {
            t.flush()?;
        }
        Ok(())
    }
}

impl TableWriter {
    /// Write the buffered rows as one row group.
    fn flush(&mut self) -> Result<(), ExportError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let err = |e: parquet::errors::ParquetError| ExportError::write(&self.tmp, e);
        let mut group = self.writer.next_row_group().map_err(err)?;
        for (n, column) in self.def.columns.iter().enumerate() {
            let mut col = group
                .next_column()
                .map_err(err)?
                .expect("a column writer per schema column");
            let defined: Vec<i16> = self
                .rows
                .iter()
                .map(|r| i16::from(r[n] != Value::Null))
                .collect();
            let levels = &defined[..];
            let rows = &self.rows;
            match column.ty {
                Type::Text => {
                    write_values::<ByteArrayType>(&mut col, rows, n, levels, |v| match v {
                        Value::Text(s) => Some(ByteArray::from(s.as_str())),
                        _ => None,
                    })
                }
                Type::Int => write_values::<Int64Type>(&mut col, rows, n, levels, |v| match v {
                    Value::Int(n) => Some(*n),
                    _ => None,
                }),
                Type::Real => write_values::<DoubleType>(&mut col, rows, n, levels, |v| match v {
                    Value::Real(x) => Some(*x),
                    _ => None,
                }),
                Type::Bool => write_values::<BoolType>(&mut col, rows, n, levels, |v| match v {
                    Value::Bool(b) => Some(*b),
                    _ => None,
                }),
            }
            .map_err(err)?;
            col.close().map_err(err)?;
        }
        group.close().map_err(err)?;
        self.rows.clear();
        Ok(())
    }
}

/// Write column `n` of `rows`: the values `pick` takes from its cells
/// (nulls are in `levels`, the definition levels).
fn write_values<T: parquet::data_type::DataType>(
    col: &mut parquet::file::writer::SerializedColumnWriter<'_>,
    rows: &[Row],
    n: usize,
    levels: &[i16],
    pick: impl Fn(&Value) -> Option<T::T>,
) -> parquet::errors::Result<usize> {
    let values: Vec<T::T> = rows.iter().filter_map(|r| pick(&r[n])).collect();
    col.typed::<T>().write_batch(&values, Some(levels), None)
}
