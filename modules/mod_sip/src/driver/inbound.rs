//! Calls in: an INVITE becomes a session (after a 407 challenge when `auth-calls` and the
//! source is not trusted), and the session's answer, ringing or refusal becomes the INVITE's
//! responses. CANCEL, ACK and the requests both directions share live in `leg.rs`.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use abi_stable::std_types::{ROption, RString, RVec, Tuple2};
use ferroswitch_abi::kinds::endpoint::channel_io;
use ferroswitch_abi::{CallerProfile, HangupCause, LogLevel, NewSession};
use ferroswitch_media::sdp::{OfferAnswer, SessionDescription};
use ferroswitch_sip::cause::cause_to_sip_status;
use ferroswitch_sip::dialog::Dialog;
use ferroswitch_sip::message::{set_to_tag, Headers, NameAddr, Request, Uri};
use ferroswitch_sip::transaction::{Peer, TransactionId, Transport};
use rand::RngCore;

use super::auth::AuthOutcome;
use super::calls::{Call, LegState};
use super::Driver;
use crate::call::{Direction, SipChannel};
use crate::codecs::{local_media, usable_codecs};
use crate::directory::DirectoryUser;

impl Driver {
    pub(super) fn handle_invite(&mut self, id: TransactionId, request: Request, source: Peer) {
        let (Ok(from), Ok(to), Ok(call_id)) = (
            request.headers.from(),
            request.headers.to(),
            request.headers.call_id().map(str::to_owned),
        ) else {
            return self.respond(id, &request, 400, "Bad From, To or Call-ID");
        };
        if to.tag().is_some() {
            return self.handle_reinvite(id, &request, &call_id);
        }
        if !self.invite_allowed(source.addr.ip()) {
            self.log(
                LogLevel::Warning,
                &format!("too many INVITEs from {}: 503", source.addr.ip()),
            );
            let mut response = self.response(&request, 503, "Service Unavailable");
            response.headers.push("Retry-After", "1");
            return self.send_response(id, response);
        }
        if self.calls.contains(&call_id) {
            // A second INVITE of a call we already have, on another branch (RFC 3261
            // §8.2.2.2): a loop or a fork merging back.
            return self.respond(id, &request, 482, "Loop Detected");
        }
        let user = match self.authenticate_call(id, &request, &from, source) {
            Ok(user) => user,
            Err(()) => return,
        };
        let offer = match sdp_body(&request) {
            Ok(offer) => offer,
            Err(reason) => {
                self.log(LogLevel::Notice, &format!("INVITE {call_id}: {reason}"));
                return self.respond(id, &request, 400, "Malformed SDP");
            }
        };
        let config = &self.profile.config;
        let media = match self.profile.open_media() {
            Ok(media) => media,
            Err(error) => {
                self.log(LogLevel::Err, &format!("INVITE {call_id}: {error}"));
                return self.respond(id, &request, 503, "No Media Port");
            }
        };
        let (codecs, codec_loaded) =
            usable_codecs(&config.codec_prefs, &self.profile.loaded_codecs());
        let rtp = SocketAddr::new(config.advertised_rtp_ip(), media.local_addr().port());
        let mut offer_answer = OfferAnswer::new(local_media(rtp, codecs), self.rng.next_u64() >> 2);
        let (local_sdp, negotiated) = match &offer {
            Some(offer) => match offer_answer.handle_offer(offer, config.codec_policy) {
                Ok((answer, negotiated)) => (Some(answer), Some(negotiated)),
                Err(error) => {
                    self.log(LogLevel::Notice, &format!("INVITE {call_id}: {error}"));
                    return self.respond(id, &request, 488, "Not Acceptable Here");
                }
            },
            // A late offer: ours goes in the 200 and the answer comes in the ACK.
            None => (None, None),
        };
        let local_tag = self.layer.next_tag();
        let dialog = match Dialog::uas(&request, &local_tag) {
            Ok(dialog) => dialog,
            Err(error) => return self.respond(id, &request, 400, &error.to_string()),
        };
        let (profile, mut variables) = self.caller_profile(&request, &from, source, user.as_ref());
        for (name, tag) in [
            ("sip_from_tag", from.tag()),
            ("sip_to_tag", Some(&local_tag)),
        ] {
            if let Some(tag) = tag {
                variables.push(abi_stable::std_types::Tuple2(name.into(), tag.into()));
            }
        }
        let channel_name = profile.chan_name.to_string();
        self.calls.insert(
            call_id.clone(),
            Call {
                local_sdp,
                dialog: Some(dialog),
                invite: Some(request.clone()),
                invite_tx: Some(id),
                ..Call::new(
                    Direction::Inbound,
                    None,
                    Arc::clone(&media),
                    offer_answer,
                    codec_loaded,
                    local_tag,
                    source,
                    LegState::Proceeding,
                )
            },
        );
        let io = channel_io(SipChannel::new(
            Arc::clone(&self.profile),
            call_id.clone(),
            Direction::Inbound,
            Arc::clone(&media),
        ));
        let created = self.profile.host.create_session(NewSession {
            endpoint: "sofia".into(),
            channel_name: channel_name.into(),
            caller_profile: profile,
            variables,
            io,
            partner: ROption::RNone,
        });
        match created {
            Ok(session) => {
                self.profile.calls_in.fetch_add(1, Ordering::Relaxed);
                if let Some(call) = self.calls.get_mut(&call_id) {
                    call.session = Some(session);
                }
                if let Some(negotiated) = negotiated {
                    self.apply_media(&call_id, &negotiated);
                }
            }
            Err(error) => {
                self.log(
                    LogLevel::Err,
                    &format!("INVITE {call_id}: cannot create a session: {error}"),
                );
                self.calls.remove(&call_id);
                let cause = if error.cause == HangupCause::NONE {
                    HangupCause::SWITCH_CONGESTION
                } else {
                    error.cause
                };
                let status = cause_to_sip_status(cause.0);
                self.respond(id, &request, status, cause.name());
            }
        }
    }

