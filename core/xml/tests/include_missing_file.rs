//! Missing or unreadable files are errors naming the path, and for includes
//! the file and line of the directive.

mod common;

use common::Fixture;
use ferroswitch_xml::ConfigError;

#[test]
fn literal_include_of_a_missing_file_names_the_directive_and_the_path() {
    let fixture = Fixture::new();
    let root_path = fixture.write(
        "conf/root.xml",
        "<document>\n\n  <X-PRE-PROCESS cmd=\"include\" data=\"vars.xml\"/>\n</document>\n",
    );
    let error = fixture.load("conf/root.xml").unwrap_err();

    assert!(
        matches!(error, ConfigError::IncludeNotFound { .. }),
        "{error:?}"
    );
    assert_eq!(error.file(), root_path);
    assert_eq!(error.line(), Some(3));
    let missing = fixture.path("conf/vars.xml");
    assert_eq!(
        error.to_string(),
        format!(
            "{}:3: X-PRE-PROCESS include \"vars.xml\" matched no file: {} does not exist",
            root_path.display(),
            missing.display()
        )
    );
}

#[test]
fn missing_root_file_names_the_path() {
    let fixture = Fixture::new();
    let error = fixture.load("nowhere.xml").unwrap_err();
    assert!(matches!(error, ConfigError::Read { .. }), "{error:?}");
    assert_eq!(error.file(), fixture.path("nowhere.xml"));
    assert_eq!(error.line(), None);
    assert_eq!(
        error.io_error().map(std::io::Error::kind),
        Some(std::io::ErrorKind::NotFound)
    );
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}: ", fixture.path("nowhere.xml").display())),
        "{error}"
    );
}

#[test]
fn missing_file_deep_in_includes_points_at_the_inner_directive() {
    let fixture = Fixture::new();
    fixture.write(
        "root.xml",
        r#"<document><X-PRE-PROCESS cmd="include" data="a/inner.xml"/></document>"#,
    );
    let inner = fixture.write(
        "a/inner.xml",
        "<include>\n  <X-PRE-PROCESS cmd=\"include\" data=\"gone.xml\"/>\n</include>\n",
    );
    let error = fixture.load("root.xml").unwrap_err();
    assert_eq!(error.file(), inner);
    assert_eq!(error.line(), Some(2));
}

#[cfg(unix)]
#[test]
fn unreadable_glob_match_is_an_error_naming_the_file() {
    let fixture = Fixture::new();
    let root_path = fixture.write(
        "root.xml",
        "<document>\n  <X-PRE-PROCESS cmd=\"include\" data=\"parts/*.xml\"/>\n</document>\n",
    );
    fixture.write("parts/good.xml", "<good/>");
    // A dangling symlink is matched by the glob but cannot be read (a
    // chmod 000 file would not do: tests may run as root).
    let dangling = fixture.path("parts/broken.xml");
    std::os::unix::fs::symlink(fixture.path("parts/missing-target"), &dangling).unwrap();

    let error = fixture.load("root.xml").unwrap_err();
    assert!(
        matches!(error, ConfigError::IncludeRead { .. }),
        "{error:?}"
    );
    assert_eq!(error.file(), root_path);
    assert_eq!(error.line(), Some(2));
    let text = error.to_string();
    let expected_prefix = format!(
        "{}:2: X-PRE-PROCESS include \"parts/*.xml\" matched a file that cannot be read: {}: ",
        root_path.display(),
        dangling.display()
    );
    assert!(text.starts_with(&expected_prefix), "{text}");
}
