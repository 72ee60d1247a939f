//! A whole call between two transaction layers and two dialogs: INVITE, 180, 200, ACK for
//! the 2xx built by the UAC dialog, then BYE from the UAS built by its dialog and routed
//! back, and an out-of-order request refused with 500.

mod common;

use std::time::Instant;

use common::{deliver, drain_events, drain_transmits, peer, request, ALICE, BOB};
use ferroswitch_sip::dialog::{Dialog, DialogId, DialogState};
use ferroswitch_sip::message::{response_to, Message, Method, NameAddr, Uri, Via};
use ferroswitch_sip::transaction::{Event, TimerConfig, TransactionLayer, Transport};

fn carry(from: &mut TransactionLayer, to: &mut TransactionLayer, now: Instant, source: &str) {
    for t in drain_transmits(from) {
        deliver(to, now, &t, peer(source, Transport::Udp));
    }
}

#[test]
fn invite_answer_ack_and_bye_from_the_callee() {
    let now = Instant::now();
    let mut alice = TransactionLayer::new(TimerConfig::default(), 1);
    let mut bob = TransactionLayer::new(TimerConfig::default(), 2);
    let bob_contact = NameAddr::new(Uri::parse("sip:bob@192.0.2.2").unwrap());

    let invite = request(&mut alice, Method::Invite, Transport::Udp);
    let invite_id = alice
        .send_request(now, invite.clone(), peer(BOB, Transport::Udp))
        .unwrap();
    carry(&mut alice, &mut bob, now, ALICE);
    let Some(Event::Request {
        id: server_id,
        request: received,
        ..
    }) = drain_events(&mut bob).pop()
    else {
        panic!("Bob saw no INVITE")
    };

    // Bob's UAS dialog, early with 180, confirmed with 200.
    let bob_tag = bob.next_tag();
    let mut bob_dialog = Dialog::uas(&received, &bob_tag).unwrap();
    for status in [180, 200] {
        let mut r = response_to(&received, status, "Answer");
        r.headers.set("To", bob_dialog.local_uri.to_string());
        r.headers.push("Contact", bob_contact.to_string());
        bob.send_response(now, server_id, r).unwrap();
    }
    bob_dialog.confirm();
    carry(&mut bob, &mut alice, now, BOB);

    // Alice's UAC dialog from the 180, confirmed by the 200.
    let mut alice_dialog = None;
    for event in drain_events(&mut alice) {
        if let Event::Response { id, response } = event {
            assert_eq!(id, invite_id);
            if response.status == 100 {
                continue; // 100 Trying carries no To tag and creates nothing.
            }
            match &mut alice_dialog {
                None => alice_dialog = Some(Dialog::uac(&invite, &response).unwrap()),
                Some(d) => d.handle_response(&response).unwrap(),
            }
        }
    }
    let mut alice_dialog = alice_dialog.expect("a dialog from the 180");
    assert_eq!(alice_dialog.state, DialogState::Confirmed);
    assert_eq!(alice_dialog.id.remote_tag, bob_tag);

    // The ACK for the 2xx goes outside the transaction, to the remote target.
    let ack = alice_dialog.create_ack(
        1,
        Via::new("UDP", "192.0.2.1", Some(5060), &alice.next_branch()),
    );
    assert_eq!(ack.uri.to_string(), "sip:bob@192.0.2.2");
    alice.send_stateless(&Message::Request(ack), peer(BOB, Transport::Udp));
    carry(&mut alice, &mut bob, now, ALICE);
    let acked = drain_events(&mut bob).into_iter().find_map(|e| match e {
        Event::Ack {
            invite, request, ..
        } => Some((invite, request)),
        _ => None,
    });
    let (acked_invite, ack) = acked.expect("Bob got the ACK");
    assert_eq!(acked_invite, Some(server_id));
    bob_dialog.handle_request(&ack).unwrap();

    // Bob hangs up: BYE built from his dialog reaches Alice's dialog.
    let branch = bob.next_branch();
    let bye = bob_dialog.create_request(
        Method::Bye,
        Via::new("UDP", "192.0.2.2", Some(5060), &branch),
        None,
    );
    bob.send_request(now, bye, peer(ALICE, Transport::Udp))
        .unwrap();
    carry(&mut bob, &mut alice, now, BOB);
    let Some(Event::Request {
        id: bye_id,
        request: bye,
        ..
    }) = drain_events(&mut alice)
        .into_iter()
        .find(|e| matches!(e, Event::Request { .. }))
    else {
        panic!("Alice saw no BYE")
    };
    assert_eq!(
        DialogId::of_incoming_request(&bye).unwrap(),
        alice_dialog.id
    );
    alice_dialog.handle_request(&bye).unwrap();
    alice
        .send_response(now, bye_id, response_to(&bye, 200, "OK"))
        .unwrap();
    carry(&mut alice, &mut bob, now, ALICE);
    assert!(drain_events(&mut bob)
        .iter()
        .any(|e| matches!(e, Event::Response { response, .. } if response.status == 200)));

    // A stale copy of a lower CSeq is refused with 500.
    let err = alice_dialog.handle_request(&bye).unwrap_err();
    assert_eq!(err.status().0, 500);
}
