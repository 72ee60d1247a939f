//! RFC 3264 offer/answer rules, one case per test.

use ferroswitch_media::sdp::{
    Codec, CodecPolicy, Direction, LocalMedia, NegotiationError, OfferAnswer, SessionDescription,
};

fn local() -> LocalMedia {
    LocalMedia {
        address: "192.0.2.1".parse().unwrap(),
        port: 30000,
        codecs: vec![Codec::pcmu(), Codec::pcma()],
        telephone_event: Some(101),
        ptime: Some(20),
        direction: Direction::SendRecv,
        rtcp_mux: false,
    }
}

fn remote(media: &str) -> SessionDescription {
    SessionDescription::parse(&format!(
        "v=0\no=- 9 9 IN IP4 198.51.100.1\ns=-\nc=IN IP4 198.51.100.1\nt=0 0\n{media}"
    ))
    .unwrap()
}

#[test]
fn answer_direction_mirrors_the_offer() {
    for (offered, local_direction, answered) in [
        ("sendrecv", Direction::SendRecv, Direction::SendRecv),
        ("sendonly", Direction::SendRecv, Direction::RecvOnly),
        ("recvonly", Direction::SendRecv, Direction::SendOnly),
        ("inactive", Direction::SendRecv, Direction::Inactive),
        ("sendrecv", Direction::SendOnly, Direction::SendOnly),
        ("sendonly", Direction::SendOnly, Direction::Inactive),
    ] {
        let mut local = local();
        local.direction = local_direction;
        let mut oa = OfferAnswer::new(local, 1);
        let offer = remote(&format!("m=audio 4000 RTP/AVP 0\na={offered}\n"));
        let (answer, agreed) = oa.handle_offer(&offer, CodecPolicy::Greedy).unwrap();
        assert_eq!(
            answer.direction(&answer.media[0]),
            answered,
            "offer {offered}"
        );
        assert_eq!(agreed.direction, answered);
        assert_eq!(
            agreed.remote_hold,
            matches!(offered, "sendonly" | "inactive")
        );
    }
}

#[test]
fn session_level_direction_applies_to_media() {
    // Before the first m= line, a= is session level.
    let offer = remote("a=sendonly\nm=audio 4000 RTP/AVP 0\n");
    assert!(offer.media[0].direction().is_none());
    let (_, agreed) = OfferAnswer::new(local(), 1)
        .handle_offer(&offer, CodecPolicy::Greedy)
        .unwrap();
    assert_eq!(agreed.direction, Direction::RecvOnly);
    assert!(agreed.remote_hold);
}

#[test]
fn old_style_hold_with_zero_address() {
    let offer = remote("m=audio 4000 RTP/AVP 0\n");
    let text = offer
        .to_string()
        .replace("c=IN IP4 198.51.100.1", "c=IN IP4 0.0.0.0");
    let offer = SessionDescription::parse(&text).unwrap();
    let (answer, agreed) = OfferAnswer::new(local(), 1)
        .handle_offer(&offer, CodecPolicy::Greedy)
        .unwrap();
    assert!(agreed.remote_hold);
    assert_eq!(agreed.remote_rtp, None);
    assert_eq!(agreed.direction, Direction::RecvOnly);
    // Our own address stays real.
    assert_eq!(answer.connection.unwrap().address, "192.0.2.1");
}

#[test]
fn streams_we_cannot_serve_are_rejected_with_port_zero() {
    let offer = remote(
        "m=video 5000 RTP/AVP 96\na=rtpmap:96 H264/90000\n\
         m=audio 4000 RTP/SAVP 0\n\
         m=audio 4002 RTP/AVP 8\n\
         m=audio 4004 RTP/AVP 0\n",
    );
    let (answer, agreed) = OfferAnswer::new(local(), 1)
        .handle_offer(&offer, CodecPolicy::Greedy)
        .unwrap();
    let ports: Vec<u16> = answer.media.iter().map(|m| m.port).collect();
    assert_eq!(ports, [0, 0, 30000, 0]);
    assert_eq!(answer.media[0].formats, ["96"]);
    assert_eq!(answer.media[1].protocol, "RTP/SAVP");
    assert_eq!(agreed.codec.name, "PCMA");
    assert_eq!(
        agreed.remote_rtp,
        Some("198.51.100.1:4002".parse().unwrap())
    );
}

