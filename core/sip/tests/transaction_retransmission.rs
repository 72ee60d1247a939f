//! Client retransmission schedules and timeouts (RFC 3261 §17.1.1.2, §17.1.2.2) on a
//! virtual clock: Timer A doubles without bound until Timer B, Timer E doubles up to T2
//! until Timer F, and reliable transports retransmit nothing.

mod common;

use std::time::{Duration, Instant};

use common::{drain_events, drain_transmits, peer, request, BOB};
use ferroswitch_sip::message::Method;
use ferroswitch_sip::transaction::{Event, Timer, TimerConfig, TransactionLayer, Transport};

/// Sends `method` into the void and records when each copy left, until the layer is idle.
fn sends_until_timeout(method: Method, transport: Transport) -> (Vec<Duration>, Vec<Event>) {
    let mut layer = TransactionLayer::new(TimerConfig::default(), 7);
    let start = Instant::now();
    let req = request(&mut layer, method, transport);
    layer
        .send_request(start, req, peer(BOB, transport))
        .unwrap();
    let mut sent = vec![Duration::ZERO; drain_transmits(&mut layer).len()];
    let mut events = Vec::new();
    while let Some(at) = layer.poll_timeout() {
        layer.handle_timeout(at);
        sent.extend(drain_transmits(&mut layer).iter().map(|_| at - start));
        events.extend(drain_events(&mut layer));
    }
    (sent, events)
}

fn secs(v: &[f64]) -> Vec<Duration> {
    v.iter().map(|&s| Duration::from_secs_f64(s)).collect()
}

#[test]
fn invite_retransmits_on_timer_a_doubling_until_timer_b() {
    let (sent, events) = sends_until_timeout(Method::Invite, Transport::Udp);
    // Copies at 0, then after 0.5, 1, 2, 4, 8, 16 s (cumulative); Timer B at 32 s.
    assert_eq!(sent, secs(&[0.0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5]));
    assert!(matches!(
        events[0],
        Event::Timeout {
            timer: Timer::B,
            ..
        }
    ));
    assert!(matches!(events[1], Event::Terminated { .. }));
}

#[test]
fn non_invite_retransmits_on_timer_e_capped_at_t2_until_timer_f() {
    let (sent, events) = sends_until_timeout(Method::Options, Transport::Udp);
    // Intervals 0.5, 1, 2, 4, then 4 s each (T2) until Timer F at 32 s.
    assert_eq!(
        sent,
        secs(&[0.0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5])
    );
    assert!(matches!(
        events[0],
        Event::Timeout {
            timer: Timer::F,
            ..
        }
    ));
}

#[test]
fn reliable_transports_send_once_and_still_time_out() {
    let (sent, events) = sends_until_timeout(Method::Invite, Transport::Tcp);
    assert_eq!(sent, secs(&[0.0]));
    assert!(matches!(
        events[0],
        Event::Timeout {
            timer: Timer::B,
            ..
        }
    ));
    let (sent, _) = sends_until_timeout(Method::Register, Transport::Tls);
    assert_eq!(sent, secs(&[0.0]));
}

#[test]
fn configured_t1_scales_the_schedule() {
    let config = TimerConfig::from_t1_t2_t4(
        Duration::from_millis(100),
        Duration::from_millis(400),
        Duration::from_secs(1),
    );
    let mut layer = TransactionLayer::new(config, 1);
    let start = Instant::now();
    let req = request(&mut layer, Method::Options, Transport::Udp);
    layer
        .send_request(start, req, peer(BOB, Transport::Udp))
        .unwrap();
    assert_eq!(
        layer.poll_timeout(),
        Some(start + Duration::from_millis(100))
    );
    let mut timeouts = Vec::new();
    while let Some(at) = layer.poll_timeout() {
        layer.handle_timeout(at);
        timeouts.extend(
            drain_events(&mut layer)
                .into_iter()
                .filter_map(|e| match e {
                    Event::Timeout { timer, .. } => Some((timer, at - start)),
                    _ => None,
                }),
        );
    }
    assert_eq!(timeouts, [(Timer::F, Duration::from_millis(6400))]);
}
