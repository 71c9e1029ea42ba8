//! Lenient deserialisers for providers' loosely typed JSON, for `#[serde(deserialize_with =
//! "...")]` on wire structs.
//!
//! Providers send `"true"` where `true` is meant, numbers where strings are documented, and
//! `null`, `""` or `[]` where an object is omitted. These accept all of that, read straight from
//! the deserializer (no intermediate `serde_json::Value`), and turn what they cannot read into
//! `None` with a `tracing` warning that names the kind of value, never the value: one unreadable
//! flag is not a reason to lose a whole case.
//!
//! [`strict_string`] and [`strict_object`] read the same forms but refuse a value of the wrong
//! *shape* (an object where text is documented, text where an object is) with an error that
//! names the kinds, never the value: for an adapter that would rather refuse a payload that
//! broken than deliver a case with silently missing parts (POSTIDENT).

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{
    self, Deserialize, DeserializeOwned, Deserializer, IgnoredAny, IntoDeserializer, Visitor,
};
use std::fmt;
use std::marker::PhantomData;

/// A JSON scalar in whichever form it came, or a note that it was structured.
enum Scalar {
    Absent,
    Text(String),
    Bool(bool),
    Int(i128),
    Float(f64),
    Structured(&'static str),
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON scalar")
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Absent)
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Absent)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Structured("an array"))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Structured("an object"))
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
    d.deserialize_any(ScalarVisitor)
}

fn ignored(kind: &str, expected: &str) {
    tracing::warn!(
        found = kind,
        expected,
        "the provider sent a value of another kind than documented; ignored"
    );
}

/// A scalar as its JSON text, or the kind of structured value it was.
fn scalar_text(value: Scalar) -> Result<Option<String>, &'static str> {
    Ok(match value {
        Scalar::Absent => None,
        Scalar::Text(s) => Some(s),
        Scalar::Bool(b) => Some(b.to_string()),
        Scalar::Int(n) => Some(n.to_string()),
        // As JSON writes it (`1.0`, `1e300`), not as `f64` displays it (`1`, 301 digits).
        Scalar::Float(n) => Some(
            serde_json::Number::from_f64(n)
                .map(|n| n.to_string())
                .unwrap_or_else(|| n.to_string()),
        ),
        Scalar::Structured(kind) => return Err(kind),
    })
}

/// Any JSON scalar as text: `"x"` → `x`, `12` → `12`, `true` → `true`; `null` → `None`;
/// arrays and objects → `None` with a warning.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(scalar_text(scalar(d)?).unwrap_or_else(|kind| {
        ignored(kind, "text");
        None
    }))
}

/// A value documented as an object that providers sometimes send flat: the object read as `T`,
/// or a scalar as its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectOrText<T> {
    /// An object, read as `T`.
    Object(T),
    /// A scalar as [`opt_string`] reads it (`null` and arrays as `None`, an array with its
    /// warning).
    Text(Option<String>),
}

/// Reads [`ObjectOrText`] straight from the deserializer (no `serde_json::Value` in between).
pub fn object_or_text<'de, D, T>(d: D) -> Result<ObjectOrText<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct ObjectOrTextVisitor<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOrTextVisitor<T> {
        type Value = ObjectOrText<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object or a scalar")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map)).map(ObjectOrText::Object)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(ObjectOrText::Text(None))
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(ObjectOrText::Text(None))
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            self.text(ScalarVisitor.visit_seq(seq)?)
        }
        fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
            self.text(Scalar::Bool(v))
        }
        fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
            self.text(Scalar::Int(v.into()))
        }
        fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
            self.text(Scalar::Int(v.into()))
        }
        fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
            self.text(Scalar::Float(v))
        }
        fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
            self.text(Scalar::Text(v.to_owned()))
        }
        fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
            self.text(Scalar::Text(v))
        }
    }
    impl<T> ObjectOrTextVisitor<T> {
        fn text<E>(self, value: Scalar) -> Result<ObjectOrText<T>, E> {
            Ok(ObjectOrText::Text(scalar_text(value).unwrap_or_else(
                |kind| {
                    ignored(kind, "text");
                    None
                },
            )))
        }
    }
    d.deserialize_any(ObjectOrTextVisitor(PhantomData))
}

/// Like [`opt_string`], but an array or object is an error ("expected a string, found an
/// object"), not a warning.
pub fn strict_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    scalar_text(scalar(d)?)
        .map_err(|kind| de::Error::custom(format!("expected a string, found {kind}")))
}

/// Like [`opt_string`], but an empty or blank string is `None` too (for ids and code words).
pub fn opt_nonblank<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(opt_string(d)?.filter(|s| !s.trim().is_empty()))
}

