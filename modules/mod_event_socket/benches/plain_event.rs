//! What one event costs mod_event_socket with one `event plain ALL` client: the hub routing it
//! and rendering its plain message on the firing thread, for an event shaped like a
//! CHANNEL_STATE (envelope, channel and caller-profile headers, 24 variables); and the
//! rendering alone, into a reused buffer as the hub's buffers are.

use std::hint::black_box;
use std::net::{TcpListener, TcpStream};

use criterion::{criterion_group, criterion_main, Criterion};
use ferroswitch_abi::Event;
use mod_event_socket::format::EventFormat;
use mod_event_socket::hub::{Hub, Outgoing};
use mod_event_socket::subscription::ListenerState;

fn channel_state_event() -> Event {
    let mut event = Event::new("CHANNEL_STATE");
    let uuid = "6f1c3e2a-8d4b-4c1e-9a7f-2b3c4d5e6f70";
    event
        .add_header("Event-Name", "CHANNEL_STATE")
        .add_header("Core-UUID", uuid)
        .add_header("FreeSWITCH-Hostname", "bench-host")
        .add_header("FreeSWITCH-Switchname", "bench-host")
        .add_header("FreeSWITCH-IPv4", "127.0.0.1")
        .add_header("FreeSWITCH-IPv6", "::1")
        .add_header("Event-Date-Local", "2026-11-23 15:09:24")
        .add_header("Event-Date-GMT", "Mon, 23 Nov 2026 15:09:24 GMT")
        .add_header("Event-Date-Timestamp", "1700000000000000")
        .add_header("Event-Calling-File", "ferroswitch")
        .add_header("Event-Calling-Function", "core")
        .add_header("Event-Calling-Line-Number", "0")
        .add_header("Event-Sequence", "12345")
        .add_header("Channel-State", "CS_EXECUTE")
        .add_header("Channel-Call-State", "ACTIVE")
        .add_header("Channel-State-Number", "4")
        .add_header("Channel-Name", "loopback/answer;park-a")
        .add_header("Unique-ID", uuid)
        .add_header("Call-Direction", "outbound")
        .add_header("Presence-Call-Direction", "outbound")
        .add_header("Channel-HIT-Dialplan", "true")
        .add_header("Channel-Call-UUID", uuid)
        .add_header("Answer-State", "answered");
    for index in 0..36 {
        event.add_header(&format!("Caller-Header-{index}"), "some value 1000@host");
    }
    for index in 0..24 {
        event.add_header(&format!("variable_name_{index}"), "value;with=unsafe chars");
    }
    event
}

fn plain_client(hub: &Hub) -> (std::sync::mpsc::Receiver<Outgoing>, TcpStream, TcpStream) {
    let server = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let client = TcpStream::connect(server.local_addr().expect("bound")).expect("connects");
    let (accepted, _) = server.accept().expect("accepts");
    let mut state = ListenerState::default();
    state.subscription.enabled = true;
    state.subscription.add("ALL");
    let (_listener, queue) = hub
        .register(&accepted, "bench".into(), state, 1_000_000)
        .expect("registered");
    (queue, accepted, client)
}

fn plain_event(c: &mut Criterion) {
    let event = channel_state_event();
    let hub = Hub::default();
    let (queue, _server, _client) = plain_client(&hub);
    c.bench_function("plain event routed and rendered for one client", |b| {
        b.iter(|| {
            hub.handle_event(black_box(&event));
            match queue.try_recv() {
                Ok(Outgoing::Event(message)) => {
                    black_box(message.text().len());
                }
                _ => unreachable!("the client subscribed to ALL"),
            }
        })
    });
    let mut buffer = String::new();
    c.bench_function("plain message of one event", |b| {
        b.iter(|| {
            black_box(mod_event_socket::format::envelope_into(
                &mut buffer,
                EventFormat::Plain,
                black_box(&event),
            ))
        })
    });
}

criterion_group!(benches, plain_event);
criterion_main!(benches);
