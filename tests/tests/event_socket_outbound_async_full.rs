//! The `socket` application connects a call to an outside server (`async full`): `connect`
//! answers with the channel's data, `myevents` follows the call, `sendmsg` without a UUID
//! runs applications on it while it parks, `api` works (full), and with `linger` the server
//! is told when the call hangs up and still gets its last events until it says `exit`.

use ferroswitch_tests::{module_file, wait_until, EslServer, Switch, TestConf};

const DIAL: &str = "loopback/^^;answer;park/default/inline";

#[test]
fn outbound_socket_drives_the_call() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_event_socket"]);
    conf.event_socket("");
    let mut switch = Switch::start(&conf);
    let server = EslServer::bind();

    let uuid = switch.originate(
        DIAL,
        &format!("&socket(127.0.0.1:{} async full)", server.port()),
    );
    let mut outbound = server.accept();
    outbound.send("connect");
    let data = outbound.read_message();
    assert_eq!(
        data.header("Event-Name"),
        Some("CHANNEL_DATA"),
        "{}",
        data.raw
    );
    assert_eq!(data.header("Unique-ID"), Some(uuid.as_str()));
    assert_eq!(data.header("Channel-Unique-ID"), Some(uuid.as_str()));
    assert!(
        data.raw.ends_with(
            "Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n"
        ),
        "{}",
        data.raw
    );
    assert_eq!(switch.var(&uuid, "socket_host"), "127.0.0.1");

    assert_eq!(
        outbound.command("myevents").header("Reply-Text"),
        Some("+OK Events Enabled")
    );
    assert_eq!(
        outbound.command("linger").header("Reply-Text"),
        Some("+OK will linger")
    );
    let reply = outbound.command(
        "sendmsg\ncall-command: execute\nexecute-app-name: set\nexecute-app-arg: esl_outbound=yes",
    );
    assert_eq!(reply.header("Reply-Text"), Some("+OK"));
    wait_until("the queued set to run while the call parks", || {
        switch.var(&uuid, "esl_outbound") == "yes"
    });
    let getvar = outbound.command(&format!("api uuid_getvar {uuid} esl_outbound"));
    assert_eq!(getvar.body, "yes");

    outbound.command("sendmsg\ncall-command: hangup\nhangup-cause: NORMAL_CLEARING");
    let linger = outbound.next_matching("the linger notice", |message| {
        message.content_type() == "text/disconnect-notice"
    });
    assert_eq!(linger.header("Content-Disposition"), Some("linger"));
    assert_eq!(
        linger.header("Controlled-Session-UUID"),
        Some(uuid.as_str())
    );
    assert_eq!(linger.header("Linger-Time"), Some("-1"));
    // Still connected: the end of the call arrives.
    outbound.next_event("CHANNEL_HANGUP_COMPLETE", |event| {
        event.header("Event-Name") == Some("CHANNEL_HANGUP_COMPLETE")
            && event.header("Unique-ID") == Some(uuid.as_str())
    });
    // Only this call's events came.
    for message in outbound.backlog() {
        if message.is_event() {
            assert_eq!(
                message.plain_event().header("Unique-ID"),
                Some(uuid.as_str()),
                "{}",
                message.raw
            );
        }
    }
    outbound.send("exit");
    let last = outbound.read_until_closed();
    let notice = last.last().expect("a disconnect notice");
    assert_eq!(notice.header("Content-Disposition"), Some("disconnect"));
}
