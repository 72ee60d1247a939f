//! Line-by-line SDP parsing. Strict where this crate acts on a value (a
//! bad port or rtpmap is an error naming its line), lenient where real
//! user agents differ harmlessly (LF line ends, blank lines, `t=`
//! missing, fractional `ptime`, a rejected `m=` line without formats).

use super::{
    Attribute, Bandwidth, Connection, Direction, MediaDescription, Origin, RtpMap, SdpError,
    SdpErrorReason, SdpLine, SessionDescription, Timing,
};

/// Line types allowed in the session part (`m` opens a media part).
const SESSION_TYPES: &str = "vosiuepcbtrzka";
/// Line types allowed inside a media part.
const MEDIA_TYPES: &str = "icbka";

pub(super) fn parse(text: &str) -> Result<SessionDescription, SdpError> {
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(index, line)| (index + 1, line.strip_suffix('\r').unwrap_or(line)))
        .filter(|(_, line)| !line.trim().is_empty());

    let (first_number, first) = lines.next().ok_or(SdpError {
        line: 1,
        reason: SdpErrorReason::Empty,
    })?;
    match split_line(first) {
        Some(('v', "0")) => {}
        Some(('v', other)) => {
            return Err(error(
                first_number,
                SdpErrorReason::UnsupportedVersion(other.to_owned()),
            ))
        }
        _ => {
            return Err(error(
                first_number,
                SdpErrorReason::MissingVersion(first.to_owned()),
            ))
        }
    }

    let mut origin = None;
    let mut session_name = None;
    let mut session = SessionDescription {
        // Filled from the `o=` line once every line is read (it is required).
        origin: Origin::default(),
        session_name: String::new(),
        connection: None,
        bandwidths: Vec::new(),
        timing: Vec::new(),
        attributes: Vec::new(),
        media: Vec::new(),
        other_lines: Vec::new(),
    };
    let mut last_line = first_number;

    for (number, line) in lines {
        last_line = number;
        let at = |reason| error(number, reason);
        let (kind, value) =
            split_line(line).ok_or_else(|| at(SdpErrorReason::NotATypeLine(line.to_owned())))?;
        if kind == 'm' {
            session.media.push(parse_media(value).map_err(at)?);
            continue;
        }
        if let Some(media) = session.media.last_mut() {
            if !MEDIA_TYPES.contains(kind) {
                let reason = if SESSION_TYPES.contains(kind) {
                    SdpErrorReason::NotAllowedInMedia(kind)
                } else {
                    SdpErrorReason::UnknownType(kind)
                };
                return Err(at(reason));
            }
            match kind {
                'c' if media.connection.is_some() => {
                    return Err(at(SdpErrorReason::Duplicate('c')))
                }
                'c' => media.connection = Some(parse_connection(value).map_err(at)?),
                'b' => media.bandwidths.push(parse_bandwidth(value).map_err(at)?),
                'a' => media.attributes.push(parse_attribute(value).map_err(at)?),
                _ => media.other_lines.push(other(kind, value)),
            }
            continue;
        }
        match kind {
            'v' => return Err(at(SdpErrorReason::Duplicate('v'))),
            'o' if origin.is_some() => return Err(at(SdpErrorReason::Duplicate('o'))),
            'o' => origin = Some(parse_origin(value).map_err(at)?),
            's' if session_name.is_some() => return Err(at(SdpErrorReason::Duplicate('s'))),
            's' => session_name = Some(value.to_owned()),
            'c' if session.connection.is_some() => return Err(at(SdpErrorReason::Duplicate('c'))),
            'c' => session.connection = Some(parse_connection(value).map_err(at)?),
            'b' => session.bandwidths.push(parse_bandwidth(value).map_err(at)?),
            't' => session.timing.push(parse_timing(value).map_err(at)?),
            'a' => session.attributes.push(parse_attribute(value).map_err(at)?),
            'i' | 'u' | 'e' | 'p' | 'r' | 'z' | 'k' => session.other_lines.push(other(kind, value)),
            _ => return Err(at(SdpErrorReason::UnknownType(kind))),
        }
    }

    session.origin = origin.ok_or_else(|| error(last_line, SdpErrorReason::Missing('o')))?;
    session.session_name =
        session_name.ok_or_else(|| error(last_line, SdpErrorReason::Missing('s')))?;
    Ok(session)
}

