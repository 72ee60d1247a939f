//! Files including themselves, directly or not, are an error naming the
//! directive; include depth is bounded.

mod common;

use common::Fixture;
use ferroswitch_xml::{ConfigError, MAX_INCLUDE_DEPTH};

#[test]
fn file_including_itself_is_a_cycle() {
    let fixture = Fixture::new();
    let root_path = fixture.write(
        "root.xml",
        "<document>\n  <X-PRE-PROCESS cmd=\"include\" data=\"root.xml\"/>\n</document>\n",
    );
    let error = fixture.load("root.xml").unwrap_err();
    let ConfigError::IncludeCycle { chain, .. } = &error else {
        panic!("expected a cycle, got {error:?}");
    };
    assert_eq!(chain.len(), 2);
    assert_eq!(error.file(), root_path);
    assert_eq!(error.line(), Some(2));
    assert!(error.to_string().contains("include cycle"), "{error}");
}

#[test]
fn indirect_cycle_names_the_directive_closing_it() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document><X-PRE-PROCESS cmd="include" data="a.xml"/></document>"#,
    );
    let a = fixture.write(
        "a.xml",
        r#"<include><X-PRE-PROCESS cmd="include" data="sub/b.xml"/></include>"#,
    );
    let b = fixture.write(
        "sub/b.xml",
        "<include>\n\n\n  <X-PRE-PROCESS cmd=\"include\" data=\"../a.xml\"/>\n</include>\n",
    );
    let error = fixture.load("root.xml").unwrap_err();
    let ConfigError::IncludeCycle { chain, pattern, .. } = &error else {
        panic!("expected a cycle, got {error:?}");
    };
    assert_eq!(pattern, "../a.xml");
    assert_eq!(error.file(), b);
    assert_eq!(error.line(), Some(4));
    assert_eq!(chain.first(), Some(&a));
    assert_eq!(chain.len(), 3, "{chain:?}");
}

#[test]
fn same_file_included_twice_side_by_side_is_not_a_cycle() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document>
  <X-PRE-PROCESS cmd="include" data="gateway.xml"/>
  <X-PRE-PROCESS cmd="include" data="gateway.xml"/>
</document>"#,
    );
    fixture.write("gateway.xml", "<gateway/>");
    let root = fixture.load("root.xml").unwrap().root;
    assert_eq!(root.children_named("gateway").count(), 2);
}

#[test]
fn include_depth_is_bounded() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document><X-PRE-PROCESS cmd="include" data="level0.xml"/></document>"#,
    );
    // A chain of distinct files (no cycle) longer than the limit.
    let levels = MAX_INCLUDE_DEPTH + 5;
    for level in 0..levels {
        fixture.write(
            &format!("level{level}.xml"),
            &format!(
                r#"<include><X-PRE-PROCESS cmd="include" data="level{}.xml"/></include>"#,
                level + 1
            ),
        );
    }
    fixture.write(&format!("level{levels}.xml"), "<leaf/>");

    let error = fixture.load("root.xml").unwrap_err();
    assert!(
        matches!(error, ConfigError::IncludeTooDeep { limit, .. } if limit == MAX_INCLUDE_DEPTH),
        "{error:?}"
    );
    assert_eq!(
        error.file(),
        fixture.path(&format!("level{}.xml", MAX_INCLUDE_DEPTH - 1))
    );
}

#[test]
fn include_chain_within_the_limit_loads() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document><X-PRE-PROCESS cmd="include" data="level0.xml"/></document>"#,
    );
    let levels = MAX_INCLUDE_DEPTH - 1;
    for level in 0..levels {
        fixture.write(
            &format!("level{level}.xml"),
            &format!(
                r#"<include><X-PRE-PROCESS cmd="include" data="level{}.xml"/></include>"#,
                level + 1
            ),
        );
    }
    fixture.write(&format!("level{levels}.xml"), "<leaf/>");
    let root = fixture.load("root.xml").unwrap().root;
    assert!(root.child("leaf").is_some());
}
