//! A phone behind NAT calls: its Via and Contact name a private address that is not where
//! the INVITE came from. The channel gets `sip_nat_detected=true`, as in FreeSWITCH, so the
//! dialplan (here a condition on it) can tell; the 200 goes back to the packet's source
//! (rport) and the switch's BYE follows the same path rather than the private Contact.

use ferroswitch_tests::sip::{start, trusted_profile, Sipp};
use ferroswitch_tests::{wait_until, TestConf};

const DIALPLAN: &str = r#"<include>
  <context name="public">
    <extension name="only_natted_callers">
      <condition field="destination_number" expression="^target$"/>
      <condition field="${sip_nat_detected}" expression="^true$">
        <action application="answer"/>
        <action application="hangup"/>
      </condition>
    </extension>
  </context>
</include>
"#;

#[test]
fn a_natted_caller_is_detected_and_reached_at_its_source() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[("public.xml", DIALPLAN)]);
    let port = trusted_profile(&conf);
    let mut switch = start(&conf);

    let call = Sipp::uac_scenario(port, "uac_behind_nat_receives_bye.xml", "target").run();
    assert!(
        call.success,
        "the NATed caller is answered (only when detected) and gets the BYE: {}",
        call.report
    );
    wait_until("the SIP channel to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
}