    /// `Ok(None)`: no digest needed; `Ok(Some(user))`: authenticated; `Err`: answered with
    /// 407 or 403 already.
    fn authenticate_call(
        &mut self,
        id: TransactionId,
        request: &Request,
        from: &NameAddr,
        source: Peer,
    ) -> Result<Option<DirectoryUser>, ()> {
        let config = &self.profile.config;
        let trusted = config
            .inbound_acl
            .as_ref()
            .is_some_and(|acl| acl.allows(source.addr.ip()));
        if !config.auth_calls || trusted {
            return Ok(None);
        }
        let realm = match &from.uri {
            Uri::Sip(uri) => uri.host.clone(),
            Uri::Other { .. } => config.sip_ip.to_string(),
        };
        match self
            .auth
            .check(&self.profile.host, request, "Proxy-Authorization", &realm)
        {
            AuthOutcome::Authorized(user) => Ok(Some(user)),
            AuthOutcome::Challenge { stale } => {
                let mut response = self.response(request, 407, "Proxy Authentication Required");
                for challenge in self.auth.challenges(&realm, stale) {
                    response.headers.push("Proxy-Authenticate", challenge);
                }
                self.send_response(id, response);
                Err(())
            }
            AuthOutcome::Forbidden(reason) => {
                self.log(
                    LogLevel::Warning,
                    &format!("INVITE from {} refused: {reason}", source.addr),
                );
                self.respond(id, request, 403, "Forbidden");
                Err(())
            }
        }
    }

    /// The gateway whose registered Contact `request` is addressed to: a Request-URI with
    /// `;gw=<name>` or the user `gw+<name>`, as mod_sofia's Contacts read.
    fn gateway_called(&self, request: &Request) -> Option<std::sync::Arc<crate::gateway::Gateway>> {
        let Uri::Sip(uri) = &request.uri else {
            return None;
        };
        let user = uri.user_unescaped().unwrap_or_default();
        let name = uri
            .params
            .value("gw")
            .map(str::to_owned)
            .or_else(|| user.strip_prefix("gw+").map(str::to_owned))?;
        self.profile
            .gateways
            .iter()
            .find(|gateway| gateway.name().eq_ignore_ascii_case(&name))
            .cloned()
    }

