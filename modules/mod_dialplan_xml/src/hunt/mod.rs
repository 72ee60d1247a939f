//! The hunt: given the compiled dialplan, the caller profile, the channel's variables and the
//! time, which extension the call gets, and (optionally) a trace of every step.
//!
//! A plain function of its inputs: the channel is a [`Channel`] (the session in a real call,
//! a simulation in `route_test`, a map in tests) and the time a [`Clock`].
//!
//! The order and its quirks are FreeSWITCH's (`mod_dialplan_xml.c`, `parse_exten`):
//!
//! - the context is the caller profile's (`default` when empty), else the one named `global`;
//!   with the channel variable `auto_hunt` true the hunt starts at the extension named like
//!   the destination;
//! - extensions are tried in order; one that matches ends the hunt unless `continue="true"`;
//! - an extension's conditions are tested in order, and each adds its actions (or, when it
//!   fails, its anti-actions) to one list shared by the whole hunt; `break` (default
//!   `on-false`) decides whether the extension's later conditions are tested;
//! - whether an extension "matched" is the result of the last condition tested; a failed
//!   condition with anti-actions counts as a match;
//! - a condition with both time attributes and a field tests the time first: when either
//!   passes its actions run, but it counts as a match only when the field does;
//! - actions queued by earlier conditions stay queued when a later one fails, and are run
//!   even when no extension matched;
//! - `$N` in action data is substituted only when the expression has a `(`; the matched
//!   groups also go to the channel variable `DP_MATCH` (and `DP_REGEX_MATCH_N` for the
//!   `<regex>` children of a `regex="..."` condition);
//! - a `<regex>` without a field passes on its time attributes alone; with `regex="all"` the
//!   first failure stops the list, with `regex="any"` the first pass; the captures used are
//!   those of the last `<regex>` with a `(` that matched before the list stopped (a later one
//!   with a `(` that fails forgets them), else those of the last `<regex>` tested;
//! - `inline="true"` actions run at once, so their effect (a `set`) is seen by later
//!   conditions; `loop="N"` repeats an action N times;
//! - nested conditions are tested when their parent passes; when they fail, the parent fails
//!   (unless its `require-nested="false"`) and, unless its `break="never"`, the extension's
//!   later conditions are skipped.

pub mod trace;

use std::borrow::Cow;
use std::sync::Arc;

use ferroswitch_abi::xml::Origin;
use ferroswitch_abi::CallerProfile;

use crate::dialplan::{
    Action, Break, Condition, Dialplan, Expression, Field, RegexItem, RegexMode, Test,
};
use crate::pattern::{substitute, Captures, Pattern};
use crate::time::civil::BrokenDown;
use crate::time::tz::TimeZone;
use crate::time::Now;
use ferroswitch_abi::expand::expand_variables as expand;
use trace::{ConditionReport, FieldReport, InlineOutcome, Step};

/// The channel a hunt reads and changes.
pub trait Channel {
    /// Channel variable `name` (caller-profile fields included, as the core resolves them).
    fn variable(&self, name: &str) -> Option<String>;
    /// Sets or (with `None`) unsets channel variable `name`.
    fn set_variable(&mut self, name: &str, value: Option<&str>);
    /// Unsets every channel variable whose name starts with `prefix`.
    fn unset_variables_with_prefix(&mut self, prefix: &str);
    /// Runs an `inline="true"` action now (the core expands `${variables}` in `data`).
    fn execute_inline(&mut self, application: &str, data: &str) -> InlineOutcome;
}

/// The time of a hunt, and where time zones come from.
pub struct Clock<'a> {
    /// Seconds since the epoch.
    pub now: i64,
    /// The system's local time zone.
    pub system: &'a TimeZone,
    /// The zone a `timezone` channel variable names, if it exists.
    pub zone: &'a dyn Fn(&str) -> Option<Arc<TimeZone>>,
}

