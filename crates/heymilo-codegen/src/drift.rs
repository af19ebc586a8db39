//! Comparing freshly generated code with its reviewed insta snapshot.

use similar::TextDiff;

/// Where the reviewed snapshot of a generation lives, relative to the workspace root.
pub fn snapshot_path(module: &str) -> String {
    format!("tests/snapshots/generated__{module}.snap")
}

/// The body of an insta snapshot file: what follows its `---` metadata block.
///
/// A file without the metadata block is taken whole.
pub fn snapshot_body(snap: &str) -> &str {
    let Some(rest) = snap.strip_prefix("---\n") else {
        return snap;
    };
    match rest.find("\n---\n") {
        Some(end) => &rest[end + 5..],
        None => snap,
    }
}

/// A unified diff from the snapshot to the fresh code, or `None` when they
/// agree (trailing white space aside, as insta compares them).
///
/// At most `max_lines` lines of diff are kept, with a note of how many were cut.
pub fn drift(snapshot: &str, fresh: &str, label: &str, max_lines: usize) -> Option<String> {
    let old = snapshot_body(snapshot).trim_end();
    let new = fresh.trim_end();
    if old == new {
        return None;
    }
    let diff = TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(
            &format!("{label} (snapshot)"),
            &format!("{label} (from spec)"),
        )
        .to_string();
    let total = diff.lines().count();
    let mut out: String = diff
        .lines()
        .take(max_lines)
        .flat_map(|l| [l, "\n"])
        .collect();
    if total > max_lines {
        out.push_str(&format!("… {} more diff lines\n", total - max_lines));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_follows_the_metadata_block() {
        let snap = "---\nsource: x.rs\nexpression: y\n---\nfn a() {}\n";
        assert_eq!(snapshot_body(snap), "fn a() {}\n");
        assert_eq!(snapshot_body("fn a() {}"), "fn a() {}");
    }

    #[test]
    fn equal_code_has_no_drift_and_changed_code_shows_the_line() {
        let snap = "---\nsource: x\n---\nfn a() {}\nfn b() {}\n";
        assert_eq!(drift(snap, "fn a() {}\nfn b() {}", "v1", 50), None);
        let d = drift(snap, "fn a() {}\nfn c() {}\n", "v1", 50).expect("drift");
        assert!(d.contains("-fn b() {}") && d.contains("+fn c() {}"), "{d}");
    }

    #[test]
    fn long_diffs_are_cut_with_a_count() {
        let fresh: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let d = drift("", &fresh, "v2", 10).expect("drift");
        assert!(d.contains("more diff lines"), "{d}");
        assert!(d.lines().count() <= 11);
    }
}
