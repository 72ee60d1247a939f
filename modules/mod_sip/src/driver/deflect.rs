//! `deflect`: a REFER on the answered dialog asks the peer to call someone else
//! (`Refer-To`, with `Referred-By` naming us, as mod_sofia sends it). The peer's 202 accepts;
//! its NOTIFYs (`Event: refer`, a `message/sipfrag` body with the new call's status line,
//! RFC 3515) say how the new call goes. A final 2xx there means the peer has moved on: the leg
//! hangs up with BLIND_TRANSFER, as FreeSWITCH ends a deflected leg. A failure leaves the
//! call up and `deflect` returns the error, so the dialplan can go on.

use std::time::Instant;

use ferroswitch_abi::{HangupCause, LogLevel};
use ferroswitch_sip::message::{Method, Request, Response};
use ferroswitch_sip::transaction::TransactionId;
use std::sync::mpsc;

use super::calls::{LegState, Refer};
use super::Driver;
use crate::call::DeflectProgress;

impl Driver {
    /// Sends the REFER of `deflect`; `reply` hears how it goes.
    pub(super) fn send_refer(
        &mut self,
        call_id: &str,
        target: String,
        reply: mpsc::Sender<DeflectProgress>,
    ) {
        let Some(ours) = self.our_side(call_id) else {
            return;
        };
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let (LegState::Answered, Some(dialog), None) =
            (call.state, call.dialog.as_mut(), call.refer.as_ref())
        else {
            // Not answered, no dialog, or a REFER already going: RFC 3515 allows several,
            // but one deflect at a time is all a leg can mean.
            let _ = reply.send(DeflectProgress::Failed(491));
            return;
        };
        let contact_address = ours.contact_address();
        let mut refer = dialog.create_request(Method::Refer, ours.via, contact_address.as_ref());
        refer.headers.push("Refer-To", format!("<{target}>"));
        refer.headers.push("Referred-By", ours.contact);
        refer.headers.push("User-Agent", ours.user_agent);
        let peer = call.peer;
        match self.layer.send_request(Instant::now(), refer, peer) {
            Ok(tx) => {
                if let Some(call) = self.calls.get_mut(call_id) {
                    call.refer = Some(Refer {
                        tx: Some(tx),
                        target,
                        reply,
                    });
                }
                self.calls.bind_transaction(tx, call_id);
            }
            Err(error) => {
                let message = format!("call {call_id}: REFER failed: {error}");
                self.log(LogLevel::Err, &message);
                let _ = reply.send(DeflectProgress::Failed(503));
            }
        }
    }

    /// Whether `tx` is the REFER in flight on `call_id`.
    pub(super) fn is_refer(&self, call_id: &str, tx: TransactionId) -> bool {
        self.calls
            .get(call_id)
            .and_then(|call| call.refer.as_ref())
            .is_some_and(|refer| refer.tx == Some(tx))
    }

    /// The peer's answer to our REFER.
    pub(super) fn handle_refer_response(&mut self, call_id: &str, response: &Response) {
        if response.status < 200 {
            return;
        }
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        if let Some(session) = call.session {
            let reply = format!("{} {}", response.status, response.reason);
            let _ = session.set_variable("sip_refer_reply", Some(&reply));
        }
        if (200..300).contains(&response.status) {
            if let Some(dialog) = call.dialog.as_mut() {
                let _ = dialog.handle_response(response);
            }
            if let Some(refer) = call.refer.as_mut() {
                refer.tx = None;
                let _ = refer.reply.send(DeflectProgress::Accepted);
            }
            return;
        }
        if let Some(refer) = call.refer.take() {
            let message = format!(
                "call {call_id}: the peer refused the REFER to {} with {}",
                refer.target, response.status
            );
            let _ = refer.reply.send(DeflectProgress::Failed(response.status));
            self.log(LogLevel::Notice, &message);
        }
    }

    /// No answer at all to our REFER.
    pub(super) fn handle_refer_timeout(&mut self, call_id: &str) {
        if let Some(refer) = self.calls.get_mut(call_id).and_then(|c| c.refer.take()) {
            let _ = refer.reply.send(DeflectProgress::Failed(408));
        }
    }

    /// A NOTIFY in one of our dialogs: only the `refer` event package is ours to hear.
    pub(super) fn handle_notify(&mut self, id: TransactionId, request: Request) {
        let Some(call_id) = self.accept_in_dialog(id, &request) else {
            return;
        };
        let Some(call) = self.calls.get_mut(&call_id) else {
            return;
        };
        let is_refer_event = request.headers.get("Event").is_some_and(|event| {
            event
                .split(';')
                .next()
                .is_some_and(|package| package.trim().eq_ignore_ascii_case("refer"))
        });
        if !is_refer_event || call.refer.is_none() {
            // RFC 6665 §4.1.3: a NOTIFY for a subscription we do not have.
            return self.respond(id, &request, 481, "Subscription Does Not Exist");
        }
        self.respond(id, &request, 200, "OK");
        let Some(status) = sipfrag_status(&request) else {
            return;
        };
        if status < 200 {
            return;
        }
        let Some(call) = self.calls.get_mut(&call_id) else {
            return;
        };
        let Some(refer) = call.refer.take() else {
            return;
        };
        let session = call.session;
        if !(200..300).contains(&status) {
            let message = format!(
                "call {call_id}: the transfer to {} failed with {status}",
                refer.target
            );
            self.log(LogLevel::Notice, &message);
            let _ = refer.reply.send(DeflectProgress::Failed(status));
            return;
        }
        // The cause first: the session wakes on the reply and its dialplan may end at once.
        if let Some(session) = session {
            let _ = session.hangup(HangupCause::BLIND_TRANSFER);
        }
        self.hangup(&call_id, HangupCause::BLIND_TRANSFER);
        let _ = refer.reply.send(DeflectProgress::Transferred);
    }
}

/// The status of the `message/sipfrag` status line a refer NOTIFY carries
/// (`SIP/2.0 200 OK`); `None` for other bodies.
fn sipfrag_status(request: &Request) -> Option<u16> {
    let is_sipfrag = request
        .headers
        .content_type()
        .is_some_and(|t| t.eq_ignore_ascii_case("message/sipfrag"));
    if !is_sipfrag {
        return None;
    }
    let body = std::str::from_utf8(&request.body).ok()?;
    parse_sipfrag(body)
}

fn parse_sipfrag(body: &str) -> Option<u16> {
    let line = body.lines().next()?.trim();
    let mut words = line.split_whitespace();
    let version = words.next()?;
    if !version.eq_ignore_ascii_case("SIP/2.0") {
        return None;
    }
    words
        .next()?
        .parse()
        .ok()
        .filter(|status| (100..700).contains(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sipfrag_gives_its_status_line_code() {
        assert_eq!(parse_sipfrag("SIP/2.0 200 OK\r\n"), Some(200));
        assert_eq!(parse_sipfrag("SIP/2.0 100 Trying"), Some(100));
        assert_eq!(
            parse_sipfrag("SIP/2.0 486 Busy Here\r\nX: y\r\n"),
            Some(486)
        );
        assert_eq!(parse_sipfrag("INVITE sip:a@b SIP/2.0"), None);
        assert_eq!(parse_sipfrag("SIP/2.0 abc"), None);
        assert_eq!(parse_sipfrag(""), None);
    }
}
