//! Writing results to stdout as an aligned table, a JSON document or JSON Lines.

use std::io::{self, IsTerminal, Write};

use clap::ValueEnum;
use serde::Serialize;
use serde_json::Value;

use crate::error::CliError;
use crate::terminal::printable;

/// How results are written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    // Aligned columns for people (the default on a terminal).
    Table,
    // One JSON document: an array for lists, an object for one item.
    Json,
    // One JSON object per line (the default when stdout is not a terminal).
    Jsonl,
}

impl Format {
    /// The format asked for, or the default for where stdout goes.
    pub fn resolve(asked: Option<Format>) -> Format {
        asked.unwrap_or_else(|| {
            if io::stdout().is_terminal() {
                Format::Table
            } else {
                Format::Jsonl
            }
        })
    }
}

/// How a table cell is drawn from its JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// As text.
    Text,
    /// Unix seconds as an RFC 3339 UTC instant.
    Time,
}

/// One column of a table: a header and where its value sits in each item.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The header, upper case.
    pub header: &'static str,
    /// A JSON pointer into the item, e.g. `/posting_id`.
    pub pointer: &'static str,
    /// How the value is drawn.
    pub cell: Cell,
}

/// A text column.
pub const fn text(header: &'static str, pointer: &'static str) -> Column {
    Column {
        header,
        pointer,
        cell: Cell::Text,
    }
}

/// A time column (Unix seconds).
pub const fn time(header: &'static str, pointer: &'static str) -> Column {
    Column {
        header,
        pointer,
        cell: Cell::Time,
    }
}

/// Whether the output is a list or one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Zero or more items.
    List,
    /// Exactly one item.
    One,
}

/// Writes items to stdout in one format; JSON Lines are written as they come.
pub struct Output {
    format: Format,
    shape: Shape,
    columns: &'static [Column],
    buffered: Vec<Value>,
    out: io::BufWriter<io::Stdout>,
}

impl Output {
    /// An output of `shape` items, drawn with `columns` as a table.
    pub fn new(format: Format, shape: Shape, columns: &'static [Column]) -> Output {
        Output {
            format,
            shape,
            columns,
            buffered: Vec::new(),
            out: io::BufWriter::new(io::stdout()),
        }
    }

    /// Adds one item.
    pub fn item<T: Serialize>(&mut self, item: &T) -> anyhow::Result<()> {
        let value = serde_json::to_value(item)?;
        if self.format == Format::Jsonl {
            serde_json::to_writer(&mut self.out, &value).map_err(io_of)?;
            writeln!(self.out).map_err(closed)?;
            // A line at a time, so a reader sees each record as it arrives.
            self.out.flush().map_err(closed)?;
        } else {
            self.buffered.push(value);
        }
        Ok(())
    }

    /// Writes what was buffered and flushes.
    pub fn finish(mut self) -> anyhow::Result<()> {
        match self.format {
            Format::Jsonl => {}
            Format::Json => {
                let document = match (self.shape, self.buffered.len()) {
                    (Shape::One, 1) => self.buffered.pop().unwrap_or(Value::Null),
                    _ => Value::Array(std::mem::take(&mut self.buffered)),
                };
                serde_json::to_writer_pretty(&mut self.out, &document).map_err(io_of)?;
                writeln!(self.out).map_err(closed)?;
            }
            Format::Table => {
                if self.buffered.is_empty() && self.shape == Shape::List {
                    eprintln!("no results");
                } else {
                    let table = render(self.columns, &self.buffered);
                    self.out.write_all(table.as_bytes()).map_err(closed)?;
                }
            }
        }
        self.out.flush().map_err(closed)?;
        Ok(())
    }
}

/// A write error on stdout, with a closed pipe told apart.
fn closed(e: io::Error) -> anyhow::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CliError::StdoutClosed.into()
    } else {
        anyhow::Error::new(e).context("writing to standard output")
    }
}

/// Maps a serialization error that wraps an I/O error back to it.
fn io_of(e: serde_json::Error) -> anyhow::Error {
    if e.is_io() {
        closed(io::Error::from(e))
    } else {
        e.into()
    }
}

/// The table of `items`: a header row, then one row per item, columns three
/// spaces apart, no trailing white space.
pub fn render(columns: &[Column], items: &[Value]) -> String {
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|item| columns.iter().map(|c| cell(c, item)).collect())
        .collect();
    let mut widths: Vec<usize> = columns.iter().map(|c| c.header.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let headers: Vec<String> = columns.iter().map(|c| c.header.to_owned()).collect();
    for row in std::iter::once(&headers).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
            if i > 0 {
                line.push_str("   ");
            }
            line.push_str(cell);
            let pad = width.saturating_sub(cell.chars().count());
            line.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One cell: the value at the column's pointer, on one line.
fn cell(column: &Column, item: &Value) -> String {
    let value = item.pointer(column.pointer).unwrap_or(&Value::Null);
    let text = match (column.cell, value) {
        (_, Value::Null) => String::new(),
        (Cell::Time, Value::Number(n)) => n.as_f64().map(timestamp).unwrap_or_default(),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    };
    printable(&text)
}

/// Unix seconds as `2026-01-01T00:00:00Z`.
pub fn timestamp(seconds: f64) -> String {
    if !seconds.is_finite() {
        return String::new();
    }
    let whole = seconds.floor();
    let nanos = ((seconds - whole) * 1e9) as u32;
    chrono::DateTime::from_timestamp(whole as i64, nanos)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_align_and_trim() {
        const COLUMNS: &[Column] = &[text("ID", "/id"), time("CREATED", "/t"), text("X", "/x")];
        let items = [
            json!({"id": "a", "t": 1_767_225_600.0, "x": null}),
            json!({"id": "long-id", "t": null, "x": 3}),
        ];
        assert_eq!(
            render(COLUMNS, &items),
            "ID        CREATED                X\n\
             a         2026-01-01T00:00:00Z\n\
             long-id                          3\n"
        );
    }

    #[test]
    fn cells_stay_on_one_line() {
        const COLUMNS: &[Column] = &[text("NAME", "/n")];
        assert_eq!(render(COLUMNS, &[json!({"n": "a\nb"})]), "NAME\na b\n");
        assert_eq!(
            render(COLUMNS, &[json!({"n": "\u{1b}[2K\rOK"})]),
            "NAME\n\\u{1b}[2K OK\n"
        );
    }
}
