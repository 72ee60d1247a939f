//! A client that subscribes and never reads is dropped (with a log line) once its queue is
//! full, while calls go on and another client keeps receiving its events.

use ferroswitch_tests::{module_file, wait_until, EslClient, Switch, TestConf};

const DIAL: &str = "loopback/^^;answer;park/default/inline";

#[test]
fn a_client_that_does_not_read_is_dropped() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_event_socket"]);
    let port = conf.event_socket(r#"<param name="queue-size" value="20"/>"#);
    let mut switch = Switch::start(&conf);

    let mut slow = EslClient::connect_authed(port, "ClueCon");
    slow.command("event plain ALL");
    let mut healthy = EslClient::connect_authed(port, "ClueCon");
    healthy.command("event plain CHANNEL_HANGUP_COMPLETE");

    // Calls flow until the slow client's socket buffers and then its queue are full.
    let mut calls = 0;
    wait_until("the slow client to be dropped", || {
        let uuid = switch.originate(DIAL, "&park()");
        switch.api(&format!("uuid_kill {uuid}"));
        calls += 1;
        conf.log().contains("does not read")
    });
    assert!(calls > 1, "the drop needs a full queue");

    // The other client still gets its events, for a call placed after the drop.
    let uuid = switch.originate(DIAL, "&park()");
    switch.api(&format!("uuid_kill {uuid}"));
    healthy.next_event("the new call's CHANNEL_HANGUP_COMPLETE", |event| {
        event.header("Unique-ID") == Some(uuid.as_str())
    });

    // The slow client's connection was closed: it reads what was in flight, then the end.
    assert!(slow.discard_until_closed() > 0);
}
