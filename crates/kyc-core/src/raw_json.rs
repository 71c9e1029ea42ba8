//! [`RawJson`]: a provider's JSON payload, kept as the text it arrived as.

use bytes::Bytes;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// A provider's JSON payload, verbatim: the text as received (decrypted where it was
/// encrypted), parsed into a [`serde_json::Value`] only when somebody reads it as one.
///
/// An adapter reads a payload once, straight into its typed form, and keeps the text beside
/// the neutral [`Case`](crate::Case): no tree of the payload is built unless a caller asks for
/// it. The text is shared, so cloning is cheap, and the cases of a list answer each keep their
/// own part of the one answer body rather than a copy of it.
///
/// It dereferences to the parsed `Value`, so `case.raw["status"]`, `case.raw.get("caseId")` and
/// `case.raw.is_null()` read as they would on a `Value`; the first such read parses the text
/// (once: the tree is then kept with it). [`RawJson::as_str`] gives the text itself.
///
/// In JSON it is written as the payload itself, byte for byte. Two payloads are equal when
/// their text is, or else when they parse to the same `Value` (so whitespace and key order
/// do not count). `Debug` prints only the size: the payload is full of personal data.
#[derive(Clone)]
pub struct RawJson {
    /// One complete JSON value, UTF-8: set when the payload is made from text, or on the first
    /// read of a part still to be found ([`RawJson::part_found_later`]) or of a payload made from
    /// a `Value`.
    text: OnceLock<Bytes>,
    /// Where the text of a part will be found, until somebody reads it.
    to_find: Option<PartToFind>,
    /// The parsed tree, once somebody read it.
    parsed: OnceLock<Arc<Value>>,
}

/// How to find a part's text in its whole: `find(whole, index)` borrows it from the whole's
/// text (`None`: the part is absent, it reads as `null`).
#[derive(Clone)]
struct PartToFind {
    whole: Bytes,
    find: FindPart,
    index: usize,
}

/// A function that finds the `index`-th part of a kind in a payload's text, borrowing it.
pub type FindPart = for<'a> fn(&'a str, usize) -> Option<&'a str>;

impl RawJson {
    /// No payload: the JSON `null`.
    pub fn null() -> RawJson {
        RawJson::with_text(Bytes::from_static(b"null"))
    }

    fn with_text(text: Bytes) -> RawJson {
        RawJson {
            text: OnceLock::from(text),
            to_find: None,
            parsed: OnceLock::new(),
        }
    }

    /// A payload from JSON text, checked to be exactly one JSON value (surrounding white space
    /// allowed).
    pub fn from_text(text: impl Into<Bytes>) -> serde_json::Result<RawJson> {
        let text = text.into();
        serde_json::from_slice::<&RawValue>(&text)?;
        Ok(RawJson::already_read(text))
    }

    /// A payload from text that `serde_json` has just read completely, as one value (an
    /// adapter that parsed the body into its wire type): it is not checked again. Text that
    /// is not UTF-8 is kept with the invalid bytes replaced; should it not be JSON after all,
    /// reading it gives `null` and serializing it fails.
    #[doc(hidden)]
    pub fn already_read(text: Bytes) -> RawJson {
        let text = match std::str::from_utf8(&text) {
            Ok(_) => text,
            Err(_) => Bytes::from(String::from_utf8_lossy(&text).into_owned()),
        };
        RawJson::with_text(text)
    }

    /// The part `part` of this payload, sharing its text when `part` was borrowed from it (as
    /// a `&RawValue` read from [`RawJson::as_str`]), else a copy of `part`.
    pub fn part(&self, part: &RawValue) -> RawJson {
        RawJson::already_read(share(self.text(), part.get().as_bytes()))
    }

    /// A part of this payload that `find` finds (the `index`-th of its kind) when somebody first
    /// reads it, sharing this payload's text: for parts most callers never read (the JSON of
    /// each attempt of every case of a list), so that finding them costs nothing until then.
    /// `find` must borrow from the text it is given; a part it does not find reads as `null`.
    pub fn part_found_later(&self, find: FindPart, index: usize) -> RawJson {
        RawJson {
            text: OnceLock::new(),
            to_find: Some(PartToFind {
                whole: self.text().clone(),
                find,
                index,
            }),
            parsed: OnceLock::new(),
        }
    }

