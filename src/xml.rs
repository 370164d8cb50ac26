//! A tiny XML reader and writer shared by everything that speaks XML (Metadata API files, the
//! Metadata API's SOAP envelopes): small enough to keep the WebAssembly small, strict enough to
//! refuse what it cannot read, and never panicking on what it is given.
//!
//! Reading keeps what Salesforce's documents carry: elements by their local name (namespace
//! prefixes dropped, `soapenv:Body` is `Body`), their text and their children. Attributes,
//! comments, processing instructions and the XML declaration are skipped; CDATA is text.
//! Writing escapes every text: [`escape`] is the only way org data enters a document.

/// An element of a parsed document: its local name, its text and its children, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }

    /// Whether the first child named `name` says `true` (`xsd:boolean`'s literal).
    pub fn child_flag(&self, name: &str) -> bool {
        self.child_text(name) == Some("true")
    }

    /// The element at the end of `path` (local names, one level each).
    pub fn descendant(&self, path: &[&str]) -> Option<&Element> {
        path.iter().try_fold(self, |at, name| at.child(name))
    }
}

/// Why a document could not be read. Names quoted from the document are cut to 40 characters.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("it is {} KB, more than the {} KB Forcefield reads", bytes.div_ceil(1024), MAX_BYTES / 1024)]
    TooLarge { bytes: usize },
    #[error("its elements are nested more than {MAX_DEPTH} deep (a PermissionSet file is 3 deep)")]
    TooDeep,
    #[error("it has more than {MAX_ELEMENTS} elements")]
    TooManyElements,
    #[error("an unterminated {0}")]
    Unterminated(&'static str),
    #[error("an unknown entity &{0};")]
    UnknownEntity(String),
    #[error("</{found}> closes <{open}>")]
    Mismatched { found: String, open: String },
    #[error("an end tag </{0}> with nothing open")]
    UnexpectedEnd(String),
    #[error("an empty tag")]
    EmptyTag,
    #[error("<{0}> is never closed")]
    Unclosed(String),
    #[error("no document element")]
    NoDocument,
}

/// Largest document read, in bytes: about 70,000 field permissions (≈ 120 bytes each) in a
/// PermissionSet file, and far more than the record type visibilities of a Profile read over SOAP;
/// small enough that reading it can't exhaust the page's memory.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Deepest element nesting read. A PermissionSet file is three deep (`PermissionSet` >
/// `fieldPermissions` > `field`, salesforce.md §E), a readMetadata answer seven (salesforce.md
/// §I.12); 32 leaves room for any wrapper and bounds the tree, whose drop recurses (a 20,000-deep
/// file once overflowed the page's stack).
pub const MAX_DEPTH: usize = 32;
/// Most elements read: four per field permission at the size limit, with room to spare.
pub const MAX_ELEMENTS: usize = 500_000;

/// At most 40 characters of `text`, for messages that quote a document.
pub fn quoted(text: &str) -> String {
    text.chars().take(40).collect()
}

/// `text` with the five XML special characters escaped, for element text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Appends `<name>text</name>` with the text escaped. `name` is the caller's constant.
pub fn push_element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    out.push_str(&escape(text));
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// `true` or `false`, as `xsd:boolean` writes them.
pub fn flag(on: bool) -> &'static str {
    if on {
        "true"
    } else {
        "false"
    }
}

fn unescape(text: &str) -> Result<String, XmlError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        let (before, from_amp) = rest.split_at(at);
        out.push_str(before);
        let end = from_amp
            .find(';')
            .ok_or(XmlError::Unterminated("character reference"))?;
        let entity = from_amp.get(1..end).unwrap_or_default();
        let decoded = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| XmlError::UnknownEntity(quoted(entity)))?
            }
        };
        out.push(decoded);
        rest = from_amp.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

/// The end of a start tag: the first `>` outside a quoted attribute value.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (at, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(open), c) if c == open => quote = None,
            (None, '>') => return Some(at),
            _ => {}
        }
    }
    None
}

