//! At the prompt (here fed from a pipe), each line runs as `api <line>`, `/event` and `/log`
//! subscribe and what arrives is printed: events decoded, log lines uncoloured off a terminal.
//! `/exit` ends with status 0.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use support::{api_response, cli, log_data, plain_event, reply, FakeServer};

#[test]
fn events_and_log_lines_are_printed_as_they_arrive() {
    let server = FakeServer::start(|command| match command {
        "event plain CHANNEL_ANSWER" => [
            reply("+OK event listener enabled plain"),
            plain_event(&[
                ("Event-Name", "CHANNEL_ANSWER"),
                ("Unique-ID", "abc"),
                ("Caller-Destination-Number", "loop%20back"),
            ]),
        ]
        .concat(),
        "log info" => [reply("+OK log level info [6]"), log_data(6, "a log line\n")].concat(),
        "api show channels" => api_response("0 total.\n"),
        other => reply(&format!("-ERR unexpected {other}")),
    });
    let mut child = Command::new(cli())
        .args(["-P", &server.port.to_string(), "-q"])
        .env_remove("HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ferroswitch-cli starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(
            b"/event plain CHANNEL_ANSWER\n/log info\n\nshow channels\n/bogus\n/exit\nstatus\n",
        )
        .expect("script written");
    let output = child.wait_with_output().expect("ferroswitch-cli exits");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");

    for expected in [
        "+OK event listener enabled plain\n",
        "RECV EVENT\nEvent-Name: CHANNEL_ANSWER\nUnique-ID: abc\nCaller-Destination-Number: loop back\n",
        "+OK log level info [6]\n",
        "a log line\n",
        "0 total.\n",
        "Unknown command [bogus]\n",
    ] {
        assert!(stdout.contains(expected), "{expected:?} in:\n{stdout}");
    }
    assert!(
        !stdout.contains('\x1b'),
        "no colour off a terminal:\n{stdout}"
    );
    // -q asks for no logs; nothing after /exit is sent.
    assert_eq!(
        server.commands(),
        [
            "auth ClueCon",
            "event plain CHANNEL_ANSWER",
            "log info",
            "api show channels"
        ]
    );
}

#[test]
fn logs_are_requested_at_the_default_level_and_eof_exits() {
    let server = FakeServer::start(|command| match command {
        "log debug" => reply("+OK log level debug [7]"),
        _ => api_response("ok\n"),
    });
    let output = Command::new(cli())
        .args(["-P", &server.port.to_string()])
        .env_remove("HOME")
        .stdin(Stdio::null())
        .output()
        .expect("ferroswitch-cli runs");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(server.commands(), ["auth ClueCon", "log debug"]);
}
