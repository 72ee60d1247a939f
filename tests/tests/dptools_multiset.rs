//! `multiset` sets several variables at once: separated by spaces (with quotes), or by the
//! separator `^^<sep>` names; an empty value unsets.

use ferroswitch_tests::{Switch, TestConf};

#[test]
fn space_separated_assignments_with_quotes() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dialplan_xml", "mod_dptools"]);
    conf.dialplan(&[(
        "default.xml",
        r#"<include>
  <context name="default">
    <extension name="multi">
      <condition field="destination_number" expression="^multi$">
        <action application="set" data="gone=soon"/>
        <action application="multiset" data="first=1  second='two words' gone="/>
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#,
    )]);
    let mut switch = Switch::start(&conf);
    let a = switch.originate("loopback/multi", "&park()");
    let b = switch.far_leg(&a);
    switch.wait_for_application(&b, "park");

    assert_eq!(switch.var(&b, "first"), "1");
    assert_eq!(switch.var(&b, "second"), "two words");
    assert_eq!(switch.var(&b, "gone"), "_undef_");
}

#[test]
fn custom_separator() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools"]);
    let mut switch = Switch::start(&conf);
    let a = switch.originate(
        // `,` and `|` would end the dial string's leg, so the separator here is `!`.
        "loopback/^^;answer;multiset:^^!x=1!y=a:b!z=k=v;park/default/inline",
        "&park()",
    );
    let b = switch.far_leg(&a);
    switch.wait_for_application(&b, "park");

    assert_eq!(switch.var(&b, "x"), "1");
    assert_eq!(switch.var(&b, "y"), "a:b");
    assert_eq!(switch.var(&b, "z"), "k=v");
}