/// What a hunt found: FreeSWITCH's caller extension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The extension that queued the first application (`<name>_recur_<n>` when that was a
    /// nested condition, as in FreeSWITCH).
    pub name: String,
    /// The destination number.
    pub number: String,
    /// `(application, data)` in order, `$N` substituted, `${variables}` left for the core.
    pub applications: Vec<(String, String)>,
}

/// Why a hunt could not complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HuntError {
    /// The context holds elements that do not compile.
    #[error("context \"{context}\" does not compile: {}", join(.errors))]
    BrokenContext {
        context: String,
        errors: Vec<ferroswitch_abi::xml::InvalidValue>,
    },
    /// An expression with `${variables}` does not compile once expanded.
    #[error("{origin}: expression \"{written}\", once expanded: {reason}")]
    Expression {
        origin: Origin,
        written: String,
        reason: String,
    },
    /// The `timezone` channel variable names no known zone.
    #[error("{origin}: the channel variable timezone names no known time zone: \"{name}\"")]
    UnknownTimeZone { origin: Origin, name: String },
}

fn join(errors: &[ferroswitch_abi::xml::InvalidValue]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Hunts `dialplan` for the call `profile` describes. `Ok(None)`: no route.
pub fn hunt(
    dialplan: &Dialplan,
    profile: &CallerProfile,
    channel: &mut dyn Channel,
    clock: &Clock<'_>,
    trace: Option<&mut Vec<Step>>,
) -> Result<Option<Found>, HuntError> {
    let mut hunter = Hunter {
        profile,
        channel,
        clock,
        trace,
        found: None,
    };
    let requested = match profile.context.as_str() {
        "" => "default",
        name => name,
    };
    let Some(context) = dialplan
        .context(requested)
        .or_else(|| dialplan.context("global"))
    else {
        hunter.step(|| Step::NoContext {
            requested: requested.to_owned(),
        });
        return Ok(None);
    };
    hunter.step(|| Step::Context {
        requested: requested.to_owned(),
        name: context.name.clone(),
        origin: context.origin.clone(),
    });
    let extensions = context
        .extensions
        .as_ref()
        .map_err(|errors| HuntError::BrokenContext {
            context: context.name.clone(),
            errors: errors.clone(),
        })?;
    let mut start = 0;
    let auto_hunt = hunter.channel.variable("auto_hunt");
    if auto_hunt.as_deref().is_some_and(is_true) {
        let destination = profile.destination_number.as_str();
        if let Some(index) = extensions.iter().position(|ext| ext.name == destination) {
            start = index;
            hunter.step(|| Step::AutoHunt {
                name: destination.to_owned(),
            });
        }
    }
    // A traced hunt reports every condition, so only untraced ones skip (see `Prefilter`).
    let skipped = match hunter.trace {
        Some(_) => Vec::new(),
        None => context
            .prefilter
            .skipped(extensions.len(), |field| profile.field(field).unwrap_or("")),
    };
    for (index, extension) in extensions.iter().enumerate().skip(start) {
        if skipped.get(index).copied().unwrap_or(false) {
            continue;
        }
        hunter.step(|| Step::Extension {
            name: extension.name.clone(),
            origin: extension.origin.clone(),
        });
        let matched = hunter.conditions(&extension.conditions, 0, true, &extension.name)?;
        let stop = matched && !extension.continue_on_match;
        hunter.step(|| Step::ExtensionDone { matched, stop });
        if stop {
            break;
        }
    }
    Ok(hunter.found)
}

/// FreeSWITCH's `switch_true`.
fn is_true(text: &str) -> bool {
    let text = text.trim();
    ["yes", "on", "true", "t", "enabled", "active", "allow"]
        .iter()
        .any(|word| text.eq_ignore_ascii_case(word))
        || text.parse::<i64>().is_ok_and(|number| number != 0)
}

/// What a condition matched against, for `$N` and `DP_MATCH`.
#[derive(Clone)]
struct Source {
    captures: Option<Captures>,
    /// Whether the expression has a `(`.
    groups: bool,
}

struct Hunter<'a> {
    profile: &'a CallerProfile,
    channel: &'a mut dyn Channel,
    clock: &'a Clock<'a>,
    trace: Option<&'a mut Vec<Step>>,
    found: Option<Found>,
}

