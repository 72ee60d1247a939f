//! Running API commands and firing events: `api`, `bgapi` and `sendevent`.

use ferroswitch_abi::{Error, ErrorKind, Event};

use crate::event_names::lookup;
use crate::framer::Command;
use crate::messages;
use crate::switch::{Job, Switch};

use super::{Interpreter, Output};

impl Interpreter {
    /// `api <command> [args]`: runs it here and answers with its output.
    pub(super) fn api(&mut self, rest: &str, switch: &dyn Switch) -> String {
        let (command, args) = split_command(rest);
        let output = api_output(command, switch.api(command, args.unwrap_or_default()));
        let output = if output.is_empty() {
            "-ERR no reply\n".to_owned()
        } else {
            output
        };
        messages::api_response(&output)
    }

    /// `bgapi <command> [args]` (with an optional `Job-UUID` header): answers with the job's
    /// UUID at once; the job runs after the reply was queued.
    pub(super) fn bgapi(&mut self, rest: &str, command: &Command, out: &mut Vec<Output>) {
        let (api, args) = split_command(rest);
        let uuid = match command.header("job-uuid") {
            Some(uuid) => uuid.to_owned(),
            None => uuid::Uuid::new_v4().to_string(),
        };
        out.push(Output::Send(messages::job_reply(&uuid)));
        out.push(Output::Background(Job {
            uuid,
            command: api.to_owned(),
            args: args.map(str::to_owned),
            owner: self.controlled(),
        }));
    }

    /// `sendevent <name>` with headers and an optional body: fires that event.
    pub(super) fn sendevent(
        &mut self,
        rest: &str,
        command: &Command,
        switch: &dyn Switch,
    ) -> String {
        let word = rest.trim_start_matches([' ', '\t']);
        let name = lookup(word).unwrap_or("CLONE");
        let mut event = match command.header("Event-Subclass") {
            Some(subclass) if name == "CUSTOM" => Event::custom(subclass),
            _ => Event::new(name),
        };
        let event_uuid = switch.new_uuid();
        event.add_header("Command", &command.line);
        for (header, value) in &command.headers {
            event.add_header(header, value);
        }
        event.add_header("Event-UUID", &event_uuid);
        if let Some(body) = &command.body {
            event.body = body.as_str().into();
        }
        switch.fire(event);
        format!("+OK {event_uuid}")
    }
}

/// `command args...` → (`command`, `args`): at the first space, as FreeSWITCH splits it (so
/// `args` is `None` without a space, and may be empty).
fn split_command(text: &str) -> (&str, Option<&str>) {
    match text.split_once(' ') {
        Some((command, args)) => (command, Some(args)),
        None => (text, None),
    }
}

