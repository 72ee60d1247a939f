//! When the dialplan hangs up an answered call, the caller gets a BYE (and answers it 200).

use ferroswitch_tests::sip::{start, trusted_profile, Sipp};
use ferroswitch_tests::{wait_until, TestConf};

const DIALPLAN: &str = r#"<include>
  <context name="public">
    <extension name="target">
      <condition field="destination_number" expression="^target$">
        <action application="answer"/>
        <action application="hangup"/>
      </condition>
    </extension>
  </context>
</include>
"#;

#[test]
fn the_caller_gets_a_bye_when_the_dialplan_hangs_up() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[("public.xml", DIALPLAN)]);
    let port = trusted_profile(&conf);
    let mut switch = start(&conf);

    let call = Sipp::uac_scenario(port, "uac_receives_bye.xml", "target").run();
    assert!(
        call.success,
        "the caller must be answered then get BYE: {}",
        call.report
    );
    wait_until("the SIP channel to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
}
