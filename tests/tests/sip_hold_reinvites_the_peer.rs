//! `uuid_hold` on an answered SIP leg: the switch sends the peer a re-INVITE offering
//! `a=sendonly` (the peer answers `a=recvonly`), and `uuid_hold toggle` takes it off hold with
//! a re-INVITE offering `a=sendrecv`. The two commands come back to back: the second waits
//! for the first re-INVITE to finish, as one dialog allows one INVITE at a time. The
//! dialog numbers them (CSeq 2, then 3) and the peer's BYE afterwards still matches it.

use ferroswitch_tests::sip::{free_sip_port, scenario, start, trusted_profile, Sipp};
use ferroswitch_tests::{wait_until, TestConf};

#[test]
fn hold_then_toggle_sends_sendonly_then_sendrecv_re_invites() {
    let conf = TestConf::new().modules(&[
        "mod_commands",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_g711",
        "mod_sip",
    ]);
    conf.dialplan(&[]);
    let _port = trusted_profile(&conf);
    let mut switch = start(&conf);

    let phone = free_sip_port();
    let uas = scenario("uas_held_then_resumed.xml");
    let answering = Sipp::uas(phone, &["-sf", uas.to_str().expect("a UTF-8 path")]).spawn();
    let output = switch.api(&format!(
        "originate sofia/test/sip:2000@127.0.0.1:{phone} &park()"
    ));
    let uuid = output
        .strip_prefix("+OK ")
        .map(|uuid| uuid.trim().to_owned())
        .unwrap_or_else(|| panic!("the phone answers: {output}"));

    assert_eq!(switch.api("uuid_hold"), "-ERR -USAGE: [off|toggle] <uuid>");
    assert_eq!(
        switch.api("uuid_hold no-such-uuid"),
        "-ERR No such channel!"
    );
    assert_eq!(switch.api(&format!("uuid_hold {uuid}")), "+OK Success");
    assert_eq!(switch.var(&uuid, "leg_on_hold"), "true");
    assert_eq!(
        switch.api(&format!("uuid_hold toggle {uuid}")),
        "+OK Success"
    );
    assert_eq!(switch.var(&uuid, "leg_on_hold"), "_undef_");

    let answered = answering.wait();
    assert!(
        answered.success,
        "the phone gets the sendonly re-INVITE, then the sendrecv one: {}",
        answered.report
    );
    wait_until("the call to go away after the phone's BYE", || {
        !switch.has_channel(&uuid)
    });
}
