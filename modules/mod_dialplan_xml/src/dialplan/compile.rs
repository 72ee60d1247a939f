//! From the dialplan section's XML to the compiled [`Dialplan`].
//!
//! Where FreeSWITCH silently reads a value it does not understand as a default (a `break`,
//! `regex` or boolean it does not know, a bad regular expression that then never matches),
//! this is an error naming the element: a typo should not quietly reroute calls. Unknown
//! attributes and elements FreeSWITCH ignores without harm are warnings.

use ferroswitch_abi::xml::{parse_bool, InvalidValue, XmlNode};

use super::{
    Action, Break, Condition, Context, Dialplan, Expression, Extension, Field, RegexItem,
    RegexMode, Test,
};
use crate::pattern::Pattern;
use crate::time::{TimeSpec, ATTRIBUTES as TIME_ATTRIBUTES};

/// FreeSWITCH's limit on nested conditions.
const MAX_NESTING: usize = 100;

/// The most times `loop` may repeat an action.
const MAX_LOOP: i64 = 1000;

/// Compiles every context of the section.
pub fn section(section: &XmlNode) -> Dialplan {
    let mut warnings = Vec::new();
    let mut contexts: Vec<Context> = Vec::new();
    for node in &section.children {
        if node.name != "context" {
            warnings.push(InvalidValue::new(
                node,
                "the dialplan section holds <context> elements: ignored",
            ));
            continue;
        }
        let Some(name) = node.attr("name") else {
            warnings.push(InvalidValue::new(node, "a context needs a name: ignored"));
            continue;
        };
        if let Some(first) = contexts.iter().find(|context| context.name == name) {
            warnings.push(InvalidValue::new(
                node,
                format!(
                    "context \"{name}\" is already defined at {}; only the first is used, as \
                     in FreeSWITCH",
                    first.origin
                ),
            ));
        }
        let mut compiler = Compiler {
            errors: Vec::new(),
            warnings: &mut warnings,
        };
        compiler.check_attributes(node, &["name"]);
        let extensions: Vec<Extension> = node
            .children
            .iter()
            .filter_map(|child| compiler.extension(child))
            .collect();
        let errors = compiler.errors;
        let prefilter = if errors.is_empty() {
            super::Prefilter::build(&extensions)
        } else {
            super::Prefilter::default()
        };
        contexts.push(Context {
            name: name.to_owned(),
            origin: node.origin.clone(),
            prefilter,
            extensions: if errors.is_empty() {
                Ok(extensions)
            } else {
                Err(errors)
            },
        });
    }
    Dialplan { contexts, warnings }
}

/// Compiles one context, collecting every error in it.
struct Compiler<'a> {
    errors: Vec<InvalidValue>,
    warnings: &'a mut Vec<InvalidValue>,
}

