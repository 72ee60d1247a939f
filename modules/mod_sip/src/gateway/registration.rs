//! The outbound registration of one gateway, sans-IO: it builds REGISTERs, reads their
//! final responses and keeps its own timers, but never sends, sleeps or reads a clock.
//!
//! The driver runs it as str0m's loop asks:
//!
//! ```text
//! registration.handle_start(now);
//! loop {
//!     while let Some(output) = registration.poll_output() {
//!         Transmit(request)  => send it in a client transaction to the register-proxy
//!         State(change)      => publish it, fire sofia::gateway_state
//!     }
//!     wait for: the REGISTER's final response → handle_response(now, &response)
//!               its transaction timing out    → handle_transaction_timeout(now)
//!               poll_timeout()                → handle_timeout(now)
//! }
//! ```
//!
//! The states and timings are mod_sofia's (sofia_reg.c):
//!
//! - UNREGED → TRYING when a REGISTER goes; a 401/407 is answered with the gateway's
//!   credentials in the same state (again only if the server says the nonce was `stale`).
//! - 2xx → REGISTER → REGED. The granted expiry (our Contact's `expires`, else `Expires`,
//!   else what we asked) is refreshed 15 s before it runs out when it is over 30 s, else at
//!   half of it; the refresh passes through UNREGED and TRYING again.
//! - 423 Interval Too Brief is answered at once with the registrar's `Min-Expires`, as
//!   sofia-sip's nua does for mod_sofia.
//! - Any other final status → FAILED → FAIL_WAIT for `retry-seconds` times the failures in
//!   a row (just `retry-seconds` after a 503 or a timeout), then UNREGED and a new attempt.
//!   No answer at all → TIMEOUT → FAILED → FAIL_WAIT. Unlike mod_sofia, the wait is capped
//!   at [`MAX_RETRY_WAIT`] so that a provider that was down for a day is retried within the
//!   hour once it is back.
//! - [`Registration::handle_stop`] unregisters (Expires: 0) a REGED gateway, answering the
//!   last challenge ahead of time so that one round trip is enough.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use ferroswitch_sip::auth::{answer, best_challenge, Challenge};
use ferroswitch_sip::message::{
    Contact, Method, NameAddr, NewRequest, Request, Response, Uri, Via,
};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};

use super::state::{GatewayState, GatewayStatus};

/// The longest wait between failed attempts, however many failed in a row.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(3600);

/// The status FreeSWITCH records for a REGISTER that got no answer (sofia's 908).
pub const TIMEOUT_STATUS: u16 = 908;

/// What one gateway registers and how; built by the driver from the gateway's config and
/// the profile's addresses.
#[derive(Clone, Debug)]
pub struct RegistrationParams {
    /// The gateway's name, for the Contact and logs.
    pub gateway: String,
    /// The REGISTER's Request-URI: `sip:<realm>`.
    pub request_uri: Uri,
    /// From (and To, as mod_sofia sends without `distinct-to`): the address of record.
    pub aor: NameAddr,
    /// Our Contact, `<sip:gw+name@ip:port;transport=udp;gw=name>`.
    pub contact: NameAddr,
    /// The top Via without a branch (the transaction layer adds one).
    pub via: Via,
    /// The REGISTERs' Call-ID, the same for the gateway's life (RFC 3261 §10.2).
    pub call_id: String,
    /// Digest credentials.
    pub username: String,
    /// See [`Self::username`].
    pub password: String,
    /// `expire-seconds`.
    pub expire_seconds: u32,
    /// `retry-seconds`.
    pub retry_seconds: u32,
    /// `User-Agent`.
    pub user_agent: String,
}

/// Why the registration wants to wake up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Refresh the binding before it expires.
    Refresh,
    /// Try again after a failure.
    Retry,
}

/// A change of state, as `sofia::gateway_state` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateChange {
    /// The new state.
    pub state: GatewayState,
    /// Whether calls may use the gateway now.
    pub status: GatewayStatus,
    /// The SIP status that caused it, if one did.
    pub sip_status: Option<u16>,
    /// Its reason phrase.
    pub phrase: Option<String>,
}

/// What the registration asks of its driver.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Send this REGISTER in a new client transaction.
    Transmit(Request),
    /// The state changed.
    State(StateChange),
}

