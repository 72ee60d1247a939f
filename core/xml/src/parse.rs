//! Streaming XML → [`XmlNode`] parser, with an optional preprocessing hook
//! called as elements and text are read (so `set` and `$${}` see each other
//! in document order and every node keeps its own file and line).

use std::path::Path;
use std::sync::Arc;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;
use quick_xml::Decoder;

use crate::error::ConfigError;
use crate::node::{Origin, XmlNode};
use crate::MAX_DEPTH;

/// Element name of FreeSWITCH preprocessing directives (matched ignoring
/// ASCII case, as FreeSWITCH accepts `X-pre-process` too).
pub(crate) const DIRECTIVE: &str = "X-PRE-PROCESS";

/// What the loader does while a file is being parsed.
pub(crate) trait Preprocess {
    /// Expands `$${name}` in `value`, which starts on `line` of `file`.
    fn expand(&mut self, value: &str, file: &Arc<Path>, line: u32) -> String;

    /// Runs an `X-PRE-PROCESS` element found at `origin`, whose parent sits
    /// at nesting level `depth`; returns the nodes to insert in its place.
    fn run_directive(
        &mut self,
        attributes: &[(String, String)],
        origin: &Origin,
        depth: usize,
    ) -> Result<Vec<XmlNode>, ConfigError>;
}

/// Parses `text` (read from `file`) into its top-level nodes.
///
/// Without a preprocessor the result is exactly one root element. With one,
/// `X-PRE-PROCESS` elements are run and replaced by what they produce, so a
/// file may yield no node (only `set`s) or several (top-level `include`s);
/// there is still at most one ordinary root element. `base_depth` is the
/// nesting level the top-level nodes will end up at, so that includes cannot
/// be used to build a tree deeper than [`MAX_DEPTH`].
pub(crate) fn parse_document(
    text: &str,
    file: &Arc<Path>,
    base_depth: usize,
    pre: Option<&mut dyn Preprocess>,
) -> Result<Vec<XmlNode>, ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = LineIndex::new(text);
    if let Some((offset, ch)) = text.char_indices().find(|&(_, ch)| !is_xml_char(ch)) {
        return Err(ConfigError::syntax(
            file,
            lines.line_at(offset as u64),
            forbidden_char(ch),
        ));
    }
    let parser = Parser {
        file,
        lines,
        base_depth,
        pre,
        stack: Vec::new(),
        top: Vec::new(),
        root_seen: false,
        directive_seen: false,
        run: String::new(),
        run_line: 1,
    };
    parser.run(text)
}

/// Checks that a file's bytes are UTF-8, pointing at the line of the first
/// bad byte otherwise.
pub(crate) fn decode_utf8<'a>(bytes: &'a [u8], file: &Path) -> Result<&'a str, ConfigError> {
    std::str::from_utf8(bytes).map_err(|error| {
        let valid = &bytes[..error.valid_up_to()];
        let line = count_lines(valid.iter().filter(|&&byte| byte == b'\n').count());
        ConfigError::syntax(
            file,
            line,
            format!(
                "invalid UTF-8 (byte offset {}): configuration files must be UTF-8",
                error.valid_up_to()
            ),
        )
    })
}

/// Whether `ch` is XML whitespace (narrower than Unicode whitespace).
pub(crate) fn is_xml_whitespace(ch: char) -> bool {
    matches!(ch, ' ' | '\t' | '\n' | '\r')
}

/// Whether XML 1.0 allows `ch` at all (raw or as a character reference).
fn is_xml_char(ch: char) -> bool {
    matches!(
        ch,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..
    )
}

/// Whether `name` is an XML `Name` (quick-xml does not check, and a tree
/// with an invalid name could not be written back).
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char)
}

fn is_name_start_char(ch: char) -> bool {
    matches!(
        ch,
        ':' | 'A'..='Z'
            | '_'
            | 'a'..='z'
            | '\u{C0}'..='\u{D6}'
            | '\u{D8}'..='\u{F6}'
            | '\u{F8}'..='\u{2FF}'
            | '\u{370}'..='\u{37D}'
            | '\u{37F}'..='\u{1FFF}'
            | '\u{200C}'..='\u{200D}'
            | '\u{2070}'..='\u{218F}'
            | '\u{2C00}'..='\u{2FEF}'
            | '\u{3001}'..='\u{D7FF}'
            | '\u{F900}'..='\u{FDCF}'
            | '\u{FDF0}'..='\u{FFFD}'
            | '\u{10000}'..='\u{EFFFF}'
    )
}

fn is_name_char(ch: char) -> bool {
    is_name_start_char(ch)
        || matches!(
            ch,
            '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}'
        )
}

fn forbidden_char(ch: char) -> String {
    format!("character U+{:04X} is not allowed in XML", u32::from(ch))
}

