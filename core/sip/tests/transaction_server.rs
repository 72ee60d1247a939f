//! Server transactions on a virtual clock: absorbing retransmitted requests, Timer G/H,
//! ACK matching, CANCEL matching, 2xx retransmission until the ACK, RFC 2543 fallback.

mod common;

use std::time::{Duration, Instant};

use common::{drain_events, drain_transmits, peer, request, start_line, ALICE};
use ferroswitch_sip::message::{
    receive_datagram, response_to, set_to_tag, Message, Method, Policy, Request, Verdict,
};
use ferroswitch_sip::transaction::{
    cancel_for, Event, Timer, TimerConfig, TransactionId, TransactionLayer, Transport,
};

fn bob() -> TransactionLayer {
    TransactionLayer::new(TimerConfig::default(), 99)
}

fn from_alice() -> ferroswitch_sip::transaction::Peer {
    peer(ALICE, Transport::Udp)
}

/// Hands `request` to Bob and returns the id of the new server transaction.
fn arrive(bob: &mut TransactionLayer, now: Instant, request: &Request) -> Option<TransactionId> {
    bob.handle_request(now, request.clone(), from_alice());
    drain_events(bob).into_iter().find_map(|e| match e {
        Event::Request { id, .. } => Some(id),
        _ => None,
    })
}

fn answer(bob: &mut TransactionLayer, now: Instant, id: TransactionId, status: u16) {
    let mut resp = response_to(bob.request(id).unwrap(), status, "Status");
    set_to_tag(&mut resp.headers, "bobtag");
    bob.send_response(now, id, resp).unwrap();
}

fn invite() -> Request {
    let mut scratch = TransactionLayer::new(TimerConfig::default(), 5);
    request(&mut scratch, Method::Invite, Transport::Udp)
}

#[test]
fn duplicate_invites_are_absorbed_and_get_the_last_response_again() {
    let (mut bob, now, invite) = (bob(), Instant::now(), invite());
    let id = arrive(&mut bob, now, &invite).expect("a new transaction");
    let sent = drain_transmits(&mut bob);
    assert_eq!(start_line(&sent[0]), "SIP/2.0 100 Trying");

    assert_eq!(
        arrive(&mut bob, now, &invite),
        None,
        "not a new request for the TU"
    );
    assert_eq!(
        start_line(&drain_transmits(&mut bob)[0]),
        "SIP/2.0 100 Trying"
    );

    answer(&mut bob, now, id, 180);
    drain_transmits(&mut bob);
    assert_eq!(arrive(&mut bob, now, &invite), None);
    assert_eq!(
        start_line(&drain_transmits(&mut bob)[0]),
        "SIP/2.0 180 Status"
    );
    assert_eq!(bob.len(), 1);
}

#[test]
fn a_final_non_2xx_retransmits_on_timer_g_until_timer_h() {
    let (mut bob, start, invite) = (bob(), Instant::now(), invite());
    let id = arrive(&mut bob, start, &invite).unwrap();
    answer(&mut bob, start, id, 486);
    drain_transmits(&mut bob);
    let mut resent = Vec::new();
    let mut events = Vec::new();
    while let Some(at) = bob.poll_timeout() {
        bob.handle_timeout(at);
        resent.extend(
            drain_transmits(&mut bob)
                .iter()
                .map(|_| (at - start).as_secs_f64()),
        );
        events.extend(drain_events(&mut bob));
    }
    assert_eq!(
        resent,
        [0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]
    );
    assert_eq!(
        events[0],
        Event::Timeout {
            id,
            timer: Timer::H
        }
    );
}