/// A code word (for a type made by `provider_enum!`, or anything `From<String>`), with `null`
/// and `""` as absent.
pub fn opt_word<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    Ok(opt_nonblank(d)?.map(T::from))
}

/// A boolean written as `true`, `"true"` (any case), `"yes"`, `1` or `"1"`, and the false
/// forms. `null` and `""` are `None`; anything else is `None` with a warning.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match scalar(d)? {
        Scalar::Absent => None,
        Scalar::Bool(b) => Some(b),
        Scalar::Int(1) => Some(true),
        Scalar::Int(0) => Some(false),
        Scalar::Text(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Some(true),
            "false" | "0" | "no" => Some(false),
            "" => None,
            _ => {
                ignored("a string", "a boolean");
                None
            }
        },
        Scalar::Int(_) | Scalar::Float(_) => {
            ignored("a number", "a boolean");
            None
        }
        Scalar::Structured(kind) => {
            ignored(kind, "a boolean");
            None
        }
    })
}

/// A whole number written as `2` or `"2"`; anything else is `None` (with a warning unless it
/// was `null` or `""`).
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match scalar(d)? {
        Scalar::Absent => None,
        Scalar::Int(n) => whole(n),
        Scalar::Text(s) if s.trim().is_empty() => None,
        Scalar::Text(s) => match s.trim().parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                ignored("a string", "a whole number");
                None
            }
        },
        Scalar::Bool(_) => {
            ignored("a boolean", "a whole number");
            None
        }
        Scalar::Float(_) => {
            ignored("a fraction", "a whole number");
            None
        }
        Scalar::Structured(kind) => {
            ignored(kind, "a whole number");
            None
        }
    })
}

fn whole(n: i128) -> Option<i64> {
    let fitted = i64::try_from(n).ok();
    if fitted.is_none() {
        ignored("a number out of range", "a whole number");
    }
    fitted
}

/// A non-negative count written as `2` or `"2"`; see [`opt_i64`].
pub fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(opt_i64(d)?.and_then(|n| match u32::try_from(n) {
        Ok(n) => Some(n),
        Err(_) => {
            ignored("a number out of range", "a count");
            None
        }
    }))
}

/// A list that may be missing or `null` (both are an empty list).
pub fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// An optional object that a provider may also send as `null`, `""` or `[]` when empty: those
/// are `None`. A non-empty string, a number or a non-empty array where an object is documented
/// is `None` with a warning. The object itself is read as `T` (errors inside it are errors).
pub fn opt_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    d.deserialize_any(ObjectVisitor(Shape::Warn, PhantomData))
}

/// Like [`opt_object`], but a non-empty string, a number, a boolean or a non-empty array where
/// an object is documented is an error ("expected an object, found a string"), not a warning.
pub fn strict_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    d.deserialize_any(ObjectVisitor(Shape::Refuse, PhantomData))
}

/// What a reader does with a value of the wrong shape.
#[derive(Clone, Copy)]
enum Shape {
    /// Reads it as absent, with a warning.
    Warn,
    /// Fails with an error naming the kinds.
    Refuse,
}

impl Shape {
    fn wrong<T, E: de::Error>(self, found: &str, expected: &str) -> Result<Option<T>, E> {
        match self {
            Shape::Warn => {
                ignored(found, expected);
                Ok(None)
            }
            Shape::Refuse => Err(E::custom(format!("expected {expected}, found {found}"))),
        }
    }
}

struct ObjectVisitor<T>(Shape, PhantomData<T>);

