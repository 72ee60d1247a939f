//! The registrar's bindings (RFC 3261 §10.3), sans-IO: address-of-record → contacts with
//! their expiry, the address each REGISTER really came from, and the Call-ID/CSeq ordering
//! that keeps a delayed REGISTER from undoing a newer one.
//!
//! NAT: a phone behind NAT registers a Contact with its private address. Each binding keeps
//! the address the REGISTER arrived from (`received`), and when that differs from the
//! Contact's host and port the dial string carries it as `fs_path`, so calls go to the
//! address that works while the Request-URI stays what the phone registered (FreeSWITCH's
//! `fs_nat` / `fs_path` behaviour; see [`crate::nat`]).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ferroswitch_sip::message::Uri;
use ferroswitch_sip::transaction::Transport;

/// The longest registration granted, FreeSWITCH's default `max-registration-expires`-like cap.
pub const MAX_EXPIRES: u32 = 7200;
/// What a REGISTER without Expires gets (RFC 3261 §10.2.1.1 suggests 3600).
pub const DEFAULT_EXPIRES: u32 = 3600;

/// One registered contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The Contact URI as the phone wrote it.
    pub contact: String,
    /// Where the REGISTER came from.
    pub received: SocketAddr,
    /// The transport it came over.
    pub transport: Transport,
    /// When it lapses.
    pub expires_at: Instant,
    /// The REGISTER's Call-ID and CSeq (RFC 3261 §10.3 step 7).
    pub call_id: String,
    /// See [`Self::call_id`].
    pub cseq: u32,
    /// The User-Agent header, for `sofia status profile <name> reg`.
    pub user_agent: String,
}

impl Binding {
    /// Seconds left at `now`.
    pub fn expires_in(&self, now: Instant) -> u64 {
        self.expires_at.saturating_duration_since(now).as_secs()
    }

    /// Whether the Contact's host and port are not where the REGISTER came from (a phone
    /// behind NAT that does not know its public address).
    pub fn is_behind_nat(&self) -> bool {
        let Ok(Uri::Sip(uri)) = Uri::parse(&self.contact) else {
            return true;
        };
        let host = uri.host.trim_start_matches('[').trim_end_matches(']');
        let port = uri.port.unwrap_or(5060);
        host.parse::<std::net::IpAddr>().ok() != Some(self.received.ip())
            || port != self.received.port()
    }

    /// The Contact as `sofia status profile <name> reg` shows it and calls use it: behind
    /// NAT, with FreeSWITCH's `fs_nat=yes` and the `fs_path` to [`Self::received`].
    pub fn stored_contact(&self) -> String {
        if self.is_behind_nat() {
            crate::nat::natted_contact(&self.contact, self.received, self.transport)
        } else {
            self.contact.clone()
        }
    }

    /// The dial string reaching this contact through `profile`.
    pub fn dial_string(&self, profile: &str) -> String {
        format!("sofia/{profile}/{}", self.stored_contact())
    }
}

/// One contact of a REGISTER.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContactChange {
    /// `Contact: *` (only with `Expires: 0`): remove every binding.
    RemoveAll,
    /// Add, refresh or (with 0) remove one contact.
    Set {
        /// The URI.
        contact: String,
        /// Seconds requested (the contact's `expires`, else the Expires header, else the
        /// default).
        expires: u32,
    },
}

/// Why a REGISTER's bindings were not applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegisterError {
    /// `Contact: *` with a non-zero expiry, or together with other contacts (400).
    #[error("Contact: * needs Expires: 0 and no other contact")]
    BadWildcard,
    /// Same Call-ID as a binding, CSeq not higher: an old request arriving late (500).
    #[error("CSeq {received} is not above {last} for this Call-ID")]
    OutOfOrder {
        /// The CSeq received.
        received: u32,
        /// The binding's CSeq.
        last: u32,
    },
}

/// What a REGISTER carried besides its contacts.
#[derive(Clone, Debug)]
pub struct RegisterRequest {
    /// The contacts.
    pub changes: Vec<ContactChange>,
    /// Call-ID.
    pub call_id: String,
    /// CSeq number.
    pub cseq: u32,
    /// Where it came from.
    pub received: SocketAddr,
    /// The transport.
    pub transport: Transport,
    /// User-Agent.
    pub user_agent: String,
}

/// Every binding of one profile.
#[derive(Debug, Default)]
pub struct Registrations {
    by_aor: HashMap<String, Vec<Binding>>,
}

impl Registrations {
    /// Applies a REGISTER to `aor` (`user@domain`, lower-cased by the caller) and returns
    /// the bindings now in force, for the 200's Contact headers.
    pub fn handle_register(
        &mut self,
        now: Instant,
        aor: &str,
        request: RegisterRequest,
    ) -> Result<Vec<Binding>, RegisterError> {
        self.purge(now);
        let wildcard = request.changes.contains(&ContactChange::RemoveAll);
        if wildcard {
            if request.changes.len() != 1 {
                return Err(RegisterError::BadWildcard);
            }
            if let Some(bindings) = self.by_aor.get(aor) {
                if let Some(last) = bindings
                    .iter()
                    .find(|b| b.call_id == request.call_id && request.cseq <= b.cseq)
                {
                    return Err(RegisterError::OutOfOrder {
                        received: request.cseq,
                        last: last.cseq,
                    });
                }
            }
            self.by_aor.remove(aor);
            return Ok(Vec::new());
        }
        let bindings = self.by_aor.entry(aor.to_owned()).or_default();
        for change in &request.changes {
            let ContactChange::Set { contact, expires } = change else {
                continue;
            };
            let existing = bindings
                .iter()
                .position(|b| same_contact(&b.contact, contact));
            if let Some(index) = existing {
                let binding = &bindings[index];
                if binding.call_id == request.call_id && request.cseq <= binding.cseq {
                    return Err(RegisterError::OutOfOrder {
                        received: request.cseq,
                        last: binding.cseq,
                    });
                }
            }
            if *expires == 0 {
                if let Some(index) = existing {
                    bindings.remove(index);
                }
                continue;
            }
            let binding = Binding {
                contact: contact.clone(),
                received: request.received,
                transport: request.transport,
                expires_at: now + Duration::from_secs(u64::from((*expires).min(MAX_EXPIRES))),
                call_id: request.call_id.clone(),
                cseq: request.cseq,
                user_agent: request.user_agent.clone(),
            };
            match existing {
                Some(index) => bindings[index] = binding,
                None => bindings.push(binding),
            }
        }
        let current = bindings.clone();
        if bindings.is_empty() {
            self.by_aor.remove(aor);
        }
        Ok(current)
    }

