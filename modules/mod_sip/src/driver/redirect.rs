//! 3xx on outbound legs.
//!
//! mod_sofia does not follow a 3xx inside the endpoint: it records the Contacts in channel
//! variables (`sip_redirect_contact_N`, `sip_redirect_contact_user_N`,
//! `sip_redirect_contact_host_N`, `sip_redirected_to`, `sip_redirect_dialstring` as
//! `sofia/<profile>/<contact>|...`) and ends the leg, leaving the next step to the
//! dialplan or, with `manual-redirect`, a transfer. ferroswitch sets the same variables and
//! then follows the first usable (`sip:`, UDP) Contact itself on the same leg, at most
//! [`MAX_REDIRECTS`] times, so that `bridge` to a provider that redirects simply reaches the
//! new destination. The transaction layer has already ACKed the 3xx (RFC 3261 §17.1.1.3);
//! the new INVITE keeps Call-ID, From and To, with the next CSeq, a new branch, the
//! Contact as Request-URI and a fresh offer; a digest challenge from the new destination
//! is answered again. When no Contact is usable or the hops run out, the leg fails with the
//! 3xx's cause as before. A Contact given by host name is looked up off the driver's task
//! (the leg waits; every other call goes on).

use std::net::SocketAddr;
use std::sync::Arc;

use ferroswitch_abi::LogLevel;
use ferroswitch_sip::message::{Contact, Response, SipUri, Uri};
use ferroswitch_sip::transaction::{Peer, Transport};

use super::Driver;
use crate::call::Command;
use crate::dial::{literal_address, resolve_preferring};

/// 3xx responses one leg follows before it gives up (a loop of redirects ends there).
pub const MAX_REDIRECTS: u32 = 5;

impl Driver {
    /// Follows a 3xx's first usable Contact; false when the leg should fail instead.
    pub(super) fn follow_redirect(&mut self, call_id: &str, response: &Response) -> bool {
        let profile_name = self.profile.config.name.clone();
        let contacts: Vec<Uri> = response
            .headers
            .contacts()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|contact| match contact {
                Contact::Address(address) => Some(address.uri),
                Contact::Wildcard => None,
            })
            .collect();
        let Some(call) = self.calls.get_mut(call_id) else {
            return false;
        };
        if let Some(session) = call.session {
            let mut dial_strings = Vec::new();
            for (index, uri) in contacts.iter().enumerate() {
                let _ = session.set_variable(
                    &format!("sip_redirect_contact_{index}"),
                    Some(&format!("<{uri}>")),
                );
                if let Uri::Sip(sip) = uri {
                    if let Some(user) = &sip.user {
                        let _ = session.set_variable(
                            &format!("sip_redirect_contact_user_{index}"),
                            Some(user),
                        );
                    }
                    let _ = session.set_variable(
                        &format!("sip_redirect_contact_host_{index}"),
                        Some(&sip.host),
                    );
                }
                dial_strings.push(format!("sofia/{profile_name}/{uri}"));
            }
            if let Some(first) = contacts.first() {
                let _ = session.set_variable("sip_redirected_to", Some(&format!("<{first}>")));
                let _ =
                    session.set_variable("sip_redirect_dialstring", Some(&dial_strings.join("|")));
            }
        }
        if call.cancelled || call.redirects >= MAX_REDIRECTS {
            if call.redirects >= MAX_REDIRECTS {
                let message = format!(
                    "call {call_id}: {} {} after {MAX_REDIRECTS} redirects, giving up",
                    response.status, response.reason
                );
                self.log(LogLevel::Warning, &message);
            }
            return false;
        }
        let usable = contacts.iter().find_map(|uri| match uri {
            Uri::Sip(sip)
                if !sip.secure
                    && sip
                        .params
                        .value("transport")
                        .is_none_or(|t| t.eq_ignore_ascii_case("udp")) =>
            {
                Some(sip.clone())
            }
            _ => None,
        });
        let Some(target) = usable else {
            let message = format!(
                "call {call_id}: {} {} without a Contact we can follow",
                response.status, response.reason
            );
            self.log(LogLevel::Notice, &message);
            return false;
        };
        match literal_address(&target) {
            Some(addr) => self.redirect_to(call_id, target, addr, response.status),
            None => {
                // A name can take seconds to look up, and this task serves every call of the
                // profile: the lookup runs on a blocking-pool thread, the leg waits.
                let profile = Arc::clone(&self.profile);
                let ipv4 = self.profile.config.sip_ip.is_ipv4();
                let (call_id, status) = (call_id.to_owned(), response.status);
                tokio::task::spawn_blocking(move || {
                    let address = resolve_preferring(&target, |address| address.is_ipv4() == ipv4);
                    profile.send(Command::RedirectResolved {
                        call_id,
                        target,
                        address,
                        status,
                    });
                });
                true
            }
        }
    }

    /// The lookup of a redirect's Contact ended: the leg follows it, or fails with the 3xx.
    pub(super) fn handle_redirect_resolved(
        &mut self,
        call_id: &str,
        target: SipUri,
        address: Result<SocketAddr, String>,
        status: u16,
    ) {
        let Some(call) = self.calls.get(call_id) else {
            return;
        };
        if call.cancelled {
            return self.fail_outbound_leg(call_id, status);
        }
        let followed = match address {
            Ok(addr) => self.redirect_to(call_id, target, addr, status),
            Err(error) => {
                let message =
                    format!("call {call_id}: cannot follow the {status} to {target}: {error}");
                self.log(LogLevel::Notice, &message);
                false
            }
        };
        if !followed {
            self.fail_outbound_leg(call_id, status);
        }
    }

    /// Sends the leg's INVITE again, to `target` at `addr`; false when the leg is gone.
    fn redirect_to(
        &mut self,
        call_id: &str,
        target: SipUri,
        addr: SocketAddr,
        status: u16,
    ) -> bool {
        let via = self.our_via(Transport::Udp);
        let Some(call) = self.calls.get_mut(call_id) else {
            return false;
        };
        let Some(mut invite) = call.invite.clone() else {
            return false;
        };
        call.redirects += 1;
        call.peer = Peer {
            transport: Transport::Udp,
            addr,
        };
        call.dialog = None;
        call.provisional = false;
        call.auth_attempts = 0;
        let hop = call.redirects;
        invite.uri = Uri::Sip(target.clone());
        invite.headers.remove("Authorization");
        invite.headers.remove("Proxy-Authorization");
        let message = format!(
            "call {call_id}: {status}, following Contact {target} at {addr} (redirect {hop} of at most {MAX_REDIRECTS})"
        );
        self.log(LogLevel::Info, &message);
        self.resend_invite(call_id, invite, via);
        true
    }
}
