//! Call pickup: a SIP caller rings a phone that does not answer; another channel runs
//! `intercept <caller's uuid>`. The caller is answered and bridged to the one who picked up,
//! the ringing legs end with PICKED_OFF, and a failover group after them is not dialled.

use ferroswitch_tests::sip::{start, trusted_profile, Sipp};
use ferroswitch_tests::{wait_until, Recorded, TestConf};

const PUBLIC: &str = r#"<include>
  <context name="public">
    <extension name="ringing">
      <condition field="destination_number" expression="^ringing$">
        <action application="bridge" data="loopback/silent/default"/>
      </condition>
    </extension>
    <extension name="ringing_then_failover">
      <condition field="destination_number" expression="^failover$">
        <action application="bridge" data="loopback/silent/default|loopback/answers/default"/>
      </condition>
    </extension>
  </context>
</include>
"#;

const DEFAULT: &str = r#"<include>
  <context name="default">
    <extension name="silent">
      <condition field="destination_number" expression="^silent$">
        <action application="ring_ready"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="answers">
      <condition field="destination_number" expression="^answers$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="pickup">
      <condition field="destination_number" expression="^pickup_(.+)$">
        <action application="answer"/>
        <action application="intercept" data="$1"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#;

#[test]
fn the_ringing_caller_is_answered_and_bridged_to_who_picked_up() {
    pick_up("ringing");
}

#[test]
fn a_picked_up_call_does_not_go_on_to_its_failover_group() {
    pick_up("failover");
}

/// A SIP caller dials `destination`, which rings `loopback/silent` (and would fail over to
/// `loopback/answers`); a loopback call picks it up. Checks the pickup and that no failover
/// leg was dialled, then hangs everything up.
fn pick_up(destination: &str) {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_g711",
        "mod_sip",
        "mod_fixture_probe",
    ]);
    conf.dialplan(&[("public.xml", PUBLIC), ("default.xml", DEFAULT)]);
    let port = trusted_profile(&conf);
    let mut switch = start(&conf);

    let caller_phone = Sipp::uac_scenario(port, "uac_receives_bye.xml", destination).spawn();
    let caller = switch.wait_for_channel_named("sofia/test/sipp@");
    let ringing_a = switch.wait_for_channel_named("loopback/silent-a");
    let ringing_b = switch.wait_for_channel_named("loopback/silent-b");
    switch.wait_for_application(&ringing_b, "park");

    let picker = switch.call_far_leg(&format!("loopback/pickup_{caller}"), "&park()");
    wait_until("the picker to be bridged to the caller", || {
        switch.var(&picker, "bridge_uuid") == caller
    });
    let events = || Recorded::read_all(&conf.event_file());
    for leg in [&ringing_a, &ringing_b] {
        wait_until("the ringing legs to end PICKED_OFF", || {
            Recorded::events_of(&events(), leg)
                .iter()
                .any(|event| event.name == "CHANNEL_HANGUP" && event.cause == "PICKED_OFF")
        });
    }
    assert!(switch.has_channel(&caller), "the caller talks on");
    assert_eq!(switch.var(&caller, "bridge_uuid"), picker);

    // Long enough for a failover leg to appear, had the originate gone on.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let listing = switch.api("show channels");
    assert!(
        !listing.contains("loopback/answers"),
        "no failover leg: {listing}"
    );

    switch.api("hupall");
    let caller_phone = caller_phone.wait();
    assert!(
        caller_phone.success,
        "the caller is answered, then gets the switch's BYE: {}",
        caller_phone.report
    );
}
