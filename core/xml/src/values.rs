//! Reading values out of a module's configuration: the error every module gives for a value
//! it refuses, and the value syntaxes modules share.
//!
//! The error names the file and line, the element as written and the reason, so an operator
//! can find and fix it without reading code:
//!
//! ```text
//! conf/autoload_configs/console.conf.xml:8: <param name="colorize" value="maybe"/>: "maybe" is not a boolean (true or false)
//! ```

use crate::node::{Origin, XmlNode};

/// A configuration element whose value is not one it allows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {element}: {reason}")]
#[non_exhaustive]
pub struct InvalidValue {
    /// Where the element starts.
    pub origin: Origin,
    /// The element as written, e.g. `<param name="loglevel" value="loud"/>`.
    pub element: String,
    /// What is wrong with it.
    pub reason: String,
}

impl InvalidValue {
    /// The error for `node`, pointing at where it starts and showing it as written.
    pub fn new(node: &XmlNode, reason: impl Into<String>) -> Self {
        Self {
            origin: node.origin.clone(),
            element: describe(node),
            reason: reason.into(),
        }
    }
}

/// The element as a person would find it in the file: `<param name="x" value="y"/>`.
///
/// Only the start tag is shown (children and text left out), so it stays one line.
pub fn describe(node: &XmlNode) -> String {
    let mut text = format!("<{}", node.name);
    for (name, value) in &node.attributes {
        text.push_str(&format!(" {name}=\"{value}\""));
    }
    text.push_str("/>");
    text
}

/// Every `<param name=".." value=".."/>` of every `<settings>` child of `conf`, in document
/// order, as `(param, name, value)`: the element (for an [`InvalidValue`]), its name and its
/// value trimmed of whitespace.
///
/// As in FreeSWITCH, a missing `value` reads as the empty string and a `param` without a
/// `name` is skipped.
pub fn settings_params(conf: &XmlNode) -> impl Iterator<Item = (&XmlNode, &str, &str)> {
    conf.children_named("settings")
        .flat_map(|settings| settings.children_named("param"))
        .filter_map(|param| {
            let name = param.attr("name")?;
            Some((param, name, param.attr("value").unwrap_or("").trim()))
        })
}

/// Reads `value`, the value of `param`, as a boolean with FreeSWITCH's words
/// (`switch_true` / `switch_false`, any case): `true`, `t`, `yes`, `on`, `enabled`,
/// `enable`, `allow` and a non-zero integer are true; `false`, `f`, `no`, `off`,
/// `disabled`, `disable`, `deny` and `0` are false.
///
/// Where FreeSWITCH takes anything else as false, this is an error: a typo should not
/// silently turn a feature off.
pub fn parse_bool(param: &XmlNode, value: &str) -> Result<bool, InvalidValue> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "t" | "yes" | "on" | "enabled" | "enable" | "allow" => Ok(true),
        "false" | "f" | "no" | "off" | "disabled" | "disable" | "deny" => Ok(false),
        number => number.parse::<i64>().map(|n| n != 0).map_err(|_| {
            InvalidValue::new(
                param,
                format!("\"{value}\" is not a boolean (true or false)"),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(value: &str) -> XmlNode {
        let text =
            format!("<settings>\n  <param name=\"colorize\" value=\"{value}\"/>\n</settings>");
        let settings = XmlNode::parse_str(&text, "console.conf.xml").expect("well-formed XML");
        settings.children[0].clone()
    }

    #[test]
    fn describe_shows_the_start_tag_as_written() {
        assert_eq!(
            describe(&param("on")),
            r#"<param name="colorize" value="on"/>"#
        );
    }

    #[test]
    fn error_names_file_line_element_and_reason() {
        let error = InvalidValue::new(&param("loud"), "too loud");
        assert_eq!(
            error.to_string(),
            r#"console.conf.xml:2: <param name="colorize" value="loud"/>: too loud"#
        );
    }

    #[test]
    fn settings_params_reads_every_settings_block() {
        let conf = XmlNode::parse_str(
            r#"<configuration>
                 <settings>
                   <param name="a" value=" 1 "/>
                   <param value="nameless"/>
                   <param name="b"/>
                 </settings>
                 <profiles><profile><settings><param name="inner" value="x"/></settings></profile></profiles>
                 <settings><param name="c" value="3"/></settings>
               </configuration>"#,
            "test.conf.xml",
        )
        .expect("well-formed XML");
        let params: Vec<_> = settings_params(&conf)
            .map(|(param, name, value)| (param.origin.line, name, value))
            .collect();
        assert_eq!(params, [(3, "a", "1"), (5, "b", ""), (8, "c", "3")]);
    }

    #[test]
    fn parse_bool_takes_freeswitch_words_in_any_case() {
        let node = param("");
        for word in [
            "true", "T", "yes", "On", "enabled", "ENABLE", "allow", "1", "-5",
        ] {
            assert_eq!(parse_bool(&node, word), Ok(true), "{word}");
        }
        for word in [
            "false", "F", "no", "Off", "disabled", "DISABLE", "deny", "0",
        ] {
            assert_eq!(parse_bool(&node, word), Ok(false), "{word}");
        }
    }

    #[test]
    fn parse_bool_refuses_anything_else() {
        for word in ["maybe", "", " true", "1.0"] {
            let node = param(word);
            let error = parse_bool(&node, word).expect_err(word);
            assert_eq!(
                error.reason,
                format!("\"{word}\" is not a boolean (true or false)")
            );
            assert_eq!(error.origin.line, 2);
        }
    }
}
