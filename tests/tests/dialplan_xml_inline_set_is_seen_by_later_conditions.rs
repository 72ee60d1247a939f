//! An `inline="true"` action runs during the hunt, so a variable it sets decides a later
//! extension's condition on a real call.

use ferroswitch_tests::{Switch, TestConf};

#[test]
fn an_inline_set_routes_the_call() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dialplan_xml", "mod_dptools"]);
    conf.dialplan(&[(
        "default.xml",
        r#"<include>
  <context name="default">
    <extension name="classify" continue="true">
      <condition field="caller_id_number" expression="^10(\d\d)$">
        <action application="set" data="tier=gold$1" inline="true"/>
      </condition>
    </extension>
    <extension name="gold">
      <condition field="${tier}" expression="^gold(\d+)$">
        <action application="set" data="routed=gold for $1"/>
        <action application="answer"/>
        <action application="park"/>
        <anti-action application="set" data="routed=standard"/>
        <anti-action application="answer"/>
        <anti-action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#,
    )]);
    let mut switch = Switch::start(&conf);

    let a = switch.originate(
        "{origination_caller_id_number=1007}loopback/500/default/XML",
        "&park()",
    );
    let b = switch.far_leg(&a);
    switch.wait_for_application(&b, "park");
    assert_eq!(switch.var(&b, "tier"), "gold07");
    assert_eq!(switch.var(&b, "routed"), "gold for 07");

    let a = switch.originate(
        "{origination_caller_id_number=2000}loopback/500/default/XML",
        "&park()",
    );
    let b = switch.far_leg(&a);
    switch.wait_for_application(&b, "park");
    assert_eq!(switch.var(&b, "routed"), "standard");
}