#[test]
fn static_payload_types_need_no_rtpmap_and_dynamic_ones_are_kept() {
    let mut with_speex = local();
    with_speex.codecs.insert(0, Codec::new("speex", 97, 8000));
    let offer = remote("m=audio 4000 RTP/AVP 0 120\na=rtpmap:120 SPEEX/8000\n");
    let (answer, agreed) = OfferAnswer::new(with_speex, 1)
        .handle_offer(&offer, CodecPolicy::Greedy)
        .unwrap();
    assert_eq!(
        agreed.codec.payload_type, 120,
        "the offerer's dynamic payload type"
    );
    assert_eq!(answer.media[0].rtpmap(120).unwrap().encoding, "SPEEX");
    let offer = remote("m=audio 4000 RTP/AVP 8\n");
    let (_, agreed) = OfferAnswer::new(local(), 1)
        .handle_offer(&offer, CodecPolicy::Greedy)
        .unwrap();
    assert_eq!(agreed.codec.name, "PCMA");
}

#[test]
fn clock_rate_and_channels_must_match_too() {
    let mut local = local();
    local.codecs = vec![Codec::new("opus", 111, 48000).with_channels(2)];
    let offer = remote("m=audio 4000 RTP/AVP 96\na=rtpmap:96 opus/48000\n");
    assert!(matches!(
        OfferAnswer::new(local.clone(), 1).handle_offer(&offer, CodecPolicy::Greedy),
        Err(NegotiationError::NoCommonCodec { .. })
    ));
    let offer = remote("m=audio 4000 RTP/AVP 96\na=rtpmap:96 L16/16000\n");
    local.codecs = vec![Codec::new("L16", 100, 8000)];
    assert!(OfferAnswer::new(local, 1)
        .handle_offer(&offer, CodecPolicy::Greedy)
        .is_err());
}

#[test]
fn telephone_event_only_when_both_sides_have_it() {
    let offer = remote("m=audio 4000 RTP/AVP 0\n");
    let (answer, agreed) = OfferAnswer::new(local(), 1)
        .handle_offer(&offer, CodecPolicy::Greedy)
        .unwrap();
    assert_eq!(agreed.telephone_event, None);
    assert_eq!(answer.media[0].formats, ["0"]);

    let mut no_dtmf = local();
    no_dtmf.telephone_event = None;
    let offer = remote("m=audio 4000 RTP/AVP 0 96\na=rtpmap:96 telephone-event/8000\n");
    let (answer, agreed) = OfferAnswer::new(no_dtmf, 1)
        .handle_offer(&offer, CodecPolicy::Greedy)
        .unwrap();
    assert_eq!(agreed.telephone_event, None);
    assert_eq!(answer.media[0].formats, ["0"]);
    // telephone-event alone is not a codec.
    let offer = remote("m=audio 4000 RTP/AVP 96\na=rtpmap:96 telephone-event/8000\n");
    assert!(matches!(
        OfferAnswer::new(local(), 1).handle_offer(&offer, CodecPolicy::Greedy),
        Err(NegotiationError::NoCommonCodec { .. })
    ));
}

#[test]
fn our_offer_lists_codecs_telephone_event_and_ptime() {
    let mut local = local();
    local.codecs.push(
        Codec::new("opus", 111, 48000)
            .with_channels(2)
            .with_fmtp("useinbandfec=1"),
    );
    local.rtcp_mux = true;
    let text = OfferAnswer::new(local, 77).create_offer().to_string();
    assert_eq!(
        text,
        "v=0\r\no=ferroswitch 77 77 IN IP4 192.0.2.1\r\ns=ferroswitch\r\nc=IN IP4 192.0.2.1\r\n\
         t=0 0\r\nm=audio 30000 RTP/AVP 0 8 111 101\r\na=rtpmap:0 PCMU/8000\r\n\
         a=rtpmap:8 PCMA/8000\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1\r\n\
         a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n\
         a=sendrecv\r\na=rtcp-mux\r\n"
    );
}