/// 1-based line number after `newlines` line breaks, saturating.
fn count_lines(newlines: usize) -> u32 {
    u32::try_from(newlines.saturating_add(1)).unwrap_or(u32::MAX)
}

/// Byte offset → 1-based line.
struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let newlines = text
            .bytes()
            .enumerate()
            .filter_map(|(offset, byte)| (byte == b'\n').then_some(offset))
            .collect();
        Self { newlines }
    }

    fn line_at(&self, offset: u64) -> u32 {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        count_lines(self.newlines.partition_point(|&newline| newline < offset))
    }
}

/// An element whose end tag has not been read yet.
struct Frame {
    node: XmlNode,
    /// Character data so far, untrimmed.
    text: String,
    /// An `X-PRE-PROCESS` written with an end tag; already run, must stay
    /// empty, and is dropped when closed.
    directive: bool,
}

struct Parser<'a, 'p> {
    file: &'a Arc<Path>,
    lines: LineIndex,
    base_depth: usize,
    pre: Option<&'p mut dyn Preprocess>,
    stack: Vec<Frame>,
    top: Vec<XmlNode>,
    root_seen: bool,
    directive_seen: bool,
    /// Text read since the last tag: runs are expanded as a whole so that a
    /// `$${name}` split by an entity reference or CDATA still expands.
    run: String,
    run_line: u32,
}

impl Parser<'_, '_> {
    fn run(mut self, text: &str) -> Result<Vec<XmlNode>, ConfigError> {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        // End tags are checked here, to report both names and the line.
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
        loop {
            // Before reading, this is where the next event starts.
            let line = self.lines.line_at(reader.buffer_position());
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(error) => {
                    let line = self.lines.line_at(reader.error_position());
                    return Err(self.error(line, describe_xml_error(&error)));
                }
            };
            match event {
                Event::Text(text) => {
                    let text = text
                        .xml10_content()
                        .map_err(|error| self.error(line, format!("bad text: {error}")))?;
                    self.push_text(&text, line);
                }
                Event::CData(data) => {
                    let data = data
                        .xml10_content()
                        .map_err(|error| self.error(line, format!("bad CDATA: {error}")))?;
                    self.push_text(&data, line);
                }
                Event::GeneralRef(reference) => {
                    let resolved =
                        resolve_reference(&reference).map_err(|e| self.error(line, e))?;
                    self.push_text(&resolved, line);
                }
                Event::Start(start) => {
                    self.flush_text()?;
                    self.open(&start, line, false, reader.decoder())?;
                }
                Event::Empty(start) => {
                    self.flush_text()?;
                    self.open(&start, line, true, reader.decoder())?;
                }
                Event::End(end) => {
                    self.flush_text()?;
                    let name = std::str::from_utf8(end.name().as_ref())
                        .map_err(|_| self.error(line, "closing tag name is not UTF-8"))?
                        .to_owned();
                    self.close(&name, line)?;
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
                Event::Eof => {
                    self.flush_text()?;
                    let end_line = self.lines.line_at(text.len() as u64);
                    return self.finish(end_line);
                }
            }
        }
    }

