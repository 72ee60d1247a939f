//! `bgapi` and `global_getvar`.
//!
//! `bgapi <command> [args]` runs a command on a thread of its own and answers at once with
//! its job id; the output arrives later as a BACKGROUND_JOB event whose body is the output, as
//! in FreeSWITCH.

use ferroswitch_abi::{Error, Event, Host};

use crate::{usage, CommandSpec};

pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "bgapi",
        description: "Execute an api command in a thread",
        syntax: "<command>[ <arg>]",
        run: bgapi,
    },
    CommandSpec {
        name: "global_getvar",
        description: "Get global var",
        syntax: "<var>",
        run: global_getvar,
    },
];

fn bgapi(host: Host, args: &str) -> Result<String, Error> {
    let (command, command_args) = split_command(args).ok_or_else(|| usage("<command>[ <arg>]"))?;
    let job = uuid::Uuid::new_v4().to_string();
    let (command, command_args, job_id) =
        (command.to_owned(), command_args.to_owned(), job.clone());
    // On the core's pool: a burst of bgapi originates reuses threads instead of creating one
    // per job.
    host.run_task(move || {
        let output = match host.api(&command, &command_args, None) {
            Ok(output) => output,
            Err(error) => format!("-ERR {error}\n"),
        };
        host.fire_event(background_job_event(
            &job_id,
            &command,
            &command_args,
            output,
        ));
    })
    .map_err(|error| Error::failed(format!("bgapi: cannot start a job: {}", error.message)))?;
    Ok(format!("+OK Job-UUID: {job}"))
}

/// The BACKGROUND_JOB event for a finished job.
pub fn background_job_event(job: &str, command: &str, args: &str, output: String) -> Event {
    let mut event = Event::new("BACKGROUND_JOB");
    event
        .add_header("Job-UUID", job)
        .add_header("Job-Command", command);
    if !args.is_empty() {
        event.add_header("Job-Command-Arg", args);
    }
    event.body = output.into();
    event
}

/// `command rest...` → (command, rest); `None` when empty.
pub fn split_command(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    Some(match line.split_once(char::is_whitespace) {
        Some((command, rest)) => (command, rest.trim()),
        None => (line, ""),
    })
}

fn global_getvar(host: Host, args: &str) -> Result<String, Error> {
    let name = args.trim();
    if name.is_empty() {
        return Err(usage("<var>"));
    }
    Ok(host.global_variable(name).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_event_carries_the_output_as_body() {
        let event = background_job_event("j1", "status", "", "UP\n".to_owned());
        assert_eq!(event.header("Job-UUID"), Some("j1"));
        assert_eq!(event.header("Job-Command-Arg"), None);
        assert_eq!(event.body.as_str(), "UP\n");
        assert_eq!(
            split_command("  originate  a b "),
            Some(("originate", "a b"))
        );
        assert_eq!(split_command("   "), None);
    }
}
