//! A call for a context that does not exist is hunted in the context named `global`.

use ferroswitch_tests::{Switch, TestConf};

#[test]
fn an_unknown_context_falls_back_to_global() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml"]);
    conf.dialplan(&[(
        "contexts.xml",
        r#"<include>
  <context name="default">
    <extension name="in_default"><condition><action application="log" data="INFO default"/></condition></extension>
  </context>
  <context name="global">
    <extension name="in_global"><condition><action application="log" data="INFO global"/></condition></extension>
  </context>
</include>
"#,
    )]);
    let mut switch = Switch::start(&conf);

    let output = switch.api("route_test default 1");
    assert!(output.contains("result: extension in_default"), "{output}");
    let output = switch.api("route_test nowhere 1");
    let context_line = output
        .lines()
        .find(|line| line.starts_with("context "))
        .unwrap_or_default();
    assert!(
        context_line.starts_with("context global ")
            && context_line.ends_with(" (no context nowhere)"),
        "{output}"
    );
    assert!(output.contains("result: extension in_global"), "{output}");
}
