//! `uuid_transfer`, FreeSWITCH's form: `-bleg` moves the leg bridged to the named channel to a
//! new extension, which takes it out of the bridge alive. The caller of `bridge` then goes on
//! in its dialplan, or hangs up NORMAL_CLEARING under `hangup_after_bridge`, as when its peer
//! hangs up. Wrong arguments get FreeSWITCH's answers.

use ferroswitch_tests::{wait_until, Recorded, Switch, TestConf};

const DIALPLAN: &str = r#"<include>
  <context name="default">
    <extension name="caller_hab">
      <condition field="destination_number" expression="^caller_hab$">
        <action application="set" data="hangup_after_bridge=true"/>
        <action application="transfer" data="caller"/>
      </condition>
    </extension>
    <extension name="caller">
      <condition field="destination_number" expression="^caller$">
        <action application="answer"/>
        <action application="bridge" data="loopback/answers"/>
        <action application="set" data="went_on=yes"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="answers">
      <condition field="destination_number" expression="^answers$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="moved">
      <condition field="destination_number" expression="^moved$">
        <action application="set" data="moved=yes"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#;

fn start() -> (TestConf, Switch) {
    Switch::with_loopback_dialplan(DIALPLAN)
}

/// Calls extension `extension`, waits until its `bridge` is up, then moves the bridged leg
/// to `moved`; the caller's UUID and the moved leg's.
fn transfer_the_bridged_leg(switch: &mut Switch, extension: &str) -> (String, String) {
    let caller = switch.call_far_leg(&format!("loopback/{extension}"), "&park()");
    let peer = switch.wait_for_var(&caller, "bridge_uuid");
    assert_eq!(
        switch.api(&format!("uuid_transfer {caller} -bleg moved")),
        "+OK"
    );
    wait_until("the moved leg to run extension moved", || {
        switch.var(&peer, "moved") == "yes"
    });
    (caller, peer)
}

#[test]
fn the_caller_goes_on_in_its_dialplan() {
    let (_conf, mut switch) = start();
    let (caller, peer) = transfer_the_bridged_leg(&mut switch, "caller");
    assert_eq!(switch.wait_for_var(&caller, "went_on"), "yes");
    assert_eq!(switch.var(&caller, "bridge_uuid"), "_undef_");
    assert!(switch.has_channel(&peer), "the moved leg lives on");
    assert_eq!(switch.var(&peer, "bridge_uuid"), "_undef_");
}

#[test]
fn hangup_after_bridge_ends_the_caller() {
    let (conf, mut switch) = start();
    let (caller, peer) = transfer_the_bridged_leg(&mut switch, "caller_hab");
    wait_until("the caller to hang up", || {
        Recorded::events_of(&Recorded::read_all(&conf.event_file()), &caller)
            .iter()
            .any(|event| event.name == "CHANNEL_HANGUP" && event.cause == "NORMAL_CLEARING")
    });
    assert!(switch.has_channel(&peer), "the moved leg lives on");
}

#[test]
fn wrong_arguments_get_freeswitch_answers() {
    let (_conf, mut switch) = start();
    let usage = "-ERR -USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]";
    assert_eq!(switch.api("uuid_transfer"), usage);
    assert_eq!(switch.api("uuid_transfer some-uuid"), usage);
    assert_eq!(switch.api("uuid_transfer some-uuid -aleg 1000"), usage);
    assert_eq!(
        switch.api("uuid_transfer no-such-uuid 1000"),
        "-ERR No such channel!"
    );
}