/// How a condition came out.
struct Outcome {
    /// Whether its anti-actions apply (its actions otherwise).
    anti: bool,
    /// What its `$N` come from.
    source: Option<Source>,
}

impl<'a> Hunter<'a> {
    /// Tests `conditions` (an extension's, or a condition's nested ones at `depth` > 0) and
    /// returns whether they matched.
    fn conditions(
        &mut self,
        conditions: &[Condition],
        depth: usize,
        require_nested: bool,
        extension: &str,
    ) -> Result<bool, HuntError> {
        // Carried from one condition to the next, as in FreeSWITCH: a condition that tests
        // nothing leaves the previous result.
        let mut proceed = false;
        for condition in conditions {
            let Outcome { anti, source } = self.test(condition, depth, &mut proceed)?;
            if anti {
                for action in &condition.anti_actions {
                    self.queue(action, action.data.clone(), true, depth, extension);
                    proceed = true;
                }
            } else {
                let substitution = source.filter(|source| source.groups);
                if let Some(source) = &substitution {
                    self.set_captures("DP_MATCH", source.captures.as_ref());
                }
                for action in &condition.actions {
                    let data = match &substitution {
                        Some(source) => substitute(&action.data, source.captures.as_ref()),
                        None => action.data.clone(),
                    };
                    self.queue(action, data, false, depth, extension);
                }
            }
            let stop = match condition.break_on {
                Break::OnTrue => !anti,
                Break::OnFalse => anti,
                Break::Always => true,
                Break::Never => false,
            };
            if stop {
                let on = condition.break_on;
                self.step(|| Step::Break { depth, on });
                break;
            }
            if proceed && !condition.nested.is_empty() {
                proceed = self.conditions(
                    &condition.nested,
                    depth + 1,
                    condition.require_nested,
                    extension,
                )?;
                let matched = proceed;
                self.step(|| Step::Nested { depth, matched });
                if !proceed {
                    if condition.break_on == Break::Never {
                        continue;
                    }
                    return Ok(!require_nested);
                }
            }
        }
        Ok(proceed || !require_nested)
    }

    /// Tests one condition's time and field (or `<regex>` list), updating `proceed` as
    /// FreeSWITCH does, and records it in the trace.
    fn test(
        &mut self,
        condition: &Condition,
        depth: usize,
        proceed: &mut bool,
    ) -> Result<Outcome, HuntError> {
        let mut report = ConditionReport::default();
        let mut anti = true;
        let time_match = match &condition.time {
            Some(spec) => {
                let matched = spec.matches(&self.now(&condition.origin)?);
                if self.tracing() {
                    report.time = Some((spec.text().to_owned(), matched));
                }
                anti = !matched;
                *proceed = matched;
                Some(matched)
            }
            None => None,
        };
        let mut regex_steps = Vec::new();
        let source = match &condition.test {
            Test::Absolute => {
                if time_match.is_none() {
                    anti = false;
                    *proceed = true;
                }
                None
            }
            Test::Field { field, expression } => {
                let (matched, source, field_report) =
                    self.field_test(field, expression, &condition.origin)?;
                *proceed = matched;
                if matched {
                    anti = false;
                }
                report.field = field_report;
                Some(source)
            }
            Test::Regexes { mode, items } => {
                let (passed, source) =
                    self.regexes(*mode, items, depth, proceed, &mut report, &mut regex_steps)?;
                if passed {
                    anti = false;
                }
                source
            }
        };
        let origin = &condition.origin;
        self.step(|| Step::Condition {
            depth,
            origin: origin.clone(),
            report,
            matched: !anti,
        });
        if let Some(trace) = self.trace.as_deref_mut() {
            trace.append(&mut regex_steps);
        }
        Ok(Outcome { anti, source })
    }

