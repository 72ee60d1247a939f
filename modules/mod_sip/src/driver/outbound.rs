//! Calls out: `sofia/<profile>/<uri>` legs send an INVITE with our offer, answer one digest
//! challenge with the leg's `sip_auth_username`/`sip_auth_password`, mark the session
//! ringing, pre-answered or answered as the responses come, ACK the 2xx, and turn a failure
//! status into the hangup cause FreeSWITCH would record.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::time::Instant;

use ferroswitch_abi::{AnswerMode, HangupCause, LogLevel};
use ferroswitch_media::sdp::OfferAnswer;
use ferroswitch_sip::auth::{answer, best_challenge};
use ferroswitch_sip::cause::sip_status_to_cause;
use ferroswitch_sip::dialog::Dialog;
use ferroswitch_sip::message::{
    CSeq, Message, Method, NameAddr, NewRequest, Request, Response, SipUri, Uri, Via,
};
use ferroswitch_sip::transaction::{Peer, TransactionId, Transport};
use rand::RngCore;

use super::calls::{Call, LegState};
use super::inbound::sdp_body_of;
use super::Driver;
use crate::call::{Dial, Direction};
use crate::codecs::{local_media, usable_codecs};

impl Driver {
    pub(super) fn handle_dial(&mut self, dial: Dial) {
        let Dial {
            call_id,
            session,
            target,
            caller_name,
            caller_number,
            media,
            gateway,
        } = dial;
        let config = &self.profile.config;
        let (codecs, codec_loaded) =
            usable_codecs(&config.codec_prefs, &self.profile.loaded_codecs());
        let rtp = SocketAddr::new(config.advertised_rtp_ip(), media.local_addr().port());
        let offer_answer = OfferAnswer::new(local_media(rtp, codecs), self.rng.next_u64() >> 2);
        let local_tag = self.layer.next_tag();
        let _ = session.set_variable("sip_from_tag", Some(&local_tag));
        let peer = Peer {
            transport: Transport::Udp,
            addr: target.destination,
        };
        self.calls.insert(
            call_id,
            Call {
                target: Some(target),
                caller: (caller_name, caller_number),
                gateway,
                ..Call::new(
                    Direction::Outbound,
                    Some(session),
                    media,
                    offer_answer,
                    codec_loaded,
                    local_tag,
                    peer,
                    LegState::Idle,
                )
            },
        );
    }

    pub(super) fn send_invite(&mut self, call_id: &str) {
        let via = self.our_via(Transport::Udp);
        let host_ip = self.profile.config.advertised_sip_ip().to_string();
        let user_agent = self.profile.config.user_agent.clone();
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let Some(target) = call.target.clone() else {
            return;
        };
        if call.state != LegState::Idle {
            return;
        }
        let (name, number) = call.caller.clone();
        let number = if number.is_empty() {
            "ferroswitch".to_owned()
        } else {
            number
        };
        // Through a gateway, From is the account's (from-user@from-domain) unless the
        // gateway wants the caller's number in it (caller-id-in-from).
        let from_uri = match &call.gateway {
            Some(gateway) => {
                let user = if gateway.config.caller_id_in_from {
                    number.clone()
                } else {
                    gateway.config.from_user.clone()
                };
                match Uri::parse(&format!("sip:{}", gateway.config.from_domain)) {
                    Ok(Uri::Sip(domain)) => domain.with_user(user),
                    _ => SipUri::new(host_ip).with_user(user),
                }
            }
            None => SipUri::new(host_ip).with_user(number.clone()),
        };
        let mut from = NameAddr::new(Uri::Sip(from_uri));
        if !name.is_empty() {
            from.display_name = Some(name);
        }
        let from = from.with_tag(&call.local_tag);
        let offer = call.offer_answer.create_offer();
        let contact = self.our_contact(&number, Transport::Udp);
        let mut invite = NewRequest {
            method: Method::Invite,
            uri: Uri::Sip(target.uri.clone()),
            via,
            from,
            to: NameAddr::new(Uri::Sip(target.uri.clone())),
            call_id: call_id.to_owned(),
            seq: 1,
            contact: NameAddr::parse(&contact).ok(),
        }
        .build();
        invite.headers.push("User-Agent", user_agent);
        invite.headers.push("Allow", super::ALLOW);
        invite.headers.push("Content-Type", "application/sdp");
        invite.body = offer.to_string().into_bytes();
        self.start_invite(call_id, invite);
    }

