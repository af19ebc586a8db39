//! Server text is data, not output: anything a server wrote that may reach a
//! person (error messages, field errors, codes, snippets of a body) is
//! shortened and has its control characters escaped, so a server can neither
//! flood a log nor move a terminal's cursor to print a fake line.

/// The most of one piece of server text kept (bytes, cut at a character).
pub(crate) const MAX_SERVER_TEXT: usize = 1024;

/// `text` cut to at most `max` bytes (at a character boundary, then `…`),
/// with every control character (ESC, CR, NUL, ...) written as an escape.
pub(crate) fn clean(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max) + 4);
    for c in text.chars() {
        if c.is_control() {
            let escaped: String = c.escape_default().collect();
            if out.len() + escaped.len() > max {
                out.push('…');
                return out;
            }
            out.push_str(&escaped);
        } else {
            if out.len() + c.len_utf8() > max {
                out.push('…');
                return out;
            }
            out.push(c);
        }
    }
    out
}

/// [`clean`] with the usual limit.
pub(crate) fn server(text: &str) -> String {
    clean(text, MAX_SERVER_TEXT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_text_is_cut() {
        for (input, max, want) in [
            ("plain", 100, "plain"),
            ("\x1b[2K\rOK: done", 100, "\\u{1b}[2K\\rOK: done"),
            ("a\nb\0c", 100, "a\\nb\\u{0}c"),
            ("héllo", 3, "hé…"),
            ("abcdef", 3, "abc…"),
            ("\u{9b}31m", 100, "\\u{9b}31m"),
        ] {
            assert_eq!(clean(input, max), want, "{input:?}");
        }
        let huge = "x".repeat(5_000_000);
        assert!(server(&huge).len() <= MAX_SERVER_TEXT + '…'.len_utf8());
    }
}
