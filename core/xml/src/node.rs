//! The owned configuration tree and its lookups.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::error::ConfigError;

/// Where an element starts: the file it was read from and the 1-based line
/// of its `<`.
///
/// For trees parsed from text with [`XmlNode::parse_str`], `file` is the
/// label given by the caller. The path is shared by every node of a file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The file (or label) the element comes from.
    pub file: Arc<Path>,
    /// 1-based line where the element starts.
    pub line: u32,
}

impl Origin {
    /// Creates an origin.
    pub fn new(file: impl Into<Arc<Path>>, line: u32) -> Self {
        Self {
            file: file.into(),
            line,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// One XML element with everything below it.
///
/// Comments, processing instructions and whitespace-only text are not kept;
/// `text` is the element's own character data (entities resolved, CDATA
/// included, the pieces around child elements concatenated) trimmed of XML
/// whitespace at both ends.
///
/// The derived `PartialEq` compares origins too; use
/// [`content_eq`](Self::content_eq) to ask whether two trees carry the same
/// configuration wherever it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlNode {
    /// Element name, as written (prefix included, if any).
    pub name: String,
    /// Attributes in document order, values unescaped and `$${}`-expanded.
    pub attributes: Vec<(String, String)>,
    /// Child elements in document order.
    pub children: Vec<XmlNode>,
    /// Trimmed character data.
    pub text: String,
    /// Where the element starts.
    pub origin: Origin,
}

impl XmlNode {
    /// Creates an element with no attributes, children or text.
    pub fn new(name: impl Into<String>, origin: Origin) -> Self {
        Self {
            name: name.into(),
            attributes: Vec::new(),
            children: Vec::new(),
            text: String::new(),
            origin,
        }
    }

    /// Parses one XML document from text, without any preprocessing:
    /// `X-PRE-PROCESS` elements are ordinary elements and `$${name}` is
    /// ordinary text. This is how a module reads back the configuration
    /// subtree the core hands it (see [`to_xml_string`](Self::to_xml_string)).
    ///
    /// `label` stands for the file name in origins and errors.
    pub fn parse_str(text: &str, label: &str) -> Result<XmlNode, ConfigError> {
        let file: Arc<Path> = Arc::from(Path::new(label));
        let mut nodes = crate::parse::parse_document(text, &file, 0, None)?;
        // `parse_document` without a preprocessor yields exactly the root
        // element or an error, so there is exactly one node here.
        match nodes.pop() {
            Some(root) if nodes.is_empty() => Ok(root),
            _ => Err(ConfigError::syntax(
                &file,
                1,
                "expected exactly one root element",
            )),
        }
    }

    /// The value of attribute `name`, if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&XmlNode> {
        self.children.iter().find(|child| child.name == name)
    }

    /// All child elements named `name`, in document order.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a XmlNode> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    /// The first child element named `name` whose attribute `attr` equals
    /// `value` (FreeSWITCH's `switch_xml_find_child`), e.g.
    /// `profiles.find_child("profile", "name", "internal")`.
    pub fn find_child(&self, name: &str, attr: &str, value: &str) -> Option<&XmlNode> {
        self.children
            .iter()
            .find(|child| child.name == name && child.attr(attr) == Some(value))
    }

    /// The `<section name="...">` child of a `<document>` root, e.g.
    /// `"configuration"`, `"dialplan"` or `"directory"`.
    pub fn section(&self, name: &str) -> Option<&XmlNode> {
        self.find_child("section", "name", name)
    }

    /// The `<configuration name="...">` element of the configuration
    /// section, looked up from the `<document>` root, e.g.
    /// `root.find_configuration("modules.conf")`.
    pub fn find_configuration(&self, name: &str) -> Option<&XmlNode> {
        self.section("configuration")?
            .find_child("configuration", "name", name)
    }

    /// `(name, value)` of every `<param name=".." value=".."/>` child, in
    /// document order: call it on `<settings>` and similar elements.
    ///
    /// As in FreeSWITCH, a missing `value` reads as the empty string; a
    /// `param` without a `name` is skipped.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.children_named("param").filter_map(|param| {
            let name = param.attr("name")?;
            Some((name, param.attr("value").unwrap_or("")))
        })
    }

    /// Whether two trees hold the same names, attributes (in order), text and
    /// children, ignoring origins.
    pub fn content_eq(&self, other: &XmlNode) -> bool {
        self.name == other.name
            && self.attributes == other.attributes
            && self.text == other.text
            && self.children.len() == other.children.len()
            && self
                .children
                .iter()
                .zip(&other.children)
                .all(|(mine, theirs)| mine.content_eq(theirs))
    }

    /// Serializes the element and its subtree as indented XML (no XML
    /// declaration). Attribute values and text are escaped so that
    /// [`parse_str`](Self::parse_str) gives back the same tree
    /// ([`content_eq`](Self::content_eq)) for any tree this crate parsed.
    ///
    /// Text is written before the children; since parsing trims text, text
    /// with leading or trailing whitespace does not survive a round trip.
    /// Names are written as they are: a hand-built node with a name that is
    /// not a valid XML name produces text that does not parse.
    pub fn to_xml_string(&self) -> String {
        let mut out = String::new();
        crate::write::write_node(self, 0, &mut out);
        out
    }
}
