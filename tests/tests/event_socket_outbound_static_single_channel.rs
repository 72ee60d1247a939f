//! Without `async`, the `socket` application serves the connection on the call's own
//! thread: a `sendmsg` application has run by the time `+OK` comes back. Without `full`,
//! only the call's own commands are understood. When the call hangs up (no linger), the
//! connection closes with the disconnect notice.

use ferroswitch_tests::{module_file, wait_until, EslServer, Switch, TestConf};

const DIAL: &str = "loopback/^^;answer;park/default/inline";

#[test]
fn static_outbound_runs_applications_at_once() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_event_socket"]);
    conf.event_socket("");
    let mut switch = Switch::start(&conf);
    let server = EslServer::bind();

    let uuid = switch.originate(DIAL, &format!("&socket(127.0.0.1:{})", server.port()));
    let mut outbound = server.accept();
    outbound.send("connect");
    let data = outbound.read_message();
    assert!(
        data.raw
            .ends_with("Socket-Mode: static\nControl: single-channel\n\n"),
        "{}",
        data.raw
    );
    assert_eq!(
        outbound.command("api status").header("Reply-Text"),
        Some("-ERR command not found")
    );
    assert_eq!(
        outbound.command("getvar loopback_leg").header("Reply-Text"),
        Some("A")
    );

    let reply = outbound.command(
        "sendmsg\ncall-command: execute\nexecute-app-name: set\nexecute-app-arg: esl_static=done",
    );
    assert_eq!(reply.header("Reply-Text"), Some("+OK"));
    assert_eq!(switch.var(&uuid, "esl_static"), "done");

    outbound.send("sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING");
    let messages = outbound.read_until_closed();
    let notice = messages.last().expect("a disconnect notice");
    assert_eq!(notice.header("Content-Disposition"), Some("disconnect"));
    assert_eq!(
        notice.header("Controlled-Session-UUID"),
        Some(uuid.as_str())
    );
    wait_until("the call to end", || !switch.has_channel(&uuid));
}
