//! After `reloadxml`, the next hunt uses the new dialplan.

use ferroswitch_tests::{Switch, TestConf};

const BEFORE: &str = r#"<include><context name="default">
  <extension name="before"><condition><action application="log" data="INFO before"/></condition></extension>
</context></include>
"#;

const AFTER: &str = r#"<include><context name="default">
  <extension name="after"><condition><action application="log" data="INFO after"/></condition></extension>
</context></include>
"#;

#[test]
fn the_next_hunt_sees_the_new_dialplan() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml"]);
    conf.dialplan(&[("default.xml", BEFORE)]);
    let mut switch = Switch::start(&conf);

    let output = switch.api("route_test default 1");
    assert!(output.contains("result: extension before"), "{output}");
    conf.dialplan(&[("default.xml", AFTER)]);
    let output = switch.api("route_test default 1");
    assert!(
        output.contains("result: extension before"),
        "unchanged until reloadxml: {output}"
    );
    let reload = switch.api("reloadxml");
    assert!(reload.starts_with("+OK"), "{reload}");
    let output = switch.api("route_test default 1");
    assert!(output.contains("result: extension after"), "{output}");
}