impl<'de, T: DeserializeOwned> Visitor<'de> for ObjectVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_unit<E>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Option<T>, A::Error> {
        let mut empty = true;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            empty = false;
        }
        if empty {
            return Ok(None);
        }
        self.0.wrong("an array", "an object")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<T>, E> {
        if v.trim().is_empty() {
            return Ok(None);
        }
        self.0.wrong("a string", "an object")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<T>, E> {
        self.0.wrong("a boolean", "an object")
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<T>, E> {
        self.0.wrong("a number", "an object")
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<T>, E> {
        self.0.wrong("a number", "an object")
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<T>, E> {
        self.0.wrong("a number", "an object")
    }
}

/// A list that may arrive as `null` (`None`), a single entry (a list of one) or an array. An
/// entry that does not read as `T` is an error.
pub fn opt_one_or_many<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    d.deserialize_any(OneOrManyVisitor(PhantomData))
}

/// Reads [`opt_one_or_many`] straight from the deserializer: an array as a list, anything else
/// but `null` as one entry, handed to `T` as it came (no `serde_json::Value` in between).
struct OneOrManyVisitor<T>(PhantomData<T>);

impl<T> OneOrManyVisitor<T> {
    fn one<'de, E: de::Error>(
        self,
        from: impl Deserializer<'de, Error = E>,
    ) -> Result<Option<Vec<T>>, E>
    where
        T: Deserialize<'de>,
    {
        T::deserialize(from).map(|one| Some(vec![one]))
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for OneOrManyVisitor<T> {
    type Value = Option<Vec<T>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list or a single entry")
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Vec::<T>::deserialize(SeqAccessDeserializer::new(seq)).map(Some)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.one(MapAccessDeserializer::new(map))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.one(v.into_deserializer())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.one(v.into_deserializer())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.one(v.into_deserializer())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.one(v.into_deserializer())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.one(v.into_deserializer())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.one(v.into_deserializer())
    }
}

/// Like [`opt_one_or_many`], with `null` as an empty list.
pub fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(opt_one_or_many(d)?.unwrap_or_default())
}

/// A list whose entries may each be unreadable: `null` and `[]` are empty; an entry that does
/// not read as `T` is left out with a warning instead of failing the whole payload.
pub fn lenient_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    struct Entry<T>(Option<T>);
    impl<'de, T: DeserializeOwned> Deserialize<'de> for Entry<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            // Buffer the entry so that a bad one can be skipped without losing the position.
            let value = serde_json::Value::deserialize(d)?;
            Ok(Entry(match T::deserialize(value) {
                Ok(v) => Some(v),
                Err(_) => {
                    ignored("an unreadable list entry", "a documented entry");
                    None
                }
            }))
        }
    }
    struct ListVisitor<T>(PhantomData<T>);
    impl<'de, T: DeserializeOwned> Visitor<'de> for ListVisitor<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list")
        }
        fn visit_unit<E>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
            let entries = Vec::<Entry<T>>::deserialize(SeqAccessDeserializer::new(seq))?;
            Ok(entries.into_iter().filter_map(|e| e.0).collect())
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            ignored("an object", "a list");
            Ok(Vec::new())
        }
        fn visit_str<E>(self, v: &str) -> Result<Vec<T>, E> {
            if !v.trim().is_empty() {
                ignored("a string", "a list");
            }
            Ok(Vec::new())
        }
    }
    d.deserialize_any(ListVisitor(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[test]
    fn an_object_or_a_scalar_reads_the_same_from_bytes_and_from_a_value() {
        #[derive(Deserialize, Debug, PartialEq)]
        struct Holder {
            #[serde(deserialize_with = "object_or_text")]
            x: ObjectOrText<Inner>,
        }
        let cases = [
            (
                r#"{"x": {"name": 7, "other": [1]}}"#,
                ObjectOrText::Object(Inner {
                    name: Some("7".into()),
                }),
            ),
            (
                r#"{"x": "plain"}"#,
                ObjectOrText::Text(Some("plain".into())),
            ),
            (r#"{"x": 1.5}"#, ObjectOrText::Text(Some("1.5".into()))),
            (r#"{"x": true}"#, ObjectOrText::Text(Some("true".into()))),
            (r#"{"x": null}"#, ObjectOrText::Text(None)),
            (r#"{"x": [1, {"a": 2}]}"#, ObjectOrText::Text(None)),
        ];
        for (json, expected) in cases {
            let from_bytes: Holder = serde_json::from_str(json).unwrap();
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            let from_value = Holder::deserialize(&value).unwrap();
            assert_eq!(from_bytes.x, expected, "{json}");
            assert_eq!(from_value.x, expected, "{json}");
        }
    }

    #[derive(Deserialize, Debug, PartialEq, Default)]
    struct Inner {
        #[serde(default, deserialize_with = "opt_string")]
        name: Option<String>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Wire {
        #[serde(default, deserialize_with = "opt_string")]
        text: Option<String>,
        #[serde(default, deserialize_with = "opt_bool")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "opt_u32")]
        count: Option<u32>,
        #[serde(default, deserialize_with = "opt_object")]
        inner: Option<Inner>,
        #[serde(default, deserialize_with = "vec_or_null")]
        list: Vec<u32>,
        #[serde(default, deserialize_with = "opt_nonblank")]
        id: Option<String>,
    }

    fn read(json: &str) -> Wire {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn scalars_in_any_form() {
        let w = read(r#"{"text": 12, "flag": "TRUE", "count": "7", "id": "  "}"#);
        assert_eq!(w.text.as_deref(), Some("12"));
        assert_eq!(w.flag, Some(true));
        assert_eq!(w.count, Some(7));
        assert_eq!(w.id, None);
        let w = read(r#"{"text": true, "flag": 0, "count": 3}"#);
        assert_eq!(w.text.as_deref(), Some("true"));
        assert_eq!(w.flag, Some(false));
        assert_eq!(w.count, Some(3));
    }

    #[test]
    fn what_cannot_be_read_is_absent_not_an_error() {
        let w = read(
            r#"{"text": {"a": [1, 2]}, "flag": "maybe", "count": -1, "inner": "oops", "list": null}"#,
        );
        assert_eq!(w.text, None);
        assert_eq!(w.flag, None);
        assert_eq!(w.count, None);
        assert_eq!(w.inner, None);
        assert!(w.list.is_empty());
    }

    #[test]
    fn empty_objects_in_disguise_are_absent_and_real_ones_are_read() {
        for empty in [r#""""#, "[]", "null"] {
            let w = read(&format!(r#"{{"inner": {empty}}}"#));
            assert_eq!(w.inner, None, "{empty}");
        }
        let w = read(r#"{"inner": {"name": 5, "extra": [1]}}"#);
        assert_eq!(w.inner.unwrap().name.as_deref(), Some("5"));
    }

    #[test]
    fn the_strict_readers_refuse_a_wrong_shape_and_name_only_the_kinds() {
        #[derive(Deserialize, Debug)]
        struct S {
            #[serde(default, deserialize_with = "strict_string")]
            text: Option<String>,
            #[serde(default, deserialize_with = "strict_object")]
            inner: Option<Inner>,
        }
        let read = |json: &str| serde_json::from_str::<S>(json);
        let s = read(r#"{"text": 1.0, "inner": ""}"#).unwrap();
        assert_eq!(s.text.as_deref(), Some("1.0"));
        assert!(s.inner.is_none());
        assert!(read(r#"{"inner": []}"#).unwrap().inner.is_none());
        let e = read(r#"{"text": {"secret": "Erika"}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected a string, found an object"), "{e}");
        let e = read(r#"{"inner": "Erika"}"#).unwrap_err().to_string();
        assert!(e.contains("expected an object, found a string"), "{e}");
        assert!(!e.contains("Erika"), "{e}");
        assert!(read(r#"{"inner": [1]}"#).is_err());
    }

    #[test]
    fn one_entry_or_many() {
        #[derive(Deserialize)]
        struct L {
            #[serde(default, deserialize_with = "opt_one_or_many")]
            items: Option<Vec<u32>>,
        }
        let read = |json: &str| serde_json::from_str::<L>(json).map(|l| l.items);
        assert_eq!(read(r#"{"items": 7}"#).unwrap(), Some(vec![7]));
        assert_eq!(read(r#"{"items": [1, 2]}"#).unwrap(), Some(vec![1, 2]));
        assert_eq!(read(r#"{"items": null}"#).unwrap(), None);
        assert_eq!(read("{}").unwrap(), None);
        assert!(read(r#"{"items": [1, "x"]}"#).is_err());
        assert!(read(r#"{"items": "x"}"#).is_err());

        #[derive(Deserialize)]
        struct Objects {
            #[serde(default, deserialize_with = "one_or_many")]
            items: Vec<Inner>,
        }
        let read = |json: &str| serde_json::from_str::<Objects>(json).map(|o| o.items);
        let one = read(r#"{"items": {"name": 1}}"#).unwrap();
        assert_eq!(
            one,
            vec![Inner {
                name: Some("1".into())
            }]
        );
        assert_eq!(read(r#"{"items": [{}, {"name": "b"}]}"#).unwrap().len(), 2);
        assert!(read(r#"{"items": null}"#).unwrap().is_empty());
        assert!(read(r#"{"items": "b"}"#).is_err());
        // The same from a borrowed `Value` (how the adapters read a kept payload).
        let value: serde_json::Value = serde_json::from_str(r#"{"items": {"name": 1}}"#).unwrap();
        assert_eq!(Objects::deserialize(&value).unwrap().items, one);
    }

    #[test]
    fn a_list_keeps_its_readable_entries() {
        #[derive(Deserialize)]
        struct L {
            #[serde(deserialize_with = "lenient_vec")]
            items: Vec<Inner>,
        }
        let l: L = serde_json::from_str(r#"{"items": [{"name": "a"}, 7, {"name": "b"}]}"#).unwrap();
        assert_eq!(l.items.len(), 2);
        let l: L = serde_json::from_str(r#"{"items": null}"#).unwrap();
        assert!(l.items.is_empty());
    }
}
