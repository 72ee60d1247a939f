//! `redirect` and `deflect` hand a destination to the endpoint. A loopback leg cannot use it:
//! the call goes on, and each attempt is logged (as sent while mod_loopback accepts and
//! ignores the messages, as an error once it answers `UNSUPPORTED`).

use ferroswitch_tests::{wait_until, Switch, TestConf};

#[test]
fn redirect_and_deflect_on_a_loopback_leg_let_the_call_go_on() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools"]);
    let mut switch = Switch::start(&conf);
    let a = switch.originate(
        "loopback/^^;redirect:sip:1000@example.com;answer;deflect:sip:2000@example.com;set:after=yes;park/default/inline",
        "&park()",
    );
    let b = switch.far_leg(&a);
    switch.wait_for_application(&b, "park");
    assert_eq!(switch.var(&b, "after"), "yes");
    wait_until("both attempts to be logged", || {
        let log = conf.log();
        log.contains("redirect 0 [sip:1000@example.com]")
            && log.contains("deflect 0 [sip:2000@example.com]")
    });
}