#[test]
fn processing_the_answer_takes_its_first_common_codec() {
    let mut oa = OfferAnswer::new(local(), 1);
    oa.create_offer();
    let answer = remote(
        "m=audio 6000 RTP/AVP 8 0 101\na=rtpmap:101 telephone-event/8000\na=ptime:30\na=recvonly\n",
    );
    let agreed = oa.handle_answer(&answer).unwrap();
    assert_eq!(agreed.codec.name, "PCMA");
    assert_eq!(agreed.telephone_event, Some(101));
    assert_eq!(agreed.remote_ptime, Some(30));
    assert_eq!(agreed.direction, Direction::SendOnly);
    assert_eq!(
        agreed.remote_rtp,
        Some("198.51.100.1:6000".parse().unwrap())
    );
    assert!(!oa.has_pending_offer());
}

#[test]
fn malformed_answers_are_refused_with_a_reason() {
    let mut oa = OfferAnswer::new(local(), 1);
    oa.create_offer();
    let two = remote("m=audio 6000 RTP/AVP 0\nm=video 0 RTP/AVP 31\n");
    assert_eq!(
        oa.handle_answer(&two),
        Err(NegotiationError::MediaCountMismatch {
            offered: 1,
            answered: 2
        })
    );
    oa.create_offer();
    let g729 = remote("m=audio 6000 RTP/AVP 18\n");
    let error = oa.handle_answer(&g729).unwrap_err();
    assert!(error.to_string().contains("G729/8000"), "{error}");
    let no_address = SessionDescription::parse(
        "v=0\no=- 1 1 IN IP4 198.51.100.1\ns=-\nt=0 0\nm=audio 6000 RTP/AVP 0\n",
    )
    .unwrap();
    oa.create_offer();
    assert_eq!(
        oa.handle_answer(&no_address),
        Err(NegotiationError::NoConnectionAddress)
    );
    let host = remote("m=audio 6000 RTP/AVP 0\n")
        .to_string()
        .replace("c=IN IP4 198.51.100.1", "c=IN IP4 media.example.org");
    oa.create_offer();
    assert_eq!(
        oa.handle_answer(&SessionDescription::parse(&host).unwrap()),
        Err(NegotiationError::NotAnIpAddress("media.example.org".into()))
    );
}

#[test]
fn reoffers_bump_the_version_only_on_change_and_answers_share_it() {
    let mut oa = OfferAnswer::new(local(), 1000);
    let first = oa.create_offer();
    oa.handle_answer(&remote("m=audio 6000 RTP/AVP 0\n"))
        .unwrap();
    // Our answer lists one codec where our offer listed all: a change.
    let offer = remote("m=audio 6000 RTP/AVP 0\n");
    let (answer, _) = oa.handle_offer(&offer, CodecPolicy::Greedy).unwrap();
    assert_eq!(
        answer.origin.session_version,
        first.origin.session_version + 1
    );
    let (again, _) = oa.handle_offer(&offer, CodecPolicy::Greedy).unwrap();
    assert_eq!(again.origin.session_version, answer.origin.session_version);
    // Hold: a changed re-offer.
    oa.local_mut().direction = Direction::SendOnly;
    let hold = oa.create_offer();
    assert_eq!(
        hold.origin.session_version,
        answer.origin.session_version + 1
    );
    assert_eq!(hold.origin.session_id, 1000);
    let agreed = oa
        .handle_answer(&remote("m=audio 6000 RTP/AVP 0\na=recvonly\n"))
        .unwrap();
    assert_eq!(agreed.direction, Direction::SendOnly);
}