    /// `field` against `expression`: whether it matched, the captures, and (when tracing) the
    /// report.
    fn field_test(
        &self,
        field: &Field,
        expression: &Expression,
        origin: &Origin,
    ) -> Result<(bool, Source, Option<FieldReport>), HuntError> {
        let pattern = self.pattern(expression, origin)?;
        let value = self.field_value(field);
        let captures = pattern.captures(&value);
        let matched = captures.is_some();
        let report = self.tracing().then(|| FieldReport {
            field: field.as_written().to_owned(),
            value,
            expression: pattern.source().to_owned(),
            matched,
        });
        let source = Source {
            captures,
            groups: pattern.has_groups(),
        };
        Ok((matched, source, report))
    }

    /// The `<regex>` list of a `regex="..."` condition: whether it passed, and what `$N`
    /// come from. Its steps go to `steps`, to follow the condition's in the trace.
    fn regexes(
        &mut self,
        mode: RegexMode,
        items: &[RegexItem],
        depth: usize,
        proceed: &mut bool,
        report: &mut ConditionReport,
        steps: &mut Vec<Step>,
    ) -> Result<(bool, Option<Source>), HuntError> {
        self.channel.unset_variables_with_prefix("DP_REGEX_MATCH");
        let (mut pass, mut fail) = (0u32, 0u32);
        let mut saved: Option<(Source, bool)> = None;
        let mut last: Option<Source> = None;
        for (index, item) in items.iter().enumerate() {
            let mut item_report = ConditionReport::default();
            let matched = match &item.field {
                Some(field) => {
                    let (matched, source, field_report) =
                        self.field_test(field, &item.expression, &item.origin)?;
                    *proceed = matched;
                    item_report.field = field_report;
                    last = Some(source);
                    matched
                }
                None => {
                    // Without a field only the time attributes count.
                    last = None;
                    let matched = match &item.time {
                        Some(spec) => {
                            let matched = spec.matches(&self.now(&item.origin)?);
                            if self.tracing() {
                                item_report.time = Some((spec.text().to_owned(), matched));
                            }
                            matched
                        }
                        None => true,
                    };
                    if matched {
                        *proceed = true;
                    }
                    matched
                }
            };
            if self.tracing() {
                steps.push(Step::Regex {
                    depth,
                    origin: item.origin.clone(),
                    report: item_report,
                    matched,
                });
            }
            if matched {
                pass += 1;
            } else {
                fail += 1;
            }
            let decided = match mode {
                RegexMode::Any => matched,
                RegexMode::All => !matched,
                RegexMode::Xor => false,
            };
            // FreeSWITCH leaves the loop before recording the deciding regex's captures.
            if decided {
                break;
            }
            if let Some(source) = last.as_ref().filter(|source| source.groups) {
                let variable = format!("DP_REGEX_MATCH_{}", index + 1);
                self.set_captures(&variable, source.captures.as_ref());
                // A failed match leaves nothing to save, and drops what was.
                saved = source
                    .captures
                    .is_some()
                    .then(|| (source.clone(), *proceed));
            }
        }
        report.regexes = Some((mode, pass, fail));
        let passed = match mode {
            RegexMode::Xor => pass == 1,
            RegexMode::All => fail == 0,
            RegexMode::Any => pass > 0,
        };
        let source = match saved {
            Some((source, saved_proceed)) => {
                *proceed = saved_proceed;
                Some(source)
            }
            None => last,
        };
        Ok((passed, source))
    }

