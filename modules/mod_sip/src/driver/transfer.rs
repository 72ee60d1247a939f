//! A peer's REFER on one of our calls: a blind transfer, as mod_sofia does it (RFC 3515).
//! A phone's transfer key sends it on the leg it is on; the leg bridged to that one (the
//! partner) goes to the Refer-To's user part, in its own dialplan and context, and the
//! referring leg is left to its phone's BYE or to the end of its bridge. The REFER gets 202,
//! then one NOTIFY (`Event: refer`, subscription terminated) whose sipfrag says whether the
//! transfer happened: `200 OK`, or `403 Forbidden` when there was no partner to move, as
//! mod_sofia answers a one-legged call (none after `Refer-Sub: false`, RFC 4488).
//! `disable-transfer` refuses every REFER with 403.
//!
//! An attended transfer (a Refer-To carrying `Replaces`) joins the two partners instead: see
//! [`super::attended`].

use std::time::Instant;

use ferroswitch_abi::{LogLevel, Session};
use ferroswitch_sip::message::{Method, NameAddr, Replaces, Request, Uri};
use ferroswitch_sip::transaction::TransactionId;

use super::calls::LegState;
use super::Driver;

/// What a blind transfer moves the partner to: the Refer-To's user part (FreeSWITCH drops the
/// host), or the number of a `tel:` URI.
fn transfer_extension(refer_to: &NameAddr) -> Option<String> {
    let extension = match &refer_to.uri {
        Uri::Sip(sip) => sip.user_unescaped()?,
        Uri::Other { scheme, rest } if scheme.eq_ignore_ascii_case("tel") => {
            rest.split(';').next()?.to_owned()
        }
        Uri::Other { .. } => return None,
    };
    (!extension.is_empty()).then_some(extension)
}

/// Why a transfer did not happen.
#[derive(Debug, thiserror::Error)]
pub(super) enum TransferError {
    /// No leg is bridged to the one that sent the REFER (mod_sofia: "Cannot Blind Transfer 1
    /// Legged calls").
    #[error("the call is not bridged to another leg")]
    NotBridged,
    /// The partner could not be transferred (it is hanging up, say).
    #[error("the other leg refused: {0}")]
    Refused(ferroswitch_abi::Error),
    /// An attended transfer's Replaces names no other answered call of this profile (or asks
    /// for an early dialog only, while only answered calls are joined).
    #[error("Replaces names no other answered call here")]
    NoReplacedCall,
    /// The leg that should stay is already ending.
    #[error("the other leg is hanging up")]
    PartnerGone,
}

/// What a REFER asks for.
enum Wanted {
    /// Move the partner to this extension.
    Blind(String),
    /// Join the partner to the partner of the call that `Replaces` names.
    Attended(Replaces),
}

/// Whether the REFER asks for no implicit subscription (`Refer-Sub: false`, RFC 4488): then
/// no NOTIFY follows the 202.
fn wants_no_notify(request: &Request) -> bool {
    request
        .headers
        .get("Refer-Sub")
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("false"))
}

impl Driver {
    /// A REFER inside one of our dialogs.
    pub(super) fn handle_refer(&mut self, id: TransactionId, request: Request) {
        let Some(call_id) = self.accept_in_dialog(id, &request) else {
            return;
        };
        if self.profile.config.disable_transfer {
            return self.respond(id, &request, 403, "Forbidden");
        }
        let raw_refer_to = match request.headers.count("Refer-To") {
            0 => return self.respond(id, &request, 400, "Missing Refer-To"),
            1 => request
                .headers
                .get("Refer-To")
                .unwrap_or_default()
                .to_owned(),
            _ => return self.respond(id, &request, 400, "More Than One Refer-To"),
        };
        let refer_to = match NameAddr::parse(&raw_refer_to) {
            Ok(refer_to) => refer_to,
            Err(reason) => {
                self.log(
                    LogLevel::Notice,
                    &format!("call {call_id}: REFER refused, Refer-To {raw_refer_to:?}: {reason}"),
                );
                return self.respond(id, &request, 400, "Malformed Refer-To");
            }
        };
        let replaces = match &refer_to.uri {
            Uri::Sip(sip) => Replaces::of_uri(sip),
            Uri::Other { .. } => Ok(None),
        };
        let wanted = match (replaces, transfer_extension(&refer_to)) {
            (Ok(Some(replaces)), _) => Wanted::Attended(replaces),
            (Err(error), _) => {
                self.log(
                    LogLevel::Notice,
                    &format!("call {call_id}: REFER refused: {error}"),
                );
                return self.respond(id, &request, 400, "Malformed Replaces");
            }
            (Ok(None), Some(extension)) => Wanted::Blind(extension),
            (Ok(None), None) => {
                return self.respond(id, &request, 400, "Refer-To Names No Extension")
            }
        };
        let (session, transport) = match self.calls.get(&call_id) {
            Some(call) if call.state == LegState::Answered => (call.session, call.peer.transport),
            _ => return self.respond(id, &request, 403, "Call Not Answered"),
        };
        let Some(session) = session else {
            return self.respond(id, &request, 403, "Call Not Answered");
        };
        let no_notify = wants_no_notify(&request);
        let mut accepted = self.response(&request, 202, "Accepted");
        accepted
            .headers
            .push("Contact", self.our_contact("ferroswitch", transport));
        if no_notify {
            accepted.headers.push("Refer-Sub", "false");
        }
        self.send_response(id, accepted);

        let referred_by = request.headers.get("Referred-By");
        let (outcome, destination) = match &wanted {
            Wanted::Blind(extension) => (
                self.transfer_partner(&session, extension, &raw_refer_to, referred_by),
                extension.clone(),
            ),
            Wanted::Attended(replaces) => (
                self.join_partners(&session, replaces, &raw_refer_to),
                format!("the partner of call {}", replaces.call_id),
            ),
        };
        let sipfrag = match outcome {
            Ok(()) => "SIP/2.0 200 OK\r\n",
            Err(error) => {
                self.log(
                    LogLevel::Warning,
                    &format!("call {call_id}: cannot transfer to {destination}: {error}"),
                );
                "SIP/2.0 403 Forbidden\r\n"
            }
        };
        if !no_notify {
            let cseq = request.headers.cseq().map(|cseq| cseq.seq).unwrap_or(0);
            self.notify_refer_result(&call_id, cseq, sipfrag);
        }
    }

