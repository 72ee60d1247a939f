//! `params` yields `(name, value)` of `<param name=".." value=".."/>` children.

use ferroswitch_xml::XmlNode;

#[test]
fn params_yields_name_value_pairs_in_order() {
    let settings = XmlNode::parse_str(
        r#"<settings>
  <param name="sip-port" value="5060"/>
  <variable name="not-a-param" value="x"/>
  <param name="context" value="public"/>
  <param name="no-value"/>
  <param value="no name is skipped"/>
  <param name="dial-string" value="${sofia_contact(${dialed_user})}"/>
  <group><param name="nested" value="not a child"/></group>
</settings>"#,
        "sofia.xml",
    )
    .unwrap();
    let params: Vec<_> = settings.params().collect();
    assert_eq!(
        params,
        [
            ("sip-port", "5060"),
            ("context", "public"),
            ("no-value", ""),
            ("dial-string", "${sofia_contact(${dialed_user})}"),
        ]
    );
}

#[test]
fn element_without_params_yields_nothing() {
    let empty = XmlNode::parse_str("<settings><other/></settings>", "t").unwrap();
    assert_eq!(empty.params().count(), 0);
}
