//! `intercept <uuid>`: a channel takes over a leg of an answered call, as FreeSWITCH's call
//! pickup does. The intercepted leg is bridged to the interceptor, alive; the leg it was
//! talking to is hung up with PICKED_OFF. `-bleg` takes the other leg of the named channel.
//! A target that does not exist leaves the dialplan to go on.

use ferroswitch_tests::{wait_until, Recorded, Switch, TestConf};

const DIALPLAN: &str = r#"<include>
  <context name="default">
    <extension name="caller">
      <condition field="destination_number" expression="^caller$">
        <action application="answer"/>
        <action application="bridge" data="loopback/answers"/>
      </condition>
    </extension>
    <extension name="pickup">
      <condition field="destination_number" expression="^pickup_(.+)$">
        <action application="answer"/>
        <action application="intercept" data="$1"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="pickup_bleg">
      <condition field="destination_number" expression="^bleg_(.+)$">
        <action application="intercept" data="-bleg $1"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="answers">
      <condition field="destination_number" expression="^answers$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#;

fn start() -> (TestConf, Switch) {
    Switch::with_loopback_dialplan(DIALPLAN)
}

/// An answered call: the caller (running `bridge`) and the leg it is bridged to.
fn answered_call(switch: &mut Switch) -> (String, String) {
    let caller = switch.call_far_leg("loopback/caller", "&park()");
    let peer = switch.wait_for_var(&caller, "bridge_uuid");
    (caller, peer)
}

/// Places a call whose far leg dials `destination` (`pickup_<uuid>` runs `intercept <uuid>`,
/// `bleg_<uuid>` runs `intercept -bleg <uuid>`); that leg's UUID.
fn interceptor(switch: &mut Switch, destination: &str) -> String {
    switch.call_far_leg(&format!("loopback/{destination}"), "&park()")
}

fn hangup_cause(conf: &TestConf, uuid: &str) -> Option<String> {
    Recorded::events_of(&Recorded::read_all(&conf.event_file()), uuid)
        .iter()
        .find(|event| event.name == "CHANNEL_HANGUP")
        .map(|event| event.cause.clone())
}

#[test]
fn the_intercepted_leg_is_bridged_and_its_old_peer_picked_off() {
    let (conf, mut switch) = start();
    let (caller, peer) = answered_call(&mut switch);
    let picker = interceptor(&mut switch, &format!("pickup_{peer}"));
    wait_until("the picker to be bridged to the intercepted leg", || {
        switch.var(&picker, "bridge_uuid") == peer
    });
    assert_eq!(switch.var(&peer, "bridge_uuid"), picker);
    wait_until("the old peer to be picked off", || {
        hangup_cause(&conf, &caller).as_deref() == Some("PICKED_OFF")
    });
}

#[test]
fn bleg_takes_the_other_leg_of_the_named_channel() {
    let (conf, mut switch) = start();
    let (caller, peer) = answered_call(&mut switch);
    let picker = interceptor(&mut switch, &format!("bleg_{caller}"));
    wait_until("the picker to be bridged to the caller's peer", || {
        switch.var(&picker, "bridge_uuid") == peer
    });
    wait_until("the caller to be picked off", || {
        hangup_cause(&conf, &caller).as_deref() == Some("PICKED_OFF")
    });
}

#[test]
fn an_unknown_target_lets_the_dialplan_go_on() {
    let (_conf, mut switch) = start();
    let picker = interceptor(&mut switch, "pickup_no-such-uuid");
    switch.wait_for_application(&picker, "park");
    assert_eq!(switch.var(&picker, "bridge_uuid"), "_undef_");
}
