//! Shared scaffolding for the scenario tests: request builders and a virtual network.

#![allow(dead_code)] // Each test file uses a different part.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ferroswitch_sip::message::{
    receive_datagram, NameAddr, NewRequest, Policy, Request, Uri, Verdict, Via,
};
use ferroswitch_sip::transaction::{
    Event, Peer, TimerConfig, TransactionLayer, Transmit, Transport,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub const ALICE: &str = "192.0.2.1:5060";
pub const BOB: &str = "192.0.2.2:5060";

pub fn peer(addr: &str, transport: Transport) -> Peer {
    Peer {
        transport,
        addr: addr.parse::<SocketAddr>().expect("test address"),
    }
}

/// A request from Alice to Bob, with a fresh branch from `layer`.
pub fn request(
    layer: &mut TransactionLayer,
    method: ferroswitch_sip::message::Method,
    transport: Transport,
) -> Request {
    let branch = layer.next_branch();
    let tag = layer.next_tag();
    NewRequest {
        method,
        uri: Uri::parse("sip:bob@192.0.2.2").unwrap(),
        via: Via::new(transport.as_via_token(), "192.0.2.1", Some(5060), &branch),
        from: NameAddr::new(Uri::parse("sip:alice@192.0.2.1").unwrap()).with_tag(&tag),
        to: NameAddr::new(Uri::parse("sip:bob@192.0.2.2").unwrap()),
        call_id: format!("call-{tag}"),
        seq: 1,
        contact: Some(NameAddr::new(Uri::parse("sip:alice@192.0.2.1").unwrap())),
    }
    .build()
}

/// Parses a transmitted payload as the far end's endpoint would.
pub fn deliver(layer: &mut TransactionLayer, now: Instant, transmit: &Transmit, source: Peer) {
    match receive_datagram(&transmit.payload, &Policy::default()) {
        Verdict::Request(r) => layer.handle_request(now, r, source),
        Verdict::Response(r) => layer.handle_response(now, r, source),
        other => panic!("the layer sent something invalid: {other:?}"),
    }
}

pub fn drain_transmits(layer: &mut TransactionLayer) -> Vec<Transmit> {
    std::iter::from_fn(|| layer.poll_transmit()).collect()
}

pub fn drain_events(layer: &mut TransactionLayer) -> Vec<Event> {
    std::iter::from_fn(|| layer.poll_event()).collect()
}

/// The first line of a payload, for readable assertions.
pub fn start_line(t: &Transmit) -> String {
    String::from_utf8_lossy(&t.payload)
        .lines()
        .next()
        .unwrap_or("")
        .to_owned()
}

/// Two layers (Alice the client, Bob the server) joined by a UDP link that loses each
/// datagram with probability `loss`, on a virtual clock that jumps to the next wake-up.
pub struct Pair {
    pub now: Instant,
    pub alice: TransactionLayer,
    pub bob: TransactionLayer,
    pub alice_events: Vec<Event>,
    pub bob_events: Vec<Event>,
    loss: f64,
    rng: StdRng,
    pub delivered: usize,
    pub lost: usize,
}

impl Pair {
    pub fn new(loss: f64, seed: u64) -> Pair {
        Pair {
            now: Instant::now(),
            alice: TransactionLayer::new(TimerConfig::default(), seed),
            bob: TransactionLayer::new(TimerConfig::default(), seed + 1),
            alice_events: Vec::new(),
            bob_events: Vec::new(),
            loss,
            rng: StdRng::seed_from_u64(seed + 2),
            delivered: 0,
            lost: 0,
        }
    }

    /// Moves every queued datagram across the link (dropping some), collecting events,
    /// until both sides are quiet.
    pub fn settle(&mut self) {
        loop {
            let from_alice = drain_transmits(&mut self.alice);
            let from_bob = drain_transmits(&mut self.bob);
            if from_alice.is_empty() && from_bob.is_empty() {
                break;
            }
            for t in from_alice {
                if self.rng.random_bool(self.loss) {
                    self.lost += 1;
                } else {
                    self.delivered += 1;
                    deliver(&mut self.bob, self.now, &t, peer(ALICE, Transport::Udp));
                }
            }
            for t in from_bob {
                if self.rng.random_bool(self.loss) {
                    self.lost += 1;
                } else {
                    self.delivered += 1;
                    deliver(&mut self.alice, self.now, &t, peer(BOB, Transport::Udp));
                }
            }
        }
        self.alice_events.extend(drain_events(&mut self.alice));
        self.bob_events.extend(drain_events(&mut self.bob));
    }

    /// Jumps the clock to the earliest wake-up of either side and fires it.
    /// Returns false when neither side has a timer left.
    pub fn step(&mut self) -> bool {
        let next = [self.alice.poll_timeout(), self.bob.poll_timeout()]
            .into_iter()
            .flatten()
            .min();
        let Some(next) = next else { return false };
        self.now = self.now.max(next);
        self.alice.handle_timeout(self.now);
        self.bob.handle_timeout(self.now);
        self.settle();
        true
    }

    pub fn elapsed_since(&self, start: Instant) -> Duration {
        self.now - start
    }
}