    fn open(
        &mut self,
        start: &BytesStart<'_>,
        line: u32,
        empty: bool,
        decoder: Decoder,
    ) -> Result<(), ConfigError> {
        let name = std::str::from_utf8(start.name().as_ref())
            .map_err(|_| self.error(line, "element name is not UTF-8"))?
            .to_owned();
        if !is_xml_name(&name) {
            return Err(self.error(line, format!("invalid element name \"{name}\"")));
        }
        let depth = self.base_depth + self.stack.len() + 1;
        if depth > MAX_DEPTH {
            return Err(self.error(
                line,
                format!("<{name}> is nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        if self.stack.last().is_some_and(|frame| frame.directive) {
            return Err(self.error(line, format!("{DIRECTIVE} must be empty, found <{name}>")));
        }
        let attributes = self.attributes(start, &name, line, decoder)?;
        let origin = Origin {
            file: Arc::clone(self.file),
            line,
        };
        let is_directive = name.eq_ignore_ascii_case(DIRECTIVE);
        match self.pre.as_deref_mut() {
            Some(pre) if is_directive => {
                self.directive_seen = true;
                let nodes = pre.run_directive(&attributes, &origin, depth - 1)?;
                for node in nodes {
                    self.append(node);
                }
                if !empty {
                    self.stack.push(Frame {
                        node: XmlNode::new(name, origin),
                        text: String::new(),
                        directive: true,
                    });
                }
            }
            _ => {
                if self.stack.is_empty() {
                    if self.root_seen {
                        return Err(self.error(
                            line,
                            format!("second root element <{name}>: a document has exactly one"),
                        ));
                    }
                    self.root_seen = true;
                }
                let node = XmlNode {
                    name,
                    attributes,
                    children: Vec::new(),
                    text: String::new(),
                    origin,
                };
                if empty {
                    self.append(node);
                } else {
                    self.stack.push(Frame {
                        node,
                        text: String::new(),
                        directive: false,
                    });
                }
            }
        }
        Ok(())
    }

    /// Reads, unescapes and (when preprocessing) expands the attributes.
    fn attributes(
        &mut self,
        start: &BytesStart<'_>,
        element: &str,
        line: u32,
        decoder: Decoder,
    ) -> Result<Vec<(String, String)>, ConfigError> {
        let mut attributes = Vec::new();
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|error| {
                self.error(line, format!("malformed attribute in <{element}>: {error}"))
            })?;
            let key = std::str::from_utf8(attribute.key.as_ref())
                .map_err(|_| self.error(line, "attribute name is not UTF-8"))?
                .to_owned();
            if !is_xml_name(&key) {
                return Err(self.error(
                    line,
                    format!("invalid attribute name \"{key}\" in <{element}>"),
                ));
            }
            let value = attribute
                .decode_and_unescape_value_with(decoder, resolve_predefined_entity)
                .map_err(|error| {
                    self.error(
                        line,
                        format!("bad value for attribute {key} of <{element}>: {error}"),
                    )
                })?;
            if let Some(ch) = value.chars().find(|&ch| !is_xml_char(ch)) {
                return Err(self.error(
                    line,
                    format!("attribute {key} of <{element}>: {}", forbidden_char(ch)),
                ));
            }
            let value = match self.pre.as_deref_mut() {
                Some(pre) => pre.expand(&value, self.file, line),
                None => value.into_owned(),
            };
            attributes.push((key, value));
        }
        Ok(attributes)
    }

    fn close(&mut self, name: &str, line: u32) -> Result<(), ConfigError> {
        let Some(frame) = self.stack.pop() else {
            return Err(self.error(
                line,
                format!("unexpected closing tag </{name}>: no element is open"),
            ));
        };
        if frame.node.name != name {
            return Err(self.error(
                line,
                format!(
                    "mismatched closing tag: expected </{}>, found </{name}>",
                    frame.node.name
                ),
            ));
        }
        if !frame.directive {
            let mut node = frame.node;
            node.text = frame.text.trim_matches(is_xml_whitespace).to_owned();
            self.append(node);
        }
        Ok(())
    }

    fn push_text(&mut self, text: &str, line: u32) {
        if self.run.is_empty() {
            self.run_line = line;
        }
        self.run.push_str(text);
    }

    /// Hands the pending text run to the open element.
    fn flush_text(&mut self) -> Result<(), ConfigError> {
        if self.run.is_empty() {
            return Ok(());
        }
        let run = std::mem::take(&mut self.run);
        let blank = run.chars().all(is_xml_whitespace);
        match self.stack.last_mut() {
            Some(frame) if !frame.directive => {
                match self.pre.as_deref_mut() {
                    Some(pre) if !blank => {
                        frame
                            .text
                            .push_str(&pre.expand(&run, self.file, self.run_line));
                    }
                    _ => frame.text.push_str(&run),
                }
                Ok(())
            }
            _ if blank => Ok(()),
            Some(_) => Err(self.error(self.run_line, format!("{DIRECTIVE} must be empty"))),
            None => Err(self.error(self.run_line, "text outside the root element")),
        }
    }

    fn append(&mut self, node: XmlNode) {
        match self.stack.last_mut() {
            Some(frame) => frame.node.children.push(node),
            None => self.top.push(node),
        }
    }

    fn finish(self, end_line: u32) -> Result<Vec<XmlNode>, ConfigError> {
        if let Some(frame) = self.stack.last() {
            return Err(self.error(
                frame.node.origin.line,
                format!(
                    "<{}> is not closed before the end of the file",
                    frame.node.name
                ),
            ));
        }
        if !self.root_seen && !self.directive_seen {
            return Err(self.error(end_line, "no root element"));
        }
        Ok(self.top)
    }

    fn error(&self, line: u32, reason: impl Into<String>) -> ConfigError {
        ConfigError::syntax(self.file, line, reason)
    }
}

/// Resolves `&#NN;`, `&#xNN;` and the five predefined entities; other
/// entities would need a DTD, which configuration files do not have.
fn resolve_reference(reference: &BytesRef<'_>) -> Result<String, String> {
    let name = reference
        .decode()
        .map_err(|error| format!("bad reference: {error}"))?;
    match reference.resolve_char_ref() {
        Ok(Some(ch)) if is_xml_char(ch) => Ok(ch.to_string()),
        Ok(Some(ch)) => Err(format!("&{name};: {}", forbidden_char(ch))),
        Ok(None) => resolve_predefined_entity(&name)
            .map(str::to_owned)
            .ok_or_else(|| format!("unknown entity &{name};")),
        Err(error) => Err(format!("invalid character reference &{name};: {error}")),
    }
}

fn describe_xml_error(error: &quick_xml::Error) -> String {
    match error {
        quick_xml::Error::Syntax(error) => format!("malformed XML: {error}"),
        quick_xml::Error::IllFormed(error) => format!("malformed XML: {error}"),
        other => format!("malformed XML: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<XmlNode, ConfigError> {
        XmlNode::parse_str(text, "t.xml")
    }

    #[test]
    fn line_index_maps_offsets_to_lines() {
        let index = LineIndex::new("a\nb\n\nc");
        assert_eq!(index.line_at(0), 1);
        assert_eq!(index.line_at(1), 1);
        assert_eq!(index.line_at(2), 2);
        assert_eq!(index.line_at(5), 4);
        assert_eq!(index.line_at(u64::MAX), 4);
    }

    #[test]
    fn text_pieces_around_children_are_joined_and_trimmed() {
        let root = parse("<a>\n  one <b/> two &amp; <![CDATA[<three>]]>\n</a>").unwrap();
        assert_eq!(root.text, "one  two & <three>");
    }

    #[test]
    fn character_references_are_resolved() {
        let root = parse("<a v=\"&#x41;&#66;\">&#x43;&#68;</a>").unwrap();
        assert_eq!(root.attr("v"), Some("AB"));
        assert_eq!(root.text, "CD");
    }

    #[test]
    fn crlf_line_endings_are_normalized_in_text() {
        let root = parse("<a>x\r\ny</a>").unwrap();
        assert_eq!(root.text, "x\ny");
    }

    #[test]
    fn unknown_entity_is_an_error_on_its_line() {
        let error = parse("<a>\n&nbsp;</a>").unwrap_err();
        assert_eq!(error.line(), Some(2));
        assert!(
            error.to_string().contains("unknown entity &nbsp;"),
            "{error}"
        );
    }

    #[test]
    fn unclosed_element_points_at_its_start_tag() {
        let error = parse("<a>\n  <b>\n</a>").unwrap_err();
        assert_eq!(error.line(), Some(3));
        let error = parse("<a>\n  <b>\n").unwrap_err();
        assert_eq!(error.line(), Some(2));
        assert!(error.to_string().contains("<b> is not closed"), "{error}");
    }

    #[test]
    fn stray_closing_tag_is_an_error() {
        let error = parse("<a/>\n</b>").unwrap_err();
        assert_eq!(error.line(), Some(2));
        assert!(
            error.to_string().contains("unexpected closing tag </b>"),
            "{error}"
        );
    }

    #[test]
    fn two_root_elements_are_an_error() {
        let error = parse("<a/>\n<b/>").unwrap_err();
        assert_eq!(error.line(), Some(2));
    }

    #[test]
    fn text_outside_the_root_is_an_error() {
        let error = parse("<a/>\ntrailing").unwrap_err();
        assert_eq!(error.line(), Some(1));
        assert!(
            error.to_string().contains("text outside the root element"),
            "{error}"
        );
    }

    #[test]
    fn empty_input_has_no_root_element() {
        let error = parse("  <!-- nothing -->\n").unwrap_err();
        assert!(error.to_string().contains("no root element"), "{error}");
    }

    #[test]
    fn duplicate_attribute_is_an_error() {
        let error = parse("<a x=\"1\" x=\"2\"/>").unwrap_err();
        assert!(
            error.to_string().contains("malformed attribute in <a>"),
            "{error}"
        );
    }

    #[test]
    fn empty_or_invalid_names_are_errors() {
        let error = parse("<\n/>").unwrap_err();
        assert!(
            error.to_string().contains("invalid element name"),
            "{error}"
        );
        let error = parse("<1a/>").unwrap_err();
        assert!(
            error.to_string().contains("invalid element name"),
            "{error}"
        );
        let error = parse("<a -x=\"1\"/>").unwrap_err();
        assert!(
            error.to_string().contains("invalid attribute name"),
            "{error}"
        );
    }

    #[test]
    fn names_with_prefixes_and_non_ascii_letters_are_valid() {
        let root = parse("<ns:caf\u{e9}-1.x xml:lang=\"fr\"/>").unwrap();
        assert_eq!(root.name, "ns:caf\u{e9}-1.x");
        assert_eq!(root.attr("xml:lang"), Some("fr"));
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let root = parse("\u{feff}<a/>").unwrap();
        assert_eq!(root.name, "a");
    }

    #[test]
    fn invalid_utf8_points_at_its_line() {
        let error = decode_utf8(b"<a>\n\n\xff</a>", Path::new("bad.xml")).unwrap_err();
        assert_eq!(error.line(), Some(3));
        assert!(
            error.to_string().starts_with("bad.xml:3: invalid UTF-8"),
            "{error}"
        );
    }
}
