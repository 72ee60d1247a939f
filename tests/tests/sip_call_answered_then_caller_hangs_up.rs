//! A sipp UAC calls 9196 through a SIP profile: 100 Trying, the dialplan answers (200 with
//! an SDP answer), sipp ACKs and hangs up with BYE, which gets 200 and ends the channel.

use ferroswitch_tests::sip::{start, trusted_profile, Sipp};
use ferroswitch_tests::{wait_until, TestConf};

const DIALPLAN: &str = r#"<include>
  <context name="public">
    <extension name="echo">
      <condition field="destination_number" expression="^9196$">
        <action application="answer"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#;

#[test]
fn a_call_is_answered_and_the_callers_bye_ends_it() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[("public.xml", DIALPLAN)]);
    let port = trusted_profile(&conf);
    let mut switch = start(&conf);

    let call = Sipp::uac(port, &["-sn", "uac", "-s", "9196"]).run();
    assert!(call.success, "the call must complete: {}", call.report);

    wait_until("the SIP channel to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
    let status = switch.api("sofia status profile test");
    assert!(status.contains("CALLS-IN            \t1"), "{status}");
}