/// Reads a document and returns its document element. Iterative (no recursion on the document's
/// shape) and bounded by [`MAX_BYTES`], [`MAX_DEPTH`] and [`MAX_ELEMENTS`].
pub fn parse(xml: &str) -> Result<Element, XmlError> {
    if xml.len() > MAX_BYTES {
        return Err(XmlError::TooLarge { bytes: xml.len() });
    }
    // The document itself is the bottom of the stack; open elements are above it.
    let mut document = Element::default();
    let mut open: Vec<Element> = Vec::new();
    let mut elements = 0usize;
    let mut rest = xml.trim_start_matches('\u{feff}');
    loop {
        let (text, markup) = match rest.split_once('<') {
            Some((text, markup)) => (text, Some(markup)),
            None => (rest, None),
        };
        if !text.is_empty() {
            let text = unescape(text)?;
            open.last_mut()
                .unwrap_or(&mut document)
                .text
                .push_str(&text);
        }
        let Some(markup) = markup else {
            break;
        };
        rest = if let Some(after) = markup.strip_prefix("!--") {
            after
                .split_once("-->")
                .ok_or(XmlError::Unterminated("comment"))?
                .1
        } else if let Some(after) = markup.strip_prefix('?') {
            after
                .split_once("?>")
                .ok_or(XmlError::Unterminated("declaration"))?
                .1
        } else if let Some(after) = markup.strip_prefix("![CDATA[") {
            let (cdata, after) = after
                .split_once("]]>")
                .ok_or(XmlError::Unterminated("CDATA section"))?;
            open.last_mut()
                .unwrap_or(&mut document)
                .text
                .push_str(cdata);
            after
        } else if let Some(after) = markup.strip_prefix('!') {
            after
                .split_once('>')
                .ok_or(XmlError::Unterminated("declaration"))?
                .1
        } else if let Some(after) = markup.strip_prefix('/') {
            let (name, after) = after
                .split_once('>')
                .ok_or(XmlError::Unterminated("end tag"))?;
            let name = local_name(name.trim());
            let element = open
                .pop()
                .ok_or_else(|| XmlError::UnexpectedEnd(quoted(name)))?;
            if element.name != name {
                return Err(XmlError::Mismatched {
                    found: quoted(name),
                    open: quoted(&element.name),
                });
            }
            open.last_mut()
                .unwrap_or(&mut document)
                .children
                .push(element);
            after
        } else {
            let end = tag_end(markup).ok_or(XmlError::Unterminated("tag"))?;
            let tag = markup.get(..end).unwrap_or_default();
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name = local_name(tag.split_whitespace().next().unwrap_or_default());
            if name.is_empty() {
                return Err(XmlError::EmptyTag);
            }
            elements += 1;
            if elements > MAX_ELEMENTS {
                return Err(XmlError::TooManyElements);
            }
            let element = Element {
                name: name.to_owned(),
                ..Element::default()
            };
            if self_closing {
                open.last_mut()
                    .unwrap_or(&mut document)
                    .children
                    .push(element);
            } else if open.len() >= MAX_DEPTH {
                return Err(XmlError::TooDeep);
            } else {
                open.push(element);
            }
            markup.get(end + 1..).unwrap_or_default()
        };
    }
    if let Some(unclosed) = open.last() {
        return Err(XmlError::Unclosed(quoted(&unclosed.name)));
    }
    document
        .children
        .into_iter()
        .next()
        .ok_or(XmlError::NoDocument)
}

/// `soapenv:Body` → `Body`: Forcefield matches elements by local name.
fn local_name(qualified: &str) -> &str {
    qualified.rsplit(':').next().unwrap_or(qualified)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_text_and_children_dropping_prefixes() {
        let root = parse(
            "<?xml version=\"1.0\"?>\n<!-- c --><soapenv:Envelope xmlns:soapenv=\"x\" a='1>2'><soapenv:Body><r><a>1 &amp; &#x41;&#66;</a><b/><a><![CDATA[<raw>]]></a></r></soapenv:Body></soapenv:Envelope>",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(root.name, "Envelope");
        let r = root
            .descendant(&["Body", "r"])
            .unwrap_or_else(|| panic!("r"));
        let texts: Vec<&str> = r.children_named("a").map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["1 & AB", "<raw>"]);
        assert!(r.child("b").is_some());
        assert_eq!(r.child_text("a"), Some("1 & AB"));
    }

    #[test]
    fn escaping_round_trips() {
        let text = "Tom & \"Jerry\" <'cats'>";
        let mut out = String::new();
        push_element(&mut out, "label", text);
        assert_eq!(
            out,
            "<label>Tom &amp; &quot;Jerry&quot; &lt;&apos;cats&apos;&gt;</label>"
        );
        assert_eq!(parse(&out).map(|e| e.text), Ok(text.to_owned()));
    }

    #[test]
    fn broken_documents_are_errors_not_panics() {
        let deep = "<a>".repeat(MAX_DEPTH + 2);
        for bad in [
            "",
            "<a>",
            "<a></b>",
            "</a>",
            "<a>&bogus;</a>",
            "<a>&#xD800;</a>",
            "<a><b>x</b",
            "<>",
            "<a x=\"unterminated></a>",
            "<a><!-- never closed</a>",
            deep.as_str(),
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(matches!(
            parse(&"<a/>".repeat(1 + MAX_BYTES / 4)),
            Err(XmlError::TooLarge { .. })
        ));
    }
}