impl Compiler<'_> {
    fn extension(&mut self, node: &XmlNode) -> Option<Extension> {
        if node.name != "extension" {
            self.error(node, "a context holds only <extension> elements");
            return None;
        }
        self.check_attributes(node, &["name", "continue"]);
        let continue_on_match = self.boolean(node, "continue", false);
        let conditions = node
            .children
            .iter()
            .filter_map(|child| {
                if child.name == "condition" {
                    self.condition(child, 0)
                } else {
                    self.error(child, "an extension holds only <condition> elements");
                    None
                }
            })
            .collect();
        Some(Extension {
            name: node.attr("name").unwrap_or("UNKNOWN").to_owned(),
            origin: node.origin.clone(),
            continue_on_match,
            conditions,
        })
    }

    fn condition(&mut self, node: &XmlNode, depth: usize) -> Option<Condition> {
        if depth > MAX_NESTING {
            self.error(
                node,
                format!("conditions nest more than {MAX_NESTING} levels deep"),
            );
            return None;
        }
        let mut allowed = vec!["field", "expression", "break", "regex", "require-nested"];
        allowed.extend(TIME_ATTRIBUTES);
        self.check_attributes(node, &allowed);
        let time = self.time(node);
        let break_on = match node.attr("break").map(str::to_ascii_lowercase).as_deref() {
            None | Some("on-false") => Break::OnFalse,
            Some("on-true") => Break::OnTrue,
            Some("always") => Break::Always,
            Some("never") => Break::Never,
            Some(other) => {
                self.error(
                    node,
                    format!(
                        "break=\"{other}\" is not one of on-false (the default), on-true, \
                         always, never"
                    ),
                );
                Break::OnFalse
            }
        };
        let require_nested = self.boolean(node, "require-nested", true);
        let mut condition = Condition {
            origin: node.origin.clone(),
            test: Test::Absolute,
            time,
            break_on,
            require_nested,
            actions: Vec::new(),
            anti_actions: Vec::new(),
            nested: Vec::new(),
        };
        let mut items = Vec::new();
        for child in &node.children {
            match child.name.as_str() {
                "action" => condition.actions.extend(self.action(child)),
                "anti-action" => condition.anti_actions.extend(self.action(child)),
                "condition" => condition.nested.extend(self.condition(child, depth + 1)),
                "regex" => items.extend(self.regex_item(child)),
                // Read below, with the attribute it replaces.
                "expression" => {}
                _ => self.error(
                    child,
                    "a condition holds <action>, <anti-action>, <condition>, <expression> and \
                     <regex> elements",
                ),
            }
        }
        let field = node.attr("field").map(field_of);
        let expression_text = expression_text(node);
        condition.test = match node.attr("regex") {
            Some(mode) => {
                let mode = match mode.to_ascii_lowercase().as_str() {
                    "all" => RegexMode::All,
                    "any" => RegexMode::Any,
                    "xor" => RegexMode::Xor,
                    other => {
                        self.error(
                            node,
                            format!("regex=\"{other}\" is not one of all, any, xor"),
                        );
                        RegexMode::Any
                    }
                };
                if field.is_some() {
                    self.warn(
                        node,
                        "with regex=\"...\" the <regex> children are tested; this field is \
                         ignored",
                    );
                }
                Test::Regexes { mode, items }
            }
            None => {
                if !items.is_empty() {
                    self.warn(
                        node,
                        "<regex> children are only tested with regex=\"all|any|xor\": ignored",
                    );
                }
                match field {
                    Some(field) => {
                        if expression_text.is_none() {
                            self.warn(node, "a field without an expression matches anything");
                        }
                        let text = expression_text.unwrap_or_default();
                        let expression = self.expression(node, text)?;
                        Test::Field { field, expression }
                    }
                    None => {
                        if expression_text.is_some() {
                            self.warn(
                                node,
                                "an expression without a field is not tested: the condition \
                                 matches on its time attributes alone, or always",
                            );
                        }
                        Test::Absolute
                    }
                }
            }
        };
        Some(condition)
    }

    fn regex_item(&mut self, node: &XmlNode) -> Option<RegexItem> {
        let mut allowed = vec!["field", "expression"];
        allowed.extend(TIME_ATTRIBUTES);
        self.check_attributes(node, &allowed);
        for child in &node.children {
            if child.name != "expression" {
                self.error(child, "a <regex> holds only an <expression>");
            }
        }
        let time = self.time(node);
        if time.is_some() && node.attr("field").is_some() {
            self.warn(
                node,
                "a <regex> with a field is tested on its field alone: its time attributes are \
                 ignored, as in FreeSWITCH",
            );
        }
        let text = expression_text(node).unwrap_or_default();
        let expression = self.expression(node, text)?;
        Some(RegexItem {
            origin: node.origin.clone(),
            field: node.attr("field").map(field_of),
            expression,
            time,
        })
    }

    fn action(&mut self, node: &XmlNode) -> Option<Action> {
        self.check_attributes(node, &["application", "data", "inline", "loop"]);
        if let Some(child) = node.children.first() {
            self.error(child, "an action holds no elements");
        }
        let application = match node.attr("application").map(str::trim) {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => {
                self.error(node, "an action needs an application");
                return None;
            }
        };
        let data = if node.text.is_empty() {
            node.attr("data").unwrap_or("").to_owned()
        } else {
            node.text.clone()
        };
        let inline = self.boolean(node, "inline", false);
        let repeat = match node.attr("loop") {
            None => 1,
            Some(text) => match text.trim().parse::<i64>() {
                Ok(count) if count <= MAX_LOOP => u32::try_from(count.max(0)).unwrap_or(0),
                _ => {
                    self.error(
                        node,
                        format!("loop=\"{text}\" is not a whole number up to {MAX_LOOP}"),
                    );
                    1
                }
            },
        };
        Some(Action {
            origin: node.origin.clone(),
            application,
            data,
            inline,
            repeat,
        })
    }

    fn time(&mut self, node: &XmlNode) -> Option<TimeSpec> {
        TimeSpec::from_node(node).unwrap_or_else(|error| {
            self.errors.push(error);
            None
        })
    }

    /// `text` compiled now, or kept for each hunt when it holds `${variables}`.
    fn expression(&mut self, node: &XmlNode, text: String) -> Option<Expression> {
        if text.contains("${") {
            return Some(Expression::Expanded(text));
        }
        match Pattern::new(&text) {
            Ok(pattern) => Some(Expression::Fixed(pattern)),
            Err(reason) => {
                self.error(node, reason);
                None
            }
        }
    }

    fn boolean(&mut self, node: &XmlNode, name: &str, default: bool) -> bool {
        let Some(value) = node.attr(name) else {
            return default;
        };
        parse_bool(node, value.trim()).unwrap_or_else(|mut error| {
            error.reason = format!("{name}: {}", error.reason);
            self.errors.push(error);
            default
        })
    }

    fn check_attributes(&mut self, node: &XmlNode, allowed: &[&str]) {
        for (name, _) in &node.attributes {
            if !allowed.contains(&name.as_str()) {
                self.warn(node, format!("unknown attribute \"{name}\": ignored"));
            }
        }
    }

    fn error(&mut self, node: &XmlNode, reason: impl Into<String>) {
        self.errors.push(InvalidValue::new(node, reason));
    }

    fn warn(&mut self, node: &XmlNode, reason: impl Into<String>) {
        self.warnings.push(InvalidValue::new(node, reason));
    }
}

/// A field holding a `$` is expanded from channel variables; anything else names a
/// caller-profile field.
fn field_of(text: &str) -> Field {
    if text.contains('$') {
        Field::Expanded(text.to_owned())
    } else {
        Field::Profile(text.to_owned())
    }
}

/// The first `<expression>` child's text, which wins over the `expression` attribute.
fn expression_text(node: &XmlNode) -> Option<String> {
    match node.child("expression") {
        Some(child) => Some(child.text.clone()),
        None => node.attr("expression").map(str::to_owned),
    }
}

#[cfg(test)]
mod tests;
