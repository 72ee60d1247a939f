//! `deflect` on an answered inbound SIP call sends a REFER with the destination as
//! Refer-To; when the peer accepts (202) and its NOTIFY reports the new call answered
//! (sipfrag `SIP/2.0 200 OK`), the switch answers the NOTIFY and hangs the leg up with
//! BLIND_TRANSFER, as FreeSWITCH ends a deflected leg. When the NOTIFY reports a failure
//! instead, the call stays up and the dialplan goes on after `deflect`.

use ferroswitch_tests::sip::{scenario, start, trusted_profile, Sipp};
use ferroswitch_tests::{wait_until, Recorded, TestConf};

const DIALPLAN: &str = r#"<include>
  <context name="public">
    <extension name="deflected">
      <condition field="destination_number" expression="^3000$">
        <action application="answer"/>
        <action application="deflect" data="sip:2000@127.0.0.1:5090"/>
      </condition>
    </extension>
    <extension name="deflect_or_reject">
      <condition field="destination_number" expression="^3001$">
        <action application="answer"/>
        <action application="deflect" data="sip:2000@127.0.0.1:5090"/>
        <action application="hangup" data="CALL_REJECTED"/>
      </condition>
    </extension>
  </context>
</include>
"#;

fn deflected_call(destination: &str, sipfrag_status: &str) -> Vec<String> {
    let conf = TestConf::new().modules(&[
        "mod_commands",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_g711",
        "mod_sip",
        "mod_fixture_probe",
    ]);
    conf.dialplan(&[("public.xml", DIALPLAN)]);
    let port = trusted_profile(&conf);
    let mut switch = start(&conf);

    let scenario = scenario("uac_deflected.xml");
    let call = Sipp::uac(
        port,
        &[
            "-sf",
            scenario.to_str().expect("a UTF-8 path"),
            "-s",
            destination,
            "-key",
            "sipfrag_status",
            sipfrag_status,
        ],
    )
    .run();
    assert!(
        call.success,
        "the caller gets the REFER, its NOTIFY is answered and the BYE follows: {}",
        call.report
    );
    wait_until("the deflected channel to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
    Recorded::read_all(&conf.event_file())
        .into_iter()
        .filter_map(|record| match record {
            Recorded::Event(event) if event.name == "CHANNEL_HANGUP" => Some(event.cause),
            _ => None,
        })
        .collect()
}

#[test]
fn an_accepted_refer_whose_notify_says_200_ends_the_leg() {
    assert_eq!(
        deflected_call("3000", "200"),
        ["BLIND_TRANSFER"],
        "one leg, ended by the transfer"
    );
}

#[test]
fn a_failed_transfer_leaves_the_dialplan_to_go_on() {
    assert_eq!(
        deflected_call("3001", "486"),
        ["CALL_REJECTED"],
        "deflect failed, so the next action hung up"
    );
}
