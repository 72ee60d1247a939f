//! `route_test` prints, without placing a call, each extension and condition tried with its
//! outcome, the actions with their captures substituted, and the applications the call would
//! run.

use ferroswitch_tests::{Switch, TestConf};

#[test]
fn route_test_shows_conditions_actions_and_result() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml"]);
    conf.dialplan(&[(
        "default.xml",
        r#"<include>
  <context name="default">
    <extension name="vip">
      <condition field="caller_id_number" expression="^1000$"/>
      <condition field="destination_number" expression="^9$">
        <action application="log" data="INFO vip"/>
      </condition>
    </extension>
    <extension name="local">
      <condition field="destination_number" expression="^(1\d{3})$">
        <action application="set" data="callee=$1" inline="true"/>
        <action application="set" data="ringback=${us-ring}"/>
        <action application="log" data="INFO calling ${callee} for ${who}"/>
        <condition field="${callee}" expression="^1001$">
          <action application="log" data="INFO nested saw $0"/>
        </condition>
      </condition>
    </extension>
  </context>
</include>
"#,
    )]);
    let mut switch = Switch::start(&conf);

    let output = switch.api("route_test default 1001 2000 who=bob");
    let dir = conf.path().display().to_string();
    let output = output.replace(&dir, "CONF");
    let lines: Vec<&str> = output.lines().collect();
    assert!(
        lines[0].starts_with(
            "route_test: context default, destination 1001, caller ferroswitch <2000>, time "
        ),
        "{output}"
    );
    assert_eq!(
        lines[1..],
        [
            "context default CONF/dialplan/default.xml:2",
            "extension vip CONF/dialplan/default.xml:3",
            "  condition CONF/dialplan/default.xml:4: caller_id_number \"2000\" =~ /^1000$/ (false) => false",
            "  break on-false",
            "  => no match",
            "extension local CONF/dialplan/default.xml:9",
            "  condition CONF/dialplan/default.xml:10: destination_number \"1001\" =~ /^(1\\d{3})$/ (true) => true",
            "    action set callee=1001 [inline: ran]",
            "    action set ringback=${us-ring}",
            "    action log INFO calling ${callee} for ${who}",
            "    condition CONF/dialplan/default.xml:14: ${callee} \"1001\" =~ /^1001$/ (true) => true",
            "      action log INFO nested saw $0",
            "  nested conditions => true",
            "  => matched, the hunt stops",
            "result: extension local, number 1001, 3 application(s)",
            "  1. set ringback=${us-ring}",
            "  2. log INFO calling ${callee} for ${who}",
            "  3. log INFO nested saw $0",
        ],
        "{output}"
    );
    assert_eq!(
        switch.api("route_test default"),
        "-ERR -USAGE: <context> <destination> [<caller_id_number>] [<name>=<value> ...]"
    );
}
