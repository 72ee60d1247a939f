//! The answered-call flow over TCP: sipp on one TCP connection (`-t t1`), the switch
//! framing the stream and answering on the same connection.

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
fn a_call_over_tcp_is_answered_and_ended_by_the_caller() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[("public.xml", DIALPLAN)]);
    let port = trusted_profile(&conf);
    let mut switch = start(&conf);

    let call = Sipp::uac(port, &["-sn", "uac", "-s", "target", "-t", "t1"]).run();
    assert!(call.success, "the TCP call must complete: {}", call.report);
    wait_until("the SIP channel to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
}
