//! Attended transfer: phone B talks to A (its first line) and to C (its second), then sends a
//! REFER on the first call whose Refer-To carries `Replaces` naming the second. The switch
//! accepts it (202), joins A's leg to C's leg, ends B's second call with ATTENDED_TRANSFER,
//! tells B in one NOTIFY whose sipfrag is `200 OK`, and ends B's first call with its bridge.
//! Either side may have placed B's second call. A talks throughout; when C echoes, A hears
//! itself back through C once joined.
//!
//! B's two lines are two sipp processes; sipp cannot send a REFER naming another process's
//! dialog, so the test sends it in B's name, with the dialogs' Call-IDs and tags read from
//! the switch (`sip_call_id`, `sip_from_tag`, `sip_to_tag`).

use std::net::UdpSocket;
use std::time::Duration;

use ferroswitch_tests::sip::{free_sip_port, scenario, start, trusted_profile, Sipp};
use ferroswitch_tests::{wait_until, EslClient, Recorded, Switch, TestConf};

fn dialplan(phone_b: u16, phone_c: u16, phone_b_second_line: u16) -> String {
    format!(
        r#"<include>
  <context name="public">
    <extension name="a_calls_b">
      <condition field="destination_number" expression="^2000$">
        <action application="bridge" data="sofia/test/2000@127.0.0.1:{phone_b}"/>
      </condition>
    </extension>
    <extension name="c_calls_b">
      <condition field="destination_number" expression="^2001$">
        <action application="bridge" data="sofia/test/2001@127.0.0.1:{phone_b_second_line}"/>
      </condition>
    </extension>
    <extension name="b_calls_c">
      <condition field="destination_number" expression="^3000$">
        <action application="bridge" data="sofia/test/3000@127.0.0.1:{phone_c}"/>
      </condition>
    </extension>
  </context>
</include>
"#
    )
}

/// The UUID of the channel named `name`, once it is bridged.
fn bridged_channel(switch: &mut Switch, name: &str) -> String {
    let uuid = switch.wait_for_channel_named(name);
    switch.wait_for_var(&uuid, "bridge_uuid");
    uuid
}

/// `%`-escapes what a Replaces value may not carry inside a URI header.
fn escape(text: &str) -> String {
    text.replace('%', "%25")
        .replace('@', "%40")
        .replace(';', "%3B")
        .replace('=', "%3D")
}

/// Who placed B's second call.
#[derive(Clone, Copy)]
enum SecondCall {
    /// B called C: C's leg is the one the switch placed.
    BCallsC,
    /// C called B: C's leg is the caller, inside `bridge`.
    CCallsB,
}

#[test]
fn the_partners_are_joined_when_b_called_c() {
    attended_transfer(SecondCall::BCallsC);
}

#[test]
fn the_partners_are_joined_when_c_called_b() {
    attended_transfer(SecondCall::CCallsB);
}

