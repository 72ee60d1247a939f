//! Executing API commands: one registry for the console and (later) the event socket.

use ferroswitch_abi::{Error, ErrorKind, Event, SessionId};

use crate::core::Core;

/// Runs API `command` with `args`. An unknown command fails with FreeSWITCH's
/// `<command> Command not found` text.
pub fn execute(
    core: Core,
    command: &str,
    args: &str,
    session: Option<SessionId>,
) -> Result<String, Error> {
    let Some(api) = core.inner().registry.read().apis.get(command).cloned() else {
        return Err(Error::new(
            ErrorKind::NOT_FOUND,
            format!("{command} Command not found"),
        ));
    };
    let _lease = api.lease();
    if core.inner().events.wanted("API") {
        let mut event = Event::new("API");
        event
            .add_header("API-Command", command)
            .add_header("API-Command-Argument", args);
        core.inner().events.fire(core, event);
    }
    api.record
        .object
        .execute(core.host(api.module.id), args.into(), session.into())
        .into_result()
        .map(String::from)
}

/// Splits a console line into command and arguments.
pub fn split_command(line: &str) -> (&str, &str) {
    let line = line.trim();
    match line.split_once(char::is_whitespace) {
        Some((command, args)) => (command, args.trim()),
        None => (line, ""),
    }
}
