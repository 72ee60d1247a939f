//! What both directions of a leg share: hanging up (final response, CANCEL or BYE), the
//! peer's BYE, CANCEL and ACK, re-INVITEs (hold and resume), INFO digits, and applying
//! negotiated media to the session and the media stream.

use std::time::Instant;

use ferroswitch_abi::{Dtmf, HangupCause, LogLevel};
use ferroswitch_media::sdp::Negotiated;
use ferroswitch_sip::cause::cause_to_sip_status;
use ferroswitch_sip::message::{Method, NameAddr, Request, Via};
use ferroswitch_sip::transaction::{cancel_for, Timer, TransactionId, Transport};

use super::calls::LegState;
use super::inbound::sdp_body;
use super::Driver;
use crate::call::Direction;
use crate::codecs::{media_params, negotiated_media};

/// Our Via, Contact and User-Agent, as in-dialog requests carry them ([`Driver::our_side`]).
pub(super) struct OurSide {
    pub via: Via,
    /// `<sip:ferroswitch@ip:port>`.
    pub contact: String,
    pub user_agent: String,
}

impl OurSide {
    /// The Contact as an address, for `Dialog::create_request`.
    pub fn contact_address(&self) -> Option<NameAddr> {
        NameAddr::parse(&self.contact).ok()
    }
}

impl Driver {
    /// A Via for a request we send (the layer adds the branch).
    pub(super) fn our_via(&self, transport: Transport) -> Via {
        let mut via = Via::new(
            transport.as_via_token(),
            &self.profile.config.advertised_sip_ip().to_string(),
            Some(self.profile.sip_port()),
            "",
        );
        via.params.set("rport", None);
        via
    }

    /// `<sip:user@ip:port>`.
    pub(super) fn our_contact(&self, user: &str, transport: Transport) -> String {
        let address = std::net::SocketAddr::new(
            self.profile.config.advertised_sip_ip(),
            self.profile.sip_port(),
        );
        match transport {
            Transport::Tcp => format!("<sip:{user}@{address};transport=tcp>"),
            _ => format!("<sip:{user}@{address}>"),
        }
    }

    /// What a request we send in `call_id`'s dialog carries from us, for its transport; none
    /// when the call is gone.
    pub(super) fn our_side(&self, call_id: &str) -> Option<OurSide> {
        let transport = self.calls.get(call_id)?.peer.transport;
        Some(OurSide {
            via: self.our_via(transport),
            contact: self.our_contact("ferroswitch", transport),
            user_agent: self.profile.config.user_agent.clone(),
        })
    }