fn attended_transfer(second_call: SecondCall) {
    let (phone_b, phone_c, phone_b_second_line) =
        (free_sip_port(), free_sip_port(), free_sip_port());
    let conf = TestConf::new().modules(&[
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_g711",
        "mod_sip",
        "mod_soft_timer",
        "mod_event_socket",
        "mod_fixture_probe",
    ]);
    conf.dialplan(&[(
        "public.xml",
        &dialplan(phone_b, phone_c, phone_b_second_line),
    )]);
    let port = trusted_profile(&conf);
    let esl_port = conf.event_socket("");
    let mut switch = start(&conf);
    let mut esl = EslClient::connect_authed(esl_port, "ClueCon");
    esl.command("event plain CHANNEL_HANGUP_COMPLETE");

    let first_line = scenario("uas_notified_of_transfer.xml");
    let b_first_line = Sipp::uas(
        phone_b,
        &[
            "-sf",
            first_line.to_str().expect("a UTF-8 path"),
            "-trace_logs",
        ],
    )
    .spawn();
    // A talks (sipp's A-law capture for 4 s) and then hangs up.
    let a = Sipp::uac_scenario(port, "uac_plays_pcma.xml", "2000").spawn();
    let b_leg_1 = bridged_channel(&mut switch, &format!("sofia/test/2000@127.0.0.1:{phone_b}"));
    let a_leg = switch.var(&b_leg_1, "bridge_uuid");
    let (c, b_second_line, c_leg, b_leg_2) = match second_call {
        SecondCall::BCallsC => {
            let c = Sipp::uas(phone_c, &["-sn", "uas", "-rtp_echo"]).spawn();
            let b = Sipp::uac_scenario(port, "uac_receives_bye.xml", "3000").spawn();
            let c_leg =
                bridged_channel(&mut switch, &format!("sofia/test/3000@127.0.0.1:{phone_c}"));
            let b_leg_2 = switch.var(&c_leg, "bridge_uuid");
            (c, b, c_leg, b_leg_2)
        }
        SecondCall::CCallsB => {
            let b = Sipp::uas(phone_b_second_line, &["-sn", "uas"]).spawn();
            let c = Sipp::uac_scenario(port, "uac_receives_bye.xml", "2001").spawn();
            let b_leg_2 = bridged_channel(
                &mut switch,
                &format!("sofia/test/2001@127.0.0.1:{phone_b_second_line}"),
            );
            let c_leg = switch.var(&b_leg_2, "bridge_uuid");
            (c, b, c_leg, b_leg_2)
        }
    };

    // B's REFER on its first call: From is B's side of that dialog (the switch called B).
    let replaces = format!(
        "{};to-tag={};from-tag={}",
        switch.var(&b_leg_2, "sip_call_id"),
        switch.var(&b_leg_2, "sip_to_tag"),
        switch.var(&b_leg_2, "sip_from_tag"),
    );
    let socket = UdpSocket::bind(("127.0.0.1", 0)).expect("a socket");
    socket
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a timeout");
    let local = socket.local_addr().expect("an address").port();
    let refer = format!(
        "REFER sip:sipp@127.0.0.1:{port} SIP/2.0\r\n\
         Via: SIP/2.0/UDP 127.0.0.1:{local};branch=z9hG4bK-attended-1\r\n\
         From: <sip:2000@127.0.0.1:{phone_b}>;tag={b_tag}\r\n\
         To: <sip:sipp@127.0.0.1>;tag={switch_tag}\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: 10 REFER\r\n\
         Contact: <sip:2000@127.0.0.1:{phone_b}>\r\n\
         Max-Forwards: 70\r\n\
         Refer-To: <sip:3000@127.0.0.1?Replaces={replaces}>\r\n\
         Referred-By: <sip:2000@127.0.0.1:{phone_b}>\r\n\
         Content-Length: 0\r\n\r\n",
        b_tag = switch.var(&b_leg_1, "sip_to_tag"),
        switch_tag = switch.var(&b_leg_1, "sip_from_tag"),
        call_id = switch.var(&b_leg_1, "sip_call_id"),
        replaces = escape(&replaces),
    );
    socket
        .send_to(refer.as_bytes(), ("127.0.0.1", port))
        .expect("the REFER goes out");
    let mut buffer = [0u8; 4096];
    let (length, _) = socket
        .recv_from(&mut buffer)
        .expect("an answer to the REFER");
    let answer = String::from_utf8_lossy(&buffer[..length]);
    assert!(answer.starts_with("SIP/2.0 202 "), "{answer}");

    wait_until("A's leg to be bridged to C's", || {
        switch.var(&a_leg, "bridge_uuid") == c_leg
    });
    assert_eq!(
        switch.var(&c_leg, "bridge_uuid"),
        a_leg,
        "C's leg is bridged back to A's"
    );
    let b_first_line = b_first_line.wait();
    assert!(
        b_first_line.success && b_first_line.logs.contains("NOTIFY sipfrag: 200 OK"),
        "B's first line gets a NOTIFY saying 200 OK, then BYE: {}",
        b_first_line.report
    );
    let b_second_line = b_second_line.wait();
    assert!(
        b_second_line.success,
        "B's second call is ended: {}",
        b_second_line.report
    );

    let (a, c) = (a.wait(), c.wait());
    assert!(a.success, "A talks, then hangs up: {}", a.report);
    assert!(c.success, "C's call ends with A's: {}", c.report);
    if let SecondCall::BCallsC = second_call {
        // B's first line sent no audio, so what reached A came from C, echoing A.
        let event = esl.next_event("A's leg's CHANNEL_HANGUP_COMPLETE", |event| {
            event.header("Unique-ID") == Some(a_leg.as_str())
        });
        let sent_to_a = event
            .header("variable_rtp_audio_out_packet_count")
            .and_then(|count| count.parse::<u64>().ok())
            .unwrap_or(0);
        assert!(sent_to_a >= 50, "{sent_to_a} RTP packets reached A from C");
    }
    let replaced_cause = Recorded::read_all(&conf.event_file())
        .into_iter()
        .find_map(|record| match record {
            Recorded::Event(event) if event.name == "CHANNEL_HANGUP" && event.uuid == b_leg_2 => {
                Some(event.cause)
            }
            _ => None,
        });
    assert_eq!(replaced_cause.as_deref(), Some("ATTENDED_TRANSFER"));
}
