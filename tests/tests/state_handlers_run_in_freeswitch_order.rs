//! State handlers run in FreeSWITCH's order for each state: per-channel pre-exec, global
//! pre-exec, (the endpoint's own), per-channel, global.

use ferroswitch_tests::{wait_until, Recorded, Switch, TestConf};

#[test]
fn per_channel_and_global_handlers_run_in_order() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_fixture_probe"]);
    let mut switch = Switch::start(&conf);
    // The B leg attaches per-channel handlers, then parks until the A leg is killed.
    let a = switch.originate(
        "loopback/^^;answer;fixture_watch;park/default/inline",
        "&park()",
    );
    let b = switch.far_leg(&a);
    // Under load the B leg may still be on its way to park; kill only once it is there.
    switch.wait_for_application(&b, "park");
    assert_eq!(switch.api(&format!("uuid_kill {a}")), "+OK");
    wait_until("the B leg to be destroyed", || {
        Recorded::handlers_of(&Recorded::read_all(&conf.event_file()), &b)
            .iter()
            .any(|(which, state)| which == "global" && state == "CS_DESTROY")
    });

    let calls = Recorded::handlers_of(&Recorded::read_all(&conf.event_file()), &b);
    // Before fixture_watch ran, only the global handlers existed: pre-exec first.
    let routing: Vec<&str> = calls
        .iter()
        .filter(|(_, state)| state == "CS_ROUTING")
        .map(|(which, _)| which.as_str())
        .collect();
    assert_eq!(routing, ["global_pre", "global"]);
    // After it, every state runs all four, in FreeSWITCH's order.
    for state in ["CS_HANGUP", "CS_REPORTING", "CS_DESTROY"] {
        let order: Vec<&str> = calls
            .iter()
            .filter(|(_, of)| of == state)
            .map(|(which, _)| which.as_str())
            .collect();
        assert_eq!(
            order,
            ["channel_pre", "global_pre", "channel", "global"],
            "{state}"
        );
    }
}