/// One gateway's registration.
#[derive(Debug)]
pub struct Registration {
    params: RegistrationParams,
    state: GatewayState,
    status: GatewayStatus,
    /// Failed attempts in a row.
    failures: u32,
    /// The expiry the registrar granted last (mod_sofia's `freq`).
    granted: u32,
    /// The expiry our REGISTERs ask for: `expire-seconds`, raised by a 423's Min-Expires.
    asking: u32,
    cseq: u32,
    from_tag: String,
    timer: Option<(Instant, Timer)>,
    /// A REGISTER is out and its final response not in.
    in_flight: bool,
    /// The last challenge and how many times its nonce was used (`nc`).
    challenge: Option<(Challenge, &'static str, u32)>,
    /// The current attempt already answered a challenge it received.
    answered: bool,
    /// [`Self::handle_stop`] ran: the next REGISTER unregisters and nothing follows it.
    stopping: bool,
    outputs: VecDeque<Output>,
    rng: StdRng,
}

impl Registration {
    /// A registration that starts with [`Self::handle_start`]; `seed` feeds the tags and
    /// client nonces.
    pub fn new(params: RegistrationParams, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let from_tag = format!("{:016x}", rng.next_u64());
        Self {
            granted: params.expire_seconds,
            asking: params.expire_seconds,
            params,
            state: GatewayState::Unreged,
            status: GatewayStatus::Down,
            failures: 0,
            cseq: 0,
            from_tag,
            timer: None,
            in_flight: false,
            challenge: None,
            answered: false,
            stopping: false,
            outputs: VecDeque::new(),
            rng,
        }
    }

    // --- getters ---

    /// The state.
    pub fn state(&self) -> GatewayState {
        self.state
    }

    /// Whether calls may go through.
    pub fn status(&self) -> GatewayStatus {
        self.status
    }

    /// Failed attempts in a row.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The expiry granted last (the one asked for until a registrar answers).
    pub fn granted_seconds(&self) -> u32 {
        self.granted
    }

    /// The next wake-up and its reason.
    pub fn timer(&self) -> Option<(Instant, Timer)> {
        self.timer
    }

    // --- input ---

    /// Sends the first REGISTER.
    pub fn handle_start(&mut self, now: Instant) {
        if self.state == GatewayState::Unreged && !self.in_flight && !self.stopping {
            self.send_register(now);
        }
    }

    /// A final (or provisional, ignored) response to our last REGISTER.
    pub fn handle_response(&mut self, now: Instant, response: &Response) {
        if !self.in_flight || response.status < 200 {
            return;
        }
        self.in_flight = false;
        let status = response.status;
        if self.stopping {
            // The unregister is answered (or refused: the binding expires on its own).
            if matches!(status, 401 | 407) && self.answer_challenge(response) {
                self.send_register(now);
            } else {
                self.set_state(GatewayState::Down, GatewayStatus::Down, Some(response));
            }
            return;
        }
        match status {
            200..=299 => self.handle_success(now, response),
            401 | 407 if self.answer_challenge(response) => self.send_register(now),
            423 if self.raise_expiry(response) => self.send_register(now),
            _ => self.fail(now, Some(response)),
        }
    }

    /// Our REGISTER's transaction ended without a final response (timer F, or the
    /// transport could not send it).
    pub fn handle_transaction_timeout(&mut self, now: Instant) {
        if !self.in_flight {
            return;
        }
        self.in_flight = false;
        if self.stopping {
            self.set_state(GatewayState::Down, GatewayStatus::Down, None);
            return;
        }
        self.set_state(GatewayState::Timeout, self.status, None);
        self.fail(now, None);
    }

    /// The gateway's pings say its provider stopped answering. A registration that looked
    /// fine is then doubted, as mod_sofia does: FAILED, FAIL_WAIT for `retry-seconds`, and a
    /// fresh REGISTER after that.
    pub fn handle_ping_failed(&mut self, now: Instant) {
        if self.state == GatewayState::Reged && !self.in_flight && !self.stopping {
            self.fail(now, None);
        }
    }

    /// Time passed: refresh or retry when it is due.
    pub fn handle_timeout(&mut self, now: Instant) {
        let Some((at, _)) = self.timer else {
            return;
        };
        if now < at {
            return;
        }
        self.timer = None;
        self.set_state(GatewayState::Unreged, self.status, None);
        self.send_register(now);
    }

    /// The gateway goes away (unload, shutdown): unregisters when registered. Returns
    /// whether an unregister went out, so the driver knows to wait for its answer.
    pub fn handle_stop(&mut self, now: Instant) -> bool {
        if self.stopping {
            return false;
        }
        self.stopping = true;
        self.timer = None;
        if self.state == GatewayState::Reged && !self.in_flight {
            self.set_state(GatewayState::Unregister, GatewayStatus::Down, None);
            self.send_register(now);
            true
        } else {
            self.set_state(GatewayState::Down, GatewayStatus::Down, None);
            false
        }
    }

    // --- output ---

    /// The next thing to do.
    #[must_use]
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// When [`Self::handle_timeout`] wants to run next.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timer.map(|(at, _)| at)
    }

    // --- internals ---

