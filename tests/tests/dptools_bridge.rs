//! `bridge`: ring-all (`,`) and failover (`|`) over loopback legs that answer, are busy or
//! never answer; FreeSWITCH's result variables; what follows the bridge
//! (`hangup_after_bridge`) or a failure (`continue_on_fail`). Each scenario's variables come
//! from its own extension through `execute_extension`, which this also exercises.

use ferroswitch_tests::{wait_until, Recorded, Switch, TestConf};

const DIALPLAN: &str = r#"<include>
  <context name="default">
    <extension name="answers">
      <condition field="destination_number" expression="^answers$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="busy">
      <condition field="destination_number" expression="^busy$">
        <!-- Busy after a second, not at once: the tests learn the caller's UUID by asking its
             live loopback partner, which an instant refusal could hang up first. -->
        <action application="sleep" data="1000"/>
        <action application="hangup" data="USER_BUSY"/>
      </condition>
    </extension>
    <extension name="silent">
      <condition field="destination_number" expression="^silent$">
        <action application="ring_ready"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="call">
      <condition field="destination_number" expression="^call_(\w+)$">
        <action application="answer"/>
        <action application="execute_extension" data="vars_$1"/>
        <action application="bridge" data="${bridge_to}"/>
        <action application="set" data="went_on=yes"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="vars_answers">
      <condition field="destination_number" expression="^vars_answers$">
        <action application="set" data="bridge_to=loopback/answers"/>
      </condition>
    </extension>
    <extension name="vars_hab">
      <condition field="destination_number" expression="^vars_hab$">
        <action application="set" data="bridge_to=loopback/answers"/>
        <action application="set" data="hangup_after_bridge=true"/>
      </condition>
    </extension>
    <extension name="vars_failover">
      <condition field="destination_number" expression="^vars_failover$">
        <action application="set" data="bridge_to=loopback/busy|loopback/answers"/>
      </condition>
    </extension>
    <extension name="vars_ringall">
      <condition field="destination_number" expression="^vars_ringall$">
        <action application="set" data="bridge_to=loopback/silent,loopback/answers"/>
      </condition>
    </extension>
    <extension name="vars_busy">
      <condition field="destination_number" expression="^vars_busy$">
        <action application="set" data="bridge_to=loopback/busy"/>
      </condition>
    </extension>
    <extension name="vars_busycontinue">
      <condition field="destination_number" expression="^vars_busycontinue$">
        <action application="set" data="bridge_to=loopback/busy"/>
        <action application="set" data="continue_on_fail=true"/>
      </condition>
    </extension>
    <extension name="vars_timeout">
      <condition field="destination_number" expression="^vars_timeout$">
        <action application="set" data="bridge_to=[leg_timeout=1]loopback/silent"/>
        <action application="set" data="continue_on_fail=NO_ANSWER"/>
      </condition>
    </extension>
  </context>
</include>
"#;

fn start() -> (TestConf, Switch) {
    Switch::with_loopback_dialplan(DIALPLAN)
}

/// Places a call whose far leg (the caller of `bridge`) takes its `bridge_to` and other
/// variables from extension `vars_<scenario>` (run with `execute_extension`); returns that
/// caller's UUID.
fn call(switch: &mut Switch, scenario: &str) -> String {
    switch.call_far_leg(&format!("loopback/call_{scenario}"), "&park()")
}

/// The parked `answers` leg on the far side of `caller`'s bridge.
fn far_end(switch: &mut Switch, caller: &str) -> String {
    let peer = switch.wait_for_var(caller, "bridge_uuid");
    let far = switch.far_leg(&peer);
    switch.wait_for_application(&far, "park");
    far
}