fn error(line: usize, reason: SdpErrorReason) -> SdpError {
    SdpError { line, reason }
}

/// `x=value` with a single ASCII letter before `=`.
fn split_line(line: &str) -> Option<(char, &str)> {
    let mut chars = line.chars();
    let kind = chars.next().filter(char::is_ascii_lowercase)?;
    let value = chars.as_str().strip_prefix('=')?;
    Some((kind, value))
}

fn other(kind: char, value: &str) -> SdpLine {
    SdpLine {
        kind,
        value: value.to_owned(),
    }
}

fn malformed(line: char, expected: &'static str, found: &str) -> SdpErrorReason {
    SdpErrorReason::Malformed {
        line,
        expected,
        found: found.to_owned(),
    }
}

fn parse_origin(value: &str) -> Result<Origin, SdpErrorReason> {
    const EXPECTED: &str =
        "`<username> <session id> <version> <network type> <address type> <address>`";
    let fields: Vec<&str> = value.split_ascii_whitespace().collect();
    let [username, id, version, network_type, address_type, address] = fields[..] else {
        return Err(malformed('o', EXPECTED, value));
    };
    let number = |field: &str| {
        field
            .parse::<u64>()
            .map_err(|_| malformed('o', "a numeric session id and version", value))
    };
    Ok(Origin {
        username: username.to_owned(),
        session_id: number(id)?,
        session_version: number(version)?,
        network_type: network_type.to_owned(),
        address_type: address_type.to_owned(),
        address: address.to_owned(),
    })
}

fn parse_connection(value: &str) -> Result<Connection, SdpErrorReason> {
    let fields: Vec<&str> = value.split_ascii_whitespace().collect();
    let [network_type, address_type, address] = fields[..] else {
        return Err(malformed(
            'c',
            "`<network type> <address type> <address>`",
            value,
        ));
    };
    Ok(Connection {
        network_type: network_type.to_owned(),
        address_type: address_type.to_owned(),
        address: address.to_owned(),
    })
}

fn parse_bandwidth(value: &str) -> Result<Bandwidth, SdpErrorReason> {
    let parsed = value
        .split_once(':')
        .and_then(|(kind, bandwidth)| Some((kind, bandwidth.trim().parse().ok()?)));
    match parsed {
        Some((kind, value)) if !kind.is_empty() => Ok(Bandwidth {
            kind: kind.to_owned(),
            value,
        }),
        _ => Err(malformed('b', "`<type>:<kilobits per second>`", value)),
    }
}

fn parse_timing(value: &str) -> Result<Timing, SdpErrorReason> {
    let mut fields = value.split_ascii_whitespace().map(str::parse::<u64>);
    match (fields.next(), fields.next(), fields.next()) {
        (Some(Ok(start)), Some(Ok(stop)), None) => Ok(Timing { start, stop }),
        _ => Err(malformed('t', "`<start> <stop>` as numbers", value)),
    }
}

fn parse_media(value: &str) -> Result<MediaDescription, SdpErrorReason> {
    const EXPECTED: &str = "`<media> <port>[/<count>] <protocol> <format> ...`";
    let mut fields = value.split_ascii_whitespace();
    let (Some(kind), Some(ports), Some(protocol)) = (fields.next(), fields.next(), fields.next())
    else {
        return Err(malformed('m', EXPECTED, value));
    };
    let (port, port_count) = match ports.split_once('/') {
        Some((port, count)) => (port, Some(count)),
        None => (ports, None),
    };
    let port = port
        .parse()
        .map_err(|_| malformed('m', "a port number 0-65535", value))?;
    let port_count = port_count
        .map(str::parse)
        .transpose()
        .map_err(|_| malformed('m', "a numeric port count", value))?;
    Ok(MediaDescription {
        kind: kind.to_owned(),
        port,
        port_count,
        protocol: protocol.to_owned(),
        formats: fields.map(str::to_owned).collect(),
        connection: None,
        bandwidths: Vec::new(),
        attributes: Vec::new(),
        other_lines: Vec::new(),
    })
}

