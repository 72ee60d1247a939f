//! uuid_setvar, uuid_getvar, uuid_dump, uuid_kill, show channels, show calls and hupall on
//! live loopback calls.

use ferroswitch_tests::{wait_until, Switch, TestConf};

#[test]
fn channel_commands_read_and_change_live_calls() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools"]);
    let mut switch = Switch::start(&conf);
    let a = switch.originate("loopback/^^;answer;park/default/inline", "&park()");

    assert_eq!(switch.api(&format!("uuid_setvar {a} colour blue")), "+OK");
    assert_eq!(switch.var(&a, "colour"), "blue");
    assert_eq!(switch.api(&format!("uuid_setvar {a} colour")), "+OK");
    assert_eq!(switch.var(&a, "colour"), "_undef_");

    let dump = switch.api(&format!("uuid_dump {a}"));
    assert!(dump.contains(&format!("Unique-ID: {a}")), "{dump}");
    assert!(dump.contains("Channel-State: CS_EXECUTE"), "{dump}");
    assert!(dump.contains("variable_loopback_leg: A"), "{dump}");

    let channels = switch.api("show channels");
    let header = channels.lines().next().expect("header");
    assert!(
        header.starts_with("uuid,direction,created,created_epoch,name,state,cid_name,cid_num"),
        "{header}"
    );
    assert!(channels.ends_with("2 total."), "A and B legs: {channels}");
    assert!(switch.api("show calls").contains("total."));

    assert_eq!(
        switch.api("uuid_kill 00000000-0000-0000-0000-000000000000"),
        "-ERR No such channel!"
    );
    let second = switch.originate("loopback/^^;answer;park/default/inline", "&park()");
    let hupall = switch.api("hupall MANAGER_REQUEST");
    assert!(hupall.starts_with("+OK"), "{hupall}");
    wait_until("every channel to hang up", || {
        switch.api("show channels").contains("0 total.")
    });
    assert!(!switch.has_channel(&second));
}
