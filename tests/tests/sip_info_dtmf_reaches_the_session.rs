//! A digit sent by SIP INFO (application/dtmf-relay, `Signal=5`) gets 200 and is queued on
//! the session, which fires a DTMF event.

use ferroswitch_tests::sip::{start, trusted_profile, Sipp};
use ferroswitch_tests::{wait_until, TestConf};

const DIALPLAN: &str = r#"<include>
  <context name="public">
    <extension name="target">
      <condition field="destination_number" expression="^target$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#;

#[test]
fn an_info_digit_reaches_the_session() {
    let conf = TestConf::new().modules(&[
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_sip",
        "mod_fixture_probe",
    ]);
    conf.dialplan(&[("public.xml", DIALPLAN)]);
    let port = trusted_profile(&conf);
    let mut switch = start(&conf);

    let call = Sipp::uac_scenario(port, "uac_info_dtmf.xml", "target").run();
    assert!(call.success, "the INFO must get 200: {}", call.report);
    wait_until("the SIP channel to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
    wait_until("the digit to fire DTMF", || {
        std::fs::read_to_string(conf.event_file())
            .unwrap_or_default()
            .lines()
            .any(|line| line.starts_with("EVENT|DTMF|"))
    });
}