#[test]
fn the_ack_stops_timer_g_and_timer_i_ends_the_transaction() {
    let (mut bob, start, invite) = (bob(), Instant::now(), invite());
    let id = arrive(&mut bob, start, &invite).unwrap();
    answer(&mut bob, start, id, 603);
    let final_response = drain_transmits(&mut bob).pop().unwrap();
    let Verdict::Response(resp) = receive_datagram(&final_response.payload, &Policy::default())
    else {
        panic!("bad response")
    };
    // Alice's client transaction would build this ACK; build it the same way by hand.
    let mut ack = Request::new(Method::Ack, invite.uri.clone());
    for name in ["Via", "From", "Call-ID"] {
        ack.headers.push(name, invite.headers.get(name).unwrap());
    }
    ack.headers.push("To", resp.headers.get("To").unwrap());
    ack.headers.push("CSeq", "1 ACK");
    let t = start + Duration::from_millis(200);
    bob.handle_request(t, ack.clone(), from_alice());
    // A retransmitted ACK is absorbed too.
    bob.handle_request(t, ack, from_alice());
    assert!(
        drain_events(&mut bob).is_empty(),
        "the ACK of a non-2xx stays in the transaction"
    );
    assert_eq!(
        bob.poll_timeout(),
        Some(t + Duration::from_secs(5)),
        "Timer I = T4"
    );
    bob.handle_timeout(t + Duration::from_secs(5));
    assert!(drain_transmits(&mut bob).is_empty());
    assert_eq!(drain_events(&mut bob), [Event::Terminated { id }]);
    assert!(bob.is_empty());
}

#[test]
fn cancel_finds_its_pending_invite_and_nothing_else() {
    let (mut bob, now, invite) = (bob(), Instant::now(), invite());
    let invite_id = arrive(&mut bob, now, &invite).unwrap();
    let cancel = cancel_for(&invite);
    bob.handle_request(now, cancel.clone(), from_alice());
    let events = drain_events(&mut bob);
    let Some(Event::Cancel {
        id: cancel_id,
        invite: Some(found),
        ..
    }) = events.first()
    else {
        panic!("{events:?}")
    };
    assert_eq!(*found, invite_id);
    assert_ne!(*cancel_id, invite_id, "CANCEL has its own transaction");
    answer(&mut bob, now, *cancel_id, 200);
    answer(&mut bob, now, invite_id, 487);
}

#[test]
fn cancel_after_the_final_response_or_for_an_unknown_invite_finds_nothing() {
    let (mut bob, now, invite) = (bob(), Instant::now(), invite());
    let invite_id = arrive(&mut bob, now, &invite).unwrap();
    answer(&mut bob, now, invite_id, 486);
    bob.handle_request(now, cancel_for(&invite), from_alice());
    assert!(matches!(
        drain_events(&mut bob)[0],
        Event::Cancel { invite: None, .. }
    ));

    let mut unknown = cancel_for(&invite);
    unknown
        .headers
        .set_first("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKunknown");
    bob.handle_request(now, unknown, from_alice());
    assert!(matches!(
        drain_events(&mut bob)[0],
        Event::Cancel { invite: None, .. }
    ));
}

#[test]
fn a_2xx_is_retransmitted_until_its_ack_arrives() {
    let (mut bob, start, invite) = (bob(), Instant::now(), invite());
    let id = arrive(&mut bob, start, &invite).unwrap();
    answer(&mut bob, start, id, 200);
    drain_transmits(&mut bob);
    // Two retransmissions (0.5 s, 1.5 s), then the ACK at 2 s.
    for at in [500, 1500] {
        let due = bob.poll_timeout().unwrap();
        assert_eq!(due, start + Duration::from_millis(at));
        bob.handle_timeout(due);
        assert_eq!(
            start_line(&drain_transmits(&mut bob)[0]),
            "SIP/2.0 200 Status"
        );
    }
    // The ACK of a 2xx is a new transaction-less request with its own branch.
    let mut ack = Request::new(Method::Ack, invite.uri.clone());
    ack.headers
        .push("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKack2xx");
    ack.headers
        .push("From", invite.headers.get("From").unwrap());
    ack.headers.push("To", "<sip:bob@192.0.2.2>;tag=bobtag");
    ack.headers
        .push("Call-ID", invite.headers.get("Call-ID").unwrap());
    ack.headers.push("CSeq", "1 ACK");
    bob.handle_request(start + Duration::from_secs(2), ack, from_alice());
    assert!(
        matches!(drain_events(&mut bob)[0], Event::Ack { invite: Some(found), .. } if found == id)
    );
    // No more retransmissions; Timer L ends the transaction quietly.
    let mut events = Vec::new();
    while let Some(at) = bob.poll_timeout() {
        bob.handle_timeout(at);
        assert!(drain_transmits(&mut bob).is_empty());
        events.extend(drain_events(&mut bob));
    }
    assert_eq!(events, [Event::Terminated { id }]);
}

