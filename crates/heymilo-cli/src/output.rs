//! Writing results to stdout as an aligned table, a JSON document or JSON Lines.

use std::borrow::Cow;
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
    /// An object of objects with a `score`: `name=score, ...` (v1's agentic data).
    Scores,
}

/// One column of a table: a header and where its value sits in each item.
#[derive(Debug, Clone)]
pub struct Column {
    /// The header, upper case.
    pub header: Cow<'static, str>,
    /// A JSON pointer into the item, e.g. `/posting_id`.
    pub pointer: Cow<'static, str>,
    /// How the value is drawn.
    pub cell: Cell,
}

/// A text column.
pub const fn text(header: &'static str, pointer: &'static str) -> Column {
    Column {
        header: Cow::Borrowed(header),
        pointer: Cow::Borrowed(pointer),
        cell: Cell::Text,
    }
}

/// A scores column (an object of objects, each with a `score`).
pub const fn scores(header: &'static str, pointer: &'static str) -> Column {
    Column {
        header: Cow::Borrowed(header),
        pointer: Cow::Borrowed(pointer),
        cell: Cell::Scores,
    }
}

/// A time column (Unix seconds).
pub const fn time(header: &'static str, pointer: &'static str) -> Column {
    Column {
        header: Cow::Borrowed(header),
        pointer: Cow::Borrowed(pointer),
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

/// How output looks: format, fields, table width, headers; and whether
/// stderr may carry progress and hints.
#[derive(Debug, Clone)]
pub struct Style {
    /// The format.
    pub format: Format,
    /// Only these fields (names or dotted paths), in this order.
    pub fields: Vec<String>,
    /// The table's width in columns; `None`: as wide as the cells.
    pub width: Option<u16>,
    /// Whether a table has its header row.
    pub headers: bool,
    /// No progress, waits or hints on stderr.
    pub quiet: bool,
}

impl Style {
    /// The style the global flags ask for. A table fits the terminal (or
    /// `COLUMNS`) unless `--wide`; piped, it is as wide as its cells.
    pub fn of(global: &crate::cli::Global) -> Style {
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<u16>().ok())
            .or_else(|| {
                let term = console::Term::stdout();
                term.is_term()
                    .then(|| term.size_checked().map(|(_, w)| w))
                    .flatten()
            })
            .filter(|_| !global.wide);
        Style {
            format: Format::resolve(global.format),
            fields: global
                .fields
                .iter()
                .map(|f| f.trim().to_owned())
                .filter(|f| !f.is_empty())
                .collect(),
            width,
            headers: !global.no_headers,
            quiet: global.quiet,
        }
    }
}

/// Writes items to stdout in one format; JSON Lines are written as they come.
pub struct Output {
    style: Style,
    shape: Shape,
    columns: Vec<Column>,
    buffered: Vec<Value>,
    written: u64,
    /// The list was cut short of this many (`Some(None)`: of an unknown number).
    cut: Option<Option<u64>>,
    out: io::BufWriter<io::Stdout>,
}

impl Output {
    /// An output of `shape` items, drawn with `columns` as a table (or the
    /// `--fields` asked for).
    pub fn new(style: &Style, shape: Shape, columns: &'static [Column]) -> Output {
        let columns = if style.fields.is_empty() {
            columns.to_vec()
        } else {
            style
                .fields
                .iter()
                .map(|f| field_column(f, columns))
                .collect()
        };
        Output {
            style: style.clone(),
            shape,
            columns,
            buffered: Vec::new(),
            written: 0,
            cut: None,
            out: io::BufWriter::new(io::stdout()),
        }
    }

    /// Writes `item` alone, drawn with `columns` as a table.
    pub fn one<T: Serialize>(
        style: &Style,
        columns: &'static [Column],
        item: &T,
    ) -> anyhow::Result<()> {
        let mut out = Output::new(style, Shape::One, columns);
        out.item(item)?;
        out.finish()
    }

    /// Adds one item.
    pub fn item<T: Serialize>(&mut self, item: &T) -> anyhow::Result<()> {
        let mut value = serde_json::to_value(item)?;
        if !self.style.fields.is_empty() {
            if self.written == 0 {
                self.check_fields(&value)?;
            }
            if self.style.format != Format::Table {
                value = self.project(&value);
            }
        }
        self.written += 1;
        if self.style.format == Format::Jsonl {
            serde_json::to_writer(&mut self.out, &value).map_err(io_of)?;
            writeln!(self.out).map_err(closed)?;
            // A line at a time, so a reader sees each record as it arrives.
            self.out.flush().map_err(closed)?;
        } else {
            self.buffered.push(value);
        }
        Ok(())
    }

    /// Says the list stopped before its end, which holds `total` items when known.
    pub fn cut(&mut self, total: Option<u64>) {
        self.cut = Some(total);
    }

    /// A field no item has is a usage error naming the fields there are.
    fn check_fields(&self, first: &Value) -> anyhow::Result<()> {
        for (field, column) in self.style.fields.iter().zip(&self.columns) {
            if first.pointer(&column.pointer).is_none() {
                let known: Vec<&str> = first
                    .as_object()
                    .map(|o| o.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                return Err(CliError::Usage(format!(
                    "--fields: no field {field:?}; the fields are: {}",
                    known.join(", ")
                ))
                .into());
            }
        }
        Ok(())
    }

    /// The item with only the fields asked for, named as asked.
    fn project(&self, item: &Value) -> Value {
        let object = self
            .style
            .fields
            .iter()
            .zip(&self.columns)
            .map(|(f, c)| {
                (
                    f.clone(),
                    item.pointer(&c.pointer).cloned().unwrap_or(Value::Null),
                )
            })
            .collect();
        Value::Object(object)
    }

    /// Writes what was buffered and flushes; then the hint of a cut list.
    pub fn finish(mut self) -> anyhow::Result<()> {
        match self.style.format {
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
                    if !self.style.quiet {
                        eprintln!("no results");
                    }
                } else {
                    let table = render(&self.style, self.shape, &self.columns, &self.buffered);
                    self.out.write_all(table.as_bytes()).map_err(closed)?;
                }
            }
        }
        self.out.flush().map_err(closed)?;
        if let (Some(total), false) = (self.cut, self.style.quiet) {
            let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
            eprintln!("showing {}{of}; use --all for every one", self.written);
        }
        Ok(())
    }
}

