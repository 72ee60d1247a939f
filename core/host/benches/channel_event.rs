//! What one channel event costs the call thread that fires it: a CHANNEL_STATE event stamped
//! with the bus's envelope headers and built from a loopback-like channel (caller profile,
//! times, 24 variables), as `SessionInner::fire_event` does before handing it to handlers,
//! then dropped as the bus drops it after delivery (its header list kept for the next).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ferroswitch_abi::{CallerProfile, ChannelState};
use ferroswitch_core::events::{recycle, EventBus};
use ferroswitch_core::session::{channel_data_event, ChannelData, Direction};

const UUID: &str = "6f1c3e2a-8d4b-4c1e-9a7f-2b3c4d5e6f70";

fn loopback_channel() -> ChannelData {
    let profile = CallerProfile {
        dialplan: "inline".into(),
        caller_id_name: "Outbound Call".into(),
        caller_id_number: "0000000000".into(),
        destination_number: "answer;park".into(),
        source: "mod_loopback".into(),
        context: "default".into(),
        chan_name: "loopback/answer;park-a".into(),
        uuid: UUID.into(),
        ..CallerProfile::default()
    };
    let mut channel = ChannelData::new(
        "loopback/answer;park-a".into(),
        Direction::Outbound,
        profile,
        UUID,
        1_700_000_000_000_000,
    );
    channel.state = ChannelState::Execute;
    for (name, value) in [
        ("direction", "outbound"),
        ("uuid", UUID),
        ("session_id", "42"),
        ("channel_name", "loopback/answer;park-a"),
        ("call_uuid", UUID),
        ("origination_caller_id_name", "Outbound Call"),
        ("origination_caller_id_number", "0000000000"),
        ("loopback_leg", "A"),
        ("loopback_bowout", "true"),
        ("other_loopback_leg_uuid", UUID),
        ("is_outbound", "true"),
        ("originate_early_media", "true"),
        ("answer_epoch", "1700000000"),
        ("answer_uepoch", "1700000000000000"),
        ("current_application", "park"),
        ("current_application_data", ""),
        ("dialed_extension", "answer;park"),
        ("read_codec", "L16"),
        ("read_rate", "8000"),
        ("write_codec", "L16"),
        ("write_rate", "8000"),
        ("sip_from_user", "0000000000"),
        ("presence_id", "1000@127.0.0.1"),
        ("last_app", "answer"),
    ] {
        channel.set_variable(name, Some(value));
    }
    channel
}

fn channel_event(c: &mut Criterion) {
    let channel = loopback_channel();
    let bus = EventBus::new(UUID.into(), "bench-host".into());
    c.bench_function("CHANNEL_STATE built and enveloped", |b| {
        b.iter(|| {
            let event = channel_data_event(&bus, black_box(&channel), UUID, "CHANNEL_STATE");
            recycle(black_box(event).into_event().headers);
        })
    });
}

criterion_group!(benches, channel_event);
criterion_main!(benches);
