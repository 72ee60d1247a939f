//! A phone's transfer key: a REFER on its call. The switch accepts it (202), moves the leg
//! bridged to the phone's to the Refer-To's user part in that leg's own context, with
//! `sip_refer_to` set on it, and tells the phone in one NOTIFY whose sipfrag is `200 OK`; the
//! phone's own leg ends when its bridge does, even while the moved leg lives on. Callee and
//! caller can both transfer. With no bridged leg to move, the NOTIFY says
//! `403 Forbidden` and the call stays up.

use ferroswitch_tests::sip::{free_sip_port, scenario, start, trusted_profile, Sipp};
use ferroswitch_tests::{wait_until, Recorded, TestConf};

fn dialplan(phone: u16) -> String {
    format!(
        r#"<include>
  <context name="public">
    <extension name="call_the_phone">
      <condition field="destination_number" expression="^2000$">
        <action application="bridge" data="sofia/test/2000@127.0.0.1:{phone}"/>
      </condition>
    </extension>
    <extension name="parked_transfer_target">
      <condition field="destination_number" expression="^5001$"/>
      <condition field="${{sip_refer_to}}" expression="^&lt;sip:5001@127\.0\.0\.1&gt;$">
        <action application="park"/>
      </condition>
    </extension>
    <extension name="transfer_target">
      <condition field="destination_number" expression="^5000$"/>
      <condition field="${{sip_refer_to}}" expression="^&lt;sip:5000@127\.0\.0\.1&gt;$">
        <action application="hangup" data="NORMAL_UNSPECIFIED"/>
      </condition>
    </extension>
  </context>
</include>
"#
    )
}

fn conf(phone: u16) -> TestConf {
    let conf = TestConf::new().modules(&[
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_g711",
        "mod_sip",
        "mod_fixture_probe",
    ]);
    conf.dialplan(&[("public.xml", &dialplan(phone))]);
    conf
}

/// The causes of the switch's CHANNEL_HANGUP events, sorted.
fn hangup_causes(conf: &TestConf) -> Vec<String> {
    let mut causes: Vec<String> = Recorded::read_all(&conf.event_file())
        .into_iter()
        .filter_map(|record| match record {
            Recorded::Event(event) if event.name == "CHANNEL_HANGUP" => Some(event.cause),
            _ => None,
        })
        .collect();
    causes.sort();
    causes
}

/// The phone at `port` that answers, REFERs to 5000, logs the NOTIFY's sipfrag and waits
/// for the switch's BYE.
fn transferring_phone(port: u16) -> Sipp {
    let file = scenario("uas_transfers_by_refer.xml");
    Sipp::uas(
        port,
        &[
            "-sf",
            file.to_str().expect("a UTF-8 path"),
            "-key",
            "transfer_to",
            "5000",
            "-trace_logs",
        ],
    )
}

#[test]
fn the_callee_transfers_the_caller_to_the_refer_to_extension() {
    let phone = free_sip_port();
    let conf = conf(phone);
    let port = trusted_profile(&conf);
    let mut switch = start(&conf);

    let transferring = transferring_phone(phone).spawn();
    let caller = Sipp::uac_scenario(port, "uac_receives_bye.xml", "2000").run();
    let callee = transferring.wait();
    assert!(
        callee.success,
        "the phone's REFER gets 202, a NOTIFY, then BYE: {}",
        callee.report
    );
    assert!(
        callee.logs.contains("NOTIFY sipfrag: 200 OK"),
        "the NOTIFY says the transfer worked: {}",
        callee.report
    );
    assert!(
        caller.success,
        "the caller, moved to 5000, is hung up there: {}",
        caller.report
    );
    wait_until("both legs to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
    assert_eq!(
        hangup_causes(&conf),
        ["NORMAL_CLEARING", "NORMAL_UNSPECIFIED"],
        "the phone's leg ends with its bridge; the caller's in extension 5000, which saw sip_refer_to"
    );
}

#[test]
fn the_caller_transfers_the_callee_to_the_refer_to_extension() {
    let phone = free_sip_port();
    let conf = conf(phone);
    let port = trusted_profile(&conf);
    let mut switch = start(&conf);

    let callee = Sipp::uas(phone, &["-sn", "uas"]).spawn();
    let file = scenario("uac_transfers_by_refer.xml");
    let caller = Sipp::uac(
        port,
        &[
            "-sf",
            file.to_str().expect("a UTF-8 path"),
            "-s",
            "2000",
            "-key",
            "transfer_to",
            "5001",
            "-trace_logs",
        ],
    )
    .run();
    assert!(
        caller.success && caller.logs.contains("NOTIFY sipfrag: 200 OK"),
        "the caller's REFER gets 202, a NOTIFY saying 200 OK, then BYE: {}",
        caller.report
    );
    let callee_leg = "sofia/test/2000@";
    wait_until("the callee's leg to be parked in 5001", || {
        let channels = switch.api("show channels");
        channels.contains(callee_leg) && channels.contains(",park,")
    });
    assert_eq!(
        hangup_causes(&conf),
        ["NORMAL_CLEARING"],
        "the caller's leg ended after its bridge while the callee's lives on"
    );
    switch.api("hupall NORMAL_UNSPECIFIED");
    let callee = callee.wait();
    assert!(callee.success, "the callee gets BYE: {}", callee.report);
    wait_until("the callee's leg to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
}

#[test]
fn a_refer_with_no_bridged_leg_is_refused_in_the_notify() {
    let phone = free_sip_port();
    let conf = conf(phone);
    let _port = trusted_profile(&conf);
    let mut switch = start(&conf);

    let transferring = transferring_phone(phone).spawn();
    let uuid = switch.originate(&format!("sofia/test/sip:2000@127.0.0.1:{phone}"), "&park()");
    assert_eq!(
        switch.wait_for_var(&uuid, "transfer_destination"),
        "blind:5000"
    );
    assert_eq!(
        switch.var(&uuid, "endpoint_disposition"),
        "_undef_",
        "nothing was transferred"
    );
    assert!(switch.has_channel(&uuid), "the call stays up");
    switch.api(&format!("uuid_kill {uuid}"));
    let callee = transferring.wait();
    assert!(
        callee.success,
        "the phone's REFER gets 202, a NOTIFY, then BYE: {}",
        callee.report
    );
    assert!(
        callee.logs.contains("NOTIFY sipfrag: 403 Forbidden"),
        "the NOTIFY says the transfer failed: {}",
        callee.report
    );
}
