//! Media through the switch between real SIP peers: a sipp UAC offering PCMA calls through
//! ferroswitch's `bridge` to a sipp UAS answering PCMU that echoes the RTP it gets
//! (`-rtp_echo`). The UAC plays sipp's G.711 A-law capture; the switch transcodes PCMA→PCMU
//! towards the callee and PCMU→PCMA back. At hangup each leg's counters
//! (`rtp_audio_in_packet_count` / `rtp_audio_out_packet_count`, FreeSWITCH's names) show
//! audio went in and out on both legs.

use ferroswitch_tests::sip::{self, free_sip_port, trusted_profile, Sipp};
use ferroswitch_tests::{EslClient, TestConf};

#[test]
fn audio_flows_both_ways_through_a_transcoding_bridge() {
    let uas_port = free_sip_port();
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_g711",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_sip",
        "mod_event_socket",
    ]);
    conf.dialplan(&[(
        "public.xml",
        &format!(
            r#"<include>
  <context name="public">
    <extension name="bridge">
      <condition field="destination_number" expression="^bridge$">
        <action application="bridge" data="sofia/test/uas@127.0.0.1:{uas_port}"/>
      </condition>
    </extension>
  </context>
</include>
"#
        ),
    )]);
    let port = trusted_profile(&conf);
    let esl_port = conf.event_socket("");
    let _switch = sip::start(&conf);
    let mut esl = EslClient::connect_authed(esl_port, "ClueCon");
    esl.command("event plain CHANNEL_HANGUP_COMPLETE");

    let uas = Sipp::uas(uas_port, &["-sn", "uas", "-rtp_echo"]).spawn();
    let caller = Sipp::uac_scenario(port, "uac_plays_pcma.xml", "bridge").run();
    let callee = uas.wait();
    assert!(
        caller.success,
        "the caller's call completes: {}",
        caller.report
    );
    assert!(
        callee.success,
        "the callee is called and hung up: {}",
        callee.report
    );

    for leg in ["inbound", "outbound"] {
        let event = esl.next_event(
            &format!("the {leg} leg's CHANNEL_HANGUP_COMPLETE"),
            |event| event.header("Call-Direction") == Some(leg),
        );
        let count = |name: &str| -> u64 {
            event
                .header(&format!("variable_{name}"))
                .and_then(|value| value.parse().ok())
                .unwrap_or(0)
        };
        let (received, sent) = (
            count("rtp_audio_in_packet_count"),
            count("rtp_audio_out_packet_count"),
        );
        eprintln!("{leg} leg: {received} RTP packets received, {sent} sent");
        // Four seconds of 20 ms packets is 200; allow for start-up and the echo's delay.
        assert!(
            received >= 100 && sent >= 100,
            "{leg} leg: {received} RTP packets received, {sent} sent"
        );
        assert_eq!(
            event.header("variable_read_codec"),
            Some(if leg == "inbound" { "PCMA" } else { "PCMU" }),
            "{leg} leg codec"
        );
    }
}
