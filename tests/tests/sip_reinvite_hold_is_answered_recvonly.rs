//! A caller that puts the switch on hold (re-INVITE offering a=sendonly) gets a 200 whose
//! SDP answers a=recvonly, and the call goes on until the caller's BYE.

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
fn a_sendonly_reinvite_is_answered_recvonly() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[("public.xml", DIALPLAN)]);
    let port = trusted_profile(&conf);
    let mut switch = start(&conf);

    let call = Sipp::uac_scenario(port, "uac_hold.xml", "target").run();
    assert!(
        call.success,
        "the hold re-INVITE must be answered recvonly: {}",
        call.report
    );
    wait_until("the SIP channel to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
}
