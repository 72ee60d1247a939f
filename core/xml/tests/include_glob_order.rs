//! A glob include splices every matching file in sorted order; a glob that
//! matches nothing includes nothing (with a warning).

mod common;

use common::Fixture;

fn profile_names(root: &ferroswitch_xml::XmlNode) -> Vec<&str> {
    root.children_named("profile")
        .map(|profile| profile.attr("name").unwrap())
        .collect()
}

#[test]
fn glob_includes_matches_in_sorted_order() {
    let fixture = Fixture::new();
    fixture.write(
        "conf/root.xml",
        r#"<document><X-PRE-PROCESS cmd="include" data="sip_profiles/*.xml"/></document>"#,
    );
    // Written out of order, so directory order is unlikely to be sorted.
    for name in ["c", "a", "d", "b"] {
        fixture.write(
            &format!("conf/sip_profiles/{name}.xml"),
            &format!(r#"<profile name="{name}"/>"#),
        );
    }
    // Not matched: other extension, hidden file, subdirectory content.
    fixture.write("conf/sip_profiles/readme.txt", "<profile name=\"txt\"/>");
    fixture.write("conf/sip_profiles/.swap.xml", "<profile name=\"hidden\"/>");
    fixture.write("conf/sip_profiles/sub/e.xml", "<profile name=\"sub\"/>");

    let loaded = fixture.load("conf/root.xml").unwrap();
    assert_eq!(profile_names(&loaded.root), ["a", "b", "c", "d"]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn glob_matching_nothing_includes_nothing_and_warns() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        "<document>\n  <X-PRE-PROCESS cmd=\"include\" data=\"none/*.xml\"/>\n</document>",
    );
    let loaded = fixture.load("root.xml").unwrap();
    assert!(loaded.root.children.is_empty());
    assert_eq!(loaded.warnings.len(), 1);
    let warning = &loaded.warnings[0];
    assert_eq!(warning.line, 2);
    assert!(warning.message.contains("matched no file"), "{warning}");
}

#[test]
fn glob_is_relative_to_the_including_file() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document><X-PRE-PROCESS cmd="include" data="dir/list.xml"/></document>"#,
    );
    fixture.write(
        "dir/list.xml",
        r#"<include><X-PRE-PROCESS cmd="include" data="p?.xml"/></include>"#,
    );
    fixture.write("dir/p2.xml", r#"<profile name="dir-2"/>"#);
    fixture.write("dir/p1.xml", r#"<profile name="dir-1"/>"#);
    fixture.write("p3.xml", r#"<profile name="top-level"/>"#);

    let root = fixture.load("root.xml").unwrap().root;
    assert_eq!(profile_names(&root), ["dir-1", "dir-2"]);
}

#[test]
fn glob_characters_in_the_directory_are_literal() {
    let fixture = Fixture::new();
    fixture.write(
        "[x]/root.xml",
        r#"<document><X-PRE-PROCESS cmd="include" data="*.inc"/></document>"#,
    );
    fixture.write("[x]/a.inc", r#"<profile name="bracket-dir"/>"#);
    // Would match if "[x]" were read as a character class.
    fixture.write("x/a.inc", r#"<profile name="wrong-dir"/>"#);

    let root = fixture.load("[x]/root.xml").unwrap().root;
    assert_eq!(profile_names(&root), ["bracket-dir"]);
}
