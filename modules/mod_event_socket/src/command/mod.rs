//! The command interpreter: one per connection, turning each [`Command`] a client sends into
//! what goes back ([`Output`]), in FreeSWITCH's order of checks and with its reply texts.
//!
//! It is sans-IO: the switch is reached through the [`Switch`] trait, the events and logs a
//! client wants are recorded in the shared [`ListenerState`] that the event bus consults, and
//! everything to write is returned in order. The order matters: a `bgapi` reply is queued
//! before its job starts, so it always reaches the client before the job's BACKGROUND_JOB.
//!
//! | family | commands |
//! |---|---|
//! | this file | `auth`, `exit`, dispatch |
//! | `events` | `event`, `nixevent`, `noevents`, `myevents`, `filter`, `log`, `nolog` |
//! | `channel` | `connect`, `getvar`, `sendmsg`, `linger`, `nolinger`, `divert_events`, `resume` |
//! | `api` | `api`, `bgapi`, `sendevent` |

mod api;
mod channel;
mod events;
#[cfg(test)]
mod fake;

use std::sync::{Arc, Mutex, MutexGuard};

pub use api::{api_output, background_job_event};

use crate::framer::Command;
use crate::subscription::ListenerState;
use crate::switch::{Job, Switch};

/// How the connection came to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A client connected to the module's port; it must authenticate.
    Inbound,
    /// The `socket` application connected out for a call.
    Outbound {
        /// `full`: every command, not only the call's own.
        full: bool,
        /// `async`: applications are queued while the call parks, not run at once.
        asynchronous: bool,
    },
}

/// What the connection does after a command, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Write these bytes.
    Send(String),
    /// Start this `bgapi` job (its reply is already queued).
    Background(Job),
    /// The channel the client follows is already gone: linger or disconnect now.
    ChannelDown,
    /// The outbound client sent `connect`: the call may park.
    Connected,
    /// Say goodbye and close.
    Close,
}

/// The interpreter of one connection.
pub struct Interpreter {
    password: String,
    role: Role,
    authed: bool,
    /// Applications for the controlled channel are queued rather than run at once.
    asynchronous: bool,
    state: Arc<Mutex<ListenerState>>,
}

impl Interpreter {
    /// An interpreter for a connection of `role`; inbound clients must send `password`.
    /// `state` is what the event bus reads; an outbound connection's state already names its
    /// channel.
    pub fn new(role: Role, password: &str, state: Arc<Mutex<ListenerState>>) -> Self {
        let (authed, asynchronous) = match role {
            Role::Inbound => (false, false),
            Role::Outbound { asynchronous, .. } => (true, asynchronous),
        };
        Self {
            password: password.to_owned(),
            role,
            authed,
            asynchronous,
            state,
        }
    }

    /// Whether the client has authenticated (outbound connections always have).
    pub fn is_authed(&self) -> bool {
        self.authed
    }

    /// Handles one command.
    pub fn handle(&mut self, command: &Command, switch: &dyn Switch) -> Vec<Output> {
        let mut out = Vec::new();
        self.dispatch(command, switch, &mut out);
        out
    }

    fn dispatch(&mut self, command: &Command, switch: &dyn Switch, out: &mut Vec<Output>) {
        let line = self_unloading_rewrite(&command.line);
        let line = line.as_str();
        if starts_with(line, "exit") || line.starts_with("...") {
            out.extend([reply("+OK bye"), Output::Close]);
            return;
        }
        if !self.authed {
            self.authenticate(line, out);
            return;
        }
        if let Some(rest) = strip(line, "filter ") {
            out.push(reply(&self.filter(rest)));
            return;
        }
        let controlled = self.controlled();
        if controlled.is_some() && starts_with(line, "resume") {
            out.push(reply(&self.resume(switch)));
            return;
        }
        if controlled.is_some() || starts_with(line, "myevents ") {
            if starts_with(line, "connect") {
                self.connect(switch, out);
                return;
            }
            if starts_with(line, "getvar") {
                out.push(reply(&self.getvar(line, switch)));
                return;
            }
            if starts_with(line, "myevents") {
                self.myevents(line, switch, out);
                return;
            }
        }
        if let Some(rest) = strip(line, "divert_events") {
            out.push(reply(&self.divert_events(rest)));
            return;
        }
        if let Some(rest) = strip(line, "sendmsg") {
            out.push(reply(&self.sendmsg(rest, command, switch)));
            return;
        }
        if matches!(self.role, Role::Outbound { full: false, .. }) {
            // Without `full`, an outbound client may only drive its own call.
            out.push(reply(NOT_FOUND));
            return;
        }
        let text = if let Some(rest) = strip(line, "sendevent") {
            self.sendevent(rest, command, switch)
        } else if let Some(rest) = strip(line, "api ") {
            out.push(Output::Send(self.api(rest, switch)));
            return;
        } else if let Some(rest) = strip(line, "bgapi ") {
            self.bgapi(rest, command, out);
            return;
        } else if let Some(rest) = strip(line, "log") {
            self.log(rest)
        } else if let Some(rest) = strip(line, "linger") {
            self.linger(rest)
        } else if starts_with(line, "nolinger") {
            self.nolinger()
        } else if starts_with(line, "nolog") {
            self.nolog()
        } else if let Some(rest) = strip(line, "event") {
            self.event(rest)
        } else if let Some(rest) = strip(line, "nixevent") {
            self.nixevent(rest)
        } else if starts_with(line, "noevents") {
            self.noevents()
        } else {
            String::new()
        };
        out.push(reply(&text));
    }

