//! One write_frame on a stream plus the read_frame that receives it on
//! another, over loopback: the per-frame cost of a same-codec bridge hop.
//!
//! The reader paces on arrival (`Pacing::Arrival`): with the default clock
//! pacing a read waits for its packet time and this would measure 20 ms.

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use ferroswitch_abi::{CodecName, FrameFlags, FrameMeta};
use mod_sip::rtp::{NegotiatedMedia, Pacing, PortAllocator, RtpConfig, RtpStream};

fn pcmu(remote: std::net::SocketAddr) -> NegotiatedMedia {
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

fn round_trip(c: &mut Criterion) {
    let config = RtpConfig {
        bind_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port_min: 43000,
        port_max: 43099,
        media_timeout: Duration::from_secs(60),
    };
    let ports = Arc::new(PortAllocator::new(config.port_min, config.port_max));
    let a = RtpStream::bind(&config, &ports).unwrap();
    let b = RtpStream::bind(&config, &ports).unwrap();
    a.start(pcmu(b.local_addr())).unwrap();
    b.start(pcmu(a.local_addr())).unwrap();
    b.set_pacing(Pacing::Arrival);
    let meta = FrameMeta {
        codec: CodecName::new("PCMU"),
        len: 160,
        rate: 8000,
        channels: 1,
        ptime_ms: 20,
        flags: FrameFlags::default(),
        timestamp: 0,
        seq: 0,
    };
    let payload = [0x55u8; 160];
    let mut buf = [0u8; 1500];

    c.bench_function("rtp_write_read_pcmu_160B", |bench| {
        bench.iter(|| {
            a.write_frame(&meta, black_box(&payload)).unwrap();
            b.read_frame(&mut buf, 1000).unwrap().len
        })
    });
    let stats = b.stats();
    assert_eq!(
        stats.concealed, 0,
        "every frame written was read: {stats:?}"
    );
}

criterion_group!(benches, round_trip);
criterion_main!(benches);
