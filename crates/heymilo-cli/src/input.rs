//! Candidates from a CSV or JSON Lines file, each with its row and line
//! number for messages.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use heymilo::ingest::Candidate;
use serde_json::{Map, Value};

use crate::cli::InputFormat;
use crate::error::CliError;

/// One candidate of the input file.
#[derive(Debug, Clone)]
pub struct Row {
    /// Its position among the data rows, from 1 (a CSV header is not a row).
    pub row: usize,
    /// The line of the file it starts on, from 1.
    pub line: u64,
    /// The candidate.
    pub candidate: Candidate,
}

/// The file's layout: the one asked for, else by extension, else CSV.
pub fn format_of(path: &Path, asked: Option<InputFormat>) -> InputFormat {
    asked.unwrap_or_else(|| {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jsonl" | "ndjson" | "json") => InputFormat::Jsonl,
            _ => InputFormat::Csv,
        }
    })
}

/// Every candidate of the file; a row that cannot be read at all (not the
/// checks of its fields) is a local error naming it.
pub fn read(path: &Path, format: InputFormat) -> Result<Vec<Row>, CliError> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| CliError::Local(format!("cannot open {name}: {e}")))?;
    match format {
        InputFormat::Csv => {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut BufReader::new(file), &mut bytes)
                .map_err(|e| CliError::Local(format!("cannot read {name}: {e}")))?;
            read_csv(&name, &bytes)
        }
        InputFormat::Jsonl => read_jsonl(&name, file),
    }
}

/// The line (from 1) of the byte at `offset`: line ends counted in the
/// bytes themselves, so LF and CRLF files number alike.
fn line_at(bytes: &[u8], offset: u64) -> u64 {
    let mut end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    // A record's position is where its parse began, before any blank lines.
    while bytes.get(end).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
        end += 1;
    }
    1 + bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64
}

/// CSV with a header: `name`, `email`, optional `phone_number`/`phone`; the
/// other columns become metadata labels.
fn read_csv(name: &str, bytes: &[u8]) -> Result<Vec<Row>, CliError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| CliError::Local(format!("{name}: cannot read the header row: {e}")))?
        .clone();
    let column = |wanted: &[&str]| {
        headers
            .iter()
            .position(|h| wanted.iter().any(|w| h.eq_ignore_ascii_case(w)))
    };
    let (Some(name_col), Some(email_col)) = (column(&["name"]), column(&["email"])) else {
        return Err(CliError::Local(format!(
            "{name}: the header row needs `name` and `email` columns (found: {})",
            headers.iter().collect::<Vec<_>>().join(", ")
        )));
    };
    let phone_col = column(&["phone_number", "phone"]);
    let known = [Some(name_col), Some(email_col), phone_col];
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = record.map_err(|e| {
            let line = e
                .position()
                .map(|p| line_at(bytes, p.byte()))
                .unwrap_or_default();
            CliError::Local(format!(
                "{name}: row {row} (line {line}): {}",
                csv_reason(&e)
            ))
        })?;
        let line = record
            .position()
            .map(|p| line_at(bytes, p.byte()))
            .unwrap_or_default();
        let field = |i: usize| record.get(i).unwrap_or("");
        let mut candidate = Candidate::new(field(name_col), field(email_col));
        if let Some(phone) = phone_col.map(field).filter(|p| !p.is_empty()) {
            candidate = candidate.phone_number(phone);
        }
        for (i, header) in headers.iter().enumerate() {
            if known.contains(&Some(i)) || field(i).is_empty() || header.is_empty() {
                continue;
            }
            candidate = candidate.metadata(header, field(i));
        }
        rows.push(Row {
            row,
            line,
            candidate,
        });
    }
    Ok(rows)
}

/// What is wrong with a CSV record, without its position (said already).
fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { err, .. } => format!("field {} is not UTF-8", err.field() + 1),
        _ => e.to_string(),
    }
}

