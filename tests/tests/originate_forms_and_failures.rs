//! `originate` in FreeSWITCH's forms, and its failures reported by cause.

use ferroswitch_tests::{wait_until, Switch, TestConf};

fn switch() -> (TestConf, Switch) {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools"]);
    let switch = Switch::start(&conf);
    (conf, switch)
}

#[test]
fn application_form_runs_the_application_on_the_answered_leg() {
    let (_conf, mut switch) = switch();
    let uuid = switch.originate(
        "{origination_caller_id_number=4242,test_var=hello}loopback/^^;answer;park/default/inline",
        "&set(marker=${test_var})",
    );
    wait_until("the leg to run set and hang up", || {
        !switch.has_channel(&uuid)
    });
    let uuid = switch.originate(
        "{test_var=kept}loopback/^^;answer;park/default/inline",
        "&park()",
    );
    assert_eq!(switch.var(&uuid, "test_var"), "kept");
    // originate returns once the leg is given &park(); its thread starts it a moment later.
    wait_until("the leg to run park", || {
        let channels = switch.api("show channels");
        channels.lines().any(|row| {
            row.starts_with(&uuid) && row.contains(",CS_EXECUTE,") && row.contains(",park,")
        })
    });
}

#[test]
fn extension_form_transfers_the_leg_through_the_dialplan() {
    let (_conf, mut switch) = switch();
    let uuid = switch.originate(
        "loopback/^^;answer;park/default/inline",
        "^^;set:routed=yes;park inline default",
    );
    wait_until("the transferred leg to run its extension", || {
        switch.var(&uuid, "routed") == "yes"
    });
}

#[test]
fn failures_are_reported_by_cause() {
    let (_conf, mut switch) = switch();
    assert_eq!(
        switch.api("originate loopback/^^;hangup:USER_BUSY/default/inline &park()"),
        "-ERR USER_BUSY"
    );
    assert_eq!(
        switch.api("originate {originate_timeout=1}loopback/park/default/inline &park()"),
        "-ERR NO_ANSWER"
    );
    assert_eq!(
        switch.api("originate nowhere/1000 &park()"),
        "-ERR CHAN_NOT_IMPLEMENTED"
    );
    // Failover: the first group is busy, the second answers.
    let output = switch.api("originate loopback/^^;hangup:USER_BUSY/default/inline|loopback/^^;answer;park/default/inline &park()");
    assert!(output.starts_with("+OK "), "{output}");
    assert!(
        switch.api("show channels").contains("2 total."),
        "only the answered pair remains"
    );
}
