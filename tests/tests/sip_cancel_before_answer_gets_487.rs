//! A caller that CANCELs while the call rings gets 200 for the CANCEL and 487 Request
//! Terminated for the INVITE, and the channel ends with ORIGINATOR_CANCEL.

use ferroswitch_tests::sip::{start, trusted_profile, Sipp};
use ferroswitch_tests::{wait_until, TestConf};

const DIALPLAN: &str = r#"<include>
  <context name="public">
    <extension name="ring">
      <condition field="destination_number" expression="^ring$">
        <action application="ring_ready"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#;

#[test]
fn cancel_while_ringing_gets_487_and_ends_the_channel() {
    let conf = TestConf::new().modules(&[
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_sip",
        "mod_fixture_probe",
    ]);
    conf.dialplan(&[("public.xml", DIALPLAN)]);
    let port = trusted_profile(&conf);
    let mut switch = start(&conf);

    let call = Sipp::uac_scenario(port, "uac_cancel.xml", "ring").run();
    assert!(
        call.success,
        "CANCEL must get 200 and the INVITE 487: {}",
        call.report
    );

    wait_until("the SIP channel to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
    wait_until("the hangup cause ORIGINATOR_CANCEL to be recorded", || {
        std::fs::read_to_string(conf.event_file())
            .unwrap_or_default()
            .contains("ORIGINATOR_CANCEL")
    });
}
