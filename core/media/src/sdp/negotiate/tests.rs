use super::*;

fn local() -> LocalMedia {
    LocalMedia {
        address: "192.0.2.10".parse().unwrap(),
        port: 20000,
        codecs: vec![
            Codec::new("opus", 111, 48000).with_channels(2),
            Codec::pcma(),
            Codec::pcmu(),
        ],
        telephone_event: Some(101),
        ptime: Some(20),
        direction: Direction::SendRecv,
        rtcp_mux: false,
    }
}

fn offer(body: &str) -> SessionDescription {
    let text = format!(
        "v=0\r\no=peer 5 5 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\n{body}"
    );
    SessionDescription::parse(&text).unwrap()
}

const PCMU_PCMA_OPUS: &str = "m=audio 30000 RTP/AVP 0 8 96 98\r\n\
    a=rtpmap:96 OPUS/48000/2\r\na=rtpmap:98 telephone-event/8000\r\na=fmtp:98 0-15\r\n";

#[test]
fn greedy_takes_our_first_codec_with_the_offerers_payload_type() {
    let mut oa = OfferAnswer::new(local(), 1);
    let (answer, agreed) = oa
        .handle_offer(&offer(PCMU_PCMA_OPUS), CodecPolicy::Greedy)
        .unwrap();
    assert_eq!(agreed.codec.name, "OPUS");
    assert_eq!(agreed.codec.payload_type, 96);
    assert_eq!(agreed.telephone_event, Some(98));
    assert_eq!(answer.media[0].formats, ["96", "98"]);
    assert_eq!(answer.media[0].fmtp(98), Some("0-15"));
    assert_eq!(
        agreed.remote_rtp,
        Some("198.51.100.7:30000".parse().unwrap())
    );
    assert_eq!(
        agreed.remote_rtcp,
        Some("198.51.100.7:30001".parse().unwrap())
    );
}

#[test]
fn generous_takes_the_offerers_first_codec() {
    let mut oa = OfferAnswer::new(local(), 1);
    let (answer, agreed) = oa
        .handle_offer(&offer(PCMU_PCMA_OPUS), CodecPolicy::Generous)
        .unwrap();
    assert_eq!(agreed.codec.name, "PCMU");
    assert_eq!(answer.media[0].formats, ["0", "98"]);
}

#[test]
fn no_common_codec_lists_both_sides() {
    let mut oa = OfferAnswer::new(local(), 1);
    let error = oa
        .handle_offer(
            &offer("m=audio 30000 RTP/AVP 18 101\r\na=rtpmap:101 telephone-event/8000\r\n"),
            CodecPolicy::Greedy,
        )
        .unwrap_err();
    assert_eq!(
        error,
        NegotiationError::NoCommonCodec {
            offered: vec!["G729/8000".into()],
            local: vec![
                "opus/48000/2".into(),
                "PCMA/8000".into(),
                "PCMU/8000".into()
            ],
        }
    );
    assert!(error.to_string().contains("G729/8000"));
}

#[test]
fn offer_and_answer_round_trip_between_two_sides() {
    let mut alice = OfferAnswer::new(local(), 100);
    let mut bob_local = local();
    bob_local.codecs = vec![Codec::pcmu()];
    bob_local.address = "203.0.113.5".parse().unwrap();
    bob_local.port = 40000;
    let mut bob = OfferAnswer::new(bob_local, 200);

    let offer = alice.create_offer();
    let text = offer.to_string();
    let (answer, bob_agreed) = bob
        .handle_offer(
            &SessionDescription::parse(&text).unwrap(),
            CodecPolicy::Greedy,
        )
        .unwrap();
    let alice_agreed = alice
        .handle_answer(&SessionDescription::parse(&answer.to_string()).unwrap())
        .unwrap();
    assert_eq!(alice_agreed.codec, bob_agreed.codec);
    assert_eq!(alice_agreed.codec.payload_type, 0);
    assert_eq!(alice_agreed.telephone_event, Some(101));
    assert_eq!(
        alice_agreed.remote_rtp,
        Some("203.0.113.5:40000".parse().unwrap())
    );
    assert_eq!(
        bob_agreed.remote_rtp,
        Some("192.0.2.10:20000".parse().unwrap())
    );
    assert_eq!(alice_agreed.direction, Direction::SendRecv);
}

#[test]
fn answer_without_offer_or_with_rejected_audio_is_an_error() {
    let mut oa = OfferAnswer::new(local(), 1);
    let answer = offer("m=audio 0 RTP/AVP 0\r\n");
    assert_eq!(
        oa.handle_answer(&answer),
        Err(NegotiationError::NoOfferPending)
    );
    oa.create_offer();
    assert_eq!(
        oa.handle_answer(&answer),
        Err(NegotiationError::MediaRejected)
    );
}

#[test]
fn glare_is_refused() {
    let mut oa = OfferAnswer::new(local(), 1);
    oa.create_offer();
    assert_eq!(
        oa.handle_offer(&offer(PCMU_PCMA_OPUS), CodecPolicy::Greedy),
        Err(NegotiationError::OfferPending)
    );
}

#[test]
fn session_version_increases_only_when_the_description_changes() {
    let mut oa = OfferAnswer::new(local(), 7);
    let first = oa.create_offer().origin.session_version;
    oa.handle_answer(&offer("m=audio 30000 RTP/AVP 0\r\n"))
        .unwrap();
    let same = oa.create_offer().origin.session_version;
    assert_eq!(same, first);
    oa.handle_answer(&offer("m=audio 30000 RTP/AVP 0\r\n"))
        .unwrap();
    oa.local_mut().direction = Direction::SendOnly;
    let hold = oa.create_offer();
    assert_eq!(hold.origin.session_version, first + 1);
    assert_eq!(hold.direction(&hold.media[0]), Direction::SendOnly);
}