/// JSON Lines: one object per line.
fn read_jsonl(name: &str, file: File) -> Result<Vec<Row>, CliError> {
    let mut rows = Vec::new();
    for (i, text) in BufReader::new(file).lines().enumerate() {
        let line = i as u64 + 1;
        let text = text.map_err(|e| CliError::Local(format!("{name}: line {line}: {e}")))?;
        if text.trim().is_empty() {
            continue;
        }
        let row = rows.len() + 1;
        let at = |message: String| {
            CliError::Local(format!("{name}: row {row} (line {line}): {message}"))
        };
        let value: Value = serde_json::from_str(&text).map_err(|e| at(format!("not JSON: {e}")))?;
        let Value::Object(object) = value else {
            return Err(at("not a JSON object".into()));
        };
        let candidate = candidate_of(object).map_err(at)?;
        rows.push(Row {
            row,
            line,
            candidate,
        });
    }
    Ok(rows)
}

/// A candidate from one JSON object; a field of the wrong type is named.
fn candidate_of(object: Map<String, Value>) -> Result<Candidate, String> {
    let mut candidate = Candidate::default();
    for (key, value) in object {
        let string = |v: Value| match v {
            Value::String(s) => Ok(s),
            other => Err(format!(
                "field {key:?} must be a string, not {}",
                kind(&other)
            )),
        };
        match key.as_str() {
            "name" => candidate.name = string(value)?,
            "email" => candidate.email = string(value)?,
            "phone_number" | "phone" => {
                if !value.is_null() {
                    candidate.phone_number = Some(string(value)?);
                }
            }
            "metadata" => match value {
                Value::Null => {}
                Value::Object(labels) => {
                    for (k, v) in labels {
                        let Value::String(v) = v else {
                            return Err(format!(
                                "field \"metadata\": the value of {k:?} must be a string, not {}",
                                kind(&v)
                            ));
                        };
                        candidate.metadata.insert(k, v);
                    }
                }
                other => {
                    return Err(format!(
                        "field \"metadata\" must be an object of strings, not {}",
                        kind(&other)
                    ));
                }
            },
            "data" => match value {
                Value::Null => {}
                Value::Object(data) => candidate.data = data,
                other => {
                    return Err(format!(
                        "field \"data\" must be an object, not {}",
                        kind(&other)
                    ));
                }
            },
            other => {
                return Err(format!(
                    "unknown field {other:?} (expected name, email, phone_number, metadata, data)"
                ));
            }
        }
    }
    Ok(candidate)
}

/// A JSON value's kind, for messages (never the value: it is candidate data).
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn json_objects_become_candidates() {
        let c = candidate_of(object(json!({
            "name": "Jane", "email": "j@example.com", "phone": "+12065551234",
            "metadata": {"k": "v"}, "data": {"n": 1}
        })))
        .expect("valid");
        assert_eq!(c.phone_number.as_deref(), Some("+12065551234"));
        assert_eq!(c.metadata["k"], "v");
        assert_eq!(c.data["n"], 1);
    }

    #[test]
    fn wrong_types_name_the_field() {
        let e = candidate_of(object(json!({"name": "J", "email": 3}))).expect_err("number");
        assert!(e.contains("\"email\""), "{e}");
        let e = candidate_of(object(json!({"metadata": {"k": 1}}))).expect_err("label");
        assert!(e.contains("metadata") && e.contains("\"k\""), "{e}");
        let e = candidate_of(object(json!({"nmae": "J"}))).expect_err("typo");
        assert!(e.contains("unknown field \"nmae\""), "{e}");
    }

    #[test]
    fn lines_count_lf_and_crlf_alike() {
        for text in [
            "name,email\nA,a@x.io\n\nB,b@x.io\n",
            "name,email\r\nA,a@x.io\r\n\r\nB,b@x.io\r\n",
        ] {
            let rows = read_csv("f", text.as_bytes()).expect("csv");
            let lines: Vec<(usize, u64)> = rows.iter().map(|r| (r.row, r.line)).collect();
            assert_eq!(lines, [(1, 2), (2, 4)], "{text:?}");
        }
    }

    #[test]
    fn formats_follow_the_extension() {
        assert_eq!(format_of(Path::new("a.JSONL"), None), InputFormat::Jsonl);
        assert_eq!(format_of(Path::new("a.csv"), None), InputFormat::Csv);
        assert_eq!(format_of(Path::new("a"), None), InputFormat::Csv);
        assert_eq!(
            format_of(Path::new("a.csv"), Some(InputFormat::Jsonl)),
            InputFormat::Jsonl
        );
    }
}
