//! With no event-socket client connected, the core builds no events for mod_event_socket:
//! calls made meanwhile do not advance `Event-Sequence` (which counts the events built), and
//! the next client gets events again.

use ferroswitch_tests::esl::PlainEvent;
use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

const DIAL: &str = "loopback/^^;answer;park/default/inline";
const CALLS_WITHOUT_CLIENT: usize = 5;

fn sequence(event: &PlainEvent) -> u64 {
    event
        .header("Event-Sequence")
        .and_then(|text| text.parse().ok())
        .expect("every event carries a numeric Event-Sequence")
}

/// The next `name` event of the channel `uuid`.
fn event_of(client: &mut EslClient, name: &str, uuid: &str) -> PlainEvent {
    client.next_event(&format!("{name} of {uuid}"), |event| {
        event.header("Event-Name") == Some(name) && event.header("Unique-ID") == Some(uuid)
    })
}

/// Originates a call, hangs it up and returns its A leg's uuid.
fn call(switch: &mut Switch) -> String {
    let a_leg = switch.originate(DIAL, "&park()");
    assert_eq!(switch.api(&format!("uuid_kill {a_leg}")), "+OK");
    a_leg
}

#[test]
fn calls_with_no_client_connected_build_no_events() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_event_socket"]);
    let port = conf.event_socket("");
    let mut switch = Switch::start(&conf);

    // A first client sees one whole call, which tells how many events a call builds.
    let mut first = EslClient::connect_authed(port, "ClueCon");
    first.command("event plain ALL");
    let a_leg = call(&mut switch);
    let created = event_of(&mut first, "CHANNEL_CREATE", &a_leg);
    let completed = event_of(&mut first, "CHANNEL_HANGUP_COMPLETE", &a_leg);
    let events_per_call = sequence(&completed) - sequence(&created);
    assert!(
        events_per_call >= 10,
        "a call built {events_per_call} events"
    );
    first.send("exit");
    first.read_until_closed();
    drop(first);

    // Nobody listens: these calls build nothing for the event socket.
    for _ in 0..CALLS_WITHOUT_CLIENT {
        call(&mut switch);
    }

    let mut second = EslClient::connect_authed(port, "ClueCon");
    second.command("event plain ALL");
    let a_leg = call(&mut switch);
    let next = event_of(&mut second, "CHANNEL_CREATE", &a_leg);
    let built_meanwhile = sequence(&next) - sequence(&completed);
    // The first call's last few events (its B leg's end) may follow its A leg's completion;
    // the calls made with nobody connected must not have built theirs.
    assert!(
        built_meanwhile < events_per_call,
        "{built_meanwhile} events were built between the first client's last call and the \
         second client's first, though {CALLS_WITHOUT_CLIENT} calls of {events_per_call} events \
         each were made with no client connected"
    );
}
