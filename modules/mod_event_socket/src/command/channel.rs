//! Driving a channel: `connect`, `getvar`, `sendmsg`, `linger`, `nolinger`,
//! `divert_events` and `resume`.

use ferroswitch_abi::{Event, LogLevel};

use crate::format;
use crate::framer::{leading_number, Command};
use crate::sendmsg::CallCommand;
use crate::subscription::Linger;
use crate::switch::Switch;

use super::{is_true, Interpreter, Output, Role};

impl Interpreter {
    /// `connect` (outbound): the call's data, as FreeSWITCH's CHANNEL_DATA reply.
    pub(super) fn connect(&mut self, switch: &dyn Switch, out: &mut Vec<Output>) {
        let data = self
            .controlled()
            .and_then(|uuid| switch.channel_data(&uuid));
        let full = match self.role {
            Role::Outbound { full, .. } => full,
            Role::Inbound => true,
        };
        out.push(Output::Send(connect_reply(data, self.asynchronous, full)));
        out.push(Output::Connected);
    }

    /// `getvar <name>`: the controlled channel's variable; an empty value is "not found".
    pub(super) fn getvar(&mut self, line: &str, switch: &dyn Switch) -> String {
        let Some(uuid) = self.controlled() else {
            return String::new();
        };
        line.split_once(' ')
            .and_then(|(_, name)| switch.variable(&uuid, name))
            .unwrap_or_default()
    }

    /// `sendmsg [uuid]` with `call-command` headers: for the controlled channel when no
    /// (other) UUID is given, run at once on a static outbound connection, queued otherwise.
    pub(super) fn sendmsg(&mut self, rest: &str, command: &Command, switch: &dyn Switch) -> String {
        let mut uuid = rest.trim_matches(' ');
        if uuid.is_empty() {
            uuid = command.header("session-id").unwrap_or_default();
        }
        let controlled = self.controlled();
        if controlled.as_deref() == Some(uuid) {
            uuid = "";
        }
        let call = CallCommand::parse(command);
        if let (true, Some(own)) = (uuid.is_empty(), controlled.as_deref()) {
            let queued = self.asynchronous || command.header("async").is_some_and(is_true);
            return if queued {
                deliver(switch, own, call)
            } else {
                run_now(switch, own, call)
            };
        }
        if uuid.is_empty() || !switch.exists(uuid) {
            return format!("-ERR invalid session id [{uuid}]");
        }
        deliver(switch, uuid, call)
    }

    /// `linger [seconds]`: stay connected after the channel hangs up.
    pub(super) fn linger(&mut self, rest: &str) -> String {
        if self.controlled().is_none() {
            return "-ERR not controlling a session".to_owned();
        }
        let seconds = match rest.strip_prefix(' ') {
            Some(time) if !time.is_empty() => leading_number(time),
            _ => -1,
        };
        let linger = if seconds == -1 {
            Linger::Forever
        } else {
            Linger::Seconds(u32::try_from(seconds.max(0)).unwrap_or(u32::MAX))
        };
        self.state().linger = Some(linger);
        match linger {
            Linger::Forever => "+OK will linger".to_owned(),
            Linger::Seconds(_) => format!("+OK will linger {seconds} seconds"),
        }
    }

    /// `nolinger`.
    pub(super) fn nolinger(&mut self) -> String {
        if self.controlled().is_none() {
            return "-ERR not controlling a session".to_owned();
        }
        self.state().linger = None;
        "+OK will not linger".to_owned()
    }

    /// `divert_events on|off`: accepted. A channel's own event queue, which FreeSWITCH
    /// would divert to the socket, does not exist in ferroswitch: every event already
    /// reaches the socket through the event bus.
    pub(super) fn divert_events(&mut self, rest: &str) -> String {
        if self.controlled().is_none() {
            return "-ERR not controlling a session.".to_owned();
        }
        let value = rest.trim_start_matches(' ');
        if value.is_empty() {
            "-ERR missing value.".to_owned()
        } else if value.eq_ignore_ascii_case("on") {
            "+OK events diverted".to_owned()
        } else {
            "+OK events not diverted".to_owned()
        }
    }

    /// `resume`: records `socket_resume=true` on the channel, as FreeSWITCH does.
    pub(super) fn resume(&mut self, switch: &dyn Switch) -> String {
        if let Some(uuid) = self.controlled() {
            // The reply is +OK whether or not the variable could be set, as FreeSWITCH's is.
            let _ = switch.set_variable(&uuid, "socket_resume", "true");
        }
        "+OK".to_owned()
    }
}

