//! `send_dtmf` sends digits to the far end of the channel: on a loopback call, what the near
//! leg sends, `read` on the far leg collects.

use ferroswitch_tests::{Switch, TestConf};

#[test]
fn digits_sent_by_one_leg_are_read_by_the_other() {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
    ]);
    conf.dialplan(&[(
        "default.xml",
        r#"<include>
  <context name="default">
    <extension name="reader">
      <condition field="destination_number" expression="^reader$">
        <action application="answer"/>
        <action application="read" data="3 3 silence_stream://100 got 3000 #"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="sender">
      <condition field="destination_number" expression="^sender$">
        <action application="send_dtmf" data="4@100+2w9"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#,
    )]);
    let mut switch = Switch::start(&conf);

    let a = switch.originate("loopback/reader", "sender XML default");
    let b = switch.far_leg(&a);
    assert_eq!(b.len(), 36, "the A leg names its B leg: {b}");
    switch.wait_for_application(&b, "park");
    assert_eq!(switch.var(&b, "got"), "429");
    assert_eq!(switch.var(&b, "read_result"), "success");
}