/// An API command's result as FreeSWITCH shows it: the output, `-ERR <command> Command not
/// found!` for an unknown command, a failure's own `-ERR ...`/`-USAGE: ...` text, or
/// `-ERR <message>` for other failures.
pub fn api_output(command: &str, result: Result<String, Error>) -> String {
    let error = match result {
        Ok(output) => return output,
        Err(error) => error,
    };
    let message = error.message();
    if error.kind == ErrorKind::NOT_FOUND && message == format!("{command} Command not found") {
        return format!("-ERR {command} Command not found!\n");
    }
    let mut text = if message.starts_with('-') {
        message.to_owned()
    } else {
        format!("-ERR {error}")
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The BACKGROUND_JOB event that carries a finished job's output.
pub fn background_job_event(job: &Job, output: &str) -> Event {
    let mut event = Event::new("BACKGROUND_JOB");
    event.add_header("Job-UUID", &job.uuid);
    if let Some(owner) = &job.owner {
        event.add_header("Job-Owner-UUID", owner);
    }
    event.add_header("Job-Command", &job.command);
    if let Some(args) = &job.args {
        event.add_header("Job-Command-Arg", args);
    }
    event.body = output.into();
    event
}

#[cfg(test)]
mod tests {
    use super::super::fake::{sent, FakeSwitch};
    use super::super::tests::inbound;
    use super::*;

    #[test]
    fn api_answers_with_the_output() {
        let (mut interpreter, _) = inbound();
        let switch = FakeSwitch::default();
        let out = interpreter.handle(&Command::new("api echo hello world"), &switch);
        assert_eq!(
            sent(&out),
            "Content-Type: api/response\nContent-Length: 12\n\nhello world\n"
        );
        assert_eq!(switch.calls(), vec!["api echo hello world"]);
    }

    #[test]
    fn unknown_and_silent_commands() {
        let (mut interpreter, _) = inbound();
        let switch = FakeSwitch::default();
        let out = interpreter.handle(&Command::new("api nope x"), &switch);
        assert_eq!(
            sent(&out),
            "Content-Type: api/response\nContent-Length: 29\n\n-ERR nope Command not found!\n"
        );
        let out = interpreter.handle(&Command::new("api silent"), &switch);
        assert_eq!(
            sent(&out),
            "Content-Type: api/response\nContent-Length: 14\n\n-ERR no reply\n"
        );
    }

    #[test]
    fn failures_keep_their_own_text() {
        assert_eq!(
            api_output("x", Err(Error::invalid_argument("-USAGE: <uuid>"))),
            "-USAGE: <uuid>\n"
        );
        assert_eq!(
            api_output("x", Err(Error::failed("broken"))),
            "-ERR broken\n"
        );
        assert_eq!(
            api_output("x", Err(Error::not_found("no such thing"))),
            "-ERR no such thing\n"
        );
    }

    #[test]
    fn bgapi_replies_then_starts_the_job() {
        let (mut interpreter, _) = inbound();
        let switch = FakeSwitch::default();
        let mut command = Command::new("bgapi status");
        command.headers.push(("Job-UUID".into(), "my-job".into()));
        let out = interpreter.handle(&command, &switch);
        assert_eq!(
            out,
            vec![
                Output::Send(
                    "Content-Type: command/reply\nReply-Text: +OK Job-UUID: my-job\nJob-UUID: my-job\n\n"
                        .into()
                ),
                Output::Background(Job {
                    uuid: "my-job".into(),
                    command: "status".into(),
                    args: None,
                    owner: None,
                })
            ]
        );
        let out = interpreter.handle(&Command::new("bgapi echo a b"), &switch);
        let Some(Output::Background(job)) = out.last() else {
            panic!("{out:?}")
        };
        assert_eq!(job.args.as_deref(), Some("a b"));
        assert_eq!(job.uuid.len(), 36);
    }

    #[test]
    fn job_event_headers() {
        let job = Job {
            uuid: "j1".into(),
            command: "echo".into(),
            args: Some("hi".into()),
            owner: Some("u1".into()),
        };
        let event = background_job_event(&job, "hi\n");
        let names: Vec<&str> = event.headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "Job-UUID",
                "Job-Owner-UUID",
                "Job-Command",
                "Job-Command-Arg"
            ]
        );
        assert_eq!(event.body.as_str(), "hi\n");
    }

    #[test]
    fn sendevent_fires_the_named_event() {
        let (mut interpreter, _) = inbound();
        let switch = FakeSwitch::default();
        let mut command = Command::new("sendevent CUSTOM");
        command
            .headers
            .push(("Event-Subclass".into(), "my::thing".into()));
        command.headers.push(("Colour".into(), "blue".into()));
        command.body = Some("payload".into());
        let out = interpreter.handle(&command, &switch);
        let fired = switch.fired();
        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].subclass.as_str(), "my::thing");
        assert_eq!(fired[0].header("Colour"), Some("blue"));
        assert_eq!(fired[0].body.as_str(), "payload");
        let event_uuid = fired[0].header("Event-UUID").unwrap().to_owned();
        assert_eq!(sent(&out), messages::reply(&format!("+OK {event_uuid}")));
    }
}