/// The reply to `connect`: the channel's data (its caller profile a second time with the
/// `Channel-` prefix, as FreeSWITCH writes it first), then the reply headers, in the plain
/// format without an envelope.
pub fn connect_reply(data: Option<Event>, asynchronous: bool, full: bool) -> String {
    let mut event = Event::new("CHANNEL_DATA");
    event.add_header("Event-Name", "CHANNEL_DATA");
    if let Some(data) = data {
        for header in data.headers.iter() {
            if let Some(field) = header.name.strip_prefix("Caller-") {
                event.add_header(&format!("Channel-{field}"), &header.value);
            }
        }
        event.headers.extend(data.headers);
    }
    event
        .add_header("Content-Type", "command/reply")
        .add_header("Reply-Text", "+OK\n")
        .add_header("Socket-Mode", if asynchronous { "async" } else { "static" })
        .add_header("Control", if full { "full" } else { "single-channel" });
    format::plain(&event)
}

/// Hands `call` to channel `uuid`'s own thread.
fn deliver(switch: &dyn Switch, uuid: &str, call: CallCommand) -> String {
    let result = match call {
        CallCommand::Execute {
            app,
            arg,
            loops,
            event_uuid,
        } => (0..loops)
            .try_for_each(|_| switch.queue_application(uuid, &app, &arg, event_uuid.as_deref())),
        CallCommand::Hangup { cause } => switch.hangup(uuid, cause),
        CallCommand::Unsupported(name) => {
            unsupported(switch, &name);
            Ok(())
        }
        CallCommand::Nothing => Ok(()),
    };
    match result {
        Ok(()) => "+OK".to_owned(),
        Err(error) => format!("-ERR {error}"),
    }
}

/// Carries `call` out now, on the channel's own thread (a static outbound connection).
fn run_now(switch: &dyn Switch, uuid: &str, call: CallCommand) -> String {
    match call {
        CallCommand::Execute {
            app,
            arg,
            loops,
            event_uuid,
        } => {
            for _ in 0..loops {
                // The application's own failure is logged by the core; FreeSWITCH replies +OK.
                let _ = switch.execute(uuid, &app, &arg, event_uuid.as_deref());
                if !switch.is_ready(uuid) {
                    break;
                }
            }
        }
        CallCommand::Hangup { cause } => {
            if let Err(error) = switch.hangup(uuid, cause) {
                return format!("-ERR {error}");
            }
        }
        CallCommand::Unsupported(name) => unsupported(switch, &name),
        CallCommand::Nothing => {}
    }
    "+OK".to_owned()
}

