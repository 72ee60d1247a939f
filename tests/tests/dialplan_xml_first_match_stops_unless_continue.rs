//! The first extension that matches ends the hunt, unless it has `continue="true"`; then the
//! applications of every matching extension run, in order.

use ferroswitch_tests::{Switch, TestConf};

#[test]
fn continue_true_lets_later_extensions_add_applications() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml"]);
    conf.dialplan(&[(
        "default.xml",
        r#"<include><context name="default">
  <extension name="tag" continue="true">
    <condition field="destination_number" expression="^1"><action application="set" data="tagged=yes"/></condition>
  </extension>
  <extension name="first">
    <condition field="destination_number" expression="^1(\d+)$"><action application="log" data="INFO first $1"/></condition>
  </extension>
  <extension name="second">
    <condition field="destination_number" expression="^1"><action application="log" data="INFO second"/></condition>
  </extension>
</context></include>
"#,
    )]);
    let mut switch = Switch::start(&conf);

    let output = switch.api("route_test default 123");
    let result: Vec<&str> = output
        .lines()
        .skip_while(|line| !line.starts_with("result: "))
        .collect();
    assert_eq!(
        result,
        [
            "result: extension tag, number 123, 2 application(s)",
            "  1. set tagged=yes",
            "  2. log INFO first 23",
        ],
        "{output}"
    );
    assert!(
        !output.contains("extension second"),
        "never tried: {output}"
    );
}
