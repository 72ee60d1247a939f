//! `find_configuration` finds `<configuration name=..>` in the configuration
//! section of the root `<document>`.

use ferroswitch_xml::XmlNode;

const DOCUMENT: &str = r#"<document type="freeswitch/xml">
  <section name="dialplan">
    <configuration name="modules.conf"><decoy/></configuration>
  </section>
  <section name="configuration">
    <configuration name="switch.conf" description="Core"><settings/></configuration>
    <configuration name="modules.conf" description="Modules">
      <modules><load module="mod_console"/></modules>
    </configuration>
  </section>
</document>"#;

#[test]
fn finds_the_named_configuration_in_the_configuration_section() {
    let root = XmlNode::parse_str(DOCUMENT, "ferroswitch.xml").unwrap();
    let modules = root.find_configuration("modules.conf").unwrap();
    assert_eq!(modules.attr("description"), Some("Modules"));
    assert_eq!(modules.origin.line, 7);
    let load = modules
        .child("modules")
        .and_then(|m| m.child("load"))
        .unwrap();
    assert_eq!(load.attr("module"), Some("mod_console"));

    let switch = root.find_configuration("switch.conf").unwrap();
    assert_eq!(switch.attr("description"), Some("Core"));
}

#[test]
fn missing_configuration_is_none() {
    let root = XmlNode::parse_str(DOCUMENT, "ferroswitch.xml").unwrap();
    assert!(root.find_configuration("sofia.conf").is_none());
    assert!(root.find_configuration("").is_none());
    let no_section = XmlNode::parse_str("<document/>", "empty.xml").unwrap();
    assert!(no_section.find_configuration("modules.conf").is_none());
}

#[test]
fn section_finds_sections_by_name() {
    let root = XmlNode::parse_str(DOCUMENT, "ferroswitch.xml").unwrap();
    assert_eq!(root.section("dialplan").unwrap().origin.line, 2);
    assert_eq!(root.section("configuration").unwrap().origin.line, 5);
    assert!(root.section("directory").is_none());
}