    /// Moves the leg bridged to `session` to `extension`, with FreeSWITCH's variables on both
    /// legs (set on the referring leg first: its call may end as soon as the partner moves).
    fn transfer_partner(
        &self,
        session: &Session,
        extension: &str,
        refer_to: &str,
        referred_by: Option<&str>,
    ) -> Result<(), TransferError> {
        let _ = session.set_variable("transfer_destination", Some(&format!("blind:{extension}")));
        let partner = session
            .variable("bridge_uuid")
            .and_then(|uuid| self.profile.host.locate(&uuid))
            .ok_or(TransferError::NotBridged)?;
        let _ = partner.set_variable("sip_refer_to", Some(refer_to));
        if let Some(referred_by) = referred_by {
            let _ = partner.set_variable("sip_h_Referred-By", Some(referred_by));
        }
        let _ = session.set_variable("transfer_to", Some(&format!("blind:{}", partner.uuid())));
        let _ = session.set_variable("endpoint_disposition", Some("BLIND_TRANSFER"));
        partner.transfer(extension, "", "").map_err(|error| {
            let _ = session.set_variable("transfer_to", None);
            let _ = session.set_variable("endpoint_disposition", None);
            TransferError::Refused(error)
        })
    }

    /// The one NOTIFY of a REFER we accepted: its final result, ending the implicit
    /// subscription. The NOTIFY's own answer needs no handling.
    fn notify_refer_result(&mut self, call_id: &str, refer_cseq: u32, sipfrag: &str) {
        let Some(ours) = self.our_side(call_id) else {
            return;
        };
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        let Some(dialog) = call.dialog.as_mut() else {
            return;
        };
        let contact = ours.contact_address();
        let mut notify = dialog.create_request(Method::Notify, ours.via, contact.as_ref());
        notify
            .headers
            .push("Event", format!("refer;id={refer_cseq}"));
        notify
            .headers
            .push("Subscription-State", "terminated;reason=noresource");
        notify
            .headers
            .push("Content-Type", "message/sipfrag;version=2.0");
        notify.headers.push("User-Agent", ours.user_agent);
        notify.body = sipfrag.as_bytes().to_vec();
        let peer = call.peer;
        if let Err(error) = self.layer.send_request(Instant::now(), notify, peer) {
            let message = format!("call {call_id}: the REFER's NOTIFY failed: {error}");
            self.log(LogLevel::Err, &message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(value: &str) -> NameAddr {
        NameAddr::parse(value).expect("a valid Refer-To")
    }

    #[test]
    fn the_extension_is_the_user_part_unescaped_or_the_tel_number() {
        assert_eq!(
            transfer_extension(&parsed("<sip:1002@pbx.example.com;transport=udp>")).as_deref(),
            Some("1002")
        );
        assert_eq!(
            transfer_extension(&parsed("<sip:%2A97@pbx.example.com>")).as_deref(),
            Some("*97")
        );
        assert_eq!(
            transfer_extension(&parsed("<tel:+15551234;phone-context=example.com>")).as_deref(),
            Some("+15551234")
        );
        assert_eq!(transfer_extension(&parsed("<sip:pbx.example.com>")), None);
        assert_eq!(transfer_extension(&parsed("<http://example.com/>")), None);
    }

    #[test]
    fn refer_sub_false_asks_for_no_notify() {
        let mut request = Request::new(
            Method::Refer,
            Uri::parse("sip:1000@127.0.0.1").expect("a URI"),
        );
        assert!(!wants_no_notify(&request));
        request.headers.push("Refer-Sub", " False");
        assert!(wants_no_notify(&request));
    }
}
