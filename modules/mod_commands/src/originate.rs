//! `originate <dial string> <&app(arg)|exten> [dialplan] [context] [cid_name] [cid_num]
//! [timeout_sec]`: place a call and, once answered, run an application on it or send it to
//! an extension.

use abi_stable::std_types::{ROption, RString, RVec, Tuple2};
use ferroswitch_abi::{
    Error, Extension, ExtensionApp, HangupCause, Host, OriginateRequest, Session,
};

use crate::{
    args::{split_args, unquote},
    CommandSpec,
};

/// FreeSWITCH's syntax text for `originate`.
pub const ORIGINATE_SYNTAX: &str = "<call url> <exten>|&<application_name>(<app_args>) \
                                    [<dialplan>] [<context>] [<cid_name>] [<cid_num>] \
                                    [<timeout_sec>]";

/// This family's commands.
pub const COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "originate",
    description: "Originate a call",
    syntax: ORIGINATE_SYNTAX,
    run: originate,
}];

/// What the answered leg does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginateTarget {
    /// `&app(arg)`, `&app()` or `&app`: run one application.
    Application { name: String, arg: String },
    /// An extension, routed through `dialplan` and `context`.
    Extension(String),
}

/// The parsed arguments of `originate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginateArgs {
    /// The whole first argument, `{...}` and `[...]` included: the core parses it.
    pub dial_string: String,
    pub target: OriginateTarget,
    /// `XML` unless given.
    pub dialplan: String,
    /// `default` unless given.
    pub context: String,
    pub caller_id_name: Option<String>,
    pub caller_id_number: Option<String>,
    /// `None`: the core's default (the dial string's `originate_timeout`, else 60 s).
    pub timeout_s: Option<u32>,
}

fn originate(host: Host, args: &str) -> Result<String, Error> {
    let args = parse_originate_args(args).map_err(Error::invalid_argument)?;
    let session = match host.originate(originate_request(&args)) {
        Ok(session) => session,
        Err(error) => return Ok(format!("-ERR {}\n", failure_text(&error))),
    };
    let uuid = session.uuid();
    match start(&session, &args) {
        Ok(()) => Ok(format!("+OK {uuid}\n")),
        Err(error) => {
            // Left alone, an answered leg with nothing to do would wait forever.
            let _ = session.hangup(HangupCause::NORMAL_TEMPORARY_FAILURE);
            Ok(format!("-ERR {}\n", failure_text(&error)))
        }
    }
}

/// Gives the answered leg what `args` asks for.
fn start(session: &Session, args: &OriginateArgs) -> Result<(), Error> {
    match &args.target {
        OriginateTarget::Application { name, arg } => session.run_extension(Extension {
            name: "originate".into(),
            number: name.as_str().into(),
            applications: RVec::from(vec![ExtensionApp {
                name: name.as_str().into(),
                arg: arg.as_str().into(),
            }]),
        }),
        OriginateTarget::Extension(extension) => {
            session.transfer(extension, &args.dialplan, &args.context)
        }
    }
}

/// Parses the text after `originate`. The dial string ends at the first space outside
/// `{}`, `[]` and quotes; `undef` stands for an argument left out, as in FreeSWITCH; quotes
/// around the later arguments are removed (`'John Doe'`).
pub fn parse_originate_args(text: &str) -> Result<OriginateArgs, String> {
    let args = split_args(text)?;
    if !(2..=7).contains(&args.len()) {
        return Err(format!("-USAGE: {ORIGINATE_SYNTAX}"));
    }
    let optional = |index: usize| -> Option<String> {
        let arg = unquote(args.get(index)?);
        (!arg.is_empty() && !arg.eq_ignore_ascii_case("undef")).then(|| arg.to_owned())
    };
    let timeout_s = match optional(6) {
        None => None,
        Some(text) => Some(
            text.parse::<u32>()
                .map_err(|_| format!("invalid timeout '{text}' (seconds expected)"))?,
        ),
    };
    Ok(OriginateArgs {
        dial_string: args[0].clone(),
        target: parse_target(&args[1])?,
        dialplan: optional(2).unwrap_or_else(|| "XML".to_owned()),
        context: optional(3).unwrap_or_else(|| "default".to_owned()),
        caller_id_name: optional(4),
        caller_id_number: optional(5),
        timeout_s,
    })
}

/// `&app(arg)`, `&app()`, `&app` or an extension.
fn parse_target(text: &str) -> Result<OriginateTarget, String> {
    let Some(app) = text.strip_prefix('&') else {
        return Ok(OriginateTarget::Extension(text.to_owned()));
    };
    let (name, arg) = match app.split_once('(') {
        Some((name, rest)) => (name, rest.strip_suffix(')').unwrap_or(rest)),
        None => (app, ""),
    };
    if name.is_empty() {
        return Err(format!("no application named in '{text}'"));
    }
    Ok(OriginateTarget::Application {
        name: name.to_owned(),
        arg: arg.to_owned(),
    })
}

/// The core's request for `args`: no originator, caller ID as `origination_caller_id_*`.
pub fn originate_request(args: &OriginateArgs) -> OriginateRequest {
    let variables = [
        ("origination_caller_id_name", &args.caller_id_name),
        ("origination_caller_id_number", &args.caller_id_number),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        value
            .as_deref()
            .map(|value| Tuple2(RString::from(name), RString::from(value)))
    })
    .collect();
    OriginateRequest {
        originator: ROption::RNone,
        dial_string: args.dial_string.as_str().into(),
        timeout_s: args.timeout_s.unwrap_or(0),
        variables,
    }
}