fn parse_attribute(text: &str) -> Result<Attribute, SdpErrorReason> {
    let (name, value) = match text.split_once(':') {
        Some((name, value)) => (name, Some(value)),
        None => (text, None),
    };
    let bad = |attribute: &'static str, reason: &str| SdpErrorReason::BadAttribute {
        attribute,
        reason: format!("{reason}, found {:?}", value.unwrap_or_default()),
    };
    let attribute = match (name, value) {
        ("rtpmap", Some(value)) => Attribute::RtpMap(parse_rtpmap(value).ok_or_else(|| {
            bad(
                "rtpmap",
                "expected `<payload type> <encoding>/<clock rate>[/<channels>]`",
            )
        })?),
        ("fmtp", Some(value)) => {
            let (format, parameters) = value.split_once(' ').unwrap_or((value, ""));
            match format.parse() {
                Ok(payload_type) if payload_type <= 127 => Attribute::Fmtp {
                    payload_type,
                    parameters: parameters.trim().to_owned(),
                },
                // A non-RTP format's parameters: kept as written.
                _ => Attribute::Other {
                    name: name.to_owned(),
                    value: Some(value.to_owned()),
                },
            }
        }
        ("ptime", Some(value)) => {
            Attribute::Ptime(parse_ms(value).ok_or_else(|| bad("ptime", "expected milliseconds"))?)
        }
        ("maxptime", Some(value)) => Attribute::MaxPtime(
            parse_ms(value).ok_or_else(|| bad("maxptime", "expected milliseconds"))?,
        ),
        ("rtcp", Some(value)) => parse_rtcp(value).ok_or_else(|| {
            bad(
                "rtcp",
                "expected `<port> [<network type> <address type> <address>]`",
            )
        })?,
        ("sendrecv", None) => Attribute::Direction(Direction::SendRecv),
        ("sendonly", None) => Attribute::Direction(Direction::SendOnly),
        ("recvonly", None) => Attribute::Direction(Direction::RecvOnly),
        ("inactive", None) => Attribute::Direction(Direction::Inactive),
        ("rtcp-mux", None) => Attribute::RtcpMux,
        ("", _) => {
            return Err(SdpErrorReason::Malformed {
                line: 'a',
                expected: "`<attribute>[:<value>]`",
                found: text.to_owned(),
            })
        }
        (name, value) => Attribute::Other {
            name: name.to_owned(),
            value: value.map(str::to_owned),
        },
    };
    Ok(attribute)
}

fn parse_rtpmap(value: &str) -> Option<RtpMap> {
    let (payload_type, encoding) = value.split_once(' ')?;
    let payload_type: u8 = payload_type.parse().ok().filter(|&pt| pt <= 127)?;
    let mut parts = encoding.trim().split('/');
    let name = parts.next().filter(|name| !name.is_empty())?;
    let clock_rate = parts.next()?.parse().ok()?;
    let channels = parts.next().map(str::parse).transpose().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Some(RtpMap {
        payload_type,
        encoding: name.to_owned(),
        clock_rate,
        channels,
    })
}

/// Whole milliseconds; some agents write `20.0` or `20.5`, which round.
fn parse_ms(value: &str) -> Option<u32> {
    let value = value.trim();
    value.parse().ok().or_else(|| {
        let ms: f64 = value.parse().ok()?;
        // Range-checked before the conversion.
        (ms.is_finite() && (0.0..=f64::from(u32::MAX)).contains(&ms)).then(|| ms.round() as u32)
    })
}

fn parse_rtcp(value: &str) -> Option<Attribute> {
    let mut fields = value.split_ascii_whitespace();
    let port = fields.next()?.parse().ok()?;
    let rest: Vec<&str> = fields.collect();
    let connection = match rest[..] {
        [] => None,
        [network_type, address_type, address] => Some(Connection {
            network_type: network_type.to_owned(),
            address_type: address_type.to_owned(),
            address: address.to_owned(),
        }),
        _ => return None,
    };
    Some(Attribute::Rtcp { port, connection })
}

