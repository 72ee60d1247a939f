//! `transfer` sends the channel back to routing: to an extension of another context, to its
//! own dialplan and context when only the destination is given, or to the inline dialplan.
//! The bridged-leg forms (`-bleg`, `-both`) are refused and the extension goes on.

use ferroswitch_tests::{wait_until, Switch, TestConf};

const DIALPLAN: &str = r#"<include>
  <context name="default">
    <extension name="to_other_context">
      <condition field="destination_number" expression="^start$">
        <action application="answer"/>
        <action application="transfer" data="landing XML other"/>
        <action application="set" data="after_transfer=ran"/>
      </condition>
    </extension>
    <extension name="to_same_context">
      <condition field="destination_number" expression="^same$">
        <action application="answer"/>
        <action application="transfer" data="landing"/>
      </condition>
    </extension>
    <extension name="to_inline">
      <condition field="destination_number" expression="^inline$">
        <action application="answer"/>
        <action application="transfer" data="set:landed=inline,park inline"/>
      </condition>
    </extension>
    <extension name="to_bleg">
      <condition field="destination_number" expression="^bleg$">
        <action application="answer"/>
        <action application="transfer" data="-bleg landing XML other"/>
        <action application="set" data="went_on=yes"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="landing_default">
      <condition field="destination_number" expression="^landing$">
        <action application="set" data="landed=default"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
  <context name="other">
    <extension name="landing_other">
      <condition field="destination_number" expression="^landing$">
        <action application="set" data="landed=other"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#;

fn start() -> (TestConf, Switch) {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dialplan_xml", "mod_dptools"]);
    conf.dialplan(&[("default.xml", DIALPLAN)]);
    let switch = Switch::start(&conf);
    (conf, switch)
}

/// Calls `destination` and returns the B leg once it parks.
fn b_leg_parked(switch: &mut Switch, destination: &str) -> String {
    let a = switch.originate(&format!("loopback/{destination}"), "&park()");
    let b = switch.far_leg(&a);
    switch.wait_for_application(&b, "park");
    b
}

#[test]
fn lands_in_the_extension_of_another_context() {
    let (_conf, mut switch) = start();
    let b = b_leg_parked(&mut switch, "start");
    assert_eq!(switch.var(&b, "landed"), "other");
    assert_eq!(switch.var(&b, "context"), "other");
    assert_eq!(switch.var(&b, "rdnis"), "start");
    // The transferred extension stops where it transferred.
    assert_eq!(switch.var(&b, "after_transfer"), "_undef_");
}

#[test]
fn destination_alone_keeps_dialplan_and_context() {
    let (_conf, mut switch) = start();
    let b = b_leg_parked(&mut switch, "same");
    assert_eq!(switch.var(&b, "landed"), "default");
}

#[test]
fn lands_in_an_inline_extension() {
    let (_conf, mut switch) = start();
    let b = b_leg_parked(&mut switch, "inline");
    assert_eq!(switch.var(&b, "landed"), "inline");
}

#[test]
fn bridged_leg_forms_are_refused_and_the_call_goes_on() {
    let (conf, mut switch) = start();
    let b = b_leg_parked(&mut switch, "bleg");
    assert_eq!(switch.var(&b, "went_on"), "yes");
    assert_eq!(switch.var(&b, "landed"), "_undef_");
    wait_until("the refusal to be logged", || {
        conf.log().lines().any(|line| {
            line.contains("[ERR]")
                && line.contains("transfer -bleg")
                && line.contains("cannot be bridged")
        })
    });
}