    /// The live bindings of `aor`.
    pub fn contacts(&self, now: Instant, aor: &str) -> Vec<Binding> {
        self.by_aor
            .get(aor)
            .map(|bindings| {
                bindings
                    .iter()
                    .filter(|b| b.expires_at > now)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every live binding, by address-of-record, sorted for stable listings.
    pub fn all(&self, now: Instant) -> Vec<(String, Binding)> {
        let mut all: Vec<(String, Binding)> = self
            .by_aor
            .iter()
            .flat_map(|(aor, bindings)| {
                bindings
                    .iter()
                    .filter(|b| b.expires_at > now)
                    .map(|b| (aor.clone(), b.clone()))
            })
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.contact.cmp(&b.1.contact)));
        all
    }

    /// Forgets lapsed bindings.
    pub fn purge(&mut self, now: Instant) {
        self.by_aor.retain(|_, bindings| {
            bindings.retain(|b| b.expires_at > now);
            !bindings.is_empty()
        });
    }
}

/// RFC 3261 §10.3 step 6 compares URIs by their rules; comparing the text without case is
/// what phones that re-register with the same Contact need.
fn same_contact(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn register(changes: Vec<ContactChange>, cseq: u32) -> RegisterRequest {
        RegisterRequest {
            changes,
            call_id: "reg-1".into(),
            cseq,
            received: "198.51.100.7:40000".parse().expect("address"),
            transport: Transport::Udp,
            user_agent: "phone".into(),
        }
    }

    fn set(contact: &str, expires: u32) -> ContactChange {
        ContactChange::Set {
            contact: contact.into(),
            expires,
        }
    }

    #[test]
    fn contacts_are_added_refreshed_expired_and_removed() {
        let now = Instant::now();
        let mut regs = Registrations::default();
        let aor = "1000@example.org";
        let bound = regs
            .handle_register(
                now,
                aor,
                register(vec![set("sip:1000@10.0.0.2:5060", 60)], 1),
            )
            .expect("applied");
        assert_eq!(bound.len(), 1);
        regs.handle_register(now, aor, register(vec![set("sip:1000@10.0.0.3", 120)], 2))
            .expect("applied");
        assert_eq!(regs.contacts(now, aor).len(), 2, "two phones, one user");
        let later = now + Duration::from_secs(61);
        assert_eq!(regs.contacts(later, aor).len(), 1, "the first lapsed");
        regs.handle_register(later, aor, register(vec![set("sip:1000@10.0.0.3", 0)], 3))
            .expect("applied");
        assert!(regs.contacts(later, aor).is_empty(), "un-registered");
    }

    #[test]
    fn wildcard_removes_everything_and_needs_expires_zero_alone() {
        let now = Instant::now();
        let mut regs = Registrations::default();
        let aor = "1000@example.org";
        regs.handle_register(
            now,
            aor,
            register(vec![set("sip:a@h", 60), set("sip:b@h", 60)], 1),
        )
        .expect("applied");
        assert_eq!(
            regs.handle_register(
                now,
                aor,
                register(vec![ContactChange::RemoveAll, set("sip:a@h", 0)], 2)
            ),
            Err(RegisterError::BadWildcard)
        );
        regs.handle_register(now, aor, register(vec![ContactChange::RemoveAll], 3))
            .expect("applied");
        assert!(regs.all(now).is_empty());
    }

    #[test]
    fn a_late_register_does_not_undo_a_newer_one() {
        let now = Instant::now();
        let mut regs = Registrations::default();
        let aor = "1000@example.org";
        regs.handle_register(now, aor, register(vec![set("sip:a@h", 60)], 5))
            .expect("applied");
        assert_eq!(
            regs.handle_register(now, aor, register(vec![set("sip:a@h", 0)], 4)),
            Err(RegisterError::OutOfOrder {
                received: 4,
                last: 5
            })
        );
        assert_eq!(regs.contacts(now, aor).len(), 1);
    }

    #[test]
    fn a_contact_behind_nat_is_dialled_through_the_received_address() {
        let now = Instant::now();
        let mut regs = Registrations::default();
        let bound = regs
            .handle_register(
                now,
                "1000@x",
                register(vec![set("sip:1000@10.0.0.2:5060", 60)], 1),
            )
            .expect("applied");
        assert_eq!(
            bound[0].dial_string("internal"),
            "sofia/internal/sip:1000@10.0.0.2:5060;fs_nat=yes;fs_path=sip%3A1000%40198.51.100.7%3A40000"
        );
        let direct = Binding {
            contact: "sip:1000@198.51.100.7:40000".into(),
            ..bound[0].clone()
        };
        assert_eq!(
            direct.dial_string("internal"),
            "sofia/internal/sip:1000@198.51.100.7:40000"
        );
    }
}
