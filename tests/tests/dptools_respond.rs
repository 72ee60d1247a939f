//! `respond` asks the endpoint for a response. A loopback leg has none to send: the call goes
//! on, and the attempt is logged (as sent while mod_loopback accepts and ignores the message,
//! as an error once it answers `UNSUPPORTED`).

use ferroswitch_tests::{wait_until, Switch, TestConf};

#[test]
fn respond_on_a_loopback_leg_lets_the_call_go_on() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools"]);
    let mut switch = Switch::start(&conf);
    let a = switch.originate(
        "loopback/^^;respond:486;answer;set:after=yes;park/default/inline",
        "&park()",
    );
    let b = switch.far_leg(&a);
    switch.wait_for_application(&b, "park");
    assert_eq!(switch.var(&b, "after"), "yes");
    wait_until("the respond attempt to be logged", || {
        let log = conf.log();
        log.contains("respond 486 [] sent to the endpoint")
            || log.contains("respond 486 []: the channel's endpoint does not support it")
    });
}
