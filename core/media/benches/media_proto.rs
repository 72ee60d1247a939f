//! Per-packet costs on the media path: RTP parse and build, a jitter
//! buffer push + pop in steady state, and (per call, not per packet) SDP
//! parsing and answering.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use ferroswitch_media::jitter::{JitterBuffer, JitterConfig, Popped};
use ferroswitch_media::rtp::{RtpHeader, RtpPacket};
use ferroswitch_media::sdp::{
    Codec, CodecPolicy, Direction, LocalMedia, OfferAnswer, SessionDescription,
};

const PTIME: Duration = Duration::from_millis(20);

fn header(sequence: u16) -> RtpHeader {
    RtpHeader {
        marker: false,
        payload_type: 0,
        sequence,
        timestamp: u32::from(sequence) * 160,
        ssrc: 0x1234_5678,
    }
}

fn rtp(c: &mut Criterion) {
    let payload = [0x55u8; 160];
    let mut datagram = [0u8; 1500];
    let len = header(7).write_packet(&payload, &mut datagram).unwrap();

    c.bench_function("rtp_parse_172B", |b| {
        b.iter(|| {
            RtpPacket::parse(black_box(&datagram[..len]))
                .unwrap()
                .header
                .sequence
        })
    });
    let mut out = [0u8; 1500];
    let mut sequence = 0u16;
    c.bench_function("rtp_build_172B", |b| {
        b.iter(|| {
            sequence = sequence.wrapping_add(1);
            header(sequence)
                .write_packet(black_box(&payload), &mut out)
                .unwrap()
        })
    });
    let mut sequence = 0u16;
    c.bench_function("rtp_build_then_parse_172B", |b| {
        b.iter(|| {
            sequence = sequence.wrapping_add(1);
            let n = header(sequence)
                .write_packet(black_box(&payload), &mut out)
                .unwrap();
            RtpPacket::parse(&out[..n]).unwrap().payload.len()
        })
    });
}

fn jitter(c: &mut Criterion) {
    let payload = [0x55u8; 160];
    let start = Instant::now();
    let mut config = JitterConfig::new(8000, PTIME);
    config.min_depth_frames = 3;
    let mut jb = JitterBuffer::new(config).unwrap();
    let mut n = 0u32;
    c.bench_function("jitter_push_pop_per_packet", |b| {
        b.iter(|| {
            // Every 16th packet arrives a frame late, so reordering is exercised.
            let sequence = n as u16;
            let late = if n % 16 == 5 { PTIME } else { Duration::ZERO };
            let at = start + PTIME * n + late;
            jb.push(&header(sequence), black_box(&payload), at);
            n = n.wrapping_add(1);
            match jb.pop(at + Duration::from_millis(3)) {
                Popped::Frame(frame) => frame.payload.len(),
                Popped::Lost { .. } => 1,
                Popped::Empty => 0,
            }
        })
    });
}

fn sdp(c: &mut Criterion) {
    let text = "v=0\r\no=FreeSWITCH 1700000000 1700000001 IN IP4 203.0.113.10\r\ns=FreeSWITCH\r\n\
        c=IN IP4 203.0.113.10\r\nt=0 0\r\nm=audio 16384 RTP/AVP 102 9 0 8 101 13\r\n\
        a=rtpmap:102 opus/48000/2\r\na=fmtp:102 useinbandfec=1; maxaveragebitrate=30000\r\n\
        a=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n\
        a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=rtpmap:13 CN/8000\r\n\
        a=ptime:20\r\na=sendrecv\r\na=rtcp:16385 IN IP4 203.0.113.10\r\n";
    c.bench_function("sdp_parse_offer", |b| {
        b.iter(|| SessionDescription::parse(black_box(text)).unwrap())
    });
    let offer = SessionDescription::parse(text).unwrap();
    let local = LocalMedia {
        address: "192.0.2.1".parse().unwrap(),
        port: 20000,
        codecs: vec![Codec::pcmu(), Codec::pcma()],
        telephone_event: Some(101),
        ptime: Some(20),
        direction: Direction::SendRecv,
        rtcp_mux: false,
    };
    c.bench_function("sdp_answer_and_write", |b| {
        b.iter(|| {
            let mut oa = OfferAnswer::new(local.clone(), 1);
            let (answer, _) = oa
                .handle_offer(black_box(&offer), CodecPolicy::Greedy)
                .unwrap();
            answer.to_string()
        })
    });
}

criterion_group!(benches, rtp, jitter, sdp);
criterion_main!(benches);
