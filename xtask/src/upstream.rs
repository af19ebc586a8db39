//! What changed upstream, operation by operation: HeyMilo's republished
//! document against our v2 spec, as a list of things a maintainer can do.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use heymilo_codegen::spec;

use crate::coverage::{self, Report};

/// Prints the report; an error when something needs doing.
pub fn run(root: &Path, published: &Path, spec: Option<PathBuf>) -> Result<()> {
    let spec = spec.unwrap_or_else(|| root.join("openapi/v2.yaml"));
    let report = coverage::compare(&spec::load(published)?, &spec::load(&spec)?);
    let text = render(&report);
    print!("{text}");
    let todo = report.missing_total() + report.extra_operations.len();
    if todo == 0 {
        println!(
            "upstream: {} matches {}",
            spec.display(),
            published.display()
        );
        Ok(())
    } else {
        anyhow::bail!(
            "upstream: {todo} change(s) to bring into {}",
            spec.display()
        )
    }
}

/// The operation an entry is about: `op_id ...` or `METHOD /path (op_id)`.
fn operation_of(entry: &str) -> String {
    if let (Some(open), Some(close)) = (entry.rfind('('), entry.rfind(')'))
        && open < close
        && entry.ends_with(')')
    {
        return entry[open + 1..close].to_owned();
    }
    entry.split([':', ' ']).next().unwrap_or(entry).to_owned()
}

fn detail(entry: &str) -> &str {
    entry
        .split_once([':', ' '])
        .map(|(_, d)| d.trim())
        .unwrap_or("")
}

/// Groups every finding under its operation, with what to do about it.
pub fn render(r: &Report) -> String {
    let mut ops: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut put =
        |entry: &str, action: String| ops.entry(operation_of(entry)).or_default().push(action);
    for e in &r.missing_operations {
        put(e, format!("add the operation: {e}"));
    }
    for e in &r.extra_operations {
        put(e, format!("no longer published: review or remove {e}"));
    }
    for e in &r.missing_parameters {
        put(e, format!("add parameter {}", detail(e)));
    }
    for e in &r.extra_parameters {
        put(e, format!("parameter gone upstream: {}", detail(e)));
    }
    for e in &r.missing_properties {
        put(e, format!("add property {}", detail(e)));
    }
    for e in &r.extra_properties {
        put(e, format!("property not published: {}", detail(e)));
    }
    for e in &r.differences {
        put(e, format!("check: {}", detail(e)));
    }
    let mut out = String::new();
    for (op, actions) in &ops {
        out.push_str(&format!("{op}\n"));
        for a in actions {
            out.push_str(&format!("  - {a}\n"));
        }
    }
    let schema_items: Vec<String> = r
        .missing_schemas
        .iter()
        .map(|s| format!("add schema {s}"))
        .chain(
            r.missing_schema_properties
                .iter()
                .map(|s| format!("add schema property {s}")),
        )
        .collect();
    if !schema_items.is_empty() {
        out.push_str("components\n");
        for a in schema_items {
            out.push_str(&format!("  - {a}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_grouped_by_operation() {
        assert_eq!(
            operation_of("GET /api/v2/reports (listReports)"),
            "listReports"
        );
        assert_eq!(
            operation_of("list_candidates: query status"),
            "list_candidates"
        );
        assert_eq!(
            operation_of("list_candidates 200: data[].source"),
            "list_candidates"
        );
        assert_eq!(
            detail("list_candidates 200: data[].source"),
            "200: data[].source"
        );
    }
}
