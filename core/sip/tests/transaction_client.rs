//! Client transactions answering responses: the ACK for a non-2xx (RFC 3261 §17.1.1.3) and
//! its repetition for each retransmitted final response, 2xx retransmissions passed to the
//! TU while Accepted (RFC 6026), stray responses, transport errors, misuse errors.

mod common;

use std::time::{Duration, Instant};

use common::{drain_events, drain_transmits, peer, request, start_line, BOB};
use ferroswitch_sip::message::{response_to, set_to_tag, Message, Method, Request, Response};
use ferroswitch_sip::transaction::{
    Event, TimerConfig, TransactionError, TransactionId, TransactionLayer, Transport,
};

fn started(method: Method) -> (TransactionLayer, TransactionId, Request, Instant) {
    let mut layer = TransactionLayer::new(TimerConfig::default(), 21);
    let now = Instant::now();
    let req = request(&mut layer, method, Transport::Udp);
    let id = layer
        .send_request(now, req, peer(BOB, Transport::Udp))
        .unwrap();
    let sent = layer.request(id).unwrap().clone();
    drain_transmits(&mut layer);
    (layer, id, sent, now)
}

fn reply(req: &Request, status: u16) -> Response {
    let mut r = response_to(req, status, "Reply");
    set_to_tag(&mut r.headers, "far");
    r
}

#[test]
fn a_486_is_acked_and_its_retransmission_acked_again_without_a_second_event() {
    let (mut layer, id, invite, now) = started(Method::Invite);
    let busy = reply(&invite, 486);
    layer.handle_response(now, busy.clone(), peer(BOB, Transport::Udp));
    let sent = drain_transmits(&mut layer);
    assert_eq!(sent.len(), 1);
    let Ok(Message::Request(ack)) = Message::parse(&sent[0].payload) else {
        panic!("not a request")
    };
    assert_eq!(ack.method, Method::Ack);
    assert_eq!(ack.uri, invite.uri);
    assert_eq!(
        ack.headers.get("Via"),
        invite.headers.get("Via"),
        "same branch"
    );
    assert_eq!(ack.headers.to().unwrap().tag(), Some("far"));
    assert_eq!(ack.headers.cseq().unwrap().to_string(), "1 ACK");
    assert!(
        matches!(&drain_events(&mut layer)[..], [Event::Response { response, .. }] if response.status == 486)
    );

    layer.handle_response(now, busy, peer(BOB, Transport::Udp));
    assert_eq!(
        start_line(&drain_transmits(&mut layer)[0]),
        start_line(&sent[0])
    );
    assert!(
        drain_events(&mut layer).is_empty(),
        "retransmissions stay in the transaction"
    );

    assert_eq!(
        layer.poll_timeout(),
        Some(now + Duration::from_secs(32)),
        "Timer D"
    );
    layer.handle_timeout(now + Duration::from_secs(32));
    assert_eq!(drain_events(&mut layer), [Event::Terminated { id }]);
}

#[test]
fn every_2xx_reaches_the_tu_until_timer_m() {
    let (mut layer, id, invite, now) = started(Method::Invite);
    layer.handle_response(now, reply(&invite, 180), peer(BOB, Transport::Udp));
    for _ in 0..2 {
        layer.handle_response(now, reply(&invite, 200), peer(BOB, Transport::Udp));
    }
    let statuses: Vec<u16> = drain_events(&mut layer)
        .into_iter()
        .filter_map(|e| match e {
            Event::Response { response, .. } => Some(response.status),
            _ => None,
        })
        .collect();
    assert_eq!(statuses, [180, 200, 200]);
    assert!(
        drain_transmits(&mut layer).is_empty(),
        "the TU ACKs a 2xx, not the transaction"
    );
    assert_eq!(
        layer.poll_timeout(),
        Some(now + Duration::from_secs(32)),
        "Timer M"
    );
    layer.handle_timeout(now + Duration::from_secs(32));
    assert_eq!(drain_events(&mut layer), [Event::Terminated { id }]);
    // After termination a late 2xx is stray, still handed up for the TU to ACK.
    layer.handle_response(now, reply(&invite, 200), peer(BOB, Transport::Udp));
    assert!(matches!(
        drain_events(&mut layer)[0],
        Event::StrayResponse { .. }
    ));
}

#[test]
fn a_provisional_stops_invite_retransmissions_and_timer_b() {
    let (mut layer, _, invite, now) = started(Method::Invite);
    layer.handle_response(now, reply(&invite, 100), peer(BOB, Transport::Udp));
    assert_eq!(
        layer.poll_timeout(),
        None,
        "Proceeding waits for the TU's own timers"
    );
}

#[test]
fn non_invite_final_response_waits_timer_k_then_terminates() {
    let (mut layer, id, options, now) = started(Method::Options);
    layer.handle_response(now, reply(&options, 200), peer(BOB, Transport::Udp));
    assert!(
        drain_transmits(&mut layer).is_empty(),
        "no ACK for non-INVITE"
    );
    assert_eq!(
        layer.poll_timeout(),
        Some(now + Duration::from_secs(5)),
        "Timer K = T4"
    );
    layer.handle_timeout(now + Duration::from_secs(5));
    let events = drain_events(&mut layer);
    assert_eq!(events.last(), Some(&Event::Terminated { id }));
}

#[test]
fn transport_errors_end_the_transaction() {
    let (mut layer, id, _, _) = started(Method::Options);
    layer.handle_transport_error(id);
    assert_eq!(
        drain_events(&mut layer),
        [Event::TransportError { id }, Event::Terminated { id }]
    );
    assert!(layer.is_empty());
    assert_eq!(layer.poll_timeout(), None, "its timers are gone too");
}

#[test]
fn misuse_is_an_error_value() {
    let (mut layer, id, invite, now) = started(Method::Invite);
    assert_eq!(
        layer.send_response(now, id, reply(&invite, 200)),
        Err(TransactionError::NotServer(id))
    );
    let mut ack = invite.clone();
    ack.method = Method::Ack;
    assert_eq!(
        layer.send_request(now, ack, peer(BOB, Transport::Udp)),
        Err(TransactionError::AckTransaction)
    );
    assert!(matches!(
        layer.send_request(now, invite, peer(BOB, Transport::Udp)),
        Err(TransactionError::DuplicateBranch(_))
    ));
}