/// What follows `-ERR ` when a call fails: the hangup cause's name (`NO_ANSWER`,
/// `USER_BUSY`), or the error's message when it carries no cause.
pub fn failure_text(error: &Error) -> String {
    if error.cause == HangupCause::NONE {
        error.to_string()
    } else {
        error.cause.name().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use ferroswitch_abi::ErrorKind;

    use super::*;

    fn app(name: &str, arg: &str) -> OriginateTarget {
        OriginateTarget::Application {
            name: name.to_owned(),
            arg: arg.to_owned(),
        }
    }

    #[test]
    fn app_with_argument_and_defaults() {
        let args = parse_originate_args("loopback/1000 &playback(/tmp/a.wav)").unwrap();
        assert_eq!(
            args,
            OriginateArgs {
                dial_string: "loopback/1000".to_owned(),
                target: app("playback", "/tmp/a.wav"),
                dialplan: "XML".to_owned(),
                context: "default".to_owned(),
                caller_id_name: None,
                caller_id_number: None,
                timeout_s: None,
            }
        );
    }

    #[test]
    fn app_without_argument_in_both_forms() {
        assert_eq!(
            parse_originate_args("loopback/1000 &park()")
                .unwrap()
                .target,
            app("park", "")
        );
        assert_eq!(
            parse_originate_args("loopback/1000 &park").unwrap().target,
            app("park", "")
        );
    }

    #[test]
    fn app_argument_keeps_spaces_and_inner_parentheses() {
        assert_eq!(
            parse_originate_args("loopback/1 &bridge({x='a b'}loopback/2(x))")
                .unwrap()
                .target,
            app("bridge", "{x='a b'}loopback/2(x)")
        );
    }

    #[test]
    fn dial_string_keeps_braces_with_quoted_spaces() {
        let args = parse_originate_args(
            "{origination_caller_id_name='Jane Doe',ignore_early_media=true}[leg=1]loopback/1000 &echo",
        )
        .unwrap();
        assert_eq!(
            args.dial_string,
            "{origination_caller_id_name='Jane Doe',ignore_early_media=true}[leg=1]loopback/1000"
        );
        assert_eq!(args.target, app("echo", ""));
    }

    #[test]
    fn extension_with_every_optional_argument() {
        let args =
            parse_originate_args("loopback/1000 9664 XML public 'John Doe' 5551234 30").unwrap();
        assert_eq!(args.target, OriginateTarget::Extension("9664".to_owned()));
        assert_eq!(args.dialplan, "XML");
        assert_eq!(args.context, "public");
        assert_eq!(args.caller_id_name.as_deref(), Some("John Doe"));
        assert_eq!(args.caller_id_number.as_deref(), Some("5551234"));
        assert_eq!(args.timeout_s, Some(30));
    }

    #[test]
    fn undef_leaves_an_argument_out() {
        let args = parse_originate_args("loopback/1000 1000 undef undef undef 42").unwrap();
        assert_eq!(args.dialplan, "XML");
        assert_eq!(args.context, "default");
        assert_eq!(args.caller_id_name, None);
        assert_eq!(args.caller_id_number.as_deref(), Some("42"));
    }

    #[test]
    fn wrong_counts_and_bad_values_are_refused() {
        assert!(parse_originate_args("").unwrap_err().starts_with("-USAGE:"));
        assert!(parse_originate_args("loopback/1000")
            .unwrap_err()
            .starts_with("-USAGE:"));
        assert!(parse_originate_args("a/1 b c d e f 10 extra")
            .unwrap_err()
            .starts_with("-USAGE:"));
        assert!(parse_originate_args("a/1 1000 XML default n 1 soon")
            .unwrap_err()
            .contains("invalid timeout 'soon'"));
        assert!(parse_originate_args("a/1 &")
            .unwrap_err()
            .contains("no application"));
        assert!(parse_originate_args("a/1 &(x)")
            .unwrap_err()
            .contains("no application"));
        assert!(parse_originate_args("{a=b a/1 &park").is_err());
    }

    #[test]
    fn request_carries_caller_id_and_timeout() {
        let args = parse_originate_args("loopback/1000 &park XML default Jane 1001 15").unwrap();
        let request = originate_request(&args);
        assert!(request.originator.is_none());
        assert_eq!(request.dial_string.as_str(), "loopback/1000");
        assert_eq!(request.timeout_s, 15);
        let variables: Vec<(&str, &str)> = request
            .variables
            .iter()
            .map(|pair| (pair.0.as_str(), pair.1.as_str()))
            .collect();
        assert_eq!(
            variables,
            vec![
                ("origination_caller_id_name", "Jane"),
                ("origination_caller_id_number", "1001")
            ]
        );
    }

    #[test]
    fn request_without_caller_id_uses_core_defaults() {
        let args = parse_originate_args("loopback/1000 &park").unwrap();
        let request = originate_request(&args);
        assert!(request.variables.is_empty());
        assert_eq!(request.timeout_s, 0);
    }

    #[test]
    fn failures_print_the_cause_or_the_message() {
        let no_answer = Error::new(ErrorKind::TIMEOUT, "originate timed out: NO_ANSWER")
            .with_cause(HangupCause::NO_ANSWER);
        assert_eq!(failure_text(&no_answer), "NO_ANSWER");
        let plain = Error::failed("no endpoint named sofia");
        assert_eq!(failure_text(&plain), "no endpoint named sofia");
    }
}