    /// Queues (or, inline, runs) `action` `loop` times with `data`. The first action of the
    /// hunt names the extension, after the condition level it comes from.
    fn queue(&mut self, action: &Action, data: String, anti: bool, depth: usize, extension: &str) {
        if self.found.is_none() {
            self.found = Some(Found {
                name: if depth == 0 {
                    extension.to_owned()
                } else {
                    format!("{extension}_recur_{depth}")
                },
                number: self.profile.destination_number.to_string(),
                applications: Vec::new(),
            });
        }
        for _ in 0..action.repeat {
            if action.inline {
                let outcome = self.channel.execute_inline(&action.application, &data);
                self.step(|| Step::Inline {
                    depth,
                    anti,
                    application: action.application.clone(),
                    data: data.clone(),
                    outcome,
                });
            } else {
                if let Some(found) = self.found.as_mut() {
                    found
                        .applications
                        .push((action.application.clone(), data.clone()));
                }
                self.step(|| Step::Queued {
                    depth,
                    anti,
                    application: action.application.clone(),
                    data: data.clone(),
                });
            }
        }
    }

    /// Replaces channel variable `name` with `captures`, as FreeSWITCH pushes them.
    fn set_captures(&mut self, name: &str, captures: Option<&Captures>) {
        self.channel.set_variable(name, None);
        if let Some(captures) = captures {
            self.channel
                .set_variable(name, Some(&captures.as_array_variable()));
        }
    }

    /// The value a `field` reads.
    fn field_value(&self, field: &Field) -> String {
        match field {
            Field::Profile(name) => self.profile.field(name).unwrap_or("").to_owned(),
            Field::Expanded(text) => expand(text, &|name| self.channel.variable(name)),
        }
    }

    /// The compiled expression, expanding `${variables}` first where it has any.
    fn pattern<'p>(
        &self,
        expression: &'p Expression,
        origin: &Origin,
    ) -> Result<Cow<'p, Pattern>, HuntError> {
        match expression {
            Expression::Fixed(pattern) => Ok(Cow::Borrowed(pattern)),
            Expression::Expanded(written) => {
                let expanded = expand(written, &|name| self.channel.variable(name));
                Pattern::new(&expanded)
                    .map(Cow::Owned)
                    .map_err(|reason| HuntError::Expression {
                        origin: origin.clone(),
                        written: written.clone(),
                        reason,
                    })
            }
        }
    }

    /// The time a condition tests, in the zone the channel asks for (`tod_tz_offset`, else
    /// `timezone`, else the system's), read afresh for each condition since an inline `set`
    /// may change them.
    fn now(&self, origin: &Origin) -> Result<Now<'a>, HuntError> {
        let clock = self.clock;
        let system_type = clock.system.local_type(clock.now);
        let in_zone = |local: BrokenDown, offset_seconds: i32| Now {
            utc: clock.now,
            local,
            offset_hours: offset_seconds / 3600,
            system_dst: system_type.is_dst,
            system: clock.system,
        };
        let offset = self.channel.variable("tod_tz_offset");
        if let Some(hours) = offset.as_deref().and_then(whole_hours) {
            let local = BrokenDown::from_seconds(clock.now + i64::from(hours) * 3600);
            return Ok(in_zone(local, hours * 3600));
        }
        if let Some(name) = self
            .channel
            .variable("timezone")
            .filter(|name| !name.is_empty())
        {
            let zone = (clock.zone)(&name).ok_or_else(|| HuntError::UnknownTimeZone {
                origin: origin.clone(),
                name: name.clone(),
            })?;
            let (local, kind) = zone.local_time(clock.now);
            return Ok(in_zone(local, kind.utc_offset));
        }
        let (local, kind) = clock.system.local_time(clock.now);
        Ok(in_zone(local, kind.utc_offset))
    }

    fn tracing(&self) -> bool {
        self.trace.is_some()
    }

    fn step(&mut self, step: impl FnOnce() -> Step) {
        if let Some(trace) = self.trace.as_deref_mut() {
            trace.push(step());
        }
    }
}

/// A `tod_tz_offset` value: a number of hours (a fraction is dropped, as `atoi` does); `None`
/// when it is not a number, as FreeSWITCH then ignores it.
fn whole_hours(text: &str) -> Option<i32> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    whole.parse::<i32>().ok().filter(|hours| hours.abs() <= 24)
}

#[cfg(test)]
mod tests;
