//! `sendmsg <uuid>` with `call-command: execute` runs the application on the channel (once
//! per `loops`), and its CHANNEL_EXECUTE_COMPLETE carries the client's `Event-UUID` as
//! `Application-UUID`, which clients such as modesl wait for.

use ferroswitch_tests::{module_file, wait_until, EslClient, Switch, TestConf};

const DIAL: &str = "loopback/^^;answer;park/default/inline";

#[test]
fn sendmsg_executes_an_application() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_event_socket"]);
    let port = conf.event_socket("");
    let mut switch = Switch::start(&conf);

    let uuid = switch.originate(DIAL, "&park()");
    switch.wait_for_application(&uuid, "park");
    let mut client = EslClient::connect_authed(port, "ClueCon");
    client.command("event plain CHANNEL_EXECUTE_COMPLETE");
    let event_uuid = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    let reply = client.command(&format!(
        "sendmsg {uuid}\ncall-command: execute\nexecute-app-name: set\n\
         execute-app-arg: esl_colour=deep blue\nEvent-UUID: {event_uuid}"
    ));
    assert_eq!(
        reply.raw,
        "Content-Type: command/reply\nReply-Text: +OK\n\n"
    );

    let complete = client.next_event("the set's CHANNEL_EXECUTE_COMPLETE", |event| {
        event.header("Application") == Some("set")
    });
    assert_eq!(complete.header("Unique-ID"), Some(uuid.as_str()));
    assert_eq!(complete.header("Application-UUID"), Some(event_uuid));
    assert_eq!(
        complete.header("Application-Data"),
        Some("esl_colour=deep blue")
    );

    let value = client.command(&format!("api uuid_getvar {uuid} esl_colour"));
    assert_eq!(value.body, "deep blue");

    // `loops` runs it again and again; a text/plain body is the argument.
    let body = "esl_count=${esl_count}x";
    client.send_raw(
        format!(
            "sendmsg {uuid}\ncall-command: execute\nexecute-app-name: set\nloops: 3\n\
             content-type: text/plain\ncontent-length: {}\n\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    let reply = client.next_matching("the reply", |message| {
        message.content_type() == "command/reply"
    });
    assert_eq!(reply.header("Reply-Text"), Some("+OK"));
    wait_until("three more runs of set", || {
        switch.var(&uuid, "esl_count") == "_undef_xxx" || switch.var(&uuid, "esl_count") == "xxx"
    });

    let unknown =
        client.command("sendmsg 00000000-0000-0000-0000-000000000000\ncall-command: execute");
    assert_eq!(
        unknown.header("Reply-Text"),
        Some("-ERR invalid session id [00000000-0000-0000-0000-000000000000]")
    );
}
