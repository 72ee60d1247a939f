//! `route_test <context> <destination> [<caller_id_number>] [<name>=<value> ...]`: hunts the
//! dialplan for a call that is not placed, and prints every step and the result (the format
//! is described in the crate documentation).

use std::sync::Arc;

use ferroswitch_abi::prelude::*;
use ferroswitch_abi::xml::Origin;

use crate::driver::{now_seconds, State};
use crate::hunt::trace::{ConditionReport, InlineOutcome, Step};
use crate::hunt::{hunt, Channel, Clock, Found};
use crate::time::civil::BrokenDown;
use crate::time::tz::TimeZone;
use ferroswitch_abi::expand::expand_variables as expand;

/// The command's syntax.
pub const SYNTAX: &str = "<context> <destination> [<caller_id_number>] [<name>=<value> ...]";

/// The registered API command.
pub struct RouteTest {
    pub state: Arc<State>,
}

impl Api for RouteTest {
    fn execute(&self, host: Host, args: &str, _session: Option<Session>) -> Result<String, Error> {
        let request = Request::parse(args).map_err(Error::invalid_argument)?;
        let Some(dialplan) = self.state.dialplan(host) else {
            return Err(Error::not_found(
                "the configuration has no dialplan section",
            ));
        };
        let system = self.state.zones().system();
        let zone = |name: &str| self.state.zones().named(name);
        let clock = Clock {
            now: now_seconds(),
            system: &system,
            zone: &zone,
        };
        let mut channel = Simulated {
            profile: &request.profile,
            variables: request.variables.clone(),
        };
        let mut trace = Vec::new();
        let found = hunt(
            &dialplan,
            &request.profile,
            &mut channel,
            &clock,
            Some(&mut trace),
        )
        .map_err(|error| Error::failed(error.to_string()))?;
        Ok(render(&request.profile, &clock, &trace, found.as_ref()))
    }
}

/// The parsed command line.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub profile: CallerProfile,
    /// Channel variables, in the order given.
    pub variables: Vec<(String, String)>,
}

impl Request {
    /// Reads the arguments. `name=value` sets a caller-profile field when `name` is one
    /// (`caller_id_name`, `network_addr`, ...), else a channel variable.
    pub fn parse(args: &str) -> Result<Request, String> {
        let usage = || format!("-USAGE: {SYNTAX}");
        let mut words = args.split_whitespace();
        let (Some(context), Some(destination)) = (words.next(), words.next()) else {
            return Err(usage());
        };
        let mut profile = CallerProfile {
            caller_id_name: "ferroswitch".into(),
            caller_id_number: "0000000000".into(),
            ani: "0000000000".into(),
            destination_number: destination.into(),
            context: context.into(),
            dialplan: "XML".into(),
            source: "route_test".into(),
            chan_name: format!("route_test/{destination}").into(),
            ..CallerProfile::default()
        };
        let mut variables: Vec<(String, String)> = Vec::new();
        for (index, word) in words.enumerate() {
            let Some((name, value)) = word.split_once('=') else {
                if index == 0 {
                    profile.caller_id_number = word.into();
                    profile.ani = word.into();
                    continue;
                }
                return Err(format!("\"{word}\" is not <name>=<value>; {}", usage()));
            };
            if name.is_empty() {
                return Err(format!("\"{word}\" has no name; {}", usage()));
            }
            if !set_profile_field(&mut profile, name, value) {
                variables.retain(|(existing, _)| existing != name);
                variables.push((name.to_owned(), value.to_owned()));
            }
        }
        Ok(Request { profile, variables })
    }
}

/// Sets caller-profile field `name`; false if it is not one.
fn set_profile_field(profile: &mut CallerProfile, name: &str, value: &str) -> bool {
    let field = match name {
        "username" => &mut profile.username,
        "dialplan" => &mut profile.dialplan,
        "caller_id_name" => &mut profile.caller_id_name,
        "caller_id_number" => &mut profile.caller_id_number,
        "callee_id_name" => &mut profile.callee_id_name,
        "callee_id_number" => &mut profile.callee_id_number,
        "network_addr" => &mut profile.network_addr,
        "ani" => &mut profile.ani,
        "aniii" => &mut profile.aniii,
        "rdnis" => &mut profile.rdnis,
        "destination_number" => &mut profile.destination_number,
        "source" => &mut profile.source,
        "context" => &mut profile.context,
        "chan_name" => &mut profile.chan_name,
        "uuid" => &mut profile.uuid,
        _ => return false,
    };
    *field = value.into();
    true
}

