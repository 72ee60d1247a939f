//! Digits pressed on a SIP phone as RFC 4733 telephone-events (sipp playing its captured key
//! presses 4 and 2 on the negotiated payload type 101) reach the session: each fires a DTMF
//! event and `play_and_get_digits` collects "42".

use ferroswitch_tests::sip::{self, trusted_profile, Sipp};
use ferroswitch_tests::{EslClient, TestConf};

const DIALPLAN: &str = r#"<include>
  <context name="public">
    <extension name="ivr">
      <condition field="destination_number" expression="^ivr$">
        <action application="answer"/>
        <action application="play_and_get_digits" data="2 2 1 5000 # silence_stream://200 silence_stream://200 collected \d+"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#;

#[test]
fn telephone_events_are_collected_as_digits() {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_g711",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_sip",
        "mod_event_socket",
    ]);
    conf.dialplan(&[("public.xml", DIALPLAN)]);
    let port = trusted_profile(&conf);
    let esl_port = conf.event_socket("");
    let _switch = sip::start(&conf);
    let mut esl = EslClient::connect_authed(esl_port, "ClueCon");
    esl.command("event plain DTMF CHANNEL_HANGUP_COMPLETE");

    let caller = Sipp::uac_scenario(port, "uac_presses_digits_rfc4733.xml", "ivr").run();
    assert!(caller.success, "the call completes: {}", caller.report);

    for digit in ["4", "2"] {
        let event = esl.next_event(&format!("the DTMF event for {digit}"), |event| {
            event.header("Event-Name") == Some("DTMF")
        });
        assert_eq!(event.header("DTMF-Digit"), Some(digit));
    }
    let hangup = esl.next_event("the call's CHANNEL_HANGUP_COMPLETE", |event| {
        event.header("Event-Name") == Some("CHANNEL_HANGUP_COMPLETE")
    });
    assert_eq!(hangup.header("variable_collected"), Some("42"));
    assert_eq!(hangup.header("variable_read_result"), Some("success"));
}
