//! The XML result file (`GET /identifications/{txn}.xml`, and `*.xml` inside the result ZIP)
//! read into the same [`wire::Ident`](crate::wire::Ident) types as the JSON result.
//!
//! The XML carries field checks as attributes (`<lastname status="CHANGE" original="X">Y</..>`);
//! each element becomes the JSON shape IDnow uses (`{"status", "original", "value"}`), lists
//! (`identifications`, `additionaldocuments`, `driverlicenses`) become arrays, and the result is
//! deserialised with the same lenient rules. Plain, NFC, proof-of-address and QES results parse.

use crate::wire::{Ident, IdentList};
use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Why an XML result could not be read. Never contains document content.
#[derive(Debug, thiserror::Error)]
pub enum XmlError {
    /// The bytes are not well-formed XML.
    #[error("the XML result is not well-formed at byte {position}: {reason}")]
    Malformed {
        /// Byte offset of the problem.
        position: u64,
        /// What the parser said.
        reason: String,
    },
    /// The document has no `<identification>` element.
    #[error("the XML result holds no <identification> element")]
    NoIdentification,
    /// The structure does not fit the result types.
    #[error("the XML result does not have the documented structure: {0}")]
    Structure(String),
}

/// A parsed element: attributes, children in order, and text (personal data: no `Debug`).
#[derive(Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

/// Elements whose children form a list, whatever their count.
const LIST_ELEMENTS: &[&str] = &["identifications", "additionaldocuments", "driverlicenses"];

/// The error for XML the reader cannot go on with, at its current position.
fn malformed(reader: &Reader<&[u8]>, reason: String) -> XmlError {
    XmlError::Malformed {
        position: reader.buffer_position(),
        reason: without_quoted_text(&reason),
    }
}

/// Appends character data (decoded, or why it could not be) to the innermost open element.
fn append_text(
    stack: &mut [Element],
    reader: &Reader<&[u8]>,
    text: Result<impl AsRef<str>, impl ToString>,
) -> Result<(), XmlError> {
    let text = text.map_err(|e| malformed(reader, e.to_string()))?;
    if let Some(current) = stack.last_mut() {
        current.text.push_str(text.as_ref());
    }
    Ok(())
}

/// The text a character or entity reference stands for (`&#233;`, `&amp;`).
fn resolve_reference(reference: &BytesRef<'_>) -> Result<String, String> {
    if let Some(ch) = reference.resolve_char_ref().map_err(|e| e.to_string())? {
        return Ok(ch.to_string());
    }
    let name = reference.decode().map_err(|e| e.to_string())?;
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_string)
        .ok_or_else(|| format!("unknown entity &{name};"))
}

fn parse_tree(xml: &[u8]) -> Result<Element, XmlError> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader
            .read_event()
            .map_err(|e| malformed(&reader, e.to_string()))?;
        match event {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                let mut attributes = Vec::new();
                for attr in start.attributes().with_checks(false) {
                    let attr = attr.map_err(|e| malformed(&reader, e.to_string()))?;
                    let key = String::from_utf8_lossy(attr.key.local_name().as_ref()).into_owned();
                    let value = attr
                        .unescape_value()
                        .map_err(|e| malformed(&reader, e.to_string()))?
                        .into_owned();
                    attributes.push((key, value));
                }
                stack.push(Element {
                    name,
                    attributes,
                    ..Element::default()
                });
            }
            Event::End(_) => {
                let done = stack
                    .pop()
                    .ok_or_else(|| malformed(&reader, "unbalanced end tag".into()))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Err(malformed(&reader, "unbalanced end tag".into())),
                }
            }
            Event::Text(text) => append_text(&mut stack, &reader, text.xml_content())?,
            Event::CData(data) => append_text(&mut stack, &reader, data.decode())?,
            Event::GeneralRef(reference) => {
                append_text(&mut stack, &reader, resolve_reference(&reference))?
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(XmlError::Malformed {
            position: reader.buffer_position(),
            reason: "unclosed element".into(),
        });
    }
    stack.pop().ok_or(XmlError::NoIdentification)
}

fn to_json(element: &Element) -> Value {
    let text = element.text.trim();
    if LIST_ELEMENTS.contains(&element.name.as_str()) {
        return Value::Array(element.children.iter().map(to_json).collect());
    }
    if !element.children.is_empty() {
        let mut map = Map::new();
        for child in &element.children {
            map.insert(child.name.clone(), to_json(child));
        }
        return Value::Object(map);
    }
    if !element.attributes.is_empty() {
        let mut map = Map::new();
        for (k, v) in &element.attributes {
            map.insert(k.clone(), Value::String(v.clone()));
        }
        if !text.is_empty() {
            map.insert("value".into(), Value::String(text.to_string()));
        }
        return Value::Object(map);
    }
    if text.is_empty() {
        Value::Null
    } else {
        Value::String(text.to_string())
    }
}

fn find<'a>(element: &'a Element, name: &str) -> Option<&'a Element> {
    if element.name == name {
        return Some(element);
    }
    element.children.iter().find_map(|c| find(c, name))
}

fn collect<'a>(element: &'a Element, name: &str, out: &mut Vec<&'a Element>) {
    if element.name == name {
        out.push(element);
        return;
    }
    for c in &element.children {
        collect(c, name, out);
    }
}

