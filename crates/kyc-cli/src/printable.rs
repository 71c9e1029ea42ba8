//! Text from outside (ids from webhook bodies, the provider's words, case fields, error messages)
//! made safe to print: control characters are escaped, so a transaction number with a newline
//! cannot forge a line and an ANSI sequence cannot move the cursor or recolour the terminal; long
//! words are cut.

use std::borrow::Cow;
use std::fmt::Write as _;

/// How many characters of one provider word (a status, a code, a message) are printed.
pub const MAX_WORD: usize = 200;

/// True for characters that must not reach a terminal as they are: C0 and C1 controls, DEL, and
/// the bidirectional overrides that can make a line read differently from what it contains.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character written as an escape (`\n`, `\r`, `\t`, `\x1b`,
/// `\u{9b}`); unchanged (and not copied) when there is none.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) && (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// At most `max` characters of `text`, with how much was left out.
pub fn clip(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((cut, _)) => {
            let rest = text[cut..].chars().count();
            Cow::Owned(format!("{}… ({rest} more characters)", &text[..cut]))
        }
    }
}

/// A word from the provider, escaped and cut to [`MAX_WORD`] characters.
pub fn word(text: &str) -> String {
    escape(&clip(text, MAX_WORD)).into_owned()
}

/// Prints one line on stdout with every control character escaped.
pub fn line(text: impl AsRef<str>) {
    println!("{}", escape(text.as_ref()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_plain_text_is_untouched() {
        assert!(matches!(escape("idnow:TST-ABCDE"), Cow::Borrowed(_)));
        assert_eq!(
            escape("a\nb\r\tc\u{1b}[31m\u{7f}\u{9b}\u{202e}ü"),
            "a\\nb\\r\\tc\\x1b[31m\\x7f\\u{9b}\\u{202e}ü"
        );
    }

    #[test]
    fn long_words_are_cut_on_character_boundaries() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("äöüäöü", 3), "äöü… (3 more characters)");
        assert!(word(&"x".repeat(10_000)).len() < 300);
    }
}