    /// Starts the media stream and tells the core the codec.
    pub(super) fn apply_media(&mut self, call_id: &str, negotiated: &Negotiated) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        call.media.set_direction(negotiated.direction);
        if let Some(media) = negotiated_media(negotiated) {
            if let Err(error) = call.media.start(&media) {
                let message = format!("call {call_id}: media cannot start: {error}");
                self.log(LogLevel::Err, &message);
                return;
            }
        }
        let Some(session) = call.session else {
            return;
        };
        let params = media_params(negotiated);
        if call.codec_loaded {
            if let Err(error) = session.set_media(&params) {
                let message = format!("call {call_id}: the core refuses {}: {error}", params.codec);
                self.log(LogLevel::Warning, &message);
            }
        } else {
            // No codec module for it: signalling goes on, the core keeps linear frames.
            let _ = session.set_variable("sip_signalling_only_codec", Some(&params.codec));
        }
    }

    /// The session hangs up with `cause`: end the SIP side the way its state needs.
    pub(super) fn hangup(&mut self, call_id: &str, cause: HangupCause) {
        let transport = match self.calls.get_mut(call_id) {
            Some(call) => call.peer.transport,
            None => return,
        };
        let via = self.our_via(transport);
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        call.media.close();
        match (call.direction, call.state) {
            (Direction::Inbound, LegState::Proceeding) => {
                let status = cause_to_sip_status(cause.0).max(300);
                let reason = super::inbound::default_reason(status);
                let reason = if reason.is_empty() {
                    cause.name()
                } else {
                    reason
                };
                if let (Some(invite), Some(tx)) = (call.invite.clone(), call.invite_tx) {
                    let tag = call.local_tag.clone();
                    let mut response =
                        ferroswitch_sip::message::response_to(&invite, status, reason);
                    ferroswitch_sip::message::set_to_tag(&mut response.headers, &tag);
                    response.headers.push(
                        "Reason",
                        format!("Q.850;cause={};text=\"{}\"", cause.0, cause.name()),
                    );
                    self.send_response(tx, response);
                }
            }
            (Direction::Outbound, LegState::Proceeding) => {
                // Keep the leg: a 2xx crossing our CANCEL still needs its ACK and a BYE.
                call.cancelled = true;
                // RFC 3261 §9.1: no CANCEL before a provisional response; the first one
                // sends it (see `handle_provisional`).
                if call.provisional {
                    self.send_cancel(call_id);
                }
                return;
            }
            (_, LegState::Answered) => {
                if let Some(dialog) = call.dialog.as_mut() {
                    let mut bye = dialog.create_request(Method::Bye, via, None);
                    bye.headers.push(
                        "Reason",
                        format!("Q.850;cause={};text=\"{}\"", cause.0, cause.name()),
                    );
                    let peer = call.peer;
                    if let Err(error) = self.layer.send_request(Instant::now(), bye, peer) {
                        self.log(
                            LogLevel::Err,
                            &format!("call {call_id}: BYE failed: {error}"),
                        );
                    }
                }
            }
            _ => {}
        }
        self.calls.remove(call_id);
    }

    /// Cancels the outbound leg's pending INVITE.
    pub(super) fn send_cancel(&mut self, call_id: &str) {
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let (Some(invite), false) = (call.invite.clone(), call.cancel_sent) else {
            return;
        };
        call.cancel_sent = true;
        let peer = call.peer;
        if let Err(error) = self
            .layer
            .send_request(Instant::now(), cancel_for(&invite), peer)
        {
            self.log(
                LogLevel::Err,
                &format!("call {call_id}: CANCEL failed: {error}"),
            );
        }
    }

    /// The Call-ID of the call an in-dialog request belongs to, once its dialog accepted it
    /// (CSeq order, tags); `None` when it was answered with the error instead (481 for an
    /// unknown call).
    pub(super) fn accept_in_dialog(
        &mut self,
        id: TransactionId,
        request: &Request,
    ) -> Option<String> {
        let call_id = request.headers.call_id().unwrap_or_default().to_owned();
        let refusal = match self.calls.get_mut(&call_id) {
            None => Some((481, "Call/Transaction Does Not Exist")),
            Some(call) => match call
                .dialog
                .as_mut()
                .map(|dialog| dialog.handle_request(request))
            {
                Some(Err(error)) => Some(error.status()),
                _ => None,
            },
        };
        match refusal {
            Some((status, reason)) => {
                self.respond(id, request, status, reason);
                None
            }
            None => Some(call_id),
        }
    }

    pub(super) fn handle_bye(&mut self, id: TransactionId, request: Request) {
        let Some(call_id) = self.accept_in_dialog(id, &request) else {
            return;
        };
        let Some(call) = self.calls.get_mut(&call_id) else {
            return;
        };
        call.state = LegState::Ended;
        call.media.close();
        let session = call.session;
        self.calls.remove(&call_id);
        self.respond(id, &request, 200, "OK");
        if let Some(session) = session {
            let _ = session.set_variable("sip_hangup_disposition", Some("recv_bye"));
            let _ = session.hangup(HangupCause::NORMAL_CLEARING);
        }
    }

    pub(super) fn handle_cancel(
        &mut self,
        id: TransactionId,
        invite: Option<TransactionId>,
        request: &Request,
    ) {
        let Some(invite_tx) = invite else {
            return self.respond(id, request, 481, "Call/Transaction Does Not Exist");
        };
        self.respond(id, request, 200, "OK");
        let Some(call_id) = self.calls.call_of(invite_tx) else {
            return;
        };
        let Some(call) = self.calls.get_mut(&call_id) else {
            return;
        };
        if call.state != LegState::Proceeding {
            return;
        }
        call.state = LegState::Ended;
        call.media.close();
        let (session, invite, tag) = (call.session, call.invite.clone(), call.local_tag.clone());
        self.calls.remove(&call_id);
        if let Some(invite) = invite {
            let mut response =
                ferroswitch_sip::message::response_to(&invite, 487, "Request Terminated");
            ferroswitch_sip::message::set_to_tag(&mut response.headers, &tag);
            self.send_response(invite_tx, response);
        }
        if let Some(session) = session {
            let _ = session.set_variable("sip_hangup_disposition", Some("recv_cancel"));
            let _ = session.hangup(HangupCause::ORIGINATOR_CANCEL);
        }
    }

    pub(super) fn handle_ack(&mut self, request: &Request) {
        let call_id = request.headers.call_id().unwrap_or_default().to_owned();
        let Some(call) = self.calls.get_mut(&call_id) else {
            return;
        };
        if !call.offer_answer.has_pending_offer() {
            return;
        }
        // The answer to the offer we made in a 200 (late offer).
        let answer = match sdp_body(request) {
            Ok(Some(answer)) => answer,
            _ => return,
        };
        match call.offer_answer.handle_answer(&answer) {
            Ok(negotiated) => self.apply_media(&call_id, &negotiated),
            Err(error) => {
                let message = format!("call {call_id}: the ACK's SDP answer is unusable: {error}");
                self.log(LogLevel::Warning, &message);
            }
        }
    }

    /// A re-INVITE: a new offer (hold with sendonly/inactive, resume, a new address).
    pub(super) fn handle_reinvite(&mut self, id: TransactionId, request: &Request, call_id: &str) {
        let policy = self.profile.config.codec_policy;
        let contact = self.our_contact("ferroswitch", Transport::Udp);
        let Some(call) = self.calls.get_mut(call_id) else {
            return self.respond(id, request, 481, "Call/Transaction Does Not Exist");
        };
        if call.reinvite.is_some() {
            // Ours is in flight: glare (RFC 3261 §14.2); the peer retries later.
            return self.respond(id, request, 491, "Request Pending");
        }
        if let Some(dialog) = call.dialog.as_mut() {
            if let Err(error) = dialog.handle_request(request) {
                let (status, reason) = error.status();
                return self.respond(id, request, status, reason);
            }
        }
        let offer = match sdp_body(request) {
            Ok(offer) => offer,
            Err(_) => return self.respond(id, request, 400, "Malformed SDP"),
        };
        let (sdp, negotiated) = match offer {
            Some(offer) => match call.offer_answer.handle_offer(&offer, policy) {
                Ok((answer, negotiated)) => (answer, Some(negotiated)),
                Err(_) => return self.respond(id, request, 488, "Not Acceptable Here"),
            },
            None => (call.offer_answer.create_offer(), None),
        };
        call.local_sdp = Some(sdp.clone());
        let mut response = ferroswitch_sip::message::response_to(request, 200, "OK");
        response.headers.push("Contact", contact);
        response.headers.push("Content-Type", "application/sdp");
        response.body = sdp.to_string().into_bytes();
        self.send_response(id, response);
        if let Some(negotiated) = negotiated {
            let held = negotiated.remote_hold;
            if let Some(session) = self.calls.get_mut(call_id).and_then(|c| c.session) {
                let _ = session.set_variable("sip_hold", Some(if held { "true" } else { "false" }));
            }
            self.apply_media(call_id, &negotiated);
        }
    }

    pub(super) fn handle_info(&mut self, id: TransactionId, request: Request) {
        let call_id = request.headers.call_id().unwrap_or_default().to_owned();
        let Some(call) = self.calls.get_mut(&call_id) else {
            return self.respond(id, &request, 481, "Call/Transaction Does Not Exist");
        };
        let content_type = request.headers.content_type().unwrap_or_default();
        let body = String::from_utf8_lossy(&request.body);
        let dtmf = match content_type.as_str() {
            "application/dtmf-relay" => parse_dtmf_relay(&body),
            "application/dtmf" => body.trim().chars().next().map(|digit| Dtmf {
                digit: u32::from(digit),
                duration_ms: 100,
            }),
            _ => None,
        };
        if let (Some(dtmf), Some(session)) = (dtmf, call.session) {
            let _ = session.queue_dtmf(dtmf);
        }
        self.respond(id, &request, 200, "OK");
    }

    pub(super) fn send_info_dtmf(&mut self, call_id: &str, dtmf: Dtmf) {
        let transport = match self.calls.get_mut(call_id) {
            Some(call) => call.peer.transport,
            None => return,
        };
        let via = self.our_via(transport);
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let (Some(dialog), LegState::Answered) = (call.dialog.as_mut(), call.state) else {
            return;
        };
        let mut info = dialog.create_request(Method::Info, via, None);
        info.headers.push("Content-Type", "application/dtmf-relay");
        info.body = format!(
            "Signal={}\r\nDuration={}\r\n",
            dtmf.digit_char(),
            dtmf.duration_ms
        )
        .into_bytes();
        let peer = call.peer;
        let _ = self.layer.send_request(Instant::now(), info, peer);
    }

    pub(super) fn handle_transaction_timeout(&mut self, id: TransactionId, timer: Timer) {
        let Some(call_id) = self.calls.call_of(id) else {
            return;
        };
        if self.is_reinvite(&call_id, id) {
            return self.handle_reinvite_timeout(&call_id);
        }
        if self.is_refer(&call_id, id) {
            return self.handle_refer_timeout(&call_id);
        }
        let Some(call) = self.calls.get_mut(&call_id) else {
            return;
        };
        let session = call.session;
        let cause = match (call.direction, call.state, timer) {
            // No answer at all to our INVITE (timer B) or it could not be sent.
            (Direction::Outbound, LegState::Proceeding, _) => {
                if call.cancelled {
                    self.calls.remove(&call_id);
                    return;
                }
                HangupCause(ferroswitch_sip::cause::sip_status_to_cause(408))
            }
            // No ACK for our 2xx (L) or final response (H).
            (Direction::Inbound, LegState::Answered, Timer::L | Timer::H) => {
                self.log(
                    LogLevel::Warning,
                    &format!("call {call_id}: no ACK, hanging up"),
                );
                HangupCause::RECOVERY_ON_TIMER_EXPIRE
            }
            _ => return,
        };
        self.hangup(&call_id, cause);
        if let Some(session) = session {
            let _ = session.hangup(cause);
        }
    }
}

/// `Signal=5\r\nDuration=160` (application/dtmf-relay, as phones send it).
fn parse_dtmf_relay(body: &str) -> Option<Dtmf> {
    let mut digit = None;
    let mut duration_ms = 100;
    for line in body.lines() {
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        match name.trim().to_ascii_lowercase().as_str() {
            "signal" => digit = value.trim().chars().next(),
            "duration" => duration_ms = value.trim().parse().unwrap_or(duration_ms),
            _ => {}
        }
    }
    let digit = digit.filter(|d| d.is_ascii_digit() || "*#ABCDabcd".contains(*d))?;
    Some(Dtmf {
        digit: u32::from(digit.to_ascii_uppercase()),
        duration_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtmf_relay_bodies_give_their_digit_and_duration() {
        let dtmf = parse_dtmf_relay("Signal=5\r\nDuration=160\r\n").expect("a digit");
        assert_eq!((dtmf.digit_char(), dtmf.duration_ms), ('5', 160));
        assert_eq!(
            parse_dtmf_relay("Signal=#").expect("a digit").digit_char(),
            '#'
        );
        assert!(parse_dtmf_relay("Signal=x").is_none());
    }
}
