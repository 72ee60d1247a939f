//! `XmlNode::parse_str`: a plain document becomes the expected tree, with no
//! preprocessing.

use ferroswitch_xml::XmlNode;

const DOCUMENT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<!-- a comment before the root -->
<document type="freeswitch/xml">
  <?some-pi data?>
  <section name="dialplan" description="Regex/XML Dialplan">
    <context name="default">
      <extension name="echo">
        <condition field="destination_number" expression="^9196$">
          <action application="answer"/>
          <action application="set" data="greeting=${caller_id_name}"/>
          <!-- comments inside are dropped too -->
          <action application="echo"/>
        </condition>
      </extension>
    </context>
  </section>
  <X-PRE-PROCESS cmd="set" data="x=1"/>
  <note>  hello $${x}  </note>
</document>
"#;

#[test]
fn plain_document_becomes_the_expected_tree() {
    let root = XmlNode::parse_str(DOCUMENT, "dialplan.xml").unwrap();

    assert_eq!(root.name, "document");
    assert_eq!(
        root.attributes,
        [("type".to_string(), "freeswitch/xml".to_string())]
    );
    assert_eq!(root.text, "", "whitespace-only text is dropped");
    let names: Vec<_> = root.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["section", "X-PRE-PROCESS", "note"]);

    let section = &root.children[0];
    assert_eq!(section.attr("name"), Some("dialplan"));
    assert_eq!(section.attr("description"), Some("Regex/XML Dialplan"));
    assert_eq!(section.attr("missing"), None);

    let condition = section
        .child("context")
        .and_then(|context| context.child("extension"))
        .and_then(|extension| extension.child("condition"))
        .unwrap();
    assert_eq!(condition.attr("expression"), Some("^9196$"));
    let applications: Vec<_> = condition
        .children_named("action")
        .map(|action| action.attr("application").unwrap())
        .collect();
    assert_eq!(applications, ["answer", "set", "echo"]);
    // `${...}` is a channel variable: never touched.
    assert_eq!(
        condition.children[1].attr("data"),
        Some("greeting=${caller_id_name}")
    );
}

#[test]
fn parse_str_does_no_preprocessing() {
    let root = XmlNode::parse_str(DOCUMENT, "dialplan.xml").unwrap();
    let directive = root.child("X-PRE-PROCESS").unwrap();
    assert_eq!(directive.attr("data"), Some("x=1"));
    assert_eq!(root.child("note").unwrap().text, "hello $${x}");
}

#[test]
fn origin_carries_the_label_and_line() {
    let root = XmlNode::parse_str(DOCUMENT, "label.xml").unwrap();
    assert_eq!(root.origin.file.to_str(), Some("label.xml"));
    assert_eq!(root.origin.line, 3);
    assert_eq!(root.child("note").unwrap().origin.line, 18);
    assert_eq!(
        root.child("note").unwrap().origin.to_string(),
        "label.xml:18"
    );
}
