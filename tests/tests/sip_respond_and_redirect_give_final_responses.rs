//! The dialplan's `respond` and `redirect` become the INVITE's final response: `respond 486
//! Busy Here` gives 486, `redirect sip:elsewhere@192.0.2.9` gives 302 with that Contact.

use ferroswitch_tests::sip::{scenario, start, trusted_profile, Sipp};
use ferroswitch_tests::TestConf;

const DIALPLAN: &str = r#"<include>
  <context name="public">
    <extension name="busy">
      <condition field="destination_number" expression="^busy$">
        <action application="respond" data="486 Busy Here"/>
      </condition>
    </extension>
    <extension name="moved">
      <condition field="destination_number" expression="^moved$">
        <action application="redirect" data="sip:elsewhere@192.0.2.9"/>
      </condition>
    </extension>
  </context>
</include>
"#;

fn call(number: &str, expecting: &str) -> ferroswitch_tests::sip::SippResult {
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[("public.xml", DIALPLAN)]);
    let port = trusted_profile(&conf);
    let _switch = start(&conf);
    let scenario = scenario(expecting);
    Sipp::uac(
        port,
        &[
            "-sf",
            scenario.to_str().expect("a UTF-8 path"),
            "-s",
            number,
        ],
    )
    .run()
}

#[test]
fn respond_486_gives_486() {
    let result = call("busy", "uac_486.xml");
    assert!(
        result.success,
        "respond 486 must give 486: {}",
        result.report
    );
}

#[test]
fn redirect_gives_302_with_the_destination_as_contact() {
    let result = call("moved", "uac_302.xml");
    assert!(result.success, "redirect must give 302: {}", result.report);
}
