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

/// Why a document could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("an unterminated {0}")]
    Unterminated(&'static str),
    #[error("an unknown entity &{0};")]
    UnknownEntity(String),
    #[error("</{found}> closes <{open}>")]
    Mismatched { found: String, open: String },
    #[error("an end tag </{0}> without a start tag")]
    UnexpectedEnd(String),
    #[error("an empty tag")]
    EmptyTag,
    #[error("<{0}> is never closed")]
    Unclosed(String),
    #[error("no document element")]
    NoDocument,
    #[error("elements nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("a document larger than {} MB", MAX_BYTES / 1_000_000)]
    TooLarge,
}

/// Deeper nesting is refused: no document Forcefield reads comes close, and dropping a deep tree
/// recurses.
pub const MAX_DEPTH: usize = 64;
/// Larger documents are refused before reading (a whole Profile is well under 2 MB).
pub const MAX_BYTES: usize = 16_000_000;

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
                    .ok_or_else(|| XmlError::UnknownEntity(entity.to_owned()))?
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

/// Reads a document and returns its document element.
pub fn parse(xml: &str) -> Result<Element, XmlError> {
    if xml.len() > MAX_BYTES {
        return Err(XmlError::TooLarge);
    }
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut rest = xml.trim_start_matches('\u{feff}');
    while !rest.is_empty() {
        let at = rest.find('<').unwrap_or(rest.len());
        if at > 0 {
            let (text, after) = rest.split_at(at);
            let text = unescape(text)?;
            if let Some(top) = stack.last_mut() {
                top.text.push_str(&text);
            }
            rest = after;
            if rest.is_empty() {
                break;
            }
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").ok_or(XmlError::Unterminated("comment"))?;
            rest = after.get(end + 3..).unwrap_or_default();
        } else if let Some(after) = rest.strip_prefix("<?") {
            let end = after
                .find("?>")
                .ok_or(XmlError::Unterminated("declaration"))?;
            rest = after.get(end + 2..).unwrap_or_default();
        } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after
                .find("]]>")
                .ok_or(XmlError::Unterminated("CDATA section"))?;
            if let Some(top) = stack.last_mut() {
                top.text.push_str(after.get(..end).unwrap_or_default());
            }
            rest = after.get(end + 3..).unwrap_or_default();
        } else if let Some(after) = rest.strip_prefix("<!") {
            let end = after
                .find('>')
                .ok_or(XmlError::Unterminated("declaration"))?;
            rest = after.get(end + 1..).unwrap_or_default();
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').ok_or(XmlError::Unterminated("end tag"))?;
            let name = local_name(after.get(..end).unwrap_or_default().trim());
            if stack.len() < 2 {
                return Err(XmlError::UnexpectedEnd(name.to_owned()));
            }
            let element = stack
                .pop()
                .ok_or_else(|| XmlError::UnexpectedEnd(name.to_owned()))?;
            if element.name != name {
                return Err(XmlError::Mismatched {
                    found: name.to_owned(),
                    open: element.name,
                });
            }
            stack
                .last_mut()
                .ok_or_else(|| XmlError::UnexpectedEnd(name.to_owned()))?
                .children
                .push(element);
            rest = after.get(end + 1..).unwrap_or_default();
        } else {
            let after = rest.get(1..).unwrap_or_default();
            let end = tag_end(after).ok_or(XmlError::Unterminated("tag"))?;
            let tag = after.get(..end).unwrap_or_default();
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name = local_name(tag.split_whitespace().next().unwrap_or_default());
            if name.is_empty() {
                return Err(XmlError::EmptyTag);
            }
            let element = Element {
                name: name.to_owned(),
                ..Element::default()
            };
            if self_closing {
                stack
                    .last_mut()
                    .ok_or(XmlError::NoDocument)?
                    .children
                    .push(element);
            } else {
                if stack.len() > MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                stack.push(element);
            }
            rest = after.get(end + 1..).unwrap_or_default();
        }
    }
    if stack.len() != 1 {
        return Err(XmlError::Unclosed(
            stack.last().map(|e| e.name.clone()).unwrap_or_default(),
        ));
    }
    stack
        .pop()
        .and_then(|root| root.children.into_iter().next())
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
        assert_eq!(
            parse(&"<a/>".repeat(1 + MAX_BYTES / 4)),
            Err(XmlError::TooLarge)
        );
    }
}
