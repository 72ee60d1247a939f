//! `X-PRE-PROCESS set` takes effect at its place in document order, across
//! includes, and `$${name}` sees the value set before it.

mod common;

use common::Fixture;
use ferroswitch_xml::{ConfigLoader, Globals};

#[test]
fn expansion_sees_only_preceding_sets() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document>
  <early value="[$${domain}]"/>
  <X-PRE-PROCESS cmd="set" data="domain=first.example"/>
  <middle value="$${domain}">text $${domain}</middle>
  <X-PRE-PROCESS cmd="set" data="domain=second.example"/>
  <late value="$${domain}"/>
</document>"#,
    );
    let mut globals = Globals::new();
    let root = fixture.load_with("root.xml", &mut globals).unwrap().root;

    assert_eq!(root.child("early").unwrap().attr("value"), Some("[]"));
    let middle = root.child("middle").unwrap();
    assert_eq!(middle.attr("value"), Some("first.example"));
    assert_eq!(middle.text, "text first.example");
    assert_eq!(
        root.child("late").unwrap().attr("value"),
        Some("second.example")
    );
    // Directives leave no trace in the tree; the caller keeps the globals.
    assert!(root.child("X-PRE-PROCESS").is_none());
    assert_eq!(globals.get("domain"), Some("second.example"));
}

#[test]
fn set_value_is_expanded_when_set() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document>
  <X-PRE-PROCESS cmd="set" data="host=pbx"/>
  <X-PRE-PROCESS cmd="set" data="uri=sip:$${host}:5060"/>
  <X-PRE-PROCESS cmd="set" data="host=other"/>
  <gateway proxy="$${uri}" user="${sip_from_user}"/>
</document>"#,
    );
    let root = fixture.load("root.xml").unwrap().root;
    let gateway = root.child("gateway").unwrap();
    assert_eq!(gateway.attr("proxy"), Some("sip:pbx:5060"));
    assert_eq!(gateway.attr("user"), Some("${sip_from_user}"));
}

#[test]
fn sets_in_an_included_file_apply_after_the_include() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document>
  <before v="$${codec}"/>
  <X-PRE-PROCESS cmd="include" data="vars.xml"/>
  <after v="$${codec}" seeded="$${base_dir}"/>
</document>"#,
    );
    fixture.write(
        "vars.xml",
        r#"<include><X-PRE-PROCESS cmd="set" data="codec=PCMU,PCMA"/></include>"#,
    );
    let mut globals = Globals::new();
    globals.set("base_dir", "/opt/ferroswitch");
    let loaded = fixture.load_with("root.xml", &mut globals).unwrap();
    let root = &loaded.root;
    assert_eq!(root.child("before").unwrap().attr("v"), Some(""));
    let after = root.child("after").unwrap();
    assert_eq!(after.attr("v"), Some("PCMU,PCMA"));
    assert_eq!(after.attr("seeded"), Some("/opt/ferroswitch"));
}

#[test]
fn include_pattern_is_expanded() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document>
  <X-PRE-PROCESS cmd="set" data="profile_dir=profiles"/>
  <X-PRE-PROCESS cmd="include" data="$${profile_dir}/*.xml"/>
</document>"#,
    );
    fixture.write("profiles/internal.xml", "<profile/>");
    let root = fixture.load("root.xml").unwrap().root;
    assert_eq!(root.children_named("profile").count(), 1);
}

#[test]
fn env_set_reads_the_environment_given_to_the_loader() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document>
  <X-PRE-PROCESS cmd="env-set" data="sip_port=SIP_PORT"/>
  <X-PRE-PROCESS cmd="env-set" data="rtp_start=$RTP_START"/>
  <X-PRE-PROCESS cmd="env-set" data="unset=NOT_THERE"/>
  <port sip="$${sip_port}" rtp="$${rtp_start}" unset="$${unset}"/>
</document>"#,
    );
    let mut globals = Globals::new();
    let loaded = ConfigLoader::new(&mut globals)
        .env(|name| match name {
            "SIP_PORT" => Some("5080".to_string()),
            "RTP_START" => Some("16384".to_string()),
            _ => None,
        })
        .load(&fixture.path("root.xml"))
        .unwrap();
    let port = loaded.root.child("port").unwrap();
    assert_eq!(port.attr("sip"), Some("5080"));
    assert_eq!(port.attr("rtp"), Some("16384"));
    assert_eq!(port.attr("unset"), Some(""));
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    assert_eq!(loaded.warnings[0].line, 4);
    assert!(loaded.warnings[0].message.contains("NOT_THERE"));
}
