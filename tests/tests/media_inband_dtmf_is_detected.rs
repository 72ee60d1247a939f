//! `start_dtmf` hears DTMF tones in the audio a channel reads and queues the digits as if
//! they had arrived out of band: the near leg of a loopback call plays digits with
//! `gentones`, and `play_and_get_digits` on the far leg collects them.

use ferroswitch_tests::{Switch, TestConf};

#[test]
fn digits_played_as_tones_are_collected() {
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
    <extension name="listener">
      <condition field="destination_number" expression="^listen$">
        <action application="answer"/>
        <action application="start_dtmf"/>
        <action application="play_and_get_digits" data="3 3 1 3000 # silence_stream://100 silence_stream://100 entered \d+"/>
        <action application="stop_dtmf"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="dialer">
      <condition field="destination_number" expression="^dialer$">
        <action application="gentones" data="123"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#,
    )]);
    let mut switch = Switch::start(&conf);

    let a = switch.originate("loopback/listen", "dialer XML default");
    let b = switch.far_leg(&a);
    assert_eq!(b.len(), 36, "the A leg names its B leg: {b}");
    switch.wait_for_application(&b, "park");
    assert_eq!(switch.var(&b, "entered"), "123");
    assert_eq!(switch.var(&b, "read_result"), "success");
}
