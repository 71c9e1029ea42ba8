//! Helpers for `Debug` implementations that must not print personal data.

use std::fmt;

/// Prints `[redacted]` for a present value and `None` for an absent one, so `Debug` output still
/// shows *which* fields are filled without showing their content.
pub struct Presence(pub bool);

impl fmt::Debug for Presence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 { "[redacted]" } else { "None" })
    }
}

/// `Presence` of an `Option`.
pub fn presence<T>(value: &Option<T>) -> Presence {
    Presence(value.is_some())
}

/// How many characters of a provider's word a log line shows at most ([`LoggedWord`]).
pub const LOGGED_WORD_MAX_CHARS: usize = 64;

/// A word a provider sent (an unknown status, reason or code word) made safe for one log line:
/// control characters are escaped (`\n`, `\u{1b}`), so the word cannot forge log lines or
/// carry terminal escape sequences, and a word longer than [`LOGGED_WORD_MAX_CHARS`] is cut,
/// with its full length noted, so a huge word cannot flood the log. For code words only, never
/// for personal data.
///
/// ```
/// use kyc_core::redact::LoggedWord;
/// assert_eq!(LoggedWord("NEW_WORD").to_string(), "NEW_WORD");
/// assert_eq!(LoggedWord("A\nB").to_string(), "A\\nB");
/// let long = "X".repeat(100);
/// assert_eq!(LoggedWord(&long).to_string(), format!("{}… (100 characters)", "X".repeat(64)));
/// ```
pub struct LoggedWord<'a>(pub &'a str);

impl fmt::Display for LoggedWord<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        for c in self.0.chars().take(LOGGED_WORD_MAX_CHARS) {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        let total = self.0.chars().count();
        if total > LOGGED_WORD_MAX_CHARS {
            write!(f, "… ({total} characters)")?;
        }
        Ok(())
    }
}

impl fmt::Debug for LoggedWord<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}
