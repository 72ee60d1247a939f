//! `read` and `play_and_get_digits`, with FreeSWITCH's arguments and behaviour:
//!
//! - `read <min> <max> <sound_file> <variable_name> <timeout_ms> <terminators> [<digit_timeout_ms>]`
//! - `play_and_get_digits <min> <max> <tries> <timeout_ms> <terminators> <file>
//!   <invalid_file> <var_name> <regexp> [<digit_timeout_ms>] [<transfer_on_failure>]`
//!
//! `play_and_get_digits` reads up to `tries` times. A read that got digits matching
//! `regexp` (searched, not anchored, as FreeSWITCH's `switch_regex_match`) ends it; digits
//! that do not match go to `<var_name>_invalid`. Before each retry, and after the last
//! failure, `invalid_file` plays (digits pressed meanwhile stay queued for the next read).
//! When every try failed and `transfer_on_failure` (`<exten> [<dialplan> [<context>]]`) is
//! given, the call is transferred there. `read_result` tells how the last read ended.

use ferroswitch_abi::prelude::*;
use regex::Regex;

use crate::args::separate;

use super::media_loop::MediaLoop;
use super::playback::{open, play_source};
use super::player::Digits;
use super::read_digits::{read_digits, ReadRequest, ReadStatus};

pub const READ_SYNTAX: &str =
    "<min> <max> <sound_file> <variable_name> <timeout> <terminators> <digit_timeout>";
pub const PAGD_SYNTAX: &str = "<min> <max> <tries> <timeout> <terminators> <file> <invalid_file> <var_name> <regexp> [<digit_timeout>] ['<failure_ext> [failure_dp [failure_context]]']";

/// FreeSWITCH's `atoi`: the leading number of `text` (sign included), else 0.
fn atoi(text: Option<&String>) -> i64 {
    let Some(text) = text else {
        return 0;
    };
    let text = text.trim();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits: String = digits.chars().take_while(char::is_ascii_digit).collect();
    sign * digits.parse::<i64>().unwrap_or(0)
}

fn non_empty(fields: &[String], index: usize) -> Option<&str> {
    fields
        .get(index)
        .map(String::as_str)
        .filter(|field| !field.is_empty())
}

/// FreeSWITCH raises timeouts below a second to one second.
fn timeout(value: i64) -> u32 {
    value.clamp(1000, i64::from(u32::MAX)) as u32
}

/// Terminators default to `#`.
fn terminators(fields: &[String], index: usize) -> &str {
    non_empty(fields, index).unwrap_or("#")
}

/// The `read` application.
pub struct Read;

impl Application for Read {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let fields = separate(arg, ' ');
        if fields.is_empty() {
            return Err(Error::invalid_argument(format!(
                "read: no arguments; usage: read {READ_SYNTAX}"
            )));
        }
        // `read` wants at least one digit, as FreeSWITCH's.
        let min = atoi(fields.first()).max(1) as usize;
        let request = ReadRequest {
            min,
            max: (atoi(fields.get(1)).max(0) as usize).max(min),
            prompt: non_empty(&fields, 2).unwrap_or(""),
            variable: non_empty(&fields, 3),
            timeout_ms: timeout(atoi(fields.get(4))),
            terminators: terminators(&fields, 5),
            digit_timeout_ms: atoi(fields.get(6)).clamp(0, i64::from(u32::MAX)) as u32,
        };
        read_digits(session, &request);
        Ok(())
    }
}

/// The `play_and_get_digits` application.
pub struct PlayAndGetDigits;