    /// Before `auth`, nothing but `auth` (and `exit`) is understood.
    fn authenticate(&mut self, line: &str, out: &mut Vec<Output>) {
        if let Some(password) = strip(line, "auth ") {
            if password == self.password {
                self.authed = true;
                out.push(reply("+OK accepted"));
            } else {
                out.extend([reply("-ERR invalid"), Output::Close]);
            }
        } else if starts_with(line, "userauth ") {
            // Per-user ESL passwords live in the directory, which ferroswitch does not read
            // for the event socket yet: every such login fails, as an unknown user does.
            out.extend([reply("-ERR invalid"), Output::Close]);
        } else {
            out.push(reply(NOT_FOUND));
        }
    }

    fn state(&self) -> MutexGuard<'_, ListenerState> {
        lock(&self.state)
    }

    /// The channel the client controls or follows.
    fn controlled(&self) -> Option<String> {
        self.state().controlled.clone()
    }
}

/// FreeSWITCH's answer to anything it does not understand.
pub const NOT_FOUND: &str = "-ERR command not found";

/// A `command/reply`; an empty text means the command was not understood.
fn reply(text: &str) -> Output {
    let text = if text.is_empty() { NOT_FOUND } else { text };
    Output::Send(crate::messages::reply(text))
}

/// Locks shared listener state, even if a thread panicked while holding it (the state is
/// plain data, always consistent between statements).
pub fn lock(state: &Mutex<ListenerState>) -> MutexGuard<'_, ListenerState> {
    state.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// Unloading or reloading this module from its own connection would wait for the
/// connection itself: FreeSWITCH turns such a command into a background job, and so does
/// this module.
fn self_unloading_rewrite(line: &str) -> String {
    let lower = line.to_ascii_lowercase();
    if lower.contains("mod_event_socket") {
        if lower.contains("unload") {
            return "api bgapi unload mod_event_socket".to_owned();
        }
        if lower.contains("reload") {
            return "api bgapi reload mod_event_socket".to_owned();
        }
    }
    line.to_owned()
}

/// Whether `line` starts with `prefix`, in any case.
fn starts_with(line: &str, prefix: &str) -> bool {
    line.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// `line` after `prefix` (any case), if it starts with it.
fn strip<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    if starts_with(line, prefix) {
        Some(&line[prefix.len()..])
    } else {
        None
    }
}

/// FreeSWITCH's `switch_true`.
fn is_true(text: &str) -> bool {
    matches!(
        text.to_ascii_lowercase().as_str(),
        "yes" | "on" | "true" | "t" | "enabled" | "active" | "allow"
    ) || text.parse::<i64>().is_ok_and(|number| number != 0)
}

#[cfg(test)]
mod tests {
    use super::fake::{sent, FakeSwitch};
    use super::*;

    pub(super) fn inbound() -> (Interpreter, Arc<Mutex<ListenerState>>) {
        let state = Arc::new(Mutex::new(ListenerState::default()));
        let mut interpreter = Interpreter::new(Role::Inbound, "ClueCon", Arc::clone(&state));
        let switch = FakeSwitch::default();
        interpreter.handle(&Command::new("auth ClueCon"), &switch);
        (interpreter, state)
    }

