//! Serialization of a tree back to XML text.

use crate::node::XmlNode;

const INDENT: &str = "  ";

pub(crate) fn write_node(node: &XmlNode, level: usize, out: &mut String) {
    push_indent(level, out);
    out.push('<');
    out.push_str(&node.name);
    for (name, value) in &node.attributes {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        escape_attribute(value, out);
        out.push('"');
    }
    match (node.text.is_empty(), node.children.is_empty()) {
        (true, true) => out.push_str("/>\n"),
        (false, true) => {
            out.push('>');
            escape_text(&node.text, out);
            push_end_tag(&node.name, out);
        }
        (text_is_empty, false) => {
            out.push_str(">\n");
            if !text_is_empty {
                push_indent(level + 1, out);
                escape_text(&node.text, out);
                out.push('\n');
            }
            for child in &node.children {
                write_node(child, level + 1, out);
            }
            push_indent(level, out);
            push_end_tag(&node.name, out);
        }
    }
}

fn push_indent(level: usize, out: &mut String) {
    for _ in 0..level {
        out.push_str(INDENT);
    }
}

fn push_end_tag(name: &str, out: &mut String) {
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

/// Escapes character data. `\r` is written as a character reference because
/// a parser normalizes a literal one to `\n`.
fn escape_text(text: &str, out: &mut String) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            // Needed only after `]]`, escaped everywhere for simplicity.
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(ch),
        }
    }
}

/// Escapes an attribute value for a double-quoted attribute. Tab, newline
/// and carriage return become character references because attribute-value
/// normalization in conforming parsers would turn them into spaces.
fn escape_attribute(value: &str, out: &mut String) {
    for ch in value.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::Origin;

    fn node(name: &str) -> XmlNode {
        XmlNode::new(name, Origin::new(std::path::Path::new("test"), 1))
    }

    #[test]
    fn empty_element_is_self_closing() {
        assert_eq!(node("a").to_xml_string(), "<a/>\n");
    }

    #[test]
    fn children_are_indented_under_their_parent() {
        let mut root = node("a");
        let mut child = node("b");
        child.text = "x".into();
        root.children.push(child);
        assert_eq!(root.to_xml_string(), "<a>\n  <b>x</b>\n</a>\n");
    }

    #[test]
    fn attribute_special_characters_are_escaped() {
        let mut a = node("a");
        a.attributes.push(("v".into(), "&<>\"'\t\n\r".into()));
        assert_eq!(
            a.to_xml_string(),
            "<a v=\"&amp;&lt;&gt;&quot;&apos;&#9;&#10;&#13;\"/>\n"
        );
    }

    #[test]
    fn text_special_characters_are_escaped() {
        let mut a = node("a");
        a.text = "x & y < z ]]> \"q\" 'r'\r".into();
        assert_eq!(
            a.to_xml_string(),
            "<a>x &amp; y &lt; z ]]&gt; \"q\" 'r'&#13;</a>\n"
        );
    }
}
