//! REGISTER: digest against the directory, then the bindings table.

use std::time::Instant;

use ferroswitch_abi::LogLevel;
use ferroswitch_sip::message::{Contact, Request, Uri};
use ferroswitch_sip::transaction::{Peer, TransactionId};

use super::auth::AuthOutcome;
use super::Driver;
use crate::registrar::{ContactChange, RegisterError, RegisterRequest, DEFAULT_EXPIRES};

impl Driver {
    pub(super) fn handle_register(&mut self, id: TransactionId, request: Request, source: Peer) {
        let to = match request.headers.to() {
            Ok(to) => to,
            Err(error) => return self.respond(id, &request, 400, &format!("Bad To: {error}")),
        };
        let Uri::Sip(to_uri) = &to.uri else {
            return self.respond(id, &request, 416, "Unsupported URI Scheme");
        };
        let realm = to_uri.host.clone();
        let to_user = to_uri.user_unescaped().unwrap_or_default();
        let user = match self
            .auth
            .check(&self.profile.host, &request, "Authorization", &realm)
        {
            AuthOutcome::Authorized(user) => user,
            AuthOutcome::Challenge { stale } => {
                let mut response = self.response(&request, 401, "Unauthorized");
                for challenge in self.auth.challenges(&realm, stale) {
                    response.headers.push("WWW-Authenticate", challenge);
                }
                return self.send_response(id, response);
            }
            AuthOutcome::Forbidden(reason) => {
                self.log(
                    LogLevel::Warning,
                    &format!("REGISTER from {} refused: {reason}", source.addr),
                );
                return self.respond(id, &request, 403, "Forbidden");
            }
        };
        if !user.id.eq_ignore_ascii_case(&to_user) {
            self.log(
                LogLevel::Warning,
                &format!(
                    "REGISTER from {}: user {} may not register {to_user}@{realm}",
                    source.addr, user.id
                ),
            );
            return self.respond(id, &request, 403, "Forbidden");
        }
        let contacts = match request.headers.contacts() {
            Ok(contacts) => contacts,
            Err(error) => return self.respond(id, &request, 400, &format!("Bad Contact: {error}")),
        };
        let header_expires = request.headers.expires().ok().flatten();
        let changes: Vec<ContactChange> = contacts
            .iter()
            .map(|contact| match contact {
                Contact::Wildcard => ContactChange::RemoveAll,
                Contact::Address(address) => ContactChange::Set {
                    contact: address.uri.to_string(),
                    expires: contact
                        .expires()
                        .or(header_expires)
                        .unwrap_or(DEFAULT_EXPIRES),
                },
            })
            .collect();
        let wildcard = changes.contains(&ContactChange::RemoveAll);
        if wildcard && header_expires != Some(0) {
            return self.respond(id, &request, 400, "Contact: * needs Expires: 0");
        }
        let aor = format!("{}@{}", user.id, user.domain).to_ascii_lowercase();
        let now = Instant::now();
        let outcome = if changes.is_empty() {
            // A query: list the bindings, change nothing (RFC 3261 §10.2.3).
            Ok(self.profile.registrations().contacts(now, &aor))
        } else {
            let register = RegisterRequest {
                changes,
                call_id: request.headers.call_id().unwrap_or_default().to_owned(),
                cseq: request.headers.cseq().map(|c| c.seq).unwrap_or_default(),
                received: source.addr,
                transport: source.transport,
                user_agent: request
                    .headers
                    .get("User-Agent")
                    .unwrap_or_default()
                    .to_owned(),
            };
            self.profile
                .registrations()
                .handle_register(now, &aor, register)
        };
        match outcome {
            Ok(bindings) => {
                self.log(
                    LogLevel::Info,
                    &format!(
                        "{aor} from {} now has {} contact(s)",
                        source.addr,
                        bindings.len()
                    ),
                );
                let mut response = self.response(&request, 200, "OK");
                for binding in &bindings {
                    response.headers.push(
                        "Contact",
                        format!("<{}>;expires={}", binding.contact, binding.expires_in(now)),
                    );
                }
                self.send_response(id, response);
            }
            Err(error @ RegisterError::BadWildcard) => {
                self.respond(id, &request, 400, &error.to_string())
            }
            Err(error) => self.respond(id, &request, 500, &error.to_string()),
        }
    }
}
