//! Parse + validate of a typical INVITE with SDP, as the endpoint does for every datagram.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use ferroswitch_sip::message::{receive_datagram, Message, Policy, Verdict};

const INVITE: &[u8] = b"INVITE sip:1000@192.0.2.10:5060 SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.20:5060;rport;branch=z9hG4bK-524287-1---3a5c0d0b1d5d9c8e\r\n\
Max-Forwards: 70\r\n\
Contact: <sip:1001@192.0.2.20:5060;transport=udp>\r\n\
To: <sip:1000@192.0.2.10>\r\n\
From: \"Alice\" <sip:1001@192.0.2.10>;tag=9fxced76sl\r\n\
Call-ID: 3848276298220188511@192.0.2.20\r\n\
CSeq: 1 INVITE\r\n\
Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE\r\n\
Content-Type: application/sdp\r\n\
Supported: replaces, norefersub, timer\r\n\
User-Agent: Zoiper rv2.10.19.6\r\n\
Allow-Events: presence, kpml, talk\r\n\
Content-Length: 243\r\n\
\r\n\
v=0\r\n\
o=Z 0 0 IN IP4 192.0.2.20\r\n\
s=Z\r\n\
c=IN IP4 192.0.2.20\r\n\
t=0 0\r\n\
m=audio 8000 RTP/AVP 0 8 101\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=sendrecv\r\n\
a=ptime:20\r\n\
a=maxptime:150\r\n\
a=rtcp-mux\r\n";

fn parse_and_validate(c: &mut Criterion) {
    let policy = Policy::default();
    assert!(matches!(
        receive_datagram(INVITE, &policy),
        Verdict::Request(_)
    ));
    c.bench_function("receive_datagram INVITE+SDP", |b| {
        b.iter(|| receive_datagram(black_box(INVITE), &policy))
    });
    // The split without header validation, to show what validation adds.
    c.bench_function("Message::parse INVITE+SDP", |b| {
        b.iter(|| Message::parse(black_box(INVITE)))
    });
}

criterion_group!(benches, parse_and_validate);
criterion_main!(benches);
