//! `filter Unique-ID <uuid>` keeps only that channel's events; a negative filter
//! (`-value`) then drops some of them again; `filter delete` lifts a filter.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

const DIAL: &str = "loopback/^^;answer;park/default/inline";

#[test]
fn filters_select_events() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_event_socket"]);
    let port = conf.event_socket("");
    let mut switch = Switch::start(&conf);

    let mut client = EslClient::connect_authed(port, "ClueCon");
    client.command("event plain CHANNEL_HANGUP CUSTOM esl::marker");
    let kept = switch.originate(DIAL, "&park()");
    let other = switch.originate(DIAL, "&park()");
    let reply = client.command(&format!("filter Unique-ID {kept}"));
    assert_eq!(
        reply.header("Reply-Text"),
        Some(format!("+OK filter added. [Unique-ID]=[{kept}]").as_str())
    );

    switch.api(&format!("uuid_kill {other}"));
    switch.api(&format!("uuid_kill {kept}"));
    let hangup = client.next_event("a CHANNEL_HANGUP", |event| {
        event.header("Event-Name") == Some("CHANNEL_HANGUP")
    });
    assert_eq!(hangup.header("Unique-ID"), Some(kept.as_str()));

    // A negative filter drops what a positive one let in.
    client.command("filter delete all");
    client.command("filter Event-Name CUSTOM");
    client.command("filter Marker -dropped");
    client.command("sendevent CUSTOM\nEvent-Subclass: esl::marker\nMarker: dropped");
    client.command("sendevent CUSTOM\nEvent-Subclass: esl::marker\nMarker: kept");
    let marker = client.next_event("a marker event", |event| {
        event.header("Event-Subclass") == Some("esl::marker")
    });
    assert_eq!(marker.header("Marker"), Some("kept"));

    // Nothing about the other call, or the dropped marker, came.
    for message in client.backlog() {
        let event = message.plain_event();
        assert_ne!(
            event.header("Unique-ID"),
            Some(other.as_str()),
            "{}",
            message.raw
        );
        assert_ne!(event.header("Marker"), Some("dropped"), "{}", message.raw);
    }
}