#[test]
fn a_2xx_never_acked_ends_with_timer_l() {
    let (mut bob, start, invite) = (bob(), Instant::now(), invite());
    let id = arrive(&mut bob, start, &invite).unwrap();
    answer(&mut bob, start, id, 200);
    let mut events = Vec::new();
    while let Some(at) = bob.poll_timeout() {
        bob.handle_timeout(at);
        events.extend(drain_events(&mut bob));
    }
    assert_eq!(
        events[0],
        Event::Timeout {
            id,
            timer: Timer::L
        }
    );
}

#[test]
fn non_invite_retransmissions_wait_for_the_answer_then_get_it_again() {
    let mut bob = bob();
    let start = Instant::now();
    let mut scratch = TransactionLayer::new(TimerConfig::default(), 3);
    let options = request(&mut scratch, Method::Options, Transport::Udp);
    let id = arrive(&mut bob, start, &options).unwrap();
    assert!(
        drain_transmits(&mut bob).is_empty(),
        "no 100 Trying for non-INVITE"
    );
    assert_eq!(arrive(&mut bob, start, &options), None);
    assert!(
        drain_transmits(&mut bob).is_empty(),
        "nothing to resend yet"
    );
    answer(&mut bob, start, id, 200);
    drain_transmits(&mut bob);
    assert_eq!(arrive(&mut bob, start, &options), None);
    assert_eq!(
        start_line(&drain_transmits(&mut bob)[0]),
        "SIP/2.0 200 Status"
    );
    assert_eq!(
        bob.poll_timeout(),
        Some(start + Duration::from_secs(32)),
        "Timer J = 64*T1"
    );
}

#[test]
fn rfc_2543_requests_match_their_retransmissions_without_a_branch() {
    // RFC 4475 §3.2.1: a branch of just the magic cookie identifies nothing.
    let raw = std::fs::read(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/data/rfc4475/badbranch.dat"),
    )
    .unwrap();
    let Verdict::Request(options) = receive_datagram(&raw, &Policy::default()) else {
        panic!("badbranch.dat is a valid request")
    };
    let (mut bob, now) = (bob(), Instant::now());
    let id = arrive(&mut bob, now, &options).unwrap();
    assert_eq!(
        arrive(&mut bob, now, &options),
        None,
        "matched by the RFC 2543 key"
    );
    answer(&mut bob, now, id, 200);
    assert_eq!(drain_transmits(&mut bob).len(), 1);
}

#[test]
fn responses_carry_received_and_rport_back_to_the_source() {
    let mut invite = invite();
    invite
        .headers
        .set_first("Via", "SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bKnat");
    let (mut bob, now) = (bob(), Instant::now());
    let natted = peer("203.0.113.9:41000", Transport::Udp);
    bob.handle_request(now, invite, natted);
    let trying = drain_transmits(&mut bob).pop().unwrap();
    assert_eq!(trying.destination, natted);
    let Ok(Message::Response(resp)) = Message::parse(&trying.payload) else {
        panic!("not a response")
    };
    let via = resp.headers.top_via().unwrap();
    assert_eq!(via.received(), Some("203.0.113.9"));
    assert_eq!(via.rport(), Some(Some(41000)));
}
