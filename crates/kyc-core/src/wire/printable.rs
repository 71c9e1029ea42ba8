//! Outside text made safe to print or log: control characters escaped, long text truncated.
//!
//! Ids from webhook bodies, provider words and case fields come from outside. Printed verbatim, a
//! newline in a transaction number forges a log line and an ANSI sequence repaints a terminal;
//! logged in full, a 10 KB "status word" floods the log. [`printable`] prevents both.

use std::fmt;

/// How many characters [`printable`] shows before it truncates.
pub const DEFAULT_MAX_CHARS: usize = 64;

/// `text` for display: control characters (including newlines, tabs, `ESC` and the C1 range)
/// escaped as `\n`, `\t`, `\u{1b}`, and at most `max_chars` characters, followed by
/// `… (N bytes)` when cut.
pub fn printable(text: &str, max_chars: usize) -> Printable<'_> {
    Printable { text, max_chars }
}

/// The display form of outside text; see [`printable`].
#[derive(Clone, Copy)]
pub struct Printable<'a> {
    text: &'a str,
    max_chars: usize,
}

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (shown, c) in self.text.chars().enumerate() {
            if shown == self.max_chars {
                return write!(f, "… ({} bytes)", self.text.len());
            }
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\\' => f.write_str("\\\\")?,
                c if c.is_control() || is_format_control(c) => write!(f, "\\u{{{:x}}}", c as u32)?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// Invisible characters that reorder or hide text (bidirectional overrides, zero-width marks).
fn is_format_control(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_cannot_forge_lines_or_paint_terminals() {
        let forged = "TXN-1\nresolved TXN-2 approved\u{1b}[31m\u{202e}";
        let shown = printable(forged, 100).to_string();
        assert!(
            !shown.contains('\n') && !shown.contains('\u{1b}'),
            "{shown}"
        );
        assert_eq!(shown, "TXN-1\\nresolved TXN-2 approved\\u{1b}[31m\\u{202e}");
    }

    #[test]
    fn long_words_are_cut_with_their_length() {
        let word = "X".repeat(10_000);
        let shown = printable(&word, 8).to_string();
        assert_eq!(shown, "XXXXXXXX… (10000 bytes)");
        assert_eq!(printable("SUCCESS", 8).to_string(), "SUCCESS");
        assert_eq!(
            printable("ÄÖÜ", 3).to_string(),
            "ÄÖÜ",
            "characters, not bytes"
        );
    }
}
