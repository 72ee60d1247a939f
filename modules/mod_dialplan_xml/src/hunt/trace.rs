//! What a hunt did, step by step: the record `route_test` prints.

use ferroswitch_abi::xml::Origin;

use crate::dialplan::{Break, RegexMode};

/// One step of a hunt. `depth` is the nesting of the condition it belongs to (0 for the
/// extension's own conditions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The context hunted: `name` as found, `requested` as the caller profile asked.
    Context {
        requested: String,
        name: String,
        origin: Origin,
    },
    /// Neither the requested context nor `global` exists.
    NoContext { requested: String },
    /// The hunt started at this extension because `auto_hunt` is set and it bears the
    /// destination's name.
    AutoHunt { name: String },
    /// An extension is tried.
    Extension { name: String, origin: Origin },
    /// A condition was tested: `matched` tells whether its actions (true) or anti-actions
    /// (false) apply.
    Condition {
        depth: usize,
        origin: Origin,
        report: ConditionReport,
        matched: bool,
    },
    /// One `<regex>` of a `regex="..."` condition was tested.
    Regex {
        depth: usize,
        origin: Origin,
        report: ConditionReport,
        matched: bool,
    },
    /// An action (or anti-action) was queued on the extension.
    Queued {
        depth: usize,
        anti: bool,
        application: String,
        data: String,
    },
    /// An `inline="true"` action ran during the hunt.
    Inline {
        depth: usize,
        anti: bool,
        application: String,
        data: String,
        outcome: InlineOutcome,
    },
    /// A condition's `break` stopped the extension's remaining conditions.
    Break { depth: usize, on: Break },
    /// A condition's nested conditions were tested.
    Nested { depth: usize, matched: bool },
    /// An extension was done: whether it matched, and whether the hunt stops there.
    ExtensionDone { matched: bool, stop: bool },
}

/// What one condition or `<regex>` tested, and how each part came out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConditionReport {
    /// The time attributes as written, and whether they matched.
    pub time: Option<(String, bool)>,
    /// The field test.
    pub field: Option<FieldReport>,
    /// For `regex="..."`: the mode, and how many `<regex>` passed and failed.
    pub regexes: Option<(RegexMode, u32, u32)>,
}

/// A field tested against an expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldReport {
    /// The field as written (`destination_number`, `${sip_user}`).
    pub field: String,
    /// Its value.
    pub value: String,
    /// The expression, `${variables}` expanded.
    pub expression: String,
    pub matched: bool,
}

/// What running an inline action gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InlineOutcome {
    /// It ran.
    Ran,
    /// It ran and failed.
    Failed(String),
    /// Not run: `route_test` only simulates `set`, `unset` and `export`.
    NotSimulated,
}
