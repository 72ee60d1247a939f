//! Answering the offers real user agents send (Linphone, Zoiper,
//! FreeSWITCH, Asterisk, a browser), under both codec policies.

use ferroswitch_media::sdp::{
    Codec, CodecPolicy, Direction, LocalMedia, NegotiationError, OfferAnswer, SessionDescription,
};

fn ours(codecs: Vec<Codec>) -> OfferAnswer {
    OfferAnswer::new(
        LocalMedia {
            address: "192.0.2.99".parse().unwrap(),
            port: 24000,
            codecs,
            telephone_event: Some(101),
            ptime: Some(20),
            direction: Direction::SendRecv,
            rtcp_mux: true,
        },
        42,
    )
}

fn g711_and_opus() -> Vec<Codec> {
    vec![
        Codec::pcmu(),
        Codec::pcma(),
        Codec::new("opus", 111, 48000).with_channels(2),
    ]
}

fn offer(text: &str) -> SessionDescription {
    SessionDescription::parse(text).unwrap()
}

#[test]
fn linphone_telephone_event_follows_the_codec_clock_rate() {
    let linphone = offer(include_str!("sdp/linphone.sdp"));

    let (answer, agreed) = ours(g711_and_opus())
        .handle_offer(&linphone, CodecPolicy::Greedy)
        .unwrap();
    assert_eq!(
        (agreed.codec.name.as_str(), agreed.codec.payload_type),
        ("PCMU", 0)
    );
    assert_eq!(agreed.telephone_event, Some(100), "telephone-event/8000");
    assert_eq!(answer.media[0].formats, ["0", "100"]);
    assert_eq!(
        agreed.remote_rtp,
        Some("192.168.1.20:7078".parse().unwrap())
    );
    assert_eq!(
        agreed.remote_rtcp,
        Some("192.168.1.20:7079".parse().unwrap())
    );
    assert!(!agreed.rtcp_mux, "Linphone did not offer rtcp-mux");
    assert!(!answer.to_string().contains("rtcp-mux"));

    let (answer, agreed) = ours(g711_and_opus())
        .handle_offer(&linphone, CodecPolicy::Generous)
        .unwrap();
    assert_eq!(
        (agreed.codec.name.as_str(), agreed.codec.payload_type),
        ("opus", 96)
    );
    assert_eq!(agreed.telephone_event, Some(101), "telephone-event/48000");
    assert_eq!(answer.media[0].rtpmap(101).unwrap().clock_rate, 48000);
}

#[test]
fn zoiper_with_rtcp_mux() {
    let zoiper = offer(include_str!("sdp/zoiper.sdp"));
    let (answer, agreed) = ours(g711_and_opus())
        .handle_offer(&zoiper, CodecPolicy::Generous)
        .unwrap();
    assert_eq!(
        (agreed.codec.name.as_str(), agreed.codec.payload_type),
        ("opus", 106)
    );
    assert_eq!(agreed.telephone_event, Some(98));
    assert!(agreed.rtcp_mux);
    assert_eq!(agreed.remote_rtcp, agreed.remote_rtp);
    assert!(answer.media[0].rtcp_mux());
    // Our codec has no fmtp: the offerer's is echoed.
    assert_eq!(
        answer.media[0].fmtp(106),
        Some("sprop-maxcapturerate=16000; minptime=20; useinbandfec=1")
    );

    let (_, agreed) = ours(g711_and_opus())
        .handle_offer(&zoiper, CodecPolicy::Greedy)
        .unwrap();
    assert_eq!(agreed.codec.payload_type, 0);
    assert_eq!(agreed.telephone_event, Some(101));
}

#[test]
fn freeswitch_offer_answered_and_read_back() {
    let freeswitch = offer(include_str!("sdp/freeswitch.sdp"));
    let mut oa = ours(vec![Codec::new("G722", 9, 8000), Codec::pcma()]);
    let (answer, agreed) = oa.handle_offer(&freeswitch, CodecPolicy::Greedy).unwrap();
    assert_eq!(agreed.codec.name, "G722");
    assert_eq!(agreed.remote_ptime, Some(20));
    assert_eq!(
        agreed.remote_rtcp,
        Some("203.0.113.10:16385".parse().unwrap())
    );
    let text = answer.to_string();
    assert!(
        text.starts_with("v=0\r\no=ferroswitch 42 42 IN IP4 192.0.2.99\r\n"),
        "{text}"
    );
    assert!(text.contains("m=audio 24000 RTP/AVP 9 101\r\n"), "{text}");
    assert!(text.contains("a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"));
    assert!(text.contains("a=ptime:20\r\na=sendrecv\r\n"));
}

#[test]
fn asterisk_offer_without_a_common_codec_names_both_sides() {
    let asterisk = offer(include_str!("sdp/asterisk.sdp"));
    let error = ours(vec![Codec::new("opus", 111, 48000).with_channels(2)])
        .handle_offer(&asterisk, CodecPolicy::Greedy)
        .unwrap_err();
    assert_eq!(
        error,
        NegotiationError::NoCommonCodec {
            offered: ["PCMU/8000", "PCMA/8000", "GSM/8000", "G726-32/8000"]
                .map(String::from)
                .to_vec(),
            local: vec!["opus/48000/2".to_owned()],
        }
    );
    let (_, agreed) = ours(vec![Codec::new("g726-32", 112, 8000)])
        .handle_offer(&asterisk, CodecPolicy::Greedy)
        .unwrap();
    assert_eq!(agreed.codec.payload_type, 111, "names match without case");
}

#[test]
fn a_browser_offer_needs_srtp_which_we_do_not_have() {
    let webrtc = offer(include_str!("sdp/webrtc.sdp"));
    assert_eq!(
        ours(g711_and_opus()).handle_offer(&webrtc, CodecPolicy::Greedy),
        Err(NegotiationError::NoAudio)
    );
}
