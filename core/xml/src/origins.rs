//! Carrying each element's origin (file and line) through XML text, so a module that receives
//! its configuration as text can still report errors at the right place in the right file.

use std::path::PathBuf;

use crate::error::ConfigError;
use crate::node::{Origin, XmlNode};

/// The attribute that carries an element's origin in text made by
/// [`XmlNode::to_xml_string_with_origins`].
pub const ORIGIN_ATTRIBUTE: &str = "ferroswitch-origin";

impl XmlNode {
    /// Serialises the tree with each element's origin as an extra attribute.
    pub fn to_xml_string_with_origins(&self) -> String {
        let mut tagged = self.clone();
        tag(&mut tagged);
        tagged.to_xml_string()
    }

    /// Parses text made by [`XmlNode::to_xml_string_with_origins`]: each element gets back its
    /// origin, and the attribute is removed. Elements without it keep the origin in `label`.
    pub fn parse_str_with_origins(text: &str, label: &str) -> Result<XmlNode, ConfigError> {
        let mut node = XmlNode::parse_str(text, label)?;
        restore(&mut node);
        Ok(node)
    }
}

fn tag(node: &mut XmlNode) {
    node.attributes.push((
        ORIGIN_ATTRIBUTE.to_owned(),
        format!("{}:{}", node.origin.file.display(), node.origin.line),
    ));
    node.children.iter_mut().for_each(tag);
}

fn restore(node: &mut XmlNode) {
    if let Some(index) = node
        .attributes
        .iter()
        .position(|(name, _)| name == ORIGIN_ATTRIBUTE)
    {
        let (_, value) = node.attributes.remove(index);
        if let Some((file, line)) = value.rsplit_once(':') {
            if let Ok(line) = line.parse() {
                node.origin = Origin::new(PathBuf::from(file), line);
            }
        }
    }
    node.children.iter_mut().for_each(restore);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_survive_the_round_trip_and_the_attribute_does_not() {
        let original = XmlNode::parse_str(
            "<a x=\"1\">\n  <b>\n    <c y=\"2\"/>\n  </b>\n</a>",
            "/conf/dir/file.xml",
        )
        .expect("parses");
        let text = original.to_xml_string_with_origins();
        let restored = XmlNode::parse_str_with_origins(&text, "elsewhere").expect("parses");
        assert_eq!(restored, original, "attributes and origins as they were");
        let c = &restored.children[0].children[0];
        assert_eq!(
            (c.origin.file.to_str(), c.origin.line),
            (Some("/conf/dir/file.xml"), 3)
        );
        assert_eq!(c.attributes, vec![("y".to_owned(), "2".to_owned())]);
    }
}
