//! Malformed or unknown `X-PRE-PROCESS` directives are errors naming the file
//! and line of the directive.

mod common;

use common::Fixture;
use ferroswitch_xml::ConfigError;

fn load_error(directive: &str) -> (ConfigError, std::path::PathBuf) {
    let fixture = Fixture::new();
    let path = fixture.write(
        "root.xml",
        &format!("<document>\n  <ok/>\n  {directive}\n</document>\n"),
    );
    (fixture.load("root.xml").unwrap_err(), path)
}

#[test]
fn unknown_cmd_is_an_error() {
    let (error, path) = load_error(r#"<X-PRE-PROCESS cmd="frobnicate" data="x"/>"#);
    assert!(matches!(error, ConfigError::Directive { .. }), "{error:?}");
    assert_eq!(error.file(), path);
    assert_eq!(error.line(), Some(3));
    assert!(
        error
            .to_string()
            .contains("unknown X-PRE-PROCESS cmd \"frobnicate\""),
        "{error}"
    );
}

#[test]
fn exec_is_refused() {
    let (error, _) = load_error(r#"<X-PRE-PROCESS cmd="exec" data="/bin/true"/>"#);
    assert_eq!(error.line(), Some(3));
    assert!(error.to_string().contains("not supported"), "{error}");
}

#[test]
fn set_without_equals_is_an_error() {
    let (error, _) = load_error(r#"<X-PRE-PROCESS cmd="set" data="just_a_name"/>"#);
    assert_eq!(error.line(), Some(3));
    assert!(error.to_string().contains("name=value"), "{error}");
}

#[test]
fn missing_cmd_is_an_error() {
    let (error, _) = load_error(r#"<X-PRE-PROCESS data="a=b"/>"#);
    assert_eq!(error.line(), Some(3));
}

#[test]
fn directive_with_content_is_an_error() {
    let (error, _) =
        load_error("<X-PRE-PROCESS cmd=\"set\" data=\"a=b\">\n    <child/>\n  </X-PRE-PROCESS>");
    assert_eq!(error.line(), Some(4));
}

#[test]
fn cmd_and_element_name_are_case_insensitive() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document><X-pre-process cmd="SET" data="a = b"/><x v="$${a}"/></document>"#,
    );
    let root = fixture.load("root.xml").unwrap().root;
    assert_eq!(root.child("x").unwrap().attr("v"), Some("b"));
}
