//! `myevents <uuid>` subscribes to one channel's events only, and the connection closes
//! with a disconnect notice naming the channel once it hangs up.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

const DIAL: &str = "loopback/^^;answer;park/default/inline";

#[test]
fn myevents_delivers_one_channels_events() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_event_socket"]);
    let port = conf.event_socket("");
    let mut switch = Switch::start(&conf);

    let followed = switch.originate(DIAL, "&park()");
    let other = switch.originate(DIAL, "&park()");
    let mut client = EslClient::connect_authed(port, "ClueCon");
    let reply = client.command(&format!("myevents {followed}"));
    assert_eq!(reply.header("Reply-Text"), Some("+OK Events Enabled"));
    assert_eq!(
        client.command("myevents nope").header("Reply-Text"),
        Some("-ERR aready enabled.")
    );

    switch.api(&format!("uuid_setvar {other} x 1"));
    switch.api(&format!("uuid_kill {other}"));
    switch.api(&format!("uuid_kill {followed}"));
    let messages = client.read_until_closed();
    let (events, rest): (Vec<_>, Vec<_>) = messages.iter().partition(|message| message.is_event());
    assert!(!events.is_empty());
    for message in &events {
        assert_eq!(
            message.plain_event().header("Unique-ID"),
            Some(followed.as_str()),
            "{}",
            message.raw
        );
    }
    assert!(events
        .iter()
        .any(|message| message.plain_event().header("Event-Name") == Some("CHANNEL_HANGUP")));
    let notice = rest.last().expect("a disconnect notice");
    assert_eq!(
        notice.raw,
        format!(
            "Content-Type: text/disconnect-notice\nControlled-Session-UUID: {followed}\n\
             Content-Disposition: disconnect\nContent-Length: 67\n\n\
             Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
        )
    );
}
