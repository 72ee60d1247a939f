//! Re-INVITEs we send to put the peer on hold and take it off, as mod_sofia answers
//! `uuid_hold`: our offer says `a=sendonly` (we may still send music, we expect nothing back)
//! and `a=sendrecv` again to resume. The dialog numbers and routes the request; the answer
//! sets the RTP stream's direction.
//!
//! One INVITE at a time per dialog (RFC 3261 §14.1): a hold asked for while our re-INVITE is
//! in flight waits for it (the latest wish wins), and the peer's re-INVITE meanwhile gets 491.

use std::time::Instant;

use ferroswitch_abi::{HangupCause, LogLevel};
use ferroswitch_media::sdp::Direction as MediaDirection;
use ferroswitch_sip::message::{Message, Method, Response};
use ferroswitch_sip::transaction::TransactionId;

use super::calls::{LegState, Reinvite};
use super::inbound::sdp_body_of;
use super::Driver;

impl Driver {
    /// Puts the peer of `call_id` on hold (`hold`) or takes it off.
    pub(super) fn set_hold(&mut self, call_id: &str, hold: bool) {
        let Some(ours) = self.our_side(call_id) else {
            return;
        };
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        if call.state != LegState::Answered {
            let message = format!("call {call_id}: cannot change hold before the answer");
            return self.log(LogLevel::Notice, &message);
        }
        if call.reinvite.is_some() {
            call.queued_hold = Some(hold);
            return;
        }
        let Some(dialog) = call.dialog.as_mut() else {
            return;
        };
        let previous = call.offer_answer.clone();
        call.offer_answer.local_mut().direction = if hold {
            MediaDirection::SendOnly
        } else {
            MediaDirection::SendRecv
        };
        let offer = call.offer_answer.create_offer();
        let contact = ours.contact_address();
        let mut invite = dialog.create_request(Method::Invite, ours.via, contact.as_ref());
        let seq = dialog.local_seq.unwrap_or(1);
        invite.headers.push("User-Agent", ours.user_agent);
        invite.headers.push("Allow", super::ALLOW);
        invite.headers.push("Content-Type", "application/sdp");
        invite.body = offer.to_string().into_bytes();
        let peer = call.peer;
        match self.layer.send_request(Instant::now(), invite, peer) {
            Ok(tx) => {
                if let Some(call) = self.calls.get_mut(call_id) {
                    call.reinvite = Some(Reinvite {
                        tx,
                        seq,
                        hold,
                        previous,
                    });
                }
                self.calls.bind_transaction(tx, call_id);
            }
            Err(error) => {
                if let Some(call) = self.calls.get_mut(call_id) {
                    call.offer_answer = previous;
                }
                let message = format!("call {call_id}: hold re-INVITE failed: {error}");
                self.log(LogLevel::Err, &message);
            }
        }
    }

    /// Whether `tx` is the re-INVITE in flight on `call_id`.
    pub(super) fn is_reinvite(&self, call_id: &str, tx: TransactionId) -> bool {
        self.calls
            .get(call_id)
            .and_then(|call| call.reinvite.as_ref())
            .is_some_and(|reinvite| reinvite.tx == tx)
    }

    /// A response to our re-INVITE: a 2xx is ACKed and its answer applied; a refusal puts
    /// the previous offer/answer back, and 408/481 end the call (RFC 3261 §14.1).
    pub(super) fn handle_reinvite_response(&mut self, call_id: &str, response: &Response) {
        if response.status < 200 {
            return;
        }
        let via = self.ack_via();
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let Some(reinvite) = call.reinvite.take() else {
            return;
        };
        if !(200..300).contains(&response.status) {
            call.offer_answer = reinvite.previous;
            let message = format!(
                "call {call_id}: the peer refused our {} re-INVITE with {}",
                if reinvite.hold { "hold" } else { "unhold" },
                response.status
            );
            self.log(LogLevel::Warning, &message);
            if matches!(response.status, 408 | 481) {
                return self.end_after_failed_reinvite(call_id, response.status);
            }
            return self.send_queued_hold(call_id, None);
        }
        if let Some(dialog) = call.dialog.as_mut() {
            let _ = dialog.handle_response(response);
            let ack = dialog.create_ack(reinvite.seq, via);
            self.layer.send_stateless(&Message::Request(ack), call.peer);
        }
        let negotiated = match sdp_body_of(&response.headers, &response.body) {
            Ok(Some(answer)) => call.offer_answer.handle_answer(&answer),
            _ => {
                call.offer_answer = reinvite.previous;
                let message = format!("call {call_id}: the 2xx to our re-INVITE has no SDP");
                self.log(LogLevel::Warning, &message);
                return self.send_queued_hold(call_id, None);
            }
        };
        match negotiated {
            Ok(negotiated) => self.apply_media(call_id, &negotiated),
            Err(error) => {
                let message = format!("call {call_id}: unusable answer to our re-INVITE: {error}");
                self.log(LogLevel::Warning, &message);
            }
        }
        self.send_queued_hold(call_id, Some(reinvite.hold));
    }

    /// Our re-INVITE got no answer at all (timer B or a transport error).
    pub(super) fn handle_reinvite_timeout(&mut self, call_id: &str) {
        if let Some(call) = self.calls.get_mut(call_id) {
            if let Some(reinvite) = call.reinvite.take() {
                call.offer_answer = reinvite.previous;
            }
        }
        self.end_after_failed_reinvite(call_id, 408);
    }

    /// Sends the hold change asked for meanwhile, unless it is what `done` just did.
    fn send_queued_hold(&mut self, call_id: &str, done: Option<bool>) {
        let queued = self
            .calls
            .get_mut(call_id)
            .and_then(|call| call.queued_hold.take());
        if let Some(hold) = queued.filter(|hold| Some(*hold) != done) {
            self.set_hold(call_id, hold);
        }
    }

    fn end_after_failed_reinvite(&mut self, call_id: &str, status: u16) {
        let session = self.calls.get(call_id).and_then(|call| call.session);
        let cause = HangupCause(ferroswitch_sip::cause::sip_status_to_cause(status));
        self.hangup(call_id, cause);
        if let Some(session) = session {
            let _ = session.hangup(cause);
        }
    }
}
