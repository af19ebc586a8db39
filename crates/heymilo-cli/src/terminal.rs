//! Text bound for the terminal: whatever the server wrote, one safe line.

/// `text` safe for a terminal line: line breaks and tabs become spaces and
/// every other control character (ESC, BEL, CSI, ...) is written as an
/// escape, so data from the server cannot move the cursor, erase a line or
/// recolour what follows.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        for (input, want) in [
            ("plain", "plain"),
            ("a\nb\tc\rd", "a b c d"),
            ("\u{1b}[2K\u{1b}[1AOK", "\\u{1b}[2K\\u{1b}[1AOK"),
            ("\u{9b}31m\u{7}", "\\u{9b}31m\\u{7}"),
        ] {
            assert_eq!(printable(input), want, "{input:?}");
        }
    }
}