/// A channel that exists only for the hunt: variables in a list, `set`, `unset` and `export`
/// simulated when inline, other inline applications not run.
pub struct Simulated<'a> {
    pub profile: &'a CallerProfile,
    pub variables: Vec<(String, String)>,
}

impl Channel for Simulated<'_> {
    fn variable(&self, name: &str) -> Option<String> {
        if let Some((_, value)) = self.variables.iter().find(|(key, _)| key == name) {
            return Some(value.clone());
        }
        // As the core resolves them: a caller-profile field, when set.
        let field = match name {
            "channel_name" => Some(self.profile.chan_name.as_str()),
            _ => self.profile.field(name),
        };
        field.filter(|value| !value.is_empty()).map(str::to_owned)
    }

    fn set_variable(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(value) => match self.variables.iter_mut().find(|(key, _)| key == name) {
                Some(entry) => entry.1 = value.to_owned(),
                None => self.variables.push((name.to_owned(), value.to_owned())),
            },
            None => self.variables.retain(|(key, _)| key != name),
        }
    }

    fn unset_variables_with_prefix(&mut self, prefix: &str) {
        self.variables.retain(|(key, _)| !key.starts_with(prefix));
    }

    fn execute_inline(&mut self, application: &str, data: &str) -> InlineOutcome {
        // The core expands variables in an application's argument before it runs.
        let data = expand(data, &|name| self.variable(name));
        match application {
            "set" | "export" => {
                let assignment = match application {
                    "export" => match data.strip_prefix("nolocal:") {
                        Some(_) => return InlineOutcome::Ran,
                        None => data.as_str(),
                    },
                    _ => data.as_str(),
                };
                match assignment.split_once('=') {
                    Some((name, value)) if !name.trim().is_empty() => {
                        let value = Some(value).filter(|value| !value.is_empty());
                        self.set_variable(name.trim(), value);
                        InlineOutcome::Ran
                    }
                    _ => InlineOutcome::Failed(format!("usage: {application} <name>=<value>")),
                }
            }
            "unset" if !data.trim().is_empty() => {
                self.set_variable(data.trim(), None);
                InlineOutcome::Ran
            }
            _ => InlineOutcome::NotSimulated,
        }
    }
}