    /// The text, finding it first for a part still to be found.
    fn text(&self) -> &Bytes {
        self.text.get_or_init(|| match &self.to_find {
            Some(part) => std::str::from_utf8(&part.whole)
                .ok()
                .and_then(|whole| (part.find)(whole, part.index))
                .map_or_else(
                    || Bytes::from_static(b"null"),
                    |found| share(&part.whole, found.as_bytes()),
                ),
            // Made from a `Value`: its text is written when first asked for. A `Value` always
            // serializes (its map keys are strings).
            None => self.parsed.get().map_or_else(
                || Bytes::from_static(b"null"),
                |value| {
                    Bytes::from(serde_json::to_vec(&**value).unwrap_or_else(|_| b"null".to_vec()))
                },
            ),
        })
    }

    /// The JSON text.
    pub fn as_str(&self) -> &str {
        // Every constructor keeps UTF-8 only.
        std::str::from_utf8(self.text()).unwrap_or("null")
    }

    /// The JSON text as shared bytes (for an error that keeps the body, or storage).
    pub fn to_bytes(&self) -> Bytes {
        self.text().clone()
    }

    /// The payload as a `serde_json::Value`, parsed on the first call (and then kept). Text
    /// that does not parse reads as `Value::Null`.
    pub fn value(&self) -> &Value {
        self.parsed
            .get_or_init(|| Arc::new(serde_json::from_slice(self.text()).unwrap_or(Value::Null)))
    }

    /// The payload read into `T` (a typed view of a part the neutral model does not carry).
    pub fn read<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_slice(self.text())
    }

    /// True when there is no payload (the text is `null`); unlike `Value::is_null` through
    /// `Deref`, it does not parse the text.
    pub fn is_null(&self) -> bool {
        self.text().trim_ascii() == b"null"
    }
}

/// `part` as a slice of `whole` when it lies inside it, else a copy.
fn share(whole: &Bytes, part: &[u8]) -> Bytes {
    let start = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
    match start.checked_add(part.len()) {
        Some(end) if start <= whole.len() && end <= whole.len() => whole.slice(start..end),
        _ => Bytes::copy_from_slice(part),
    }
}

impl Default for RawJson {
    fn default() -> Self {
        RawJson::null()
    }
}

impl Deref for RawJson {
    type Target = Value;

    fn deref(&self) -> &Value {
        self.value()
    }
}

impl From<Value> for RawJson {
    /// Keeps the tree; the text is written from it only when somebody asks for it (a payload
    /// that already went through a `Value` is not serialized again just to be stored).
    fn from(value: Value) -> Self {
        RawJson {
            text: OnceLock::new(),
            to_find: None,
            parsed: OnceLock::from(Arc::new(value)),
        }
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.text().trim_ascii() == other.text().trim_ascii() || self.value() == other.value()
    }
}