#[cfg(test)]
mod tests {
    use super::super::Codec;
    use super::*;

    const OFFER: &str = "v=0\r\n\
        o=alice 2890844526 2890844527 IN IP4 192.0.2.1\r\n\
        s=Call\r\n\
        i=A call\r\n\
        c=IN IP4 192.0.2.1\r\n\
        b=AS:128\r\n\
        t=0 0\r\n\
        a=sendrecv\r\n\
        m=audio 49170 RTP/AVP 0 8 97 101\r\n\
        b=TIAS:64000\r\n\
        a=rtpmap:97 iLBC/8000\r\n\
        a=fmtp:97 mode=30\r\n\
        a=rtpmap:101 telephone-event/8000\r\n\
        a=fmtp:101 0-16\r\n\
        a=ptime:20\r\n\
        a=maxptime:150\r\n\
        a=rtcp:53020 IN IP4 192.0.2.2\r\n\
        a=rtcp-mux\r\n\
        a=x-custom:some value\r\n\
        a=x-flag\r\n\
        m=video 0 RTP/AVP 31\r\n";

    #[test]
    fn parses_every_line_type_an_endpoint_uses() {
        let sdp = parse(OFFER).unwrap();
        assert_eq!(sdp.origin.session_id, 2_890_844_526);
        assert_eq!(sdp.origin.session_version, 2_890_844_527);
        assert_eq!(sdp.session_name, "Call");
        assert_eq!(sdp.bandwidths[0].value, 128);
        assert_eq!(sdp.timing, [Timing { start: 0, stop: 0 }]);
        let audio = &sdp.media[0];
        assert_eq!(audio.payload_types().collect::<Vec<_>>(), [0, 8, 97, 101]);
        assert_eq!(audio.rtpmap(97).unwrap().encoding, "iLBC");
        assert_eq!(audio.fmtp(97), Some("mode=30"));
        assert_eq!(audio.ptime(), Some(20));
        assert_eq!(audio.max_ptime(), Some(150));
        assert_eq!(audio.rtcp().unwrap().0, 53020);
        assert!(audio.rtcp_mux());
        assert_eq!(audio.other_attribute("x-custom"), Some(Some("some value")));
        assert_eq!(audio.other_attribute("x-flag"), Some(None));
        assert_eq!(sdp.direction(audio), Direction::SendRecv);
        assert_eq!(sdp.media[1].port, 0);
        let pcma = Codec::from_media(audio, 8).unwrap();
        assert_eq!(pcma.describe(), "PCMA/8000");
    }

    #[test]
    fn writes_back_what_it_read() {
        let sdp = parse(OFFER).unwrap();
        assert_eq!(sdp.to_string(), OFFER);
        assert_eq!(parse(&sdp.to_string()).unwrap(), sdp);
    }

    #[test]
    fn lf_line_ends_and_trailing_blank_lines_are_accepted() {
        let lf = OFFER.replace("\r\n", "\n") + "\n\n";
        assert_eq!(parse(&lf).unwrap(), parse(OFFER).unwrap());
    }

    fn error_of(text: &str) -> (usize, SdpErrorReason) {
        let error = parse(text).unwrap_err();
        (error.line, error.reason)
    }

