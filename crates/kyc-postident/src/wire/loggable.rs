//! Provider words as they may appear in a log line: escaped and cut short.
//!
//! A value POSTIDENT sends that this crate does not know is logged with a warning, so that new
//! words are noticed. Such a value is not trusted text: it may be 10 KB long, or carry a newline
//! or an ANSI escape that forges or hides log lines. [`loggable`] prints at most
//! [`LOGGED_CHARS`] characters with every control and formatting character escaped (`\n`,
//! `\u{1b}`, `\u{202e}`), and says how long the value was when it cut it.

use std::fmt;

/// How many characters of an unknown provider word reach the log.
pub const LOGGED_CHARS: usize = 64;

/// A provider word made safe for a log line (see the [module documentation](self)).
pub struct Loggable<'a>(&'a str);

/// Wraps `raw` for logging: `tracing::warn!(value = %loggable(raw), ...)`.
pub fn loggable(raw: &str) -> Loggable<'_> {
    Loggable(raw)
}

/// Characters that change how text is displayed without being control characters: zero-width
/// and bidirectional formatting (`U+200B`–`U+200F`, `U+202A`–`U+202E`, `U+2066`–`U+2069`) and
/// the byte order mark.
pub(crate) fn is_formatting(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

impl fmt::Display for Loggable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (shown, c) in self.0.chars().enumerate() {
            if shown == LOGGED_CHARS {
                let total = self.0.chars().count();
                return write!(f, "… ({total} characters, first {LOGGED_CHARS} shown)");
            }
            match c {
                '\\' => f.write_str("\\\\")?,
                c if c.is_control() || is_formatting(c) => write!(f, "{}", c.escape_default())?,
                c => write!(f, "{c}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Loggable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_formatting_characters_are_escaped() {
        assert_eq!(loggable("ok word").to_string(), "ok word");
        assert_eq!(
            loggable("a\nresolved approved").to_string(),
            "a\\nresolved approved"
        );
        assert_eq!(loggable("\u{1b}[31mred").to_string(), "\\u{1b}[31mred");
        assert_eq!(loggable("x\u{202e}y").to_string(), "x\\u{202e}y");
        assert_eq!(loggable("back\\slash").to_string(), "back\\\\slash");
        assert!(!loggable("tab\there\r").to_string().contains(['\t', '\r']));
    }

    #[test]
    fn long_words_are_cut_and_say_their_length() {
        let long = "x".repeat(10_000);
        let shown = loggable(&long).to_string();
        assert!(shown.starts_with(&"x".repeat(LOGGED_CHARS)), "{shown}");
        assert!(!shown.starts_with(&"x".repeat(LOGGED_CHARS + 1)), "{shown}");
        assert!(
            shown.ends_with("(10000 characters, first 64 shown)"),
            "{shown}"
        );
        let exactly = "y".repeat(LOGGED_CHARS);
        assert_eq!(loggable(&exactly).to_string(), exactly);
        // Multi-byte characters count as characters, never split.
        let umlauts = "ä".repeat(100);
        assert!(loggable(&umlauts).to_string().starts_with(&"ä".repeat(64)));
    }
}
