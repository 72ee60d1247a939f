//! Time attributes are tested in the zone the channel asks for: `tod_tz_offset` (hours from
//! UTC), else `timezone`, else the system's; `tz-offset` compares that zone's offset.

use ferroswitch_tests::{Switch, TestConf};

#[test]
fn tz_offset_follows_tod_tz_offset() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml"]);
    conf.dialplan(&[(
        "default.xml",
        r#"<include><context name="default">
  <extension name="tokyo_hours">
    <condition tz-offset="9" year="1970-2999" wday="sun-sat" time-of-day="00:00-23:59:59">
      <action application="log" data="INFO in Tokyo time"/>
      <anti-action application="log" data="INFO elsewhere"/>
    </condition>
  </extension>
</context></include>
"#,
    )]);
    let mut switch = Switch::start(&conf);

    let output = switch.api("route_test default 1 tod_tz_offset=9");
    assert!(output.contains("  1. log INFO in Tokyo time"), "{output}");
    assert!(
        output.contains(r#"time tz-offset="9" year="1970-2999" wday="sun-sat" time-of-day="00:00-23:59:59" (true) => true"#),
        "{output}"
    );
    let output = switch.api("route_test default 1 tod_tz_offset=-5");
    assert!(output.contains("  1. log INFO elsewhere"), "{output}");
    let output = switch.api("route_test default 1 timezone=Mars/Olympus");
    assert!(
        output.starts_with("-ERR ") && output.contains("no known time zone: \"Mars/Olympus\""),
        "{output}"
    );
}
