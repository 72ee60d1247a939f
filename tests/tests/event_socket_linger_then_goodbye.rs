//! With `linger <seconds>`, a client following a channel is told when it hangs up (a
//! `linger` disconnect notice), keeps receiving its last events, and is disconnected with
//! the goodbye notice once the time is up.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

const DIAL: &str = "loopback/^^;answer;park/default/inline";

#[test]
fn linger_keeps_the_connection_for_a_while() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_event_socket"]);
    let port = conf.event_socket("");
    let mut switch = Switch::start(&conf);

    let uuid = switch.originate(DIAL, "&park()");
    let mut client = EslClient::connect_authed(port, "ClueCon");
    client.command(&format!("myevents {uuid}"));
    assert_eq!(
        client.command("linger 1").header("Reply-Text"),
        Some("+OK will linger 1 seconds")
    );
    switch.api(&format!("uuid_kill {uuid}"));

    let messages = client.read_until_closed();
    let notices: Vec<_> = messages
        .iter()
        .filter(|message| message.content_type() == "text/disconnect-notice")
        .collect();
    assert_eq!(notices.len(), 2, "{messages:#?}");
    assert_eq!(
        notices[0].raw,
        format!(
            "Content-Type: text/disconnect-notice\nControlled-Session-UUID: {uuid}\n\
             Content-Disposition: linger\nChannel-Name: loopback/^^;answer;park-a\n\
             Linger-Time: 1\nContent-Length: 0\n\n"
        )
    );
    assert_eq!(notices[1].header("Content-Disposition"), Some("disconnect"));
    // Events after the hangup still came while lingering.
    let linger_at = messages
        .iter()
        .position(|message| message.header("Content-Disposition") == Some("linger"))
        .expect("the linger notice");
    assert!(
        messages[linger_at..]
            .iter()
            .any(|message| message.is_event()
                && message.plain_event().header("Event-Name") == Some("CHANNEL_HANGUP_COMPLETE")),
        "{messages:#?}"
    );
}
