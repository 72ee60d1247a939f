//! What a `sendmsg` asks a channel to do, read from its headers as FreeSWITCH's
//! `switch_ivr_parse_event` reads them.
//!
//! ```text
//! sendmsg <uuid>
//! call-command: execute
//! execute-app-name: playback
//! execute-app-arg: /tmp/hello.wav
//! loops: 2
//! ```
//!
//! `execute-app-arg` may instead be the body, with `content-type: text/plain`. `hangup`
//! takes `hangup-cause`. `event-uuid` becomes the application's `Application-UUID` (see
//! [`crate::app_uuid`]). `event-lock` is accepted: queued applications already run one at a
//! time, in order, on the channel's thread.

use ferroswitch_abi::HangupCause;

use crate::framer::{leading_number, Command};

/// The most times one `sendmsg` repeats an application (`loops`): FreeSWITCH's negative
/// "until hangup" and absurd counts are capped here rather than queued without end.
pub const MAX_LOOPS: u32 = 1000;

/// A `sendmsg`'s `call-command`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallCommand {
    /// Run `app` with `arg`, `loops` times.
    Execute {
        app: String,
        arg: String,
        loops: u32,
        /// The client's UUID for it (`event-uuid`).
        event_uuid: Option<String>,
    },
    /// Hang the channel up.
    Hangup { cause: HangupCause },
    /// A call-command this module does not carry out (`unicast`, `nomedia`, `xferext`...).
    Unsupported(String),
    /// Nothing to do: no call-command, or `execute` without an application.
    Nothing,
}

impl CallCommand {
    /// Reads `command`'s headers.
    pub fn parse(command: &Command) -> Self {
        let Some(call_command) = command
            .header("call-command")
            .filter(|text| !text.is_empty())
        else {
            return Self::Nothing;
        };
        if call_command.eq_ignore_ascii_case("execute") {
            let Some(app) = command
                .header("execute-app-name")
                .filter(|app| !app.is_empty())
            else {
                return Self::Nothing;
            };
            let mut arg = command.header("execute-app-arg").unwrap_or_default();
            let plain_text = command
                .header("content-type")
                .is_some_and(|kind| kind.eq_ignore_ascii_case("text/plain"));
            if arg.is_empty() && plain_text {
                arg = command.body.as_deref().unwrap_or_default();
            }
            let loops = command.header("loops").map_or(1, |text| {
                let loops = leading_number(text);
                if loops < 0 {
                    MAX_LOOPS
                } else {
                    u32::try_from(loops).unwrap_or(MAX_LOOPS).min(MAX_LOOPS)
                }
            });
            Self::Execute {
                app: app.to_owned(),
                arg: arg.to_owned(),
                loops,
                event_uuid: command
                    .header("event-uuid")
                    .filter(|uuid| !uuid.is_empty())
                    .map(str::to_owned),
            }
        } else if call_command.eq_ignore_ascii_case("hangup") {
            let cause = command
                .header("hangup-cause")
                .and_then(HangupCause::parse)
                .filter(|cause| *cause != HangupCause::NONE)
                .unwrap_or(HangupCause::NORMAL_CLEARING);
            Self::Hangup { cause }
        } else {
            Self::Unsupported(call_command.to_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(headers: &[(&str, &str)], body: Option<&str>) -> Command {
        Command {
            line: "sendmsg".into(),
            headers: headers
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            body: body.map(str::to_owned),
        }
    }

    #[test]
    fn execute_with_an_argument_header() {
        let parsed = CallCommand::parse(&command(
            &[
                ("call-command", "execute"),
                ("execute-app-name", "set"),
                ("execute-app-arg", "a=b c"),
            ],
            None,
        ));
        assert_eq!(
            parsed,
            CallCommand::Execute {
                app: "set".into(),
                arg: "a=b c".into(),
                loops: 1,
                event_uuid: None,
            }
        );
    }

    #[test]
    fn execute_with_a_text_body_and_loops() {
        let parsed = CallCommand::parse(&command(
            &[
                ("Call-Command", "EXECUTE"),
                ("Execute-App-Name", "log"),
                ("Loops", "3"),
                ("Content-Type", "text/plain"),
                ("Event-UUID", "e1"),
            ],
            Some("INFO hello"),
        ));
        assert_eq!(
            parsed,
            CallCommand::Execute {
                app: "log".into(),
                arg: "INFO hello".into(),
                loops: 3,
                event_uuid: Some("e1".into()),
            }
        );
    }

    #[test]
    fn loops_read_like_atoi_and_are_capped() {
        let loops = |text: &str| match CallCommand::parse(&command(
            &[
                ("call-command", "execute"),
                ("execute-app-name", "x"),
                ("loops", text),
            ],
            None,
        )) {
            CallCommand::Execute { loops, .. } => loops,
            other => panic!("{other:?}"),
        };
        assert_eq!(loops("0"), 0);
        assert_eq!(loops("junk"), 0);
        assert_eq!(loops("-1"), MAX_LOOPS);
        assert_eq!(loops("99999999999"), MAX_LOOPS);
    }

    #[test]
    fn hangup_with_and_without_a_cause() {
        let parsed = CallCommand::parse(&command(
            &[("call-command", "hangup"), ("hangup-cause", "USER_BUSY")],
            None,
        ));
        assert_eq!(
            parsed,
            CallCommand::Hangup {
                cause: HangupCause::USER_BUSY
            }
        );
        let default = CallCommand::parse(&command(&[("call-command", "hangup")], None));
        assert_eq!(
            default,
            CallCommand::Hangup {
                cause: HangupCause::NORMAL_CLEARING
            }
        );
        let unknown = CallCommand::parse(&command(
            &[("call-command", "hangup"), ("hangup-cause", "NOT_A_CAUSE")],
            None,
        ));
        assert_eq!(
            unknown,
            CallCommand::Hangup {
                cause: HangupCause::NORMAL_CLEARING
            }
        );
    }

    #[test]
    fn nothing_or_unsupported() {
        assert_eq!(
            CallCommand::parse(&command(&[], None)),
            CallCommand::Nothing
        );
        assert_eq!(
            CallCommand::parse(&command(&[("call-command", "execute")], None)),
            CallCommand::Nothing
        );
        assert_eq!(
            CallCommand::parse(&command(&[("call-command", "nomedia")], None)),
            CallCommand::Unsupported("nomedia".into())
        );
    }
}