/// The column of a `--fields` entry: the command's own column when it names
/// one (so times stay times), else the field as text.
fn field_column(field: &str, columns: &[Column]) -> Column {
    let pointer = format!("/{}", field.replace('.', "/"));
    let cell = columns
        .iter()
        .find(|c| c.pointer == pointer)
        .map_or(Cell::Text, |c| c.cell);
    Column {
        header: field.to_uppercase().replace(['_', '.'], " ").into(),
        pointer: pointer.into(),
        cell,
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

/// The narrowest a text column gets before times are cut too.
const MIN_TEXT: usize = 8;
/// The narrowest a cut column gets.
const MIN_CUT: usize = 3;

/// The table of `items`: a list as a header row and a row per item, one
/// item as a row per column; no borders, columns two spaces apart. Past the
/// width, the widest text columns are cut first, with an ellipsis (times
/// only when that is not enough); widths count display columns, not chars.
pub fn render(style: &Style, shape: Shape, columns: &[Column], items: &[Value]) -> String {
    use comfy_table::{ColumnConstraint, ContentArrangement, Row, Table, Width};
    let (header, rows, fixed): (Option<Vec<String>>, Vec<Vec<String>>, Vec<bool>) = match shape {
        Shape::List => (
            style
                .headers
                .then(|| columns.iter().map(|c| c.header.to_string()).collect()),
            items
                .iter()
                .map(|item| columns.iter().map(|c| cell(c, item)).collect())
                .collect(),
            columns.iter().map(|c| c.cell == Cell::Time).collect(),
        ),
        Shape::One => (
            None,
            items
                .iter()
                .flat_map(|item| {
                    columns
                        .iter()
                        .map(|c| vec![format!("{}:", c.header), cell(c, item)])
                })
                .collect(),
            vec![true, false],
        ),
    };
    let mut widths = vec![0; fixed.len()];
    for row in header.iter().chain(&rows) {
        for (w, text) in widths.iter_mut().zip(row) {
            *w = (*w).max(console::measure_text_width(text));
        }
    }
    if let Some(width) = style.width {
        let budget = usize::from(width).saturating_sub(2 * fixed.len().saturating_sub(1));
        // Text first, down to MIN_TEXT; then anything, times too, down to MIN_CUT.
        while widths.iter().sum::<usize>() > budget {
            let widest = |floor: usize, any: bool| {
                (0..widths.len())
                    .filter(|&i| (any || !fixed[i]) && widths[i] > floor)
                    .max_by_key(|&i| widths[i])
            };
            let Some(i) = widest(MIN_TEXT, false).or_else(|| widest(MIN_CUT, true)) else {
                break;
            };
            widths[i] -= 1;
        }
    }
    let mut table = Table::new();
    table
        .load_preset(comfy_table::presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_truncation_indicator("…");
    let one_line = |cells: Vec<String>| {
        let mut row = Row::from(cells);
        row.max_height(1);
        row
    };
    if let Some(header) = header {
        table.set_header(one_line(header));
    }
    for row in rows {
        table.add_row(one_line(row));
    }
    for (column, w) in table.column_iter_mut().zip(&widths) {
        // The width includes the padding of one space on either side.
        let w = u16::try_from(w + 2).unwrap_or(u16::MAX);
        column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(w)));
    }
    // Drop the padding left of the first column and right of the last.
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(&line).trim_end());
        out.push('\n');
    }
    out
}

