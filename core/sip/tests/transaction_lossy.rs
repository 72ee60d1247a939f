//! Transactions complete over a link that loses 30% of datagrams (seeded, so every run is the
//! same): retransmissions on both sides carry INVITE/486/ACK, INVITE/200/ACK and OPTIONS/200.

mod common;

use common::{peer, request, Pair, BOB};
use ferroswitch_sip::message::{response_to, set_to_tag, Message, Method, Request};
use ferroswitch_sip::transaction::{Event, Transport};

const LOSS: f64 = 0.3;
const SEEDS: std::ops::Range<u64> = 0..20;

/// Plays the TUs: Bob answers each new request with `status`; Alice ACKs every 2xx (the ACK
/// for a 2xx is the TU's job, RFC 3261 §13.2.2.4). Runs until both layers are idle.
fn run(pair: &mut Pair, status: u16) {
    let (mut seen_alice, mut seen_bob) = (0, 0);
    loop {
        pair.settle();
        for event in &pair.bob_events[seen_bob..] {
            if let Event::Request { id, request, .. } = event {
                let mut resp = response_to(request, status, "Answer");
                set_to_tag(&mut resp.headers, "bob");
                pair.bob.send_response(pair.now, *id, resp).unwrap();
            }
        }
        seen_bob = pair.bob_events.len();
        for event in &pair.alice_events[seen_alice..] {
            if let Event::Response { id, response } = event {
                if response.status / 100 == 2
                    && response.headers.cseq().unwrap().method == Method::Invite
                {
                    let invite = pair.alice.request(*id).unwrap().clone();
                    pair.alice.send_stateless(
                        &Message::Request(ack_2xx(&invite, response)),
                        peer(BOB, Transport::Udp),
                    );
                }
            }
        }
        seen_alice = pair.alice_events.len();
        pair.settle();
        if !pair.step() {
            break;
        }
    }
}

fn ack_2xx(invite: &Request, ok: &ferroswitch_sip::message::Response) -> Request {
    let mut ack = Request::new(Method::Ack, invite.uri.clone());
    ack.headers
        .push("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKack");
    for name in ["From", "Call-ID"] {
        ack.headers.push(name, invite.headers.get(name).unwrap());
    }
    ack.headers.push("To", ok.headers.get("To").unwrap());
    ack.headers.push(
        "CSeq",
        format!("{} ACK", invite.headers.cseq().unwrap().seq),
    );
    ack
}

fn final_statuses(events: &[Event]) -> Vec<u16> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Response { response, .. } if response.status >= 200 => Some(response.status),
            _ => None,
        })
        .collect()
}

fn timeouts(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::Timeout { .. }))
        .count()
}

#[test]
fn invite_rejected_with_486_completes_and_is_acked_despite_loss() {
    let mut lost = 0;
    for seed in SEEDS {
        let mut pair = Pair::new(LOSS, seed);
        let invite = request(&mut pair.alice, Method::Invite, Transport::Udp);
        pair.alice
            .send_request(pair.now, invite, peer(BOB, Transport::Udp))
            .unwrap();
        run(&mut pair, 486);
        assert_eq!(final_statuses(&pair.alice_events), [486], "seed {seed}");
        assert_eq!(
            timeouts(&pair.alice_events) + timeouts(&pair.bob_events),
            0,
            "seed {seed}: Timer B or H fired"
        );
        assert!(pair.alice.is_empty() && pair.bob.is_empty(), "seed {seed}");
        lost += pair.lost;
    }
    assert!(lost > 0, "the link lost something");
}

#[test]
fn invite_answered_with_200_is_acked_despite_loss() {
    for seed in SEEDS {
        let mut pair = Pair::new(LOSS, seed);
        let invite = request(&mut pair.alice, Method::Invite, Transport::Udp);
        pair.alice
            .send_request(pair.now, invite, peer(BOB, Transport::Udp))
            .unwrap();
        run(&mut pair, 200);
        let finals = final_statuses(&pair.alice_events);
        assert!(
            !finals.is_empty() && finals.iter().all(|&s| s == 200),
            "seed {seed}: {finals:?}"
        );
        assert!(
            pair.bob_events.iter().any(|e| matches!(
                e,
                Event::Ack {
                    invite: Some(_),
                    ..
                }
            )),
            "seed {seed}: the ACK reached Bob"
        );
        assert_eq!(timeouts(&pair.bob_events), 0, "seed {seed}: Timer L fired");
    }
}

#[test]
fn options_completes_despite_loss() {
    for seed in SEEDS {
        let mut pair = Pair::new(LOSS, seed);
        let options = request(&mut pair.alice, Method::Options, Transport::Udp);
        pair.alice
            .send_request(pair.now, options, peer(BOB, Transport::Udp))
            .unwrap();
        run(&mut pair, 200);
        assert_eq!(final_statuses(&pair.alice_events), [200], "seed {seed}");
        let requests = pair
            .bob_events
            .iter()
            .filter(|e| matches!(e, Event::Request { .. }))
            .count();
        assert_eq!(requests, 1, "seed {seed}: retransmissions reached the TU");
    }
}
