//! Outside text made safe to print or log: control characters escaped, long text cut. The one
//! implementation every crate of the workspace uses (adapters for log lines, the CLI for its
//! output).
//!
//! Ids from webhook bodies, provider words and case fields come from outside. Printed verbatim, a
//! newline in a transaction number forges a log line and an ANSI sequence repaints a terminal;
//! logged in full, a 10 KB "status word" floods the log. [`printable`] prevents both.

use std::borrow::Cow;
use std::fmt;

/// How many characters of a provider word a log line shows ([`printable`]'s usual limit).
pub const DEFAULT_MAX_CHARS: usize = 64;

/// True for characters that must not reach a terminal or a log as they are: C0 and C1 controls,
/// DEL, and the invisible characters that reorder or hide text (bidirectional overrides and
/// isolates, zero-width marks, the byte order mark).
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

fn write_escaped(out: &mut impl fmt::Write, c: char) -> fmt::Result {
    match c {
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        '\t' => out.write_str("\\t"),
        c if needs_escape(c) && (c as u32) < 0x80 => write!(out, "\\x{:02x}", c as u32),
        c if needs_escape(c) => write!(out, "\\u{{{:x}}}", c as u32),
        c => out.write_char(c),
    }
}

/// `text` with every character of [`needs_escape`] written as an escape (`\n`, `\r`, `\t`,
/// `\x1b`, `\u{202e}`); borrowed (not copied) when there is none.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        // Writing into a String cannot fail.
        let _ = write_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// `text` for display: escaped as [`escape`] does, and at most `max_chars` characters, followed
/// by `… (N characters)` (the whole length) when cut.
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
                return write!(f, "… ({} characters)", self.text.chars().count());
            }
            write_escaped(f, c)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_cannot_forge_lines_or_paint_terminals() {
        let forged = "TXN-1\nresolved TXN-2 approved\u{1b}[31m\u{202e}\u{7f}\u{9b}";
        let shown = printable(forged, 100).to_string();
        assert!(
            !shown.contains('\n') && !shown.contains('\u{1b}'),
            "{shown}"
        );
        assert_eq!(
            shown,
            "TXN-1\\nresolved TXN-2 approved\\x1b[31m\\u{202e}\\x7f\\u{9b}"
        );
        assert!(matches!(escape("idnow:TST-ABCDE ü"), Cow::Borrowed(_)));
        assert_eq!(escape("a\r\tb"), "a\\r\\tb");
    }

    #[test]
    fn long_words_are_cut_with_their_length() {
        let word = "X".repeat(10_000);
        assert_eq!(
            printable(&word, 8).to_string(),
            "XXXXXXXX… (10000 characters)"
        );
        assert_eq!(printable("SUCCESS", 8).to_string(), "SUCCESS");
        assert_eq!(
            printable("ÄÖÜ", 3).to_string(),
            "ÄÖÜ",
            "characters, not bytes"
        );
        assert_eq!(printable("ÄÖÜÄ", 3).to_string(), "ÄÖÜ… (4 characters)");
    }
}