    /// The caller profile and `sip_*` variables of an inbound leg.
    fn caller_profile(
        &self,
        request: &Request,
        from: &NameAddr,
        source: Peer,
        user: Option<&DirectoryUser>,
    ) -> (CallerProfile, RVec<Tuple2<RString, RString>>) {
        let config = &self.profile.config;
        let (from_user, from_host) = match &from.uri {
            Uri::Sip(uri) => (uri.user_unescaped().unwrap_or_default(), uri.host.clone()),
            Uri::Other { rest, .. } => (rest.clone(), String::new()),
        };
        let (req_user, req_host) = match &request.uri {
            Uri::Sip(uri) => (uri.user_unescaped().unwrap_or_default(), uri.host.clone()),
            Uri::Other { rest, .. } => (rest.clone(), String::new()),
        };
        let to = request.headers.to().ok();
        let (to_user, to_host) = match to.as_ref().map(|to| &to.uri) {
            Some(Uri::Sip(uri)) => (uri.user_unescaped().unwrap_or_default(), uri.host.clone()),
            _ => (String::new(), String::new()),
        };
        let name = from
            .display_name
            .clone()
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| from_user.clone());
        // A call the provider sends to a gateway's registered Contact is for the gateway's
        // extension, in its context (mod_sofia's `extension` and `context`).
        let gateway = self.gateway_called(request);
        let context = match &gateway {
            Some(gateway) => gateway
                .config
                .context
                .clone()
                .unwrap_or_else(|| config.context.clone()),
            None => user
                .and_then(|u| u.variable("user_context"))
                .unwrap_or(&config.context)
                .to_owned(),
        };
        let destination = match &gateway {
            Some(gateway) => gateway.config.extension.clone(),
            None => req_user.clone(),
        };
        let profile = CallerProfile {
            username: user.map(|u| u.id.as_str()).unwrap_or_default().into(),
            dialplan: config.dialplan.as_str().into(),
            caller_id_name: name.into(),
            caller_id_number: from_user.as_str().into(),
            network_addr: source.addr.ip().to_string().into(),
            ani: from_user.as_str().into(),
            destination_number: destination.as_str().into(),
            source: "mod_sip".into(),
            context: context.into(),
            chan_name: format!("sofia/{}/{from_user}@{from_host}", config.name).into(),
            ..CallerProfile::default()
        };
        let h = &request.headers;
        let transport = match source.transport {
            Transport::Tcp => "tcp",
            _ => "udp",
        };
        let mut variables: Vec<(String, String)> = vec![
            ("sip_profile_name".into(), config.name.clone()),
            ("sofia_profile_name".into(), config.name.clone()),
            (
                "sip_call_id".into(),
                h.call_id().unwrap_or_default().to_owned(),
            ),
            ("sip_from_user".into(), from_user.clone()),
            ("sip_from_host".into(), from_host.clone()),
            ("sip_from_uri".into(), format!("{from_user}@{from_host}")),
            (
                "sip_from_display".into(),
                from.display_name.clone().unwrap_or_default(),
            ),
            ("sip_to_user".into(), to_user),
            ("sip_to_host".into(), to_host),
            ("sip_req_user".into(), req_user.clone()),
            ("sip_req_host".into(), req_host),
            ("sip_req_uri".into(), request.uri.to_string()),
            ("sip_network_ip".into(), source.addr.ip().to_string()),
            ("sip_network_port".into(), source.addr.port().to_string()),
            ("sip_received_ip".into(), source.addr.ip().to_string()),
            ("sip_received_port".into(), source.addr.port().to_string()),
            ("sip_via_protocol".into(), transport.into()),
            (
                "sip_user_agent".into(),
                h.get("User-Agent").unwrap_or_default().to_owned(),
            ),
        ];
        if let Some(contact) = h.get("Contact") {
            variables.push(("sip_contact_uri".into(), contact.to_owned()));
        }
        // In-dialog requests go to `source` whatever the Contact says; the variable tells
        // the dialplan, as mod_sofia's does.
        if let Some(reason) =
            crate::nat::detect(request, source.addr, config.aggressive_nat_detection)
        {
            self.log(
                LogLevel::Debug,
                &format!("INVITE from {}: NAT detected ({reason})", source.addr),
            );
            variables.push(("sip_nat_detected".into(), "true".into()));
        }
        if let Some(gateway) = &gateway {
            gateway
                .calls_in
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            variables.push(("sip_gateway_name".into(), gateway.name().to_owned()));
            variables.push(("sip_gateway".into(), gateway.name().to_owned()));
        }
        if let Some(user) = user {
            variables.push(("sip_authorized".into(), "true".into()));
            variables.push(("sip_auth_username".into(), user.id.clone()));
            variables.push(("sip_auth_realm".into(), from_host));
            variables.push(("user_name".into(), user.id.clone()));
            variables.push(("domain_name".into(), user.domain.clone()));
            variables.extend(user.variables.iter().cloned());
        }
        let variables = variables
            .into_iter()
            .map(|(name, value)| Tuple2(name.into(), value.into()))
            .collect();
        (profile, variables)
    }

    /// The session asked for a response to its INVITE (ringing, progress, answer, refusal).
    pub(super) fn respond_to_invite(
        &mut self,
        call_id: &str,
        status: u16,
        reason: &str,
        with_sdp: bool,
        contact: Option<String>,
    ) {
        let our_contact = self.our_contact("ferroswitch", Transport::Udp);
        let user_agent = self.profile.config.user_agent.clone();
        let Some(call) = self.calls.get_mut(call_id) else {
            return;
        };
        if call.direction != Direction::Inbound || call.state != LegState::Proceeding {
            return;
        }
        let (Some(invite), Some(tx)) = (call.invite.as_ref(), call.invite_tx) else {
            return;
        };
        let reason = if reason.is_empty() {
            default_reason(status)
        } else {
            reason
        };
        let mut response = ferroswitch_sip::message::response_to(invite, status, reason);
        set_to_tag(&mut response.headers, &call.local_tag);
        response.headers.push("User-Agent", user_agent);
        if (101..300).contains(&status) {
            let contact = match call.peer.transport {
                Transport::Tcp => {
                    format!("<{};transport=tcp>", our_contact.trim_matches(['<', '>']))
                }
                _ => our_contact,
            };
            response.headers.push("Contact", contact);
            response.headers.push("Allow", super::ALLOW);
            // Proxies that record-routed the INVITE stay on the dialog's path (§12.1.1).
            for route in invite.headers.get_all("Record-Route") {
                response.headers.push("Record-Route", route);
            }
        }
        if let Some(contact) = contact {
            response.headers.push("Contact", contact);
        }
        if with_sdp {
            let sdp = match &call.local_sdp {
                Some(sdp) => Some(sdp.clone()),
                // Late offer: we offer in the 200 (or 183) and read the answer in the ACK.
                None if !call.offer_answer.has_pending_offer() => {
                    let offer = call.offer_answer.create_offer();
                    call.local_sdp = Some(offer.clone());
                    Some(offer)
                }
                None => None,
            };
            if let Some(sdp) = sdp {
                response.headers.push("Content-Type", "application/sdp");
                response.body = sdp.to_string().into_bytes();
            }
        }
        if (200..300).contains(&status) {
            call.state = LegState::Answered;
            if let Some(dialog) = call.dialog.as_mut() {
                dialog.confirm();
            }
        } else if status >= 300 {
            call.state = LegState::Ended;
        }
        self.send_response(tx, response);
    }
}

/// The request's SDP, if its body is one.
pub(super) fn sdp_body(request: &Request) -> Result<Option<SessionDescription>, String> {
    sdp_body_of(&request.headers, &request.body)
}

/// The SDP in a message with `headers` and `body`, if the body is one.
pub(super) fn sdp_body_of(
    headers: &Headers,
    body: &[u8],
) -> Result<Option<SessionDescription>, String> {
    if body.is_empty() {
        return Ok(None);
    }
    let is_sdp = headers
        .content_type()
        .is_some_and(|t| t.eq_ignore_ascii_case("application/sdp"));
    if !is_sdp {
        return Ok(None);
    }
    let text = std::str::from_utf8(body).map_err(|_| "SDP is not UTF-8".to_owned())?;
    SessionDescription::parse(text)
        .map(Some)
        .map_err(|error| format!("malformed SDP: {error}"))
}

/// RFC 3261's reason phrases for the statuses sessions ask for most.
pub(super) fn default_reason(status: u16) -> &'static str {
    match status {
        180 => "Ringing",
        183 => "Session Progress",
        200 => "OK",
        302 => "Moved Temporarily",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        480 => "Temporarily Unavailable",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        500 => "Server Internal Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        603 => "Decline",
        _ => "",
    }
}