/// One cell: the value at the column's pointer, on one line.
fn cell(column: &Column, item: &Value) -> String {
    let value = item.pointer(&column.pointer).unwrap_or(&Value::Null);
    let text = match (column.cell, value) {
        (_, Value::Null) => String::new(),
        (Cell::Time, Value::Number(n)) => n.as_f64().map(timestamp).unwrap_or_default(),
        (Cell::Scores, Value::Object(steps)) => steps
            .iter()
            .filter_map(|(step, v)| match v.get("score") {
                Some(Value::Null) | None => None,
                Some(score) => Some(format!("{step}={score}")),
            })
            .collect::<Vec<_>>()
            .join(", "),
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

    fn style(width: Option<u16>, headers: bool) -> Style {
        Style {
            format: Format::Table,
            fields: Vec::new(),
            width,
            headers,
            quiet: true,
        }
    }

    #[test]
    fn tables_align_fit_and_cut_by_display_width() {
        const COLUMNS: &[Column] = &[text("ID", "/id"), time("CREATED", "/t"), text("X", "/x")];
        let items = [
            json!({"id": "a", "t": 1_767_225_600.0, "x": null}),
            json!({"id": "long-id", "t": null, "x": "界界界界界界界界界界"}),
        ];
        for (width, headers, want) in [
            (
                None,
                true,
                "ID       CREATED               X\na        2026-01-01T00:00:00Z\nlong-id                        界界界界界界界界界界\n",
            ),
            (
                None,
                false,
                "a        2026-01-01T00:00:00Z\nlong-id                        界界界界界界界界界界\n",
            ),
            (
                Some(40),
                true,
                "ID       CREATED               X\na        2026-01-01T00:00:00Z\nlong-id                        界界界界…\n",
            ),
        ] {
            let table = render(&style(width, headers), Shape::List, COLUMNS, &items);
            assert_eq!(table, want, "{width:?} {headers}");
            if let Some(w) = width {
                let widest = table.lines().map(console::measure_text_width).max();
                assert!(widest <= Some(w as usize), "{table}");
            }
        }
        let one = render(&style(None, true), Shape::One, COLUMNS, &items[..1]);
        assert_eq!(one, "ID:       a\nCREATED:  2026-01-01T00:00:00Z\nX:\n");
    }

    #[test]
    fn cells_stay_on_one_line() {
        const COLUMNS: &[Column] = &[text("NAME", "/n"), scores("SCORES", "/s")];
        let s = style(None, true);
        let item = json!({"n": "a\nb", "s": {"web": {"score": 79.5}, "voice": {"score": null}}});
        assert_eq!(
            render(&s, Shape::List, COLUMNS, &[item]),
            "NAME  SCORES\na b   web=79.5\n"
        );
        let item = json!({"n": "\u{1b}[2K\rOK"});
        assert_eq!(
            render(&s, Shape::List, COLUMNS, &[item]),
            "NAME          SCORES\n\\u{1b}[2K OK\n"
        );
    }
}
