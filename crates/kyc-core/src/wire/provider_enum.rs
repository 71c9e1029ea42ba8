//! One macro for a provider's closed list of code words, with an opaque unknown value.

use super::printable::printable;
use std::fmt;

/// A code word the provider sent that this library does not know, kept verbatim.
///
/// Opaque on purpose (as in smithy-rs): code can read it with [`UnknownWord::as_str`] but cannot
/// match on it, so nothing in this library can quietly depend on an undocumented word. A word
/// that becomes documented gets its own variant instead.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownWord(String);

impl UnknownWord {
    /// The word exactly as the provider sent it (after trimming surrounding white space).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Wraps a word and logs it once as unknown (used by `provider_enum!`; not for matching).
    #[doc(hidden)]
    pub fn noted(list: &'static str, provider: &'static str, word: &str) -> Self {
        tracing::warn!(
            provider,
            code_list = list,
            word = %printable(word, super::printable::DEFAULT_MAX_CHARS),
            "the provider sent a word this library does not know; kept as unknown"
        );
        UnknownWord(word.to_owned())
    }
}

impl fmt::Debug for UnknownWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?}",
            printable(&self.0, super::printable::DEFAULT_MAX_CHARS)
        )
    }
}

impl fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Declares a provider's closed list of code words as an enum: one variant per documented word,
/// and `Unknown(UnknownWord)` for anything else (kept verbatim, logged once, truncated and
/// escaped, as a warning).
///
/// Generated: `DOCUMENTED` (every documented variant, in order), `parse` (exact match first,
/// then case-insensitive, white space trimmed), `as_str` (the provider's spelling),
/// `is_unknown`, `From<&str>`, `From<String>`, `Display`, and serde `Serialize` (the word) /
/// `Deserialize` (lenient: numbers and booleans are read as their text, `null` as an empty
/// unknown word).
///
/// ```
/// kyc_core::provider_enum! {
///     /// The channel an IDnow user identified through (`identificationprocess.type`).
///     pub enum Channel for "idnow" {
///         /// The web app.
///         Web => "WEB",
///         /// The mobile app.
///         App => "APP",
///     }
/// }
/// assert_eq!(Channel::parse("app"), Channel::App);
/// assert_eq!(Channel::parse("KIOSK").as_str(), "KIOSK");
/// assert!(Channel::parse("KIOSK").is_unknown());
/// assert_eq!(Channel::DOCUMENTED, &[Channel::Web, Channel::App]);
/// ```
#[macro_export]
macro_rules! provider_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident for $provider:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $word:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A word this library does not know yet, kept verbatim.
            Unknown($crate::wire::UnknownWord),
        }

        impl $name {
            /// Every documented value, in the document's order.
            pub const DOCUMENTED: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// Reads a provider word: exact, then case-insensitive, white space trimmed. An
            /// unknown word is kept in `Unknown` and logged as a warning.
            pub fn parse(word: &str) -> Self {
                let trimmed = word.trim();
                $( if trimmed == $word { return $name::$variant; } )+
                $( if trimmed.eq_ignore_ascii_case($word) { return $name::$variant; } )+
                $name::Unknown($crate::wire::UnknownWord::noted(
                    stringify!($name),
                    $provider,
                    trimmed,
                ))
            }

            /// The provider's word for this value (the raw word for `Unknown`).
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $word, )+
                    $name::Unknown(word) => word.as_str(),
                }
            }

            /// True for a word this library does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(word: &str) -> Self {
                $name::parse(word)
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(word: ::std::string::String) -> Self {
                $name::parse(&word)
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let word = $crate::wire::lenient::opt_string(d)?.unwrap_or_default();
                Ok($name::parse(&word))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::provider_enum! {
        /// A test list.
        pub enum Colour for "test" {
            /// Red.
            Red => "RED",
            /// Dark blue.
            DarkBlue => "dark blue",
        }
    }

    #[test]
    fn documented_words_unknown_words_and_serde() {
        assert_eq!(Colour::DOCUMENTED, &[Colour::Red, Colour::DarkBlue]);
        assert_eq!(Colour::parse(" red "), Colour::Red);
        assert_eq!(Colour::parse("DARK BLUE"), Colour::DarkBlue);
        let unknown = Colour::parse("GREEN\n");
        assert!(unknown.is_unknown());
        assert_eq!(unknown.as_str(), "GREEN");
        let read: Vec<Colour> = serde_json::from_str(r#"["RED", 7, null]"#).unwrap();
        assert_eq!(read[0], Colour::Red);
        assert_eq!(read[1].as_str(), "7");
        assert_eq!(read[2].as_str(), "");
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).unwrap(),
            r#""dark blue""#
        );
    }

    #[test]
    fn debug_of_an_unknown_word_is_escaped_and_cut() {
        let long = format!("{}\u{1b}[2J", "W".repeat(100));
        let shown = format!("{:?}", Colour::parse(&long));
        assert!(!shown.contains('\u{1b}'), "{shown}");
        assert!(shown.contains("characters)"), "{shown}");
    }
}