/// The printed report.
pub fn render(
    profile: &CallerProfile,
    clock: &Clock<'_>,
    trace: &[Step],
    found: Option<&Found>,
) -> String {
    let mut out = String::new();
    let mut line = |indent: usize, text: String| {
        out.push_str(&"  ".repeat(indent));
        out.push_str(&text);
        out.push('\n');
    };
    line(
        0,
        format!(
            "route_test: context {}, destination {}, caller {} <{}>, time {}",
            one_line(&profile.context),
            one_line(&profile.destination_number),
            one_line(&profile.caller_id_name),
            one_line(&profile.caller_id_number),
            timestamp(clock.system, clock.now)
        ),
    );
    for step in trace {
        match step {
            Step::Context {
                requested,
                name,
                origin,
            } if requested == name => line(0, format!("context {name} {}", at(origin))),
            Step::Context {
                requested,
                name,
                origin,
            } => line(
                0,
                format!("context {name} {} (no context {requested})", at(origin)),
            ),
            Step::NoContext { requested } => {
                line(0, format!("no context {requested} and no context global"))
            }
            Step::AutoHunt { name } => line(0, format!("auto_hunt: starting at extension {name}")),
            Step::Extension { name, origin } => line(0, format!("extension {name} {}", at(origin))),
            Step::Condition {
                depth,
                origin,
                report,
                matched,
            } => line(
                1 + depth,
                format!(
                    "condition {}: {} => {matched}",
                    at(origin),
                    describe(report)
                ),
            ),
            Step::Regex {
                depth,
                origin,
                report,
                matched,
            } => line(
                2 + depth,
                format!("regex {}: {} => {matched}", at(origin), describe(report)),
            ),
            Step::Queued {
                depth,
                anti,
                application,
                data,
            } => line(2 + depth, action(*anti, application, data)),
            Step::Inline {
                depth,
                anti,
                application,
                data,
                outcome,
            } => {
                let outcome = match outcome {
                    InlineOutcome::Ran => "ran".to_owned(),
                    InlineOutcome::Failed(reason) => format!("failed: {}", one_line(reason)),
                    InlineOutcome::NotSimulated => "not simulated".to_owned(),
                };
                line(
                    2 + depth,
                    format!("{} [inline: {outcome}]", action(*anti, application, data)),
                );
            }
            Step::Break { depth, on } => line(1 + depth, format!("break {}", on.name())),
            Step::Nested { depth, matched } => {
                line(1 + depth, format!("nested conditions => {matched}"))
            }
            Step::ExtensionDone { matched, stop } => line(
                1,
                match (matched, stop) {
                    (true, true) => "=> matched, the hunt stops".to_owned(),
                    (true, false) => "=> matched, continue=\"true\": the hunt goes on".to_owned(),
                    (false, _) => "=> no match".to_owned(),
                },
            ),
        }
    }
    match found {
        None => line(0, "result: no route (NO_ROUTE_DESTINATION)".to_owned()),
        Some(found) => {
            line(
                0,
                format!(
                    "result: extension {}, number {}, {} application(s)",
                    found.name,
                    one_line(&found.number),
                    found.applications.len()
                ),
            );
            for (index, (application, data)) in found.applications.iter().enumerate() {
                line(
                    1,
                    format!("{}. {}", index + 1, action_text(application, data)),
                );
            }
        }
    }
    out
}

fn at(origin: &Origin) -> String {
    format!("{}:{}", origin.file.display(), origin.line)
}

fn action(anti: bool, application: &str, data: &str) -> String {
    let kind = if anti { "anti-action" } else { "action" };
    format!("{kind} {}", action_text(application, data))
}

fn action_text(application: &str, data: &str) -> String {
    if data.is_empty() {
        application.to_owned()
    } else {
        format!("{application} {}", one_line(data))
    }
}

/// The tested parts of a condition: `time wday="2-6" (true); destination_number "1234" =~
/// /^1234$/ (true)`, `regex="all" 2 passed, 0 failed`, or `always`.
fn describe(report: &ConditionReport) -> String {
    let mut parts = Vec::new();
    if let Some((text, matched)) = &report.time {
        parts.push(format!("time {text} ({matched})"));
    }
    if let Some(field) = &report.field {
        parts.push(format!(
            "{} \"{}\" =~ /{}/ ({})",
            field.field,
            one_line(&field.value),
            one_line(&field.expression),
            field.matched
        ));
    }
    if let Some((mode, pass, fail)) = report.regexes {
        parts.push(format!(
            "regex=\"{}\" {pass} passed, {fail} failed",
            mode.name()
        ));
    }
    if parts.is_empty() {
        "always".to_owned()
    } else {
        parts.join("; ")
    }
}

/// `text` on one line: a newline would break the report's structure.
fn one_line(text: &str) -> String {
    text.replace('\r', "\\r").replace('\n', "\\n")
}

/// `2026-11-23 15:56:32 +0000` in the system's zone.
fn timestamp(system: &TimeZone, now: i64) -> String {
    let (local, kind) = system.local_time(now);
    let BrokenDown {
        year,
        month,
        mday,
        hour,
        minute,
        second,
        ..
    } = local;
    let offset = kind.utc_offset;
    let sign = if offset < 0 { '-' } else { '+' };
    let minutes = offset.abs() / 60;
    format!(
        "{year:04}-{month:02}-{mday:02} {hour:02}:{minute:02}:{second:02} {sign}{:02}{:02}",
        minutes / 60,
        minutes % 60
    )
}

#[cfg(test)]
mod tests;
