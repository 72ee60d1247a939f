//! Descriptions from real user agents survive parse → write → parse, and
//! are written back byte for byte (CRLF, grammar order, unknown lines and
//! attributes kept).

use ferroswitch_media::sdp::SessionDescription;

const FILES: [(&str, &str); 5] = [
    ("linphone", include_str!("sdp/linphone.sdp")),
    ("zoiper", include_str!("sdp/zoiper.sdp")),
    ("freeswitch", include_str!("sdp/freeswitch.sdp")),
    ("asterisk", include_str!("sdp/asterisk.sdp")),
    ("webrtc", include_str!("sdp/webrtc.sdp")),
];

#[test]
fn real_world_descriptions_round_trip_byte_for_byte() {
    for (name, lf_text) in FILES {
        let crlf = lf_text.replace('\n', "\r\n");
        let from_lf =
            SessionDescription::parse(lf_text).unwrap_or_else(|error| panic!("{name}: {error}"));
        let from_crlf = SessionDescription::parse(&crlf).unwrap();
        assert_eq!(from_lf, from_crlf, "{name}: line ends change nothing");
        assert_eq!(from_crlf.to_string(), crlf, "{name}: written back as read");
        assert_eq!(
            SessionDescription::parse(&from_crlf.to_string()).unwrap(),
            from_crlf
        );
    }
}

#[test]
fn unknown_attributes_and_lines_are_kept() {
    let linphone = SessionDescription::parse(include_str!("sdp/linphone.sdp")).unwrap();
    assert_eq!(linphone.attributes.len(), 2);
    let audio = &linphone.media[0];
    assert_eq!(
        audio.other_attribute("rtcp-fb"),
        Some(Some("* trr-int 1000"))
    );
    let webrtc = SessionDescription::parse(include_str!("sdp/webrtc.sdp")).unwrap();
    assert_eq!(webrtc.media[0].other_attribute("mid"), Some(Some("0")));
    assert_eq!(webrtc.media[0].rtpmap(9).unwrap().channels, Some(1));
}

#[test]
fn a_description_edited_in_code_is_written_in_grammar_order() {
    let mut sdp = SessionDescription::parse(include_str!("sdp/asterisk.sdp")).unwrap();
    sdp.media[0].port = 0;
    sdp.origin.session_version += 1;
    let text = sdp.to_string();
    assert!(text.contains("o=- 1234567 4 IN IP4 198.51.100.20\r\n"));
    assert!(text.contains("m=audio 0 RTP/AVP 0 8 3 111 101\r\n"));
    let order: Vec<char> = text.lines().map(|l| l.chars().next().unwrap()).collect();
    assert_eq!(&order[..6], ['v', 'o', 's', 'c', 't', 'm']);
}