    /// Sends `invite` in a new client transaction and records it as the leg's INVITE.
    fn start_invite(&mut self, call_id: &str, invite: Request) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let peer = call.peer;
        match self.layer.send_request(Instant::now(), invite, peer) {
            Ok(tx) => {
                let sent = self.layer.request(tx).cloned();
                if let Some(call) = self.calls.get_mut(call_id) {
                    call.invite = sent;
                    call.invite_tx = Some(tx);
                    call.state = LegState::Proceeding;
                }
                self.calls.bind_transaction(tx, call_id);
                self.profile.calls_out.fetch_add(1, Ordering::Relaxed);
            }
            Err(error) => {
                self.log(
                    LogLevel::Err,
                    &format!("call {call_id}: INVITE failed: {error}"),
                );
                let session = self.calls.remove(call_id).and_then(|c| c.session);
                if let Some(session) = session {
                    let _ = session.hangup(HangupCause::DESTINATION_OUT_OF_ORDER);
                }
            }
        }
    }

    pub(super) fn handle_response(&mut self, tx: TransactionId, response: Response) {
        let Some(call_id) = self.calls.call_of(tx) else {
            return;
        };
        if self.is_reinvite(&call_id, tx) {
            return self.handle_reinvite_response(&call_id, &response);
        }
        if self.is_refer(&call_id, tx) {
            return self.handle_refer_response(&call_id, &response);
        }
        let is_invite = response
            .headers
            .cseq()
            .is_ok_and(|cseq| cseq.method == Method::Invite);
        if !is_invite {
            return;
        }
        match response.status {
            100 => {}
            101..=199 => self.handle_provisional(&call_id, &response),
            200..=299 => self.handle_2xx(&call_id, &response),
            401 | 407 if self.retry_with_credentials(&call_id, &response) => {}
            300..=399 if self.follow_redirect(&call_id, &response) => {}
            status => self.fail_outbound_leg(&call_id, status),
        }
    }

    /// Ends outbound leg `call_id` with the cause FreeSWITCH maps its final `status` to.
    pub(super) fn fail_outbound_leg(&mut self, call_id: &str, status: u16) {
        let session = self.calls.remove(call_id).and_then(|c| {
            c.media.close();
            if let Some(gateway) = &c.gateway {
                gateway.failed_calls_out.fetch_add(1, Ordering::Relaxed);
            }
            c.session
        });
        if let Some(session) = session {
            let _ = session.set_variable("sip_term_status", Some(&status.to_string()));
            let _ = session.hangup(HangupCause(sip_status_to_cause(status)));
        }
    }

    fn handle_provisional(&mut self, call_id: &str, response: &Response) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        call.provisional = true;
        if call.cancelled {
            // The session hung up before anything came back: now the CANCEL may go.
            self.send_cancel(call_id);
            return;
        }
        if call.dialog.is_none() && response.headers.to().is_ok_and(|to| to.tag().is_some()) {
            if let Some(invite) = &call.invite {
                call.dialog = Dialog::uac(invite, response).ok();
            }
        }
        let session = call.session;
        let early_media = match sdp_body_of(&response.headers, &response.body) {
            Ok(Some(answer)) if call.offer_answer.has_pending_offer() => {
                call.offer_answer.handle_answer(&answer).ok()
            }
            _ => None,
        };
        let mode = if let Some(negotiated) = early_media {
            self.apply_media(call_id, &negotiated);
            AnswerMode::PreAnswer
        } else if response.status == 183 {
            AnswerMode::PreAnswer
        } else {
            AnswerMode::RingReady
        };
        if let Some(session) = session {
            let _ = session.answer_with(mode, true);
        }
    }

    fn handle_2xx(&mut self, call_id: &str, response: &Response) {
        let via = self.ack_via();
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let Some(invite) = call.invite.clone() else {
            return;
        };
        match call.dialog.as_mut() {
            Some(dialog) => {
                let _ = dialog.handle_response(response);
            }
            None => call.dialog = Dialog::uac(&invite, response).ok(),
        }
        let Some(dialog) = call.dialog.as_ref() else {
            self.log(
                LogLevel::Warning,
                &format!("call {call_id}: unusable 2xx, no dialog"),
            );
            return;
        };
        let seq = invite.headers.cseq().map(|c| c.seq).unwrap_or(1);
        let ack = dialog.create_ack(seq, via);
        let peer = call.peer;
        self.layer.send_stateless(&Message::Request(ack), peer);
        if call.state == LegState::Answered {
            // A retransmitted 2xx: the ACK above is all it needs.
            return;
        }
        let negotiated = match sdp_body_of(&response.headers, &response.body) {
            Ok(Some(answer)) if call.offer_answer.has_pending_offer() => {
                call.offer_answer.handle_answer(&answer).ok()
            }
            _ => None,
        };
        call.state = LegState::Answered;
        if let Some(session) = call.session {
            let _ = session.set_variable("sip_to_tag", Some(&dialog.id.remote_tag));
        }
        let (cancelled, session) = (call.cancelled, call.session);
        if cancelled {
            // Our CANCEL crossed the answer: the call is up, so end it properly.
            self.hangup(call_id, HangupCause::ORIGINATOR_CANCEL);
            return;
        }
        if let Some(negotiated) = negotiated {
            self.apply_media(call_id, &negotiated);
        }
        if let Some(session) = session {
            let _ = session.answer_with(AnswerMode::Answer, true);
        }
    }

    /// Answers a 401/407 once with the leg's credentials; false when there are none (or
    /// the answer was refused already), so the leg fails with the status.
    fn retry_with_credentials(&mut self, call_id: &str, response: &Response) -> bool {
        let via = self.our_via(Transport::Udp);
        let cnonce = format!("{:016x}", self.rng.next_u64());
        let Some(call) = self.calls.get_mut(call_id) else {
            return false;
        };
        let (Some(session), Some(invite)) = (call.session, call.invite.clone()) else {
            return false;
        };
        if call.auth_attempts > 0 {
            return false;
        }
        let credentials = match &call.gateway {
            Some(gateway) => (
                Some(gateway.config.username.clone()),
                Some(gateway.config.password.clone()),
            ),
            None => (
                session.variable("sip_auth_username"),
                session.variable("sip_auth_password"),
            ),
        };
        let (Some(username), Some(password)) = credentials else {
            let message = format!(
                "call {call_id}: challenged with {} but the leg has no sip_auth_username/sip_auth_password",
                response.status
            );
            self.log(LogLevel::Notice, &message);
            return false;
        };
        let Some((challenge, header)) = best_challenge(response) else {
            let message = format!(
                "call {call_id}: no usable digest challenge in the {}",
                response.status
            );
            self.log(LogLevel::Notice, &message);
            return false;
        };
        call.auth_attempts += 1;
        let uri = invite.uri.to_string();
        let mut credentials = answer(&challenge, "INVITE", &uri, &username, &password, &cnonce, 1);
        credentials.header_name = header;
        let mut retry = invite;
        retry.headers.remove("Authorization");
        retry.headers.remove("Proxy-Authorization");
        retry
            .headers
            .push(credentials.header_name, credentials.header_value);
        self.resend_invite(call_id, retry, via);
        true
    }

    /// Sends `invite` again in a new transaction: next CSeq, a fresh Via, and a fresh
    /// offer, since the first transaction's offer died with it.
    pub(super) fn resend_invite(&mut self, call_id: &str, mut invite: Request, via: Via) {
        let seq = invite.headers.cseq().map(|c| c.seq).unwrap_or(1) + 1;
        invite.headers.set(
            "CSeq",
            CSeq {
                seq,
                method: Method::Invite,
            }
            .to_string(),
        );
        invite.headers.set_first("Via", via.to_string());
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        call.offer_answer =
            OfferAnswer::new(call.offer_answer.local().clone(), self.rng.next_u64() >> 2);
        invite.body = call.offer_answer.create_offer().to_string().into_bytes();
        self.start_invite(call_id, invite);
    }

    /// A Via with a fresh branch for an ACK of a 2xx, which is its own transaction (RFC 3261
    /// §13.2.2.4) but is sent outside the transaction layer, so nothing else would add one.
    pub(super) fn ack_via(&mut self) -> ferroswitch_sip::message::Via {
        let mut via = self.our_via(Transport::Udp);
        let branch = self.layer.next_branch();
        via.params.set("branch", Some(&branch));
        via
    }

    /// A 2xx to an INVITE whose transaction is gone: ACK it again if it is ours.
    pub(super) fn handle_stray_response(&mut self, response: Response, _source: Peer) {
        if !(200..300).contains(&response.status) {
            return;
        }
        let Ok(cseq) = response.headers.cseq() else {
            return;
        };
        if cseq.method != Method::Invite {
            return;
        }
        let via = self.ack_via();
        let call_id = response.headers.call_id().unwrap_or_default().to_owned();
        let Some(call) = self.calls.get_mut(&call_id) else {
            return;
        };
        // Either our INVITE or, on any leg, our latest re-INVITE.
        let ours = call.direction == Direction::Outbound
            || call
                .dialog
                .as_ref()
                .is_some_and(|dialog| dialog.local_seq == Some(cseq.seq));
        if !ours {
            return;
        }
        if let Some(dialog) = &call.dialog {
            let ack = dialog.create_ack(cseq.seq, via);
            let peer = call.peer;
            self.layer.send_stateless(&Message::Request(ack), peer);
        }
    }
}
