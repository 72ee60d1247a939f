//! A loopback call is routed through the XML dialplan: the B leg runs the applications of the
//! extension that matched, with the captured digits substituted.

use ferroswitch_tests::{wait_until, Switch, TestConf};

#[test]
fn the_b_leg_runs_the_matched_extension() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dialplan_xml", "mod_dptools"]);
    conf.dialplan(&[(
        "default.xml",
        r#"<include>
  <context name="default">
    <extension name="not_this">
      <condition field="destination_number" expression="^9\d+$">
        <action application="set" data="routed_by=not_this"/>
      </condition>
    </extension>
    <extension name="digits">
      <condition field="destination_number" expression="^(\d{2})(\d+)$">
        <action application="set" data="routed_by=digits"/>
        <action application="set" data="prefix=$1"/>
        <action application="set" data="rest=${2}"/>
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#,
    )]);
    let mut switch = Switch::start(&conf);

    let a = switch.originate("loopback/1234/default/XML", "&park()");
    let b = switch.far_leg(&a);
    assert_eq!(b.len(), 36, "the A leg names its B leg: {b}");
    switch.wait_for_application(&b, "park");
    assert_eq!(switch.var(&b, "routed_by"), "digits");
    assert_eq!(switch.var(&b, "prefix"), "12");
    assert_eq!(switch.var(&b, "rest"), "34");
    assert_eq!(switch.var(&b, "DP_MATCH"), "ARRAY::1234|:12|:34");
    wait_until("the hunt's log line", || {
        conf.log()
            .contains("Processing ferroswitch <0000000000>->1234 in context default")
    });
}