    #[test]
    fn malformed_lines_are_named_by_number_and_reason() {
        let head = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\n";
        assert_eq!(error_of(""), (1, SdpErrorReason::Empty));
        assert!(matches!(
            error_of("o=- 1 1 IN IP4 a\n"),
            (1, SdpErrorReason::MissingVersion(_))
        ));
        assert!(matches!(
            error_of("v=1\n"),
            (1, SdpErrorReason::UnsupportedVersion(_))
        ));
        assert!(matches!(
            error_of(&format!("{head}m=audio 99999 RTP/AVP 0\n")),
            (4, SdpErrorReason::Malformed { line: 'm', .. })
        ));
        assert!(matches!(
            error_of(&format!("{head}t=0\n")),
            (4, SdpErrorReason::Malformed { line: 't', .. })
        ));
        assert!(matches!(
            error_of(&format!("{head}m=audio 1 RTP/AVP 0\na=rtpmap:0 PCMU\n")),
            (
                5,
                SdpErrorReason::BadAttribute {
                    attribute: "rtpmap",
                    ..
                }
            )
        ));
        assert!(matches!(
            error_of(&format!("{head}m=audio 1 RTP/AVP 0\na=ptime:abc\n")),
            (
                5,
                SdpErrorReason::BadAttribute {
                    attribute: "ptime",
                    ..
                }
            )
        ));
        assert_eq!(
            error_of(&format!("{head}m=audio 1 RTP/AVP 0\nt=0 0\n")),
            (5, SdpErrorReason::NotAllowedInMedia('t'))
        );
        assert_eq!(
            error_of(&format!("{head}x=1\n")),
            (4, SdpErrorReason::UnknownType('x'))
        );
        assert!(matches!(
            error_of(&format!("{head}just text\n")),
            (4, SdpErrorReason::NotATypeLine(_))
        ));
        assert_eq!(
            error_of(&format!("{head}s=again\n")),
            (4, SdpErrorReason::Duplicate('s'))
        );
        assert_eq!(
            error_of("v=0\ns=-\nt=0 0\n"),
            (3, SdpErrorReason::Missing('o'))
        );
        assert!(matches!(
            error_of("v=0\no=- x 1 IN IP4 a\ns=-\n"),
            (2, SdpErrorReason::Malformed { line: 'o', .. })
        ));
        let message = parse(&format!("{head}c=IN IP4\n")).unwrap_err().to_string();
        assert!(message.starts_with("SDP line 4: `c=` needs"), "{message}");
    }

    #[test]
    fn fractional_ptime_rounds_and_non_rtp_fmtp_is_kept() {
        let sdp = parse(
            "v=0\no=- 1 1 IN IP4 a\ns=-\nm=audio 1 RTP/AVP 0\na=ptime:20.0\n\
             m=application 9 UDP/DTLS/SCTP webrtc-datachannel\na=fmtp:webrtc-datachannel x=1\n",
        )
        .unwrap();
        assert_eq!(sdp.media[0].ptime(), Some(20));
        assert_eq!(
            sdp.media[1].other_attribute("fmtp"),
            Some(Some("webrtc-datachannel x=1"))
        );
    }

    #[test]
    fn hold_is_detected_three_ways() {
        let with = |extra: &str, address: &str| {
            parse(&format!(
                "v=0\no=- 1 1 IN IP4 a\ns=-\nc=IN IP4 {address}\nm=audio 1 RTP/AVP 0\n{extra}"
            ))
            .unwrap()
        };
        for (extra, address, hold) in [
            ("", "192.0.2.1", false),
            ("a=recvonly\n", "192.0.2.1", false),
            ("a=sendonly\n", "192.0.2.1", true),
            ("a=inactive\n", "192.0.2.1", true),
            ("", "0.0.0.0", true),
        ] {
            let sdp = with(extra, address);
            assert_eq!(sdp.is_hold(&sdp.media[0]), hold, "{extra:?} {address}");
        }
    }

    #[test]
    fn no_input_panics_and_what_parses_round_trips() {
        let mut state = 0x2545_f491_u32;
        let alphabet = b"vosicbtmak=: /\r\n0123456789INP4RTAV.-";
        for _ in 0..3000 {
            let text: String = (0..60)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    char::from(alphabet[state as usize % alphabet.len()])
                })
                .collect();
            for input in [
                format!("v=0\n{text}"),
                format!("{}{text}", &OFFER[..state as usize % OFFER.len()]),
            ] {
                // Whatever parses is written back to the same description.
                if let Ok(sdp) = parse(&input) {
                    assert_eq!(parse(&sdp.to_string()).as_ref(), Ok(&sdp), "{input:?}");
                }
            }
        }
    }
}
