//! Malformed XML in an included file is reported with that file and the line
//! of the offending markup.

mod common;

use common::Fixture;
use ferroswitch_xml::ConfigError;

fn fixture_including(part: &[u8]) -> Fixture {
    let fixture = Fixture::new();
    fixture.write(
        "ferroswitch.xml",
        "<document>\n  <section name=\"dialplan\">\n    <X-PRE-PROCESS cmd=\"include\" data=\"dialplan/*.xml\"/>\n  </section>\n</document>\n",
    );
    fixture.write(
        "dialplan/a_good.xml",
        "<include><context name=\"public\"/></include>",
    );
    fixture.write_bytes("dialplan/default.xml", part);
    fixture
}

#[test]
fn mismatched_closing_tag_names_the_included_file_and_line() {
    let fixture = fixture_including(
        b"<include>\n\
          \x20 <context name=\"default\">\n\
          \x20   <extension name=\"echo\">\n\
          \x20     <condition field=\"destination_number\" expression=\"^9196$\">\n\
          \x20       <action application=\"echo\"/>\n\
          \x20   </extension>\n\
          \x20 </context>\n\
          </include>\n",
    );
    let error = fixture.load("ferroswitch.xml").unwrap_err();
    let part = fixture.path("dialplan/default.xml");
    assert!(matches!(error, ConfigError::Syntax { .. }), "{error:?}");
    assert_eq!(error.file(), part);
    assert_eq!(error.line(), Some(6));
    assert_eq!(
        error.to_string(),
        format!(
            "{}:6: mismatched closing tag: expected </condition>, found </extension>",
            part.display()
        )
    );
}

#[test]
fn unterminated_tag_names_the_included_file_and_line() {
    let fixture = fixture_including(b"<include>\n\n  <context name=\"default\"\n</include>\n");
    let error = fixture.load("ferroswitch.xml").unwrap_err();
    assert_eq!(error.file(), fixture.path("dialplan/default.xml"));
    assert_eq!(error.line(), Some(3), "{error}");
}

#[test]
fn unclosed_element_names_its_start_line() {
    let fixture = fixture_including(b"<include>\n  <context name=\"default\">\n");
    let error = fixture.load("ferroswitch.xml").unwrap_err();
    assert_eq!(error.file(), fixture.path("dialplan/default.xml"));
    assert_eq!(error.line(), Some(2), "{error}");
}

#[test]
fn invalid_utf8_names_the_included_file_and_line() {
    let fixture = fixture_including(b"<include>\n  <context name=\"d\xe9faut\"/>\n</include>\n");
    let error = fixture.load("ferroswitch.xml").unwrap_err();
    assert_eq!(error.file(), fixture.path("dialplan/default.xml"));
    assert_eq!(error.line(), Some(2), "{error}");
    assert!(error.to_string().contains("UTF-8"), "{error}");
}

#[test]
fn error_in_the_root_file_after_an_include_keeps_root_lines() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        "<document>\n  <X-PRE-PROCESS cmd=\"include\" data=\"part.xml\"/>\n  <a>\n  </b>\n</document>\n",
    );
    // Many lines, so a line counter shared across files would be noticed.
    fixture.write(
        "part.xml",
        &format!("<include>{}</include>", "\n".repeat(50)),
    );
    let error = fixture.load("root.xml").unwrap_err();
    assert_eq!(error.file(), fixture.path("root.xml"));
    assert_eq!(error.line(), Some(4), "{error}");
}
