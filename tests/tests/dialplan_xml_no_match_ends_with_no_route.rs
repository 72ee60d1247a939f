//! A call that no extension matches ends with NO_ROUTE_DESTINATION, as in FreeSWITCH.

use ferroswitch_tests::{wait_until, Switch, TestConf};

#[test]
fn an_unmatched_number_has_no_route() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dialplan_xml", "mod_dptools"]);
    conf.dialplan(&[(
        "default.xml",
        r#"<include>
  <context name="default">
    <extension name="only_9196">
      <condition field="destination_number" expression="^9196$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#,
    )]);
    let mut switch = Switch::start(&conf);

    assert_eq!(
        switch.api("originate loopback/5555/default/XML &park()"),
        "-ERR NO_ROUTE_DESTINATION"
    );
    assert_eq!(
        switch.api("originate loopback/9196/nowhere/XML &park()"),
        "-ERR NO_ROUTE_DESTINATION",
        "no such context and no global context"
    );
    wait_until("the missing context in the log", || {
        conf.log().contains("Context nowhere not found")
    });
}