fn unsupported(switch: &dyn Switch, name: &str) {
    switch.log(
        LogLevel::Warning,
        &format!("sendmsg call-command {name} is not supported; ignored"),
    );
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use ferroswitch_abi::HangupCause;

    use super::super::fake::{sent, FakeSwitch};
    use super::super::tests::inbound;
    use super::*;
    use crate::subscription::ListenerState;

    fn outbound(asynchronous: bool) -> (Interpreter, Arc<Mutex<ListenerState>>) {
        let state = Arc::new(Mutex::new(ListenerState {
            controlled: Some("u1".into()),
            ..ListenerState::default()
        }));
        let role = Role::Outbound {
            full: true,
            asynchronous,
        };
        (Interpreter::new(role, "", Arc::clone(&state)), state)
    }

    fn sendmsg(uuid: &str, headers: &[(&str, &str)]) -> Command {
        Command {
            line: format!("sendmsg {uuid}").trim_end().to_owned(),
            headers: headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            body: None,
        }
    }

    fn reply_text(out: &[Output]) -> String {
        let text = sent(out);
        text.strip_prefix("Content-Type: command/reply\nReply-Text: ")
            .and_then(|rest| rest.strip_suffix("\n\n"))
            .unwrap_or(&text)
            .to_owned()
    }

    const SET: &[(&str, &str)] = &[
        ("call-command", "execute"),
        ("execute-app-name", "set"),
        ("execute-app-arg", "x=1"),
        ("loops", "2"),
    ];

    #[test]
    fn inbound_sendmsg_queues_for_the_named_channel() {
        let (mut interpreter, _) = inbound();
        let switch = FakeSwitch::with_channel("u1");
        let out = interpreter.handle(&sendmsg("u1", SET), &switch);
        assert_eq!(reply_text(&out), "+OK");
        assert_eq!(switch.calls(), vec!["queue u1 set x=1", "queue u1 set x=1"]);
        let out = interpreter.handle(&sendmsg("nope", SET), &switch);
        assert_eq!(reply_text(&out), "-ERR invalid session id [nope]");
        let out = interpreter.handle(&sendmsg("", SET), &switch);
        assert_eq!(reply_text(&out), "-ERR invalid session id []");
    }

    #[test]
    fn session_id_header_names_the_channel() {
        let (mut interpreter, _) = inbound();
        let switch = FakeSwitch::with_channel("u1");
        let mut command = sendmsg(
            "",
            &[("call-command", "hangup"), ("hangup-cause", "USER_BUSY")],
        );
        command.headers.push(("Session-ID".into(), "u1".into()));
        assert_eq!(reply_text(&interpreter.handle(&command, &switch)), "+OK");
        assert_eq!(
            switch.calls(),
            vec![format!("hangup u1 {}", HangupCause::USER_BUSY.0)]
        );
    }

    #[test]
    fn static_outbound_runs_on_the_spot_async_queues() {
        let (mut static_mode, _) = outbound(false);
        let switch = FakeSwitch::with_channel("u1");
        assert_eq!(
            reply_text(&static_mode.handle(&sendmsg("", SET), &switch)),
            "+OK"
        );
        assert_eq!(
            switch.calls(),
            vec!["execute u1 set x=1", "execute u1 set x=1"]
        );

        let (mut async_mode, _) = outbound(true);
        let switch = FakeSwitch::with_channel("u1");
        assert_eq!(
            reply_text(&async_mode.handle(&sendmsg("u1", SET), &switch)),
            "+OK"
        );
        assert_eq!(switch.calls(), vec!["queue u1 set x=1", "queue u1 set x=1"]);

        // An `async: true` header queues even on a static connection.
        let switch = FakeSwitch::with_channel("u1");
        let mut command = sendmsg("", SET);
        command.headers.push(("async".into(), "true".into()));
        static_mode.handle(&command, &switch);
        assert_eq!(switch.calls(), vec!["queue u1 set x=1", "queue u1 set x=1"]);
    }

    #[test]
    fn a_failed_queue_is_an_error_reply() {
        let (mut interpreter, _) = inbound();
        let switch = FakeSwitch::with_channel("u1");
        switch.hang_up("u1");
        let out = interpreter.handle(&sendmsg("u1", SET), &switch);
        assert!(reply_text(&out).starts_with("-ERR "), "{out:?}");
    }

    #[test]
    fn connect_sends_the_channel_data_once() {
        let (mut interpreter, _) = outbound(true);
        let switch = FakeSwitch::with_channel("u1");
        let out = interpreter.handle(&Command::new("connect"), &switch);
        assert_eq!(out.last(), Some(&Output::Connected));
        let text = sent(&out);
        assert!(
            text.starts_with("Event-Name: CHANNEL_DATA\nChannel-Unique-ID: u1\n"),
            "{text}"
        );
        assert!(
            text.contains("\nCaller-Unique-ID: u1\nUnique-ID: u1\n"),
            "{text}"
        );
        assert!(text.ends_with(
            "Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n"
        ));
    }

    #[test]
    fn connect_reply_without_data() {
        assert_eq!(
            connect_reply(None, false, false),
            "Event-Name: CHANNEL_DATA\nContent-Type: command/reply\nReply-Text: %2BOK%0A\n\
             Socket-Mode: static\nControl: single-channel\n\n"
        );
    }

    #[test]
    fn getvar_linger_divert_resume() {
        let (mut interpreter, _) = outbound(true);
        let switch = FakeSwitch::with_channel("u1");
        switch.set("u1", "colour", "blue");
        let run = |interpreter: &mut Interpreter, line: &str| {
            reply_text(&interpreter.handle(&Command::new(line), &switch))
        };
        assert_eq!(run(&mut interpreter, "getvar colour"), "blue");
        assert_eq!(
            run(&mut interpreter, "getvar missing"),
            "-ERR command not found"
        );
        assert_eq!(run(&mut interpreter, "linger"), "+OK will linger");
        assert_eq!(
            run(&mut interpreter, "linger 30"),
            "+OK will linger 30 seconds"
        );
        assert_eq!(run(&mut interpreter, "linger -1"), "+OK will linger");
        assert_eq!(run(&mut interpreter, "nolinger"), "+OK will not linger");
        assert_eq!(
            run(&mut interpreter, "divert_events on"),
            "+OK events diverted"
        );
        assert_eq!(
            run(&mut interpreter, "divert_events off"),
            "+OK events not diverted"
        );
        assert_eq!(
            run(&mut interpreter, "divert_events"),
            "-ERR missing value."
        );
        assert_eq!(run(&mut interpreter, "resume"), "+OK");
        assert_eq!(
            switch.variable("u1", "socket_resume").as_deref(),
            Some("true")
        );
    }

    #[test]
    fn linger_is_recorded_for_the_writer() {
        let (mut interpreter, state) = outbound(true);
        let switch = FakeSwitch::with_channel("u1");
        interpreter.handle(&Command::new("linger 5"), &switch);
        assert_eq!(state.lock().unwrap().linger, Some(Linger::Seconds(5)));
    }

    #[test]
    fn channel_commands_need_a_channel() {
        let (mut interpreter, _) = inbound();
        let switch = FakeSwitch::default();
        let run = |interpreter: &mut Interpreter, line: &str| {
            reply_text(&interpreter.handle(&Command::new(line), &switch))
        };
        assert_eq!(
            run(&mut interpreter, "linger"),
            "-ERR not controlling a session"
        );
        assert_eq!(
            run(&mut interpreter, "nolinger"),
            "-ERR not controlling a session"
        );
        assert_eq!(
            run(&mut interpreter, "divert_events on"),
            "-ERR not controlling a session."
        );
    }
}