#[test]
fn answered_leg_is_bridged_and_the_dialplan_goes_on_after_it_hangs_up() {
    let (_conf, mut switch) = start();
    let caller = call(&mut switch, "answers");
    assert_eq!(
        switch.wait_for_var(&caller, "originate_disposition"),
        "SUCCESS"
    );
    assert_eq!(switch.var(&caller, "DIALSTATUS"), "SUCCESS");
    let far = far_end(&mut switch, &caller);
    assert_eq!(switch.var(&caller, "went_on"), "_undef_");
    switch.api(&format!("uuid_kill {far} CALL_REJECTED"));
    wait_until("the caller to go on after the bridge", || {
        switch.var(&caller, "went_on") == "yes"
    });
    assert_eq!(
        switch.var(&caller, "last_bridge_hangup_cause"),
        "CALL_REJECTED"
    );
    assert_eq!(switch.var(&caller, "bridge_hangup_cause"), "CALL_REJECTED");
}

#[test]
fn hangup_after_bridge_ends_the_caller_with_the_peer_cause() {
    let (conf, mut switch) = start();
    let caller = call(&mut switch, "hab");
    let far = far_end(&mut switch, &caller);
    switch.api(&format!("uuid_kill {far} CALL_REJECTED"));
    wait_until("the caller to hang up with the peer's cause", || {
        Recorded::events_of(&Recorded::read_all(&conf.event_file()), &caller)
            .iter()
            .any(|event| event.name == "CHANNEL_HANGUP" && event.cause == "CALL_REJECTED")
    });
}

#[test]
fn failover_tries_the_next_group_after_a_busy_leg() {
    let (conf, mut switch) = start();
    let caller = call(&mut switch, "failover");
    assert_eq!(
        switch.wait_for_var(&caller, "originate_disposition"),
        "SUCCESS"
    );
    far_end(&mut switch, &caller);
    let busy_leg_failed = Recorded::read_all(&conf.event_file())
        .iter()
        .any(|record| matches!(record, Recorded::Event(event) if event.name == "CHANNEL_HANGUP" && event.cause == "USER_BUSY"));
    assert!(busy_leg_failed, "the busy leg was tried first");
}

#[test]
fn ring_all_bridges_the_leg_that_answers_and_drops_the_other() {
    let (conf, mut switch) = start();
    let caller = call(&mut switch, "ringall");
    assert_eq!(
        switch.wait_for_var(&caller, "originate_disposition"),
        "SUCCESS"
    );
    far_end(&mut switch, &caller);
    wait_until("the ringing leg to lose the race", || {
        Recorded::read_all(&conf.event_file()).iter().any(|record| {
            matches!(record, Recorded::Event(event)
                if event.name == "CHANNEL_HANGUP" && event.cause == "LOSE_RACE")
        })
    });
}

#[test]
fn busy_hangs_the_caller_up_with_user_busy() {
    let (conf, mut switch) = start();
    let caller = call(&mut switch, "busy");
    wait_until("the caller to hang up busy", || {
        Recorded::events_of(&Recorded::read_all(&conf.event_file()), &caller)
            .iter()
            .any(|event| event.name == "CHANNEL_HANGUP" && event.cause == "USER_BUSY")
    });
}

#[test]
fn continue_on_fail_keeps_the_dialplan_going_and_says_why() {
    let (_conf, mut switch) = start();
    let caller = call(&mut switch, "busycontinue");
    assert_eq!(
        switch.wait_for_var(&caller, "originate_disposition"),
        "USER_BUSY"
    );
    assert_eq!(switch.var(&caller, "DIALSTATUS"), "BUSY");
    wait_until("the dialplan to go on", || {
        switch.var(&caller, "went_on") == "yes"
    });
}

#[test]
fn leg_timeout_gives_up_on_a_leg_that_never_answers() {
    let (_conf, mut switch) = start();
    let caller = call(&mut switch, "timeout");
    assert_eq!(
        switch.wait_for_var(&caller, "originate_disposition"),
        "NO_ANSWER"
    );
    assert_eq!(switch.var(&caller, "DIALSTATUS"), "NOANSWER");
    wait_until("the dialplan to go on", || {
        switch.var(&caller, "went_on") == "yes"
    });
}
