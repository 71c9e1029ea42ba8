//! Text from outside (ids from webhook bodies, the provider's words, case fields, error messages)
//! made safe to print: control characters are escaped, so a transaction number with a newline
//! cannot forge a line and an ANSI sequence cannot move the cursor or recolour the terminal; long
//! words are cut.

pub use kyc::wire::escape;

/// How many characters of one provider word (a status, a code, a message) are printed.
pub const MAX_WORD: usize = 200;

/// A word from the provider, escaped and cut to [`MAX_WORD`] characters.
pub fn word(text: &str) -> String {
    kyc::wire::printable(text, MAX_WORD).to_string()
}

/// Prints one line on stdout with every control character escaped.
pub fn line(text: impl AsRef<str>) {
    println!("{}", escape(text.as_ref()));
}
