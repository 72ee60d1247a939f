//! No input panics: malformed XML, hostile nesting and mangled variants of a
//! real document all end in `Ok` or a located `Err`.

mod common;

use common::Fixture;
use ferroswitch_xml::{XmlNode, MAX_DEPTH};

const SEED: &str = r#"<?xml version="1.0"?>
<document type="freeswitch/xml">
  <X-PRE-PROCESS cmd="set" data="domain=$${local_ip_v4}"/>
  <section name="configuration">
    <configuration name="sofia.conf">
      <settings><param name="log-level" value="0"/></settings>
      <!-- comment -->
      <profile name="internal"><![CDATA[ x ]]>&amp;&#65;</profile>
    </configuration>
  </section>
</document>
"#;

const MALFORMED: &[&str] = &[
    "",
    "   ",
    "<",
    "<a",
    "<a>",
    "</a>",
    "<a></b>",
    "<a><b></a></b>",
    "<a x=1/>",
    "<a x=\"1/>",
    "<a x=\"1\" x=\"2\"/>",
    "<a>&unknown;</a>",
    "<a>&#0;</a>",
    "<a>&#xFFFFFFFF;</a>",
    "<a>& </a>",
    "<a x=\"&#x110000;\"/>",
    "<a><!-- unterminated</a>",
    "<a><![CDATA[ unterminated</a>",
    "<?xml",
    "<!DOCTYPE",
    "<a/><b/>",
    "text only",
    "<a/>trailing",
    "<a\u{0}/>",
    "<a>\u{1}</a>",
    "<a x=\"\u{1b}\"/>",
    "<a>&#1;</a>",
    "<a>\u{fffe}</a>",
];

#[test]
fn malformed_documents_are_errors_with_a_line() {
    for input in MALFORMED {
        let error =
            XmlNode::parse_str(input, "bad.xml").expect_err(&format!("{input:?} should not parse"));
        assert!(
            error.line().is_some_and(|line| line >= 1),
            "{input:?}: {error}"
        );
        assert!(
            error.to_string().starts_with("bad.xml:"),
            "{input:?}: {error}"
        );
    }
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error() {
    let depth = 100_000;
    let input = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
    let error = XmlNode::parse_str(&input, "deep.xml").unwrap_err();
    assert!(error.to_string().contains("nested deeper than"), "{error}");
}

#[test]
fn nesting_at_the_limit_parses() {
    let input = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
    let mut node = &XmlNode::parse_str(&input, "deep.xml").unwrap();
    let mut levels = 1;
    while let Some(child) = node.children.first() {
        node = child;
        levels += 1;
    }
    assert_eq!(levels, MAX_DEPTH);
}

#[test]
fn includes_cannot_exceed_the_nesting_limit() {
    let fixture = Fixture::new();
    let half = MAX_DEPTH / 2 + 10;
    fixture.write(
        "root.xml",
        &format!(
            "{}<X-PRE-PROCESS cmd=\"include\" data=\"deep.xml\"/>{}",
            "<a>".repeat(half),
            "</a>".repeat(half)
        ),
    );
    let deep = fixture.write(
        "deep.xml",
        &format!("{}{}", "<b>".repeat(half), "</b>".repeat(half)),
    );
    let error = fixture.load("root.xml").unwrap_err();
    assert_eq!(error.file(), deep);
    assert!(error.to_string().contains("nested deeper than"), "{error}");
}

/// Deterministic mutations of a real document (no RNG dependency): every
/// truncation, and byte substitutions at every position.
#[test]
fn mangled_documents_never_panic() {
    let seed = SEED.as_bytes();
    // Every cut before the end of the root element leaves a broken document.
    for end in 0..SEED.trim_end().len() {
        if let Ok(text) = std::str::from_utf8(&seed[..end]) {
            assert!(XmlNode::parse_str(text, "cut.xml").is_err(), "{text:?}");
        }
    }
    assert!(XmlNode::parse_str(SEED, "seed.xml").is_ok());

    for position in 0..seed.len() {
        for replacement in [b'<', b'>', b'&', b'"', b'/', b'\n', b'$', 0xff] {
            let mut bytes = seed.to_vec();
            bytes[position] = replacement;
            if let Ok(text) = std::str::from_utf8(&bytes) {
                let _ = XmlNode::parse_str(text, "mangled.xml");
            }
        }
    }
}

#[test]
fn mangled_files_never_panic_when_loaded() {
    let fixture = Fixture::new();
    let seed = SEED.as_bytes();
    for position in (0..seed.len()).step_by(7) {
        let mut bytes = seed.to_vec();
        bytes[position] = [b'<', b'&', 0xff, b'}'][position % 4];
        fixture.write_bytes("root.xml", &bytes);
        let _ = fixture.load("root.xml");
    }
}

/// The round-trip promise of `to_xml_string` holds for whatever mangled
/// input still parses, not only for hand-picked trees.
#[test]
fn mangled_documents_that_parse_round_trip() {
    let seed = SEED.as_bytes();
    let mut checked = 0;
    for position in 0..seed.len() {
        for replacement in [b' ', b'\n', b'x', b'&', b'"', b'\''] {
            let mut bytes = seed.to_vec();
            bytes[position] = replacement;
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            let Ok(tree) = XmlNode::parse_str(text, "mangled.xml") else {
                continue;
            };
            let written = tree.to_xml_string();
            let again = XmlNode::parse_str(&written, "written.xml")
                .unwrap_or_else(|error| panic!("{error}\nwritten:\n{written}"));
            assert!(
                again.content_eq(&tree),
                "input:\n{text}\nwritten:\n{written}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} variants parsed");
}
