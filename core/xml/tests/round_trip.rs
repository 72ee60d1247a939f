//! `to_xml_string` escapes attributes and text so that `parse_str` gives the
//! same tree back.

use std::path::Path;

use ferroswitch_xml::{Origin, XmlNode};

const SPECIALS: &str = r#"a & b < c > d " e ' f"#;

fn node(name: &str) -> XmlNode {
    XmlNode::new(name, Origin::new(Path::new("built"), 1))
}

fn round_trip(tree: &XmlNode) -> XmlNode {
    let text = tree.to_xml_string();
    XmlNode::parse_str(&text, "round-trip").unwrap_or_else(|error| panic!("{error}\nin:\n{text}"))
}

#[test]
fn special_characters_survive_in_attributes_and_text() {
    let mut root = node("configuration");
    root.attributes.push(("name".into(), "sofia.conf".into()));
    root.attributes.push(("special".into(), SPECIALS.into()));
    root.attributes
        .push(("spacing".into(), "tab\there\nnew line\r\n  end ".into()));
    let mut param = node("param");
    param.attributes.push(("name".into(), "dial-string".into()));
    param.attributes.push((
        "value".into(),
        "{presence_id=${dialed_user}@${dialed_domain}}${sofia_contact(*/${dialed_user})}".into(),
    ));
    root.children.push(param);
    let mut text = node("text");
    text.text = format!("{SPECIALS} ]]> <![CDATA[ &amp; \u{e9}\u{1F4DE}\nline two\r\nthree");
    root.children.push(text);

    let parsed = round_trip(&root);
    assert!(parsed.content_eq(&root), "{parsed:#?}\n!=\n{root:#?}");
    assert_eq!(parsed.attr("special"), Some(SPECIALS));
    assert_eq!(parsed.attr("spacing"), root.attr("spacing"));
    assert_eq!(parsed.children[1].text, root.children[1].text);
}

#[test]
fn parsed_documents_round_trip() {
    let source = r#"<?xml version="1.0"?>
<document type="freeswitch/xml">
  <!-- dropped -->
  <section name="dialplan">
    <extension name="x &amp; y" quoted='say "hi"'>
      <condition field="destination_number" expression="^(\d+)$">
        before
        <action application="log" data="INFO &lt;${caller_id_number}&gt; &#x263A;"/>
        <![CDATA[raw <text> & more]]>
      </condition>
      <empty></empty>
    </extension>
  </section>
</document>
"#;
    let parsed = XmlNode::parse_str(source, "source").unwrap();
    let again = round_trip(&parsed);
    assert!(again.content_eq(&parsed), "{again:#?}\n!=\n{parsed:#?}");
    let condition = &again.children[0].children[0].children[0];
    assert_eq!(
        condition.text,
        "before\n        \n        raw <text> & more"
    );
    assert_eq!(
        condition.children[0].attr("data"),
        Some("INFO <${caller_id_number}> \u{263A}")
    );
}

#[test]
fn content_eq_ignores_origin_but_not_content() {
    let one = XmlNode::parse_str("<a x=\"1\"><b>t</b></a>", "one").unwrap();
    let moved = XmlNode::parse_str("\n\n<a x=\"1\">\n<b>t</b></a>", "two").unwrap();
    assert!(one.content_eq(&moved));
    assert_ne!(one, moved, "derived equality compares origins");

    let changed = XmlNode::parse_str("<a x=\"1\"><b>u</b></a>", "three").unwrap();
    assert!(!one.content_eq(&changed));
    let reordered = XmlNode::parse_str("<a x=\"1\"><b>t</b><c/></a>", "four").unwrap();
    assert!(!one.content_eq(&reordered));
}