/// Parser messages quote the offending text (`invalid type: string "ERIKA"`), which can be
/// personal data; error messages keep the words around it and replace every quoted part.
fn without_quoted_text(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(q) if c == q => {
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if matches!(c, '"' | '`') {
                    out.push('…');
                    quote = Some(c);
                }
            }
        }
    }
    out
}

/// Reads every `<identification>` of an XML result (usually one).
pub fn parse_xml_results(xml: &[u8]) -> Result<IdentList, XmlError> {
    Ok(IdentList {
        identifications: read_identifications(xml, false)?.0,
    })
}

/// The first `<identification>` of an XML result with the JSON value IDnow would have sent for
/// it (for [`kyc_core::Case::raw`]), from one reading of the XML: what [`parse_xml_result`] and
/// [`xml_result_to_json`] give, and the same errors.
pub(crate) fn parse_xml_result_and_json(xml: &[u8]) -> Result<(Ident, Value), XmlError> {
    let (identifications, first) = read_identifications(xml, true)?;
    match (identifications.into_iter().next(), first) {
        (Some(ident), Some(json)) => Ok((ident, json)),
        _ => Err(XmlError::NoIdentification),
    }
}

/// Reads every `<identification>` as an [`Ident`]. With `keep_first`, the JSON of the first
/// one is kept (its ident read from the borrowed value); every other JSON is consumed by the
/// typed read.
fn read_identifications(
    xml: &[u8],
    keep_first: bool,
) -> Result<(Vec<Ident>, Option<Value>), XmlError> {
    let root = parse_tree(xml)?;
    let mut found = Vec::new();
    collect(&root, "identification", &mut found);
    if found.is_empty() {
        return Err(XmlError::NoIdentification);
    }
    let structure = |e: serde_json::Error| XmlError::Structure(without_quoted_text(&e.to_string()));
    let mut identifications = Vec::with_capacity(found.len());
    let mut kept = None;
    for (i, element) in found.into_iter().enumerate() {
        let json = to_json(element);
        let ident = if keep_first && i == 0 {
            let ident = Ident::deserialize(&json).map_err(structure)?;
            kept = Some(json);
            ident
        } else {
            serde_json::from_value(json).map_err(structure)?
        };
        identifications.push(ident);
    }
    Ok((identifications, kept))
}

/// Reads the first `<identification>` of an XML result.
pub fn parse_xml_result(xml: &[u8]) -> Result<Ident, XmlError> {
    parse_xml_results(xml)?
        .identifications
        .into_iter()
        .next()
        .ok_or(XmlError::NoIdentification)
}

/// The XML result as the JSON value IDnow would have sent (for [`kyc_core::Case::raw`]).
pub fn xml_result_to_json(xml: &[u8]) -> Result<Value, XmlError> {
    let root = parse_tree(xml)?;
    let identification = find(&root, "identification").ok_or(XmlError::NoIdentification)?;
    Ok(to_json(identification))
}

#[cfg(test)]
mod redaction_tests {
    use super::*;

    #[test]
    fn structure_errors_do_not_repeat_the_values_they_met() {
        let xml = b"<identifications><identification><userdata><firstname status=\"MATCH\">\
<value><x>ERIKA</x></value></firstname></userdata></identification></identifications>";
        if let Err(e) = parse_xml_result(xml) {
            assert!(!e.to_string().contains("ERIKA"), "{e}");
        }
        assert_eq!(
            without_quoted_text("invalid type: string \"ERIKA\", expected a map"),
            "invalid type: string \"…\", expected a map"
        );
    }
}

/// [`parse_xml_result_and_json`] reads the XML once; the reference is the former two readings,
/// [`parse_xml_result`] then [`xml_result_to_json`]: same ident, same JSON, same error.
#[cfg(test)]
mod differential_tests {
    use super::*;

    fn reference(xml: &[u8]) -> Result<(Ident, Value), XmlError> {
        Ok((parse_xml_result(xml)?, xml_result_to_json(xml)?))
    }

    #[test]
    fn one_reading_gives_what_two_gave() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "xml"))
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect();
        assert!(inputs.len() >= 5, "fixtures not found");
        for broken in [
            "",
            "<other/>",
            "<a><b></a>",
            "<identifications><identification><userdata><firstname status=\"MATCH\">\
<value><x>ERIKA</x></value></firstname></userdata></identification></identifications>",
            "<identifications><identification/><identification><userdata>\
<firstname><value><x>1</x></value></firstname></userdata></identification></identifications>",
        ] {
            inputs.push((broken.to_string(), broken.as_bytes().to_vec()));
        }
        let mut read = 0;
        for (name, xml) in inputs {
            match (reference(&xml), parse_xml_result_and_json(&xml)) {
                (Ok(old), Ok(new)) => {
                    assert!(old.0 == new.0, "{name}: ident differs");
                    assert_eq!(old.1, new.1, "{name}");
                    read += 1;
                }
                (Err(old), Err(new)) => assert_eq!(old.to_string(), new.to_string(), "{name}"),
                (old, new) => panic!("{name}: {:?} vs {:?}", old.err(), new.err()),
            }
        }
        assert!(read >= 5, "only {read} read");
    }
}
