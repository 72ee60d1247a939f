//! Key presses sent by the RFC 4733 sender through a network that loses,
//! duplicates and reorders packets come out of the receiver as exactly one
//! digit per key press, with the duration the key was held.

mod common;

use std::time::{Duration, Instant};

use common::{Network, PTIME};
use ferroswitch_media::telephone_event::{DigitEvent, DtmfReceiver, DtmfSender, TelephoneEvent};

const DIGITS: &str = "0123456789*#ABCD";

struct Delivery {
    at: Instant,
    timestamp: u32,
    marker: bool,
    payload: [u8; 4],
}

/// What the network did to one key press, to know what to expect.
#[derive(Default, Clone, Copy)]
struct PressFate {
    delivered: usize,
    end_delivered: bool,
    longest_delivered: u16,
}

fn press_durations(seed: u64) -> Vec<Duration> {
    let mut rng = common::Rng::new(seed ^ 0xd7f0);
    (0..DIGITS.len())
        .map(|_| Duration::from_millis(40 + 20 * (rng.next_u64() % 12)))
        .collect()
}

fn run(seed: u64, loss: f64) -> (Vec<DigitEvent>, Vec<PressFate>, Vec<Duration>) {
    let start = Instant::now();
    let durations = press_durations(seed);
    let mut sender = DtmfSender::new(8000, PTIME);
    for (digit, duration) in DIGITS.chars().zip(&durations) {
        sender.send_digit(start, 160_000, digit, *duration).unwrap();
    }
    let mut network = Network::new(seed);
    network.delay = Duration::from_millis(30);
    network.jitter = Duration::from_millis(30);
    network.loss = loss;
    network.duplicate = 0.1;

    let mut fates = vec![PressFate::default(); DIGITS.len()];
    let mut timestamps = Vec::new();
    let mut deliveries = Vec::new();
    while let Some(at) = sender.poll_timeout() {
        while let Some(packet) = sender.poll_transmit(at) {
            if packet.marker {
                timestamps.push(packet.timestamp);
            }
            let press = timestamps.len() - 1;
            for arrival in network.arrivals(at) {
                let fate = &mut fates[press];
                fate.delivered += 1;
                fate.end_delivered |= packet.event.end;
                fate.longest_delivered = fate.longest_delivered.max(packet.event.duration);
                deliveries.push(Delivery {
                    at: arrival,
                    timestamp: packet.timestamp,
                    marker: packet.marker,
                    payload: packet.payload,
                });
            }
        }
    }
    deliveries.sort_by_key(|d| d.at);

    let mut receiver = DtmfReceiver::new(8000);
    let mut events = Vec::new();
    for delivery in &deliveries {
        if let Some(timeout) = receiver.poll_timeout() {
            if timeout <= delivery.at {
                receiver.handle_timeout(timeout);
            }
        }
        receiver
            .handle_packet(
                delivery.at,
                delivery.timestamp,
                delivery.marker,
                &delivery.payload,
            )
            .unwrap();
        events.extend(std::iter::from_fn(|| receiver.poll_event()));
    }
    if let Some(timeout) = receiver.poll_timeout() {
        receiver.handle_timeout(timeout);
    }
    events.extend(std::iter::from_fn(|| receiver.poll_event()));
    (events, fates, durations)
}

fn check(seed: u64, loss: f64) {
    let (events, fates, durations) = run(seed, loss);
    let expected: Vec<(char, PressFate, Duration)> = DIGITS
        .chars()
        .zip(fates)
        .zip(durations)
        .map(|((digit, fate), duration)| (digit, fate, duration))
        .filter(|(_, fate, _)| fate.delivered > 0)
        .collect();
    let digits: String = events.iter().map(|e| e.digit).collect();
    let wanted: String = expected.iter().map(|(digit, _, _)| *digit).collect();
    assert_eq!(digits, wanted, "seed {seed}: one digit per key press");
    for (event, (_, fate, pressed)) in events.iter().zip(&expected) {
        if fate.end_delivered {
            assert_eq!(
                event.duration, *pressed,
                "seed {seed}: digit {}",
                event.digit
            );
        } else {
            // Every end packet lost: the longest duration that arrived.
            let heard = Duration::from_micros(u64::from(fate.longest_delivered) * 125);
            assert_eq!(event.duration, heard, "seed {seed}: digit {}", event.digit);
        }
    }
}

#[test]
fn a_clean_network_delivers_every_digit_with_its_duration() {
    check(1, 0.0);
    let (events, _, durations) = run(1, 0.0);
    let got: Vec<Duration> = events.iter().map(|e| e.duration).collect();
    assert_eq!(got, durations);
}

#[test]
fn one_digit_per_key_press_through_loss_duplication_and_reordering() {
    for seed in 0..40 {
        check(seed, 0.2);
    }
}

#[test]
fn heavy_loss_still_never_doubles_a_digit() {
    for seed in 100..120 {
        check(seed, 0.5);
    }
}

#[test]
fn the_payload_on_the_wire_is_what_the_receiver_reads() {
    let now = Instant::now();
    let mut sender = DtmfSender::new(8000, PTIME);
    sender
        .send_digit(now, 7, '#', Duration::from_millis(60))
        .unwrap();
    let packet = sender.poll_transmit(now).unwrap();
    assert_eq!(
        TelephoneEvent::parse(&packet.payload).unwrap(),
        packet.event
    );
    assert_eq!(packet.payload[0], 11);
}