impl PartialEq<Value> for RawJson {
    fn eq(&self, other: &Value) -> bool {
        self.value() == other
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_null() {
            f.write_str("None")
        } else {
            write!(f, "JSON of {} bytes, redacted", self.text().len())
        }
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw: &RawValue = serde_json::from_str(self.as_str().trim_ascii())
            .map_err(|_| serde::ser::Error::custom("the raw payload is not JSON"))?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)
            .map_err(|e| D::Error::custom(format_args!("raw payload: {e}")))?;
        Ok(RawJson::already_read(Bytes::from(
            Box::<str>::from(raw).into_boxed_bytes(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_text_is_kept_and_written_byte_for_byte() {
        let raw = RawJson::from_text(&b"{ \"b\": [1, 2],  \"a\": \"x\" }"[..]).unwrap();
        assert_eq!(raw.as_str(), "{ \"b\": [1, 2],  \"a\": \"x\" }");
        #[derive(Serialize, Deserialize)]
        struct Holder {
            raw: RawJson,
        }
        let text = serde_json::to_string(&Holder { raw: raw.clone() }).unwrap();
        assert_eq!(text, "{\"raw\":{ \"b\": [1, 2],  \"a\": \"x\" }}");
        let back: Holder = serde_json::from_str(&text).unwrap();
        assert_eq!(back.raw.as_str(), raw.as_str());
        let from_value: Holder = serde_json::from_value(json!({ "raw": { "a": 1 } })).unwrap();
        assert_eq!(from_value.raw, json!({ "a": 1 }));
    }

    #[test]
    fn it_reads_like_a_value_and_parses_once() {
        let raw = RawJson::from_text(r#"{"caseId":"ABC","n":[1]}"#).unwrap();
        assert_eq!(raw["caseId"], "ABC");
        assert!(std::ptr::eq(raw.value(), raw.value()), "parsed once");
        assert!(!raw.is_null());
        assert!(RawJson::null().is_null() && RawJson::default().is_null());
        let from_tree = RawJson::from(json!({"a": [1]}));
        assert_eq!(from_tree.as_str(), r#"{"a":[1]}"#, "written when asked for");
    }

    #[test]
    fn equal_by_text_or_by_meaning() {
        let a = RawJson::from_text(r#"{"a":1,"b":2}"#).unwrap();
        let b = RawJson::from_text("{ \"b\": 2, \"a\": 1 }").unwrap();
        let c = RawJson::from(json!({"a": 1, "b": 3}));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(c, json!({"a": 1, "b": 3}));
    }

    #[test]
    fn a_part_shares_the_text_it_was_read_from() {
        let whole = RawJson::from_text(r#"[{"caseId":"A"}, {"caseId":"B"}]"#).unwrap();
        let parts: Vec<&RawValue> = serde_json::from_str(whole.as_str()).unwrap();
        let second = whole.part(parts[1]);
        assert_eq!(second.as_str(), r#"{"caseId":"B"}"#);
        assert_eq!(
            second.as_str().as_ptr(),
            whole.as_str()[17..].as_ptr(),
            "no copy"
        );
        let elsewhere = RawValue::from_string("{\"x\":1}".into()).unwrap();
        assert_eq!(whole.part(&elsewhere).as_str(), "{\"x\":1}");
    }

    #[test]
    fn a_part_found_later_is_found_on_the_first_read_and_shares_the_text() {
        fn second_entry(text: &str, index: usize) -> Option<&str> {
            let list: Vec<&RawValue> = serde_json::from_str(text).ok()?;
            list.get(index).map(|e| e.get())
        }
        let whole = RawJson::from_text(r#"[{"a":1}, {"b":2}]"#).unwrap();
        let found = whole.part_found_later(second_entry, 1);
        let copy = found.clone();
        assert_eq!(found.as_str(), r#"{"b":2}"#);
        assert_eq!(
            found.as_str().as_ptr(),
            whole.as_str()[10..].as_ptr(),
            "no copy"
        );
        assert_eq!(
            copy,
            json!({"b": 2}),
            "a clone made before the read finds it too"
        );
        let absent = whole.part_found_later(second_entry, 5);
        assert!(absent.is_null());
        #[derive(Serialize)]
        struct Holder {
            raw: RawJson,
        }
        let text = serde_json::to_string(&Holder { raw: found }).unwrap();
        assert_eq!(text, r#"{"raw":{"b":2}}"#);
    }

    #[test]
    fn text_that_is_not_one_json_value_is_refused() {
        assert!(RawJson::from_text("{\"a\":").is_err());
        assert!(RawJson::from_text("1 2").is_err());
        assert!(RawJson::from_text(" [1] ").is_ok());
    }

    #[test]
    fn debug_shows_the_size_only() {
        let raw = RawJson::from_text(r#"{"firstname":"Erika"}"#).unwrap();
        let shown = format!("{raw:?}");
        assert_eq!(shown, "JSON of 21 bytes, redacted");
        assert_eq!(format!("{:?}", RawJson::null()), "None");
    }
}
