//! A loopback call's legs pass through FreeSWITCH's state orders, and the events about each
//! leg arrive in that order.

use ferroswitch_tests::{wait_until, Recorded, RecordedEvent, Switch, TestConf};

fn states(events: &[RecordedEvent]) -> Vec<&str> {
    events
        .iter()
        .filter(|event| event.name == "CHANNEL_STATE")
        .map(|event| event.state.as_str())
        .collect()
}

fn names(events: &[RecordedEvent]) -> Vec<&str> {
    events.iter().map(|event| event.name.as_str()).collect()
}

fn position(events: &[RecordedEvent], name: &str) -> usize {
    events
        .iter()
        .position(|event| event.name == name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", names(events)))
}

#[test]
fn both_legs_follow_the_state_machine_and_events_keep_order() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_fixture_probe"]);
    let mut switch = Switch::start(&conf);

    let a = switch.originate("loopback/^^;answer;park/default/inline", "&park()");
    let b = switch.far_leg(&a);
    assert_eq!(b.len(), 36, "the A leg names its B leg: {b}");
    // Under load either leg may still be on its way to park (the A leg starts &park() only
    // after originate has returned); kill only once both are there.
    switch.wait_for_application(&b, "park");
    switch.wait_for_application(&a, "park");
    assert_eq!(switch.api(&format!("uuid_kill {a}")), "+OK");
    wait_until("both legs to be destroyed", || {
        let records = Recorded::read_all(&conf.event_file());
        [&a, &b].iter().all(|uuid| {
            Recorded::events_of(&records, uuid)
                .iter()
                .any(|event| event.name == "CHANNEL_DESTROY")
        })
    });

    let records = Recorded::read_all(&conf.event_file());
    let a_events = Recorded::events_of(&records, &a);
    let b_events = Recorded::events_of(&records, &b);

    // The B leg is an inbound call routed through the dialplan.
    assert_eq!(
        states(&b_events),
        [
            "CS_INIT",
            "CS_ROUTING",
            "CS_EXECUTE",
            "CS_HANGUP",
            "CS_REPORTING",
            "CS_DESTROY"
        ]
    );
    // The A leg is an outbound leg: it waits in CONSUME_MEDIA until answered, then runs &park().
    assert_eq!(
        states(&a_events),
        [
            "CS_INIT",
            "CS_ROUTING",
            "CS_CONSUME_MEDIA",
            "CS_EXECUTE",
            "CS_HANGUP",
            "CS_REPORTING",
            "CS_DESTROY"
        ]
    );

    for (leg, events) in [("A", &a_events), ("B", &b_events)] {
        assert_eq!(
            events
                .first()
                .map(|event| (event.name.as_str(), event.state.as_str())),
            Some(("CHANNEL_CREATE", "CS_NEW")),
            "{leg}: {:?}",
            names(events)
        );
        assert_eq!(
            events.last().map(|event| event.name.as_str()),
            Some("CHANNEL_DESTROY"),
            "{leg}"
        );
        assert!(
            position(events, "CHANNEL_ANSWER") < position(events, "CHANNEL_HANGUP"),
            "{leg}: {:?}",
            names(events)
        );
        assert!(
            position(events, "CHANNEL_HANGUP") < position(events, "CHANNEL_HANGUP_COMPLETE"),
            "{leg}"
        );
        let hangup_state = events
            .iter()
            .position(|event| event.name == "CHANNEL_STATE" && event.state == "CS_HANGUP")
            .expect("hangup state");
        assert!(
            position(events, "CHANNEL_HANGUP") < hangup_state,
            "{leg}: CHANNEL_HANGUP precedes its CS_HANGUP state"
        );
        assert_eq!(
            events
                .iter()
                .find(|event| event.name == "CHANNEL_HANGUP_COMPLETE")
                .map(|event| event.cause.as_str()),
            Some("NORMAL_CLEARING")
        );
    }
    let executed: Vec<&str> = b_events
        .iter()
        .filter(|event| event.name == "CHANNEL_EXECUTE")
        .map(|event| event.application.as_str())
        .collect();
    assert_eq!(executed, ["answer", "park"]);

    // The global state handler ran once per state, in the same order as the state events.
    let handled: Vec<String> = Recorded::handlers_of(&records, &b)
        .into_iter()
        .filter(|(which, _)| which == "global")
        .map(|(_, state)| state)
        .collect();
    assert_eq!(handled, states(&b_events));
}
