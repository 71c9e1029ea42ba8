//! Diagnostics on stderr (`--log` / `KYC_LOG`): colours only when stderr is a terminal (and
//! `NO_COLOR` is not set), control characters from outside input escaped, each record cut to a
//! readable length.

use std::io::{IsTerminal, Write};

/// Longest log record printed, in bytes; the rest is replaced by a note of how much was cut.
const MAX_RECORD: usize = 4096;

/// Installs the log subscriber; an invalid filter falls back to `warn` with a note.
pub fn init(filter: &str) {
    let env_filter = match tracing_subscriber::EnvFilter::try_new(filter) {
        Ok(f) => f,
        Err(e) => {
            eprintln!(
                "warning: --log {:?} is not a log filter ({e}); using \"warn\"",
                crate::printable::escape(filter)
            );
            tracing_subscriber::EnvFilter::new("warn")
        }
    };
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(env_filter)
        .with_ansi(colour)
        .with_writer(move || EscapingStderr { colour })
        .try_init();
}

/// Writes each formatted record (one `write` per record) to stderr with control characters
/// escaped, except the record's final newline and, when colours are on, colour sequences.
struct EscapingStderr {
    colour: bool,
}

impl Write for EscapingStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let (body, newline) = match text.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (&*text, ""),
        };
        let mut out = escape_record(body, self.colour);
        if out.len() > MAX_RECORD {
            let mut cut = MAX_RECORD;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            let more = out.len() - cut;
            out.truncate(cut);
            out.push_str(&format!("… ({more} more bytes)"));
        }
        std::io::stderr().write_all(format!("{out}{newline}").as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// Escapes control characters; with `colour`, keeps SGR sequences (`ESC [ digits ; m`), which
/// only colour text.
fn escape_record(text: &str, colour: bool) -> String {
    if !colour {
        return crate::printable::escape(text).into_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('\u{1b}') {
        out.push_str(&crate::printable::escape(&rest[..pos]));
        let seq = &rest[pos..];
        let sgr_len = seq.strip_prefix("\u{1b}[").and_then(|s| {
            let digits = s
                .find(|c: char| !(c.is_ascii_digit() || c == ';'))
                .unwrap_or(s.len());
            s[digits..].starts_with('m').then_some(2 + digits + 1)
        });
        match sgr_len {
            Some(n) => {
                out.push_str(&seq[..n]);
                rest = &seq[n..];
            }
            None => {
                out.push_str("\\x1b");
                rest = &seq[1..];
            }
        }
    }
    out.push_str(&crate::printable::escape(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::escape_record;

    #[test]
    fn colours_survive_only_when_on_and_other_controls_never() {
        let record = "\u{1b}[33mWARN\u{1b}[0m word=a\nb\u{1b}[2J";
        assert_eq!(
            escape_record(record, true),
            "\u{1b}[33mWARN\u{1b}[0m word=a\\nb\\x1b[2J"
        );
        assert_eq!(
            escape_record(record, false),
            "\\x1b[33mWARN\\x1b[0m word=a\\nb\\x1b[2J"
        );
    }
}
