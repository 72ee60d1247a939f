//! A context holding a regular expression Rust's engine cannot compile refuses every call with
//! an error naming the file, the line and the reason; the other contexts keep working.

use ferroswitch_tests::{wait_until, Switch, TestConf};

#[test]
fn a_bad_regex_fails_the_hunt_with_its_location() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dialplan_xml", "mod_dptools"]);
    conf.dialplan(&[
        (
            "broken.xml",
            r#"<include>
  <context name="broken">
    <extension name="lookahead">
      <condition field="destination_number" expression="^(?!0)\d+$">
        <action application="answer"/>
      </condition>
    </extension>
  </context>
</include>
"#,
        ),
        (
            "fine.xml",
            r#"<include>
  <context name="fine">
    <extension name="any"><condition><action application="answer"/><action application="park"/></condition></extension>
  </context>
</include>
"#,
        ),
    ]);
    let mut switch = Switch::start(&conf);

    let output = switch.api("route_test broken 1234");
    assert!(output.starts_with("-ERR "), "{output}");
    assert!(
        output.contains("dialplan/broken.xml:4: <condition field=\"destination_number\""),
        "{output}"
    );
    assert!(output.contains("look-around"), "{output}");

    assert_eq!(
        switch.api("originate loopback/1234/broken/XML &park()"),
        "-ERR NO_ROUTE_DESTINATION"
    );
    wait_until("the hunt's error in the log", || {
        conf.log().contains("dialplan/broken.xml:4:")
    });
    assert!(
        conf.log()
            .contains("dialplan context \"broken\" will refuse every call"),
        "logged once when compiled: {}",
        conf.log()
    );

    let output = switch.api("route_test fine 1234");
    assert!(output.contains("result: extension any"), "{output}");
}