    #[test]
    fn auth_accepts_the_password_and_refuses_others() {
        let state = Arc::new(Mutex::new(ListenerState::default()));
        let switch = FakeSwitch::default();
        let mut interpreter = Interpreter::new(Role::Inbound, "ClueCon", Arc::clone(&state));
        assert_eq!(
            interpreter.handle(&Command::new("api status"), &switch),
            vec![reply("-ERR command not found")]
        );
        assert_eq!(switch.calls(), Vec::<String>::new());
        assert_eq!(
            sent(&interpreter.handle(&Command::new("auth ClueCon"), &switch)),
            "Content-Type: command/reply\nReply-Text: +OK accepted\n\n"
        );
        assert!(interpreter.is_authed());

        let mut other = Interpreter::new(Role::Inbound, "ClueCon", state);
        assert_eq!(
            other.handle(&Command::new("auth cluecon"), &switch),
            vec![reply("-ERR invalid"), Output::Close]
        );
        assert_eq!(
            other.handle(&Command::new("userauth a@b:c"), &switch),
            vec![reply("-ERR invalid"), Output::Close]
        );
    }

    #[test]
    fn exit_works_before_and_after_auth() {
        let state = Arc::new(Mutex::new(ListenerState::default()));
        let switch = FakeSwitch::default();
        let mut interpreter = Interpreter::new(Role::Inbound, "ClueCon", state);
        assert_eq!(
            interpreter.handle(&Command::new("exit"), &switch),
            vec![reply("+OK bye"), Output::Close]
        );
        let (mut authed, _) = inbound();
        assert_eq!(
            authed.handle(&Command::new("..."), &switch),
            vec![reply("+OK bye"), Output::Close]
        );
    }

    #[test]
    fn unknown_commands_are_not_found() {
        let (mut interpreter, _) = inbound();
        let switch = FakeSwitch::default();
        for line in ["nonsense", "connect", "getvar x", "myevents", ""] {
            assert_eq!(
                interpreter.handle(&Command::new(line), &switch),
                vec![reply(NOT_FOUND)],
                "{line}"
            );
        }
    }

    #[test]
    fn outbound_without_full_only_drives_its_call() {
        let state = Arc::new(Mutex::new(ListenerState {
            controlled: Some("u1".into()),
            ..ListenerState::default()
        }));
        let role = Role::Outbound {
            full: false,
            asynchronous: true,
        };
        let mut interpreter = Interpreter::new(role, "ClueCon", state);
        let switch = FakeSwitch::default();
        assert_eq!(
            interpreter.handle(&Command::new("api status"), &switch),
            vec![reply(NOT_FOUND)]
        );
        assert_eq!(
            sent(&interpreter.handle(&Command::new("myevents"), &switch)),
            crate::messages::reply("+OK Events Enabled")
        );
    }

    #[test]
    fn unloading_this_module_becomes_a_background_job() {
        assert_eq!(
            self_unloading_rewrite("api unload mod_event_socket"),
            "api bgapi unload mod_event_socket"
        );
        assert_eq!(
            self_unloading_rewrite("api reload MOD_EVENT_SOCKET"),
            "api bgapi reload mod_event_socket"
        );
        assert_eq!(self_unloading_rewrite("api status"), "api status");
    }

    #[test]
    fn any_command_line_is_answered_without_panicking() {
        let words = [
            "api",
            "bgapi",
            "event",
            "nixevent",
            "noevents",
            "filter",
            "delete",
            "add",
            "all",
            "myevents",
            "sendmsg",
            "sendevent",
            "log",
            "nolog",
            "linger",
            "nolinger",
            "getvar",
            "connect",
            "divert_events",
            "resume",
            "exit",
            "auth",
            "CUSTOM",
            "ALL",
            "json",
            "-",
            "/(",
            "u1",
            "é",
            "",
            " ",
            "\t",
        ];
        let switch = FakeSwitch::with_channel("u1");
        let mut state = 7u64;
        for _ in 0..3000 {
            let (mut interpreter, _) = inbound();
            let mut line = String::new();
            for _ in 0..(state % 6) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                line.push_str(words[(state % words.len() as u64) as usize]);
                line.push(' ');
            }
            let mut command = Command::new(line.trim_end());
            command
                .headers
                .push(("call-command".into(), "execute".into()));
            command
                .headers
                .push(("execute-app-name".into(), "x".into()));
            let out = interpreter.handle(&command, &switch);
            assert!(!out.is_empty(), "{line:?} got no answer");
        }
    }

    #[test]
    fn freeswitch_truth() {
        for word in ["yes", "ON", "true", "t", "1", "-3"] {
            assert!(is_true(word), "{word}");
        }
        for word in ["no", "false", "0", "", "maybe"] {
            assert!(!is_true(word), "{word}");
        }
    }
}
