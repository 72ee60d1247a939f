//! The dialplan section, parsed and compiled once per configuration: contexts, extensions,
//! conditions (regular expressions compiled, time attributes parsed) and actions.
//!
//! A context holding an element that does not compile keeps the errors instead of its
//! extensions: every hunt in it fails with them (file, line, element, reason), while the
//! other contexts keep working.

mod compile;
mod prefilter;

pub use prefilter::Prefilter;

use ferroswitch_abi::xml::{InvalidValue, Origin, XmlNode};

use crate::pattern::Pattern;
use crate::time::TimeSpec;

/// The compiled `<section name="dialplan">`.
#[derive(Debug)]
pub struct Dialplan {
    contexts: Vec<Context>,
    warnings: Vec<InvalidValue>,
}

impl Dialplan {
    /// Compiles the dialplan section.
    pub fn compile(section: &XmlNode) -> Dialplan {
        compile::section(section)
    }

    /// The first context named `name`, as FreeSWITCH takes it.
    pub fn context(&self, name: &str) -> Option<&Context> {
        self.contexts.iter().find(|context| context.name == name)
    }

    /// Every context, in document order.
    pub fn contexts(&self) -> &[Context] {
        &self.contexts
    }

    /// What compiled but deserves the operator's attention (an unknown attribute, a second
    /// context of the same name).
    pub fn warnings(&self) -> &[InvalidValue] {
        &self.warnings
    }
}

/// A `<context>`.
#[derive(Debug)]
pub struct Context {
    pub name: String,
    pub origin: Origin,
    /// Its extensions in order, or every error found in it.
    pub extensions: Result<Vec<Extension>, Vec<InvalidValue>>,
    /// Skips, in one pass, the extensions whose first condition cannot match.
    pub prefilter: Prefilter,
}

/// An `<extension>`.
#[derive(Debug)]
pub struct Extension {
    /// `UNKNOWN` when unnamed, as in FreeSWITCH.
    pub name: String,
    pub origin: Origin,
    /// `continue="true"`: the hunt goes on after this extension matches.
    pub continue_on_match: bool,
    pub conditions: Vec<Condition>,
}

/// A `<condition>`.
#[derive(Debug)]
pub struct Condition {
    pub origin: Origin,
    pub test: Test,
    /// Its time attributes, if any.
    pub time: Option<TimeSpec>,
    pub break_on: Break,
    /// `require-nested` (default true): whether its nested conditions must match for it to.
    pub require_nested: bool,
    pub actions: Vec<Action>,
    pub anti_actions: Vec<Action>,
    pub nested: Vec<Condition>,
}

/// What a condition tests besides the time.
#[derive(Debug)]
pub enum Test {
    /// No `field` (and no `regex`): only the time attributes, if any, decide.
    Absolute,
    /// `field` against `expression`.
    Field {
        field: Field,
        expression: Expression,
    },
    /// `regex="all|any|xor"` over `<regex>` children.
    Regexes {
        mode: RegexMode,
        items: Vec<RegexItem>,
    },
}

/// One `<regex>` of a `regex="..."` condition.
#[derive(Debug)]
pub struct RegexItem {
    pub origin: Origin,
    pub field: Option<Field>,
    pub expression: Expression,
    pub time: Option<TimeSpec>,
}

/// What a `field` attribute names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    /// A caller-profile field (`destination_number`); unknown names read as empty.
    Profile(String),
    /// Text with `${variables}` (anything holding a `$`), expanded from the channel.
    Expanded(String),
}

impl Field {
    /// The attribute as written.
    pub fn as_written(&self) -> &str {
        match self {
            Field::Profile(text) | Field::Expanded(text) => text,
        }
    }
}

/// An `expression`.
#[derive(Clone, Debug)]
pub enum Expression {
    /// Compiled at load.
    Fixed(Pattern),
    /// Holding `${variables}`: expanded and compiled at each hunt.
    Expanded(String),
}

/// An `<action>` or `<anti-action>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub origin: Origin,
    pub application: String,
    /// The element's text if any, else its `data` attribute; `$N` not yet substituted.
    pub data: String,
    /// `inline="true"`: run during the hunt instead of queued.
    pub inline: bool,
    /// `loop="N"`: how many times (0 for none).
    pub repeat: u32,
}

/// When a condition stops the extension's remaining conditions (`break`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Break {
    OnFalse,
    OnTrue,
    Always,
    Never,
}

impl Break {
    /// As written in the dialplan.
    pub fn name(self) -> &'static str {
        match self {
            Break::OnFalse => "on-false",
            Break::OnTrue => "on-true",
            Break::Always => "always",
            Break::Never => "never",
        }
    }
}

/// How the `<regex>` children of a condition combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegexMode {
    All,
    Any,
    Xor,
}

impl RegexMode {
    /// As written in the dialplan.
    pub fn name(self) -> &'static str {
        match self {
            RegexMode::All => "all",
            RegexMode::Any => "any",
            RegexMode::Xor => "xor",
        }
    }
}
