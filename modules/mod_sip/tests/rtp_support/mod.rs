//! What the rtp_* tests share: streams on 127.0.0.1 and PCMU frames.
//!
//! Each test file takes its own port range so that test binaries running
//! side by side do not meet; waits are bounded by read timeouts and loop counts.

#![allow(dead_code)] // Each test file uses its own part of this.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::time::Duration;

use ferroswitch_abi::{CodecName, FrameFlags, FrameMeta};
use ferroswitch_media::rtp::{RtpHeader, RtpPacket};
use mod_sip::rtp::{NegotiatedMedia, PortAllocator, RtpConfig, RtpStream};

pub const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// Generous: a read returns within one packet time when the stream works.
pub const READ_TIMEOUT_MS: u32 = 2000;

pub fn config(port_min: u16, port_max: u16) -> RtpConfig {
    RtpConfig {
        bind_ip: LOCALHOST,
        port_min,
        port_max,
        media_timeout: Duration::from_secs(60),
    }
}

pub fn pcmu(remote: SocketAddr) -> NegotiatedMedia {
    NegotiatedMedia {
        remote,
        payload_type: 0,
        codec: "PCMU".into(),
        clock_rate: 8000,
        rate: 8000,
        ptime_ms: 20,
        telephone_event_pt: Some(101),
    }
}

pub fn frame(len: u32) -> FrameMeta {
    FrameMeta {
        codec: CodecName::new("PCMU"),
        len,
        rate: 8000,
        channels: 1,
        ptime_ms: 20,
        flags: FrameFlags::default(),
        timestamp: 0,
        seq: 0,
    }
}

/// Two streams started towards each other.
pub fn pair(port_min: u16, port_max: u16) -> (Arc<PortAllocator>, RtpStream, RtpStream) {
    let ports = Arc::new(PortAllocator::new(port_min, port_max));
    let config = config(port_min, port_max);
    let a = RtpStream::bind(&config, &ports).unwrap();
    let b = RtpStream::bind(&config, &ports).unwrap();
    a.start(pcmu(b.local_addr())).unwrap();
    b.start(pcmu(a.local_addr())).unwrap();
    (ports, a, b)
}

/// A plain socket standing in for a peer, NAT or stranger.
pub fn raw_socket() -> UdpSocket {
    let socket = UdpSocket::bind((LOCALHOST, 0)).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(u64::from(READ_TIMEOUT_MS))))
        .unwrap();
    socket
}

/// One PCMU packet as a peer would send it.
pub fn rtp_packet(ssrc: u32, sequence: u16, payload: &[u8]) -> Vec<u8> {
    let header = RtpHeader {
        marker: false,
        payload_type: 0,
        sequence,
        timestamp: u32::from(sequence) * 160,
        ssrc,
    };
    let mut out = Vec::new();
    header.append_packet(payload, &mut out).unwrap();
    out
}

/// Waits (bounded by the socket's timeout) for one RTP packet on `socket`.
pub fn receive_rtp(socket: &UdpSocket) -> (RtpHeader, Vec<u8>, SocketAddr) {
    let mut buf = [0u8; 2048];
    let (len, from) = socket
        .recv_from(&mut buf)
        .expect("an RTP packet within the timeout");
    let packet = RtpPacket::parse(&buf[..len]).unwrap();
    (packet.header, packet.payload.to_vec(), from)
}
