//! `event json ...` delivers each event as one JSON object (header values as they are, not
//! URL-encoded), in a `text/event-json` envelope.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};
use serde_json::Value;

const DIAL: &str = "loopback/^^;answer;park/default/inline";

#[test]
fn json_events_parse_with_their_headers() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_event_socket"]);
    let port = conf.event_socket("");
    let mut switch = Switch::start(&conf);

    let mut client = EslClient::connect_authed(port, "ClueCon");
    let reply = client.command("event json CHANNEL_ANSWER BACKGROUND_JOB");
    assert_eq!(
        reply.header("Reply-Text"),
        Some("+OK event listener enabled json")
    );

    let uuid = switch.originate(DIAL, "&park()");
    let answer = client.next_matching("the A leg's CHANNEL_ANSWER", |message| {
        message.content_type() == "text/event-json" && message.body.contains(&uuid)
    });
    let json: Value = serde_json::from_str(&answer.body).expect("valid JSON");
    assert_eq!(json["Event-Name"], "CHANNEL_ANSWER");
    assert_eq!(json["Unique-ID"], uuid.as_str());
    assert_eq!(json["Answer-State"], "answered");
    assert_eq!(json["Channel-Name"], "loopback/^^;answer;park-a");
    assert!(
        !answer.body.contains('\n'),
        "compact, as FreeSWITCH writes it"
    );

    client.command("bgapi echo two\nlines");
    let job = client.next_matching("the BACKGROUND_JOB", |message| {
        message.content_type() == "text/event-json" && message.body.contains("BACKGROUND_JOB")
    });
    let json: Value = serde_json::from_str(&job.body).expect("valid JSON");
    assert_eq!(json["Job-Command"], "echo");
    assert_eq!(json["Content-Length"], "3");
    assert_eq!(json["_body"], "two");
}
