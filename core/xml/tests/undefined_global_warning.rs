//! An undefined `$${name}` expands to the empty string, as in FreeSWITCH,
//! and is reported as a warning with file and line, not an error.

mod common;

use common::Fixture;

#[test]
fn undefined_global_expands_to_empty_with_a_warning() {
    let fixture = Fixture::new();
    let root_path = fixture.write(
        "root.xml",
        "<document>\n  <gateway realm=\"$${no_such_var}\" proxy=\"$${also_missing}:5060\"/>\n</document>\n",
    );
    let loaded = fixture.load("root.xml").unwrap();
    let gateway = loaded.root.child("gateway").unwrap();
    assert_eq!(gateway.attr("realm"), Some(""));
    assert_eq!(gateway.attr("proxy"), Some(":5060"));

    assert_eq!(loaded.warnings.len(), 2, "{:?}", loaded.warnings);
    let warning = &loaded.warnings[0];
    assert_eq!(warning.file, root_path);
    assert_eq!(warning.line, 2);
    assert!(warning.message.contains("$${no_such_var}"), "{warning}");
    assert!(loaded.warnings[1].message.contains("$${also_missing}"));
    assert_eq!(
        warning.to_string(),
        format!("{}:2: {}", root_path.display(), warning.message)
    );
}

#[test]
fn warning_in_multi_line_text_points_at_the_reference_line() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        "<document>\n<note>first line\nsecond $${missing}\n</note>\n</document>\n",
    );
    let loaded = fixture.load("root.xml").unwrap();
    assert_eq!(
        loaded.root.child("note").unwrap().text,
        "first line\nsecond"
    );
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(loaded.warnings[0].line, 3);
}

#[test]
fn warning_in_an_included_file_points_into_it() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document><X-PRE-PROCESS cmd="include" data="part.xml"/></document>"#,
    );
    let part = fixture.write(
        "part.xml",
        "<include>\n\n  <x v=\"$${nope}\"/>\n</include>\n",
    );
    let loaded = fixture.load("root.xml").unwrap();
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(loaded.warnings[0].file, part);
    assert_eq!(loaded.warnings[0].line, 3);
}

#[test]
fn defined_globals_and_channel_variables_do_not_warn() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document>
  <X-PRE-PROCESS cmd="set" data="a=1"/>
  <x v="$${a} ${channel_var}">${other} $${a}</x>
</document>"#,
    );
    let loaded = fixture.load("root.xml").unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}
