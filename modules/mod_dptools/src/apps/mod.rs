//! The applications, each a small type implementing [`Application`], grouped by what they
//! touch: the call itself here, variables, the endpoint, routing, and the log.

mod bridge;
mod execute_extension;
mod info;
mod intercept;
mod signal;
mod transfer;
mod variables;

use ferroswitch_abi::prelude::*;
use ferroswitch_abi::{AnswerMode, AppFlags, ErrorKind};

/// FreeSWITCH's `SAF_SUPPORT_NOMEDIA | SAF_ROUTING_EXEC`: runs without media, and inline
/// while the dialplan is hunted.
const INLINE_OK: AppFlags = AppFlags(AppFlags::SUPPORT_NOMEDIA.0 | AppFlags::ROUTING_EXEC.0);

/// Registers every application of this module.
pub fn register(registrar: &mut Registrar<'_>) -> Result<(), Error> {
    registrar.add_application(
        ApplicationDesc::new("answer", "Answer the call", ""),
        Answer(AnswerMode::Answer),
    )?;
    registrar.add_application(
        ApplicationDesc::new("pre_answer", "Pre-answer the call (early media)", ""),
        Answer(AnswerMode::PreAnswer),
    )?;
    registrar.add_application(
        ApplicationDesc::new("ring_ready", "Indicate ringing to the caller", ""),
        Answer(AnswerMode::RingReady),
    )?;
    registrar.add_application(
        ApplicationDesc::new("hangup", "Hang up the call", "[<cause>]"),
        Hangup,
    )?;
    registrar.add_application(ApplicationDesc::new("park", "Park the call", ""), Park)?;
    registrar.add_application(
        ApplicationDesc::new(
            "sleep",
            "Pause the channel for a given number of milliseconds",
            "<pausemilliseconds>",
        ),
        Sleep,
    )?;
    registrar.add_application(
        ApplicationDesc::new("log", "Logs to the logger", "<log_level> <log_string>")
            .with_flags(INLINE_OK),
        Log,
    )?;
    variables::register(registrar)?;
    info::register(registrar)?;
    signal::register(registrar)?;
    crate::media::register(registrar)?;
    transfer::register(registrar)?;
    bridge::register(registrar)?;
    intercept::register(registrar)?;
    execute_extension::register(registrar)
}

/// An application error that ends the call the way FreeSWITCH would for a bad argument.
fn usage(app: &str, syntax: &str) -> Error {
    Error::invalid_argument(format!("{app}: usage: {app} {syntax}"))
}

/// A wait that ended because the call hung up or moved on is how park and sleep end
/// normally, not a failure.
fn ended_normally(result: Result<(), Error>) -> Result<(), Error> {
    match result {
        Err(error) if error.kind == ErrorKind::HUNG_UP || error.kind == ErrorKind::INTERRUPTED => {
            Ok(())
        }
        other => other,
    }
}

struct Answer(AnswerMode);

impl Application for Answer {
    fn run(&self, session: Session, _arg: &str) -> Result<(), Error> {
        session.answer_with(self.0, false)
    }
}

struct Hangup;

impl Application for Hangup {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let cause = match arg.trim() {
            "" => HangupCause::NORMAL_CLEARING,
            text => HangupCause::parse(text)
                .ok_or_else(|| usage("hangup", "[<cause>] (a Q.850 name or number)"))?,
        };
        session.hangup(cause)
    }
}

struct Park;

impl Application for Park {
    fn run(&self, session: Session, _arg: &str) -> Result<(), Error> {
        ended_normally(session.park())
    }
}

struct Sleep;

impl Application for Sleep {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let ms: u32 = arg
            .trim()
            .parse()
            .map_err(|_| usage("sleep", "<pausemilliseconds>"))?;
        ended_normally(session.sleep(ms))
    }
}

/// `log [level] message`; without a known level first, the whole text is logged at DEBUG.
struct Log;

impl Application for Log {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let (level, message) = parse_log_arg(arg);
        session.log(level, message);
        Ok(())
    }
}

/// Splits `log`'s argument into level and message.
pub fn parse_log_arg(arg: &str) -> (LogLevel, &str) {
    let arg = arg.trim();
    match arg.split_once(char::is_whitespace) {
        Some((first, rest)) => match LogLevel::parse(first) {
            Some(level) => (level, rest.trim_start()),
            None => (LogLevel::Debug, arg),
        },
        None => match LogLevel::parse(arg) {
            Some(level) => (level, ""),
            None => (LogLevel::Debug, arg),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_level_is_optional() {
        assert_eq!(
            parse_log_arg("INFO hello there"),
            (LogLevel::Info, "hello there")
        );
        assert_eq!(
            parse_log_arg("hello there"),
            (LogLevel::Debug, "hello there")
        );
        assert_eq!(parse_log_arg("warning"), (LogLevel::Warning, ""));
    }
}
