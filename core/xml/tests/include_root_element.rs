//! An included file whose root is `<include>` contributes its children at the
//! place of the directive; any other root element is inserted itself.

mod common;

use common::{child_names, Fixture};

#[test]
fn include_root_contributes_its_children_in_place() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document>
  <first/>
  <X-PRE-PROCESS cmd="include" data="wrapped.xml"/>
  <last/>
</document>"#,
    );
    fixture.write(
        "wrapped.xml",
        r#"<include><x n="1"/><y/><x n="2"/></include>"#,
    );
    let root = fixture.load("root.xml").unwrap().root;
    assert_eq!(child_names(&root), ["first", "x", "y", "x", "last"]);
    let numbers: Vec<_> = root.children_named("x").map(|x| x.attr("n")).collect();
    assert_eq!(numbers, [Some("1"), Some("2")]);
}

#[test]
fn other_root_element_is_inserted_itself() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document><profiles><X-PRE-PROCESS cmd="include" data="internal.xml"/></profiles></document>"#,
    );
    fixture.write(
        "internal.xml",
        r#"<profile name="internal"><settings/></profile>"#,
    );
    let root = fixture.load("root.xml").unwrap().root;
    let profiles = root.child("profiles").unwrap();
    assert_eq!(child_names(profiles), ["profile"]);
    let profile = profiles.find_child("profile", "name", "internal").unwrap();
    assert_eq!(child_names(profile), ["settings"]);
}

#[test]
fn nested_include_element_is_kept() {
    // Only the top-level <include> of a file is a wrapper.
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document><X-PRE-PROCESS cmd="include" data="part.xml"/></document>"#,
    );
    fixture.write(
        "part.xml",
        r#"<include><group><include/></group></include>"#,
    );
    let root = fixture.load("root.xml").unwrap().root;
    assert_eq!(child_names(&root), ["group"]);
    assert_eq!(child_names(&root.children[0]), ["include"]);
}
