//! Applications queued from another thread (`uuid_broadcast <uuid> app::args`, the event
//! socket's `sendmsg execute`) run on the session's own thread while it is parked, and the
//! park goes on afterwards.

use ferroswitch_tests::{wait_until, Switch, TestConf};

#[test]
fn broadcast_runs_on_a_parked_channel_which_stays_parked() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools"]);
    let mut switch = Switch::start(&conf);
    let uuid = switch.originate("loopback/^^;answer;park/default/inline", "&park()");
    switch.wait_for_application(&uuid, "park");

    assert_eq!(
        switch.api(&format!("uuid_broadcast {uuid} set::seen=first")),
        "+OK Message sent successfully"
    );
    assert_eq!(
        switch.api(&format!("uuid_broadcast {uuid} set::seen=${{seen}}+second")),
        "+OK Message sent successfully"
    );
    wait_until("both queued applications to run, in order", || {
        switch.var(&uuid, "seen") == "first+second"
    });
    switch.wait_for_application(&uuid, "park");

    assert_eq!(
        switch.api(&format!("uuid_broadcast {uuid} hangup::USER_BUSY")),
        "+OK Message sent successfully"
    );
    wait_until("the queued hangup to end the call", || {
        !switch.has_channel(&uuid)
    });
    assert!(switch
        .api("uuid_broadcast 00000000-0000-0000-0000-000000000000 set::x=1")
        .starts_with("-ERR No such channel"));
}

#[test]
fn uuid_break_ends_the_park_and_the_extension_goes_on() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools"]);
    let mut switch = Switch::start(&conf);
    let a = switch.originate("loopback/^^;answer;park/default/inline", "&park()");
    let b = switch.far_leg(&a);
    switch.wait_for_application(&b, "park");
    // The B leg's extension is answer, park: breaking the park ends the extension, and the
    // call with it (NORMAL_CLEARING), as FreeSWITCH's uuid_break does.
    assert_eq!(switch.api(&format!("uuid_break {b}")), "+OK");
    wait_until("the B leg to finish its extension", || {
        !switch.has_channel(&b)
    });
}