    fn handle_success(&mut self, now: Instant, response: &Response) {
        self.failures = 0;
        self.answered = false;
        self.granted = self.granted_expiry(response);
        self.set_state(GatewayState::Register, GatewayStatus::Up, Some(response));
        // mod_sofia refreshes 15 s early for long expiries and at half time for short ones.
        let refresh = if self.granted > 30 {
            self.granted - 15
        } else {
            (self.granted / 2).max(1)
        };
        self.timer = Some((
            now + Duration::from_secs(u64::from(refresh)),
            Timer::Refresh,
        ));
        self.set_state(GatewayState::Reged, GatewayStatus::Up, None);
    }

    /// The expiry the registrar granted our Contact: its `expires` parameter, else the
    /// `Expires` header, else what we asked for. Zero (a registrar that drops the binding at
    /// once) is taken as what we asked, as mod_sofia ignores it.
    fn granted_expiry(&self, response: &Response) -> u32 {
        let ours = self.params.contact.uri.to_string();
        let from_contact = response.headers.contacts().ok().and_then(|contacts| {
            contacts.iter().find_map(|contact| match contact {
                Contact::Address(address) if address.uri.to_string() == ours => contact.expires(),
                _ => None,
            })
        });
        from_contact
            .or_else(|| response.headers.expires().ok().flatten())
            .filter(|secs| *secs > 0)
            .unwrap_or(self.asking)
    }

    /// Keeps the challenge of a 401/407 for the next REGISTER; false when it cannot or may
    /// not be answered (no usable challenge, or our answer was just refused).
    fn answer_challenge(&mut self, response: &Response) -> bool {
        let Some((challenge, header)) = best_challenge(response) else {
            return false;
        };
        if self.answered && !challenge.stale {
            return false;
        }
        self.answered = true;
        self.challenge = Some((challenge, header, 0));
        true
    }

    /// Takes a 423's `Min-Expires` for the next REGISTERs; false when it is missing or not
    /// above what we asked (a registrar that keeps refusing then fails the attempt).
    fn raise_expiry(&mut self, response: &Response) -> bool {
        let minimum = response
            .headers
            .get("Min-Expires")
            .and_then(|value| value.trim().parse::<u32>().ok());
        match minimum {
            Some(minimum) if minimum > self.asking => {
                self.asking = minimum;
                true
            }
            _ => false,
        }
    }

    fn fail(&mut self, now: Instant, response: Option<&Response>) {
        self.failures += 1;
        self.answered = false;
        self.challenge = None;
        let sip_status = response.map_or(TIMEOUT_STATUS, |r| r.status);
        let retry = u64::from(self.params.retry_seconds);
        let wait = if sip_status == 503 || sip_status == TIMEOUT_STATUS {
            retry
        } else {
            retry * u64::from(self.failures)
        };
        let wait = Duration::from_secs(wait).min(MAX_RETRY_WAIT);
        self.set_state(GatewayState::Failed, GatewayStatus::Down, response);
        self.timer = Some((now + wait, Timer::Retry));
        self.set_state(GatewayState::FailWait, GatewayStatus::Down, None);
    }

    fn send_register(&mut self, _now: Instant) {
        self.cseq += 1;
        let expires = if self.stopping { 0 } else { self.asking };
        let mut request = NewRequest {
            method: Method::Register,
            uri: self.params.request_uri.clone(),
            via: self.params.via.clone(),
            from: self.params.aor.clone().with_tag(&self.from_tag),
            to: self.params.aor.clone(),
            call_id: self.params.call_id.clone(),
            seq: self.cseq,
            contact: Some(self.params.contact.clone()),
        }
        .build();
        request.headers.push("Expires", expires.to_string());
        request
            .headers
            .push("User-Agent", self.params.user_agent.clone());
        if let Some((challenge, header, uses)) = &mut self.challenge {
            // Reusing a nonce with the next count (RFC 7616 §3.4) spares a round trip on
            // refreshes; a registrar that refuses it challenges again, which we answer.
            *uses += 1;
            let cnonce = format!("{:016x}", self.rng.next_u64());
            let uri = self.params.request_uri.to_string();
            let credentials = answer(
                challenge,
                "REGISTER",
                &uri,
                &self.params.username,
                &self.params.password,
                &cnonce,
                *uses,
            );
            request.headers.push(header, credentials.header_value);
        }
        self.in_flight = true;
        self.outputs.push_back(Output::Transmit(request));
        if !self.stopping && self.state != GatewayState::Trying {
            self.set_state(GatewayState::Trying, self.status, None);
        }
    }

    fn set_state(
        &mut self,
        state: GatewayState,
        status: GatewayStatus,
        response: Option<&Response>,
    ) {
        if state == self.state && status == self.status && response.is_none() {
            return;
        }
        self.state = state;
        self.status = status;
        self.outputs.push_back(Output::State(StateChange {
            state,
            status,
            sip_status: response.map(|r| r.status),
            phrase: response.map(|r| r.reason.clone()),
        }));
    }
}

#[cfg(test)]
mod tests;