impl Application for PlayAndGetDigits {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let fields = separate(arg, ' ');
        if fields.is_empty() {
            return Err(Error::invalid_argument(format!(
                "play_and_get_digits: no arguments; usage: play_and_get_digits {PAGD_SYNTAX}"
            )));
        }
        let min = atoi(fields.first()).max(0) as usize;
        let request = ReadRequest {
            min,
            max: (atoi(fields.get(1)).max(0) as usize).max(min),
            prompt: non_empty(&fields, 5).unwrap_or(""),
            variable: non_empty(&fields, 7),
            timeout_ms: timeout(atoi(fields.get(3))),
            terminators: terminators(&fields, 4),
            digit_timeout_ms: atoi(fields.get(9)).clamp(0, i64::from(u32::MAX)) as u32,
        };
        let tries = atoi(fields.get(2)).max(0) as u32;
        let invalid_file = non_empty(&fields, 6).unwrap_or("");
        // Like FreeSWITCH's last argument, the failure target takes the rest of the line.
        let on_failure = fields
            .get(10..)
            .map(|rest| rest.join(" "))
            .unwrap_or_default();
        let regex = match non_empty(&fields, 8) {
            Some(pattern) => match Regex::new(pattern) {
                Ok(regex) => Some(regex),
                Err(error) => {
                    session.log(
                        LogLevel::Err,
                        &format!("play_and_get_digits: regexp {pattern} does not compile: {error}"),
                    );
                    return Ok(());
                }
            },
            None => None,
        };
        if play_and_get_digits(session, &request, tries, invalid_file, regex.as_ref()) {
            return Ok(());
        }
        transfer_on_failure(session, &on_failure)
    }
}

/// Reads up to `tries` times; whether a read succeeded.
fn play_and_get_digits(
    session: Session,
    request: &ReadRequest<'_>,
    tries: u32,
    invalid_file: &str,
    regex: Option<&Regex>,
) -> bool {
    let invalid_variable = request
        .variable
        .map(|variable| format!("{variable}_invalid"));
    if let (Some(_), Some(invalid)) = (regex, &invalid_variable) {
        let _ = session.set_variable(invalid, None);
    }
    for _ in 0..tries {
        if !session.is_ready() {
            return false;
        }
        let outcome = read_digits(session, request);
        if outcome.status == ReadStatus::Restart {
            return true;
        }
        let count = outcome.digits.chars().count();
        let status = if outcome.status == ReadStatus::Timeout && count >= request.min {
            ReadStatus::Success
        } else {
            outcome.status
        };
        if request.min == 0 && count == 0 && session.variable("read_terminator_used").is_some() {
            return true;
        }
        if status == ReadStatus::Success && count > 0 {
            match regex {
                None => return true,
                Some(regex) if regex.is_match(&outcome.digits) => return true,
                Some(_) => {
                    if let Some(variable) = request.variable {
                        let _ = session.set_variable(variable, None);
                    }
                    if let Some(invalid) = &invalid_variable {
                        let _ = session.set_variable(invalid, Some(&outcome.digits));
                    }
                }
            }
        }
        if !session.is_ready() {
            return false;
        }
        play_invalid(session, invalid_file);
    }
    false
}

/// Plays the invalid-input file, leaving digits pressed meanwhile for the next read.
fn play_invalid(session: Session, file: &str) {
    if file.is_empty() || file.eq_ignore_ascii_case("silence") {
        return;
    }
    let Ok(mut media) = MediaLoop::start(session) else {
        return;
    };
    if let Ok(mut source) = open(&session, file, media.rate(), 0) {
        play_source(&mut media, &mut source, file, 0, Digits::Keep);
    }
}

/// Transfers to `<exten> [<dialplan> [<context>]]` when given.
fn transfer_on_failure(session: Session, target: &str) -> Result<(), Error> {
    let parts = separate(target, ' ');
    let Some(extension) = parts.first() else {
        return Ok(());
    };
    let dialplan = parts.get(1).map(String::as_str).unwrap_or("");
    let context = parts.get(2).map(String::as_str).unwrap_or("");
    session.log(
        LogLevel::Warning,
        &format!("play_and_get_digits failed: transferring to {extension} {dialplan} {context}"),
    );
    session.transfer(extension, dialplan, context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_far_as_they_go() {
        let text = |value: &str| Some(value.to_owned());
        assert_eq!(atoi(text("12").as_ref()), 12);
        assert_eq!(atoi(text("-3").as_ref()), -3);
        assert_eq!(atoi(text("4000ms").as_ref()), 4000);
        assert_eq!(atoi(text("x").as_ref()), 0);
        assert_eq!(atoi(None), 0);
    }

    #[test]
    fn timeouts_are_at_least_a_second_and_terminators_default_to_pound() {
        assert_eq!(timeout(10), 1000);
        assert_eq!(timeout(5000), 5000);
        assert_eq!(terminators(&[], 5), "#");
        let fields: Vec<String> = ["1", "2", "3", "4", "5", "*#"].map(String::from).to_vec();
        assert_eq!(terminators(&fields, 5), "*#");
    }
}
