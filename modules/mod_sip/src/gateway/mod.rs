//! Gateways: SIP providers a profile calls through and, when `register=true`, keeps a
//! registration with, as mod_sofia's `<gateways>` do.
//!
//! - [`config`]: the `<gateway>` elements and their defaults.
//! - [`registration`]: the sans-IO registration state machine (REGISTER, digest answers,
//!   refresh before expiry, FAIL_WAIT with back-off, unregister on stop).
//! - [`ping`]: the sans-IO OPTIONS pinging (`ping`, `ping-min`, `ping-max`) that takes a
//!   gateway DOWN when its provider stops answering.
//! - [`state`]: FreeSWITCH's state and status names.
//! - [`status`]: `sofia status gateway [<name>]`.
//!
//! The profile's driver owns each gateway's [`registration::Registration`] and publishes
//! what it does into the shared [`Gateway`], which the APIs and the endpoint read: the
//! endpoint refuses calls through a gateway whose status is DOWN with GATEWAY_DOWN, as
//! mod_sofia does.

pub mod config;
pub mod ping;
pub mod registration;
pub mod state;
pub mod status;

use std::sync::atomic::AtomicU64;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

pub use config::GatewayConfig;
pub use state::{GatewayState, GatewayStatus};

/// One gateway, shared by the driver (which writes its snapshot), the endpoint and the APIs.
#[derive(Debug)]
pub struct Gateway {
    /// The settings.
    pub config: GatewayConfig,
    /// The profile it belongs to.
    pub profile: String,
    /// The Contact it registers (empty when it does not register).
    pub contact: String,
    snapshot: Mutex<Snapshot>,
    /// Calls the provider sent to its registered Contact since start.
    pub calls_in: AtomicU64,
    /// Calls placed through it since start.
    pub calls_out: AtomicU64,
    /// Of those, the ones that failed before an answer.
    pub failed_calls_out: AtomicU64,
}

/// What the driver last published about a gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The registration state (NOREG for gateways that do not register).
    pub state: GatewayState,
    /// Whether calls may go through: UP when the registration allows it (always, without
    /// one) and the pings, if any, do too.
    pub status: GatewayStatus,
    /// What the registration alone says (UP for a gateway that does not register).
    pub registration_status: GatewayStatus,
    /// The pings (`ping`), if the gateway is pinged; `status` is DOWN while they say down.
    pub ping: Option<(bool, ping::PingView)>,
    /// The expiry granted last (or asked for).
    pub granted_seconds: u32,
    /// Failed REGISTERs in a row.
    pub failures: u32,
    /// When the next REGISTER goes (a refresh or a retry), if one is scheduled.
    pub next_register: Option<Instant>,
    /// Since when the status is UP.
    pub up_since: Option<Instant>,
}

impl Snapshot {
    /// This snapshot with the registration's status and the pings' verdict in: the status
    /// they give together, and since when it is UP.
    pub fn combined(
        mut self,
        registration_status: GatewayStatus,
        ping: Option<(bool, ping::PingView)>,
        now: Instant,
    ) -> Snapshot {
        let pings_up = ping.is_none_or(|(up, _)| up);
        let status = if registration_status == GatewayStatus::Up && pings_up {
            GatewayStatus::Up
        } else {
            GatewayStatus::Down
        };
        self.up_since = match (self.status, status) {
            (GatewayStatus::Up, GatewayStatus::Up) => self.up_since,
            (_, GatewayStatus::Up) => Some(now),
            _ => None,
        };
        self.status = status;
        self.registration_status = registration_status;
        self.ping = ping;
        self
    }
}

impl Gateway {
    /// A gateway of `profile`; one that registers starts UNREGED and DOWN, one that does not
    /// NOREG and UP.
    pub fn new(config: GatewayConfig, profile: &str, contact: String, now: Instant) -> Self {
        let snapshot = if config.register {
            Snapshot {
                state: GatewayState::Unreged,
                status: GatewayStatus::Down,
                registration_status: GatewayStatus::Down,
                ping: None,
                granted_seconds: config.expire_seconds,
                failures: 0,
                next_register: None,
                up_since: None,
            }
        } else {
            Snapshot {
                state: GatewayState::Noreg,
                status: GatewayStatus::Up,
                registration_status: GatewayStatus::Up,
                ping: None,
                granted_seconds: config.expire_seconds,
                failures: 0,
                next_register: None,
                up_since: Some(now),
            }
        };
        Self {
            config,
            profile: profile.to_owned(),
            contact,
            snapshot: Mutex::new(snapshot),
            calls_in: AtomicU64::new(0),
            calls_out: AtomicU64::new(0),
            failed_calls_out: AtomicU64::new(0),
        }
    }

    /// The gateway's name.
    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// The last published snapshot.
    pub fn snapshot(&self) -> Snapshot {
        *self.lock()
    }

    /// Publishes a new snapshot (the driver's job).
    pub fn publish(&self, snapshot: Snapshot) {
        *self.lock() = snapshot;
    }

    fn lock(&self) -> MutexGuard<'_, Snapshot> {
        self.snapshot
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}
