//! `event plain CHANNEL_ANSWER CHANNEL_HANGUP` delivers exactly those events of a loopback
//! call, in FreeSWITCH's envelope, with URL-encoded header values.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

const DIAL: &str = "loopback/^^;answer;park/default/inline";

#[test]
fn answer_and_hangup_events_of_a_call() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_event_socket"]);
    let port = conf.event_socket("");
    let mut switch = Switch::start(&conf);

    let mut client = EslClient::connect_authed(port, "ClueCon");
    let reply = client.command("event plain CHANNEL_ANSWER CHANNEL_HANGUP");
    assert_eq!(
        reply.raw,
        "Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n"
    );

    let a_leg = switch.originate(DIAL, "&park()");
    let answer = client.next_matching("the A leg's CHANNEL_ANSWER", |message| {
        message.is_event()
            && message.plain_event().header("Unique-ID") == Some(a_leg.as_str())
            && message.plain_event().header("Event-Name") == Some("CHANNEL_ANSWER")
    });
    // The envelope: the body's length, then the format.
    assert!(
        answer.raw.starts_with(&format!(
            "Content-Length: {}\nContent-Type: text/event-plain\n\nEvent-Name: CHANNEL_ANSWER\n",
            answer.body.len()
        )),
        "{}",
        answer.raw
    );
    // Values are URL-encoded: the channel is named after the inline destination.
    assert!(
        answer
            .body
            .contains("\nChannel-Name: loopback/%5E%5E%3Banswer%3Bpark-a\n"),
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("\nCaller-Username: _undef_\n"),
        "empty values are _undef_: {}",
        answer.body
    );
    assert!(answer.body.ends_with("\n\n"), "{}", answer.body);

    assert_eq!(switch.api(&format!("uuid_kill {a_leg}")), "+OK");
    let hangup = client.next_event("the A leg's CHANNEL_HANGUP", |event| {
        event.header("Unique-ID") == Some(a_leg.as_str())
            && event.header("Event-Name") == Some("CHANNEL_HANGUP")
    });
    assert_eq!(hangup.header("Hangup-Cause"), Some("NORMAL_CLEARING"));
    assert_eq!(hangup.header("Channel-State"), Some("CS_HANGUP"));

    // Nothing but the two subscribed event names came.
    for message in client.backlog() {
        let name = message
            .plain_event()
            .header("Event-Name")
            .map(str::to_owned);
        assert!(
            matches!(name.as_deref(), Some("CHANNEL_ANSWER" | "CHANNEL_HANGUP")),
            "{}",
            message.raw
        );
    }
}
