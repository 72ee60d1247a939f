//! Any bytes: parsing never panics, and whatever parses survives a round
//! trip through `to_xml_string`.

#![no_main]

use ferroswitch_xml::XmlNode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(tree) = XmlNode::parse_str(text, "fuzz.xml") else {
        return;
    };
    let written = tree.to_xml_string();
    let again = XmlNode::parse_str(&written, "written.xml")
        .unwrap_or_else(|error| panic!("written tree does not parse: {error}\n{written}"));
    assert!(
        again.content_eq(&tree),
        "round trip changed the tree:\n{written}"
    );
});
