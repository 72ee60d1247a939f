//! The driver's side of gateway registrations: it runs each registering gateway's
//! [`Registration`], sends its REGISTERs in client transactions to the register-proxy,
//! routes their responses and timeouts back, publishes each change into the shared
//! [`Gateway`] and fires `CUSTOM sofia::gateway_state` with mod_sofia's headers.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use ferroswitch_abi::{Event, LogLevel};
use ferroswitch_sip::message::{NameAddr, Request, Response, SipUri, Uri};
use ferroswitch_sip::transaction::{Peer, TransactionId, Transport};
use rand::RngCore;

use super::Driver;
use crate::call::Command;
use crate::gateway::registration::{Output, Registration, RegistrationParams, StateChange};
use crate::gateway::{Gateway, GatewayState, Snapshot};

/// One registering gateway as the driver runs it.
pub(super) struct GatewayRunner {
    shared: Arc<Gateway>,
    registration: Registration,
    /// Where the register-proxy was found; a name is looked up again when a REGISTER goes
    /// unanswered or cannot be sent.
    proxy_addr: Option<SocketAddr>,
    /// A REGISTER waiting for the register-proxy's name to be looked up.
    waiting: Option<Request>,
}

/// Every registering gateway of a profile, every pinged one, and which transaction is whose.
#[derive(Default)]
pub(super) struct Gateways {
    runners: Vec<GatewayRunner>,
    by_transaction: HashMap<TransactionId, usize>,
    /// The pinged gateways (see `gateway_pings`).
    pub(super) pings: Vec<super::gateway_pings::PingRunner>,
    /// Which OPTIONS transaction is whose ping.
    pub(super) by_ping: HashMap<TransactionId, usize>,
}

impl Gateways {
    /// Whether transaction `tx` is a gateway's REGISTER or ping.
    pub(super) fn owns(&self, tx: TransactionId) -> bool {
        self.by_transaction.contains_key(&tx) || self.by_ping.contains_key(&tx)
    }

    /// The earliest refresh, retry or ping.
    pub(super) fn poll_timeout(&self) -> Option<Instant> {
        self.runners
            .iter()
            .filter_map(|runner| runner.registration.poll_timeout())
            .chain(
                self.pings
                    .iter()
                    .filter_map(|ping| ping.pinger.poll_timeout()),
            )
            .min()
    }

    /// Gateway `name`'s pings took it down: its registration, if any, starts over.
    pub(super) fn ping_failed(&mut self, name: &str, now: Instant) {
        if let Some(runner) = self
            .runners
            .iter_mut()
            .find(|runner| runner.shared.name() == name)
        {
            runner.registration.handle_ping_failed(now);
        }
    }

    /// Where gateway `name`'s register-proxy was found, if it registers and it was.
    pub(super) fn proxy_address(&self, name: &str) -> Option<SocketAddr> {
        self.runners
            .iter()
            .find(|runner| runner.shared.name() == name)
            .and_then(|runner| runner.proxy_addr)
    }

    /// Whether a REGISTER is still waiting for its answer.
    pub(super) fn awaiting_answers(&self) -> bool {
        !self.by_transaction.is_empty()
    }
}

impl Driver {
    /// Builds the registrations of the profile's registering gateways and sends their first
    /// REGISTERs.
    pub(super) fn start_gateways(&mut self) {
        let now = Instant::now();
        let via = self.our_via(Transport::Udp);
        let host = self.profile.config.advertised_sip_ip().to_string();
        let user_agent = self.profile.config.user_agent.clone();
        for shared in self.profile.gateways.clone() {
            let config = &shared.config;
            if !config.register {
                continue;
            }
            // The config checked both: the realm parses as a host and the Contact is ours.
            let (Ok(request_uri), Ok(aor), Ok(contact)) = (
                Uri::parse(&format!("sip:{}", config.realm)),
                NameAddr::parse(&config.register_from()),
                NameAddr::parse(&shared.contact),
            ) else {
                self.log(
                    LogLevel::Err,
                    &format!("gateway {}: unusable realm or contact", config.name),
                );
                continue;
            };
            let params = RegistrationParams {
                gateway: config.name.clone(),
                request_uri,
                aor,
                contact,
                via: via.clone(),
                call_id: format!(
                    "{:016x}{:016x}@{host}",
                    self.rng.next_u64(),
                    self.rng.next_u64()
                ),
                username: config.username.clone(),
                password: config.password.clone(),
                expire_seconds: config.expire_seconds,
                retry_seconds: config.retry_seconds,
                user_agent: user_agent.clone(),
            };
            let mut registration = Registration::new(params, self.rng.next_u64());
            registration.handle_start(now);
            self.gateways.runners.push(GatewayRunner {
                shared,
                registration,
                proxy_addr: None,
                waiting: None,
            });
        }
        self.start_gateway_pings(now);
    }

    /// Sends what the registrations want sent and publishes their changes; true when there
    /// was anything.
    pub(super) fn drain_gateways(&mut self) -> bool {
        let mut busy = false;
        for index in 0..self.gateways.runners.len() {
            while let Some(output) = self.gateways.runners[index].registration.poll_output() {
                busy = true;
                match output {
                    Output::Transmit(request) => self.send_register(index, request),
                    Output::State(change) => self.publish_gateway(index, &change),
                }
            }
        }
        busy
    }

    /// Routes a response of transaction `tx` to its gateway.
    pub(super) fn handle_gateway_response(&mut self, tx: TransactionId, response: &Response) {
        if self.gateways.by_ping.contains_key(&tx) {
            return self.handle_ping_answer(tx, Some(response.status));
        }
        let Some(&index) = self.gateways.by_transaction.get(&tx) else {
            return;
        };
        if response.status >= 200 {
            self.gateways.by_transaction.remove(&tx);
        }
        self.gateways.runners[index]
            .registration
            .handle_response(Instant::now(), response);
    }

    /// Transaction `tx` of a gateway ended without a final response. The register-proxy's
    /// name is looked up again for the retry: it may have moved.
    pub(super) fn handle_gateway_timeout(&mut self, tx: TransactionId) {
        if self.gateways.by_ping.contains_key(&tx) {
            return self.handle_ping_answer(tx, None);
        }
        if let Some(index) = self.gateways.by_transaction.remove(&tx) {
            let runner = &mut self.gateways.runners[index];
            runner.proxy_addr = None;
            runner
                .registration
                .handle_transaction_timeout(Instant::now());
        }
    }

    /// Refreshes and retries that are due.
    pub(super) fn handle_gateway_timers(&mut self, now: Instant) {
        for runner in &mut self.gateways.runners {
            runner.registration.handle_timeout(now);
        }
        self.handle_ping_timers(now);
    }

    /// Unregisters every registered gateway; true when some unregister waits for an answer.
    pub(super) fn stop_gateways(&mut self) -> bool {
        // No pings while the profile stops: their answers would only announce false news.
        self.gateways.pings.clear();
        self.gateways.by_ping.clear();
        let now = Instant::now();
        for runner in &mut self.gateways.runners {
            runner.registration.handle_stop(now);
        }
        self.drain();
        self.gateways.awaiting_answers()
    }

    /// Sends a gateway's REGISTER to its register-proxy. A host name is looked up on a
    /// blocking-pool thread first: the lookup can take seconds, and this task serves every
    /// call of the profile, so one gateway's resolver trouble would stall the rest.
    fn send_register(&mut self, index: usize, request: Request) {
        let runner = &mut self.gateways.runners[index];
        let proxy = runner.shared.config.register_proxy.clone();
        let address = match (runner.proxy_addr, crate::dial::literal_address(&proxy)) {
            (_, Some(address)) | (Some(address), None) => address,
            (None, None) => {
                let looking = runner.waiting.replace(request).is_some();
                let gateway = runner.shared.name().to_owned();
                if !looking {
                    self.look_up_proxy(gateway, proxy);
                }
                return;
            }
        };
        let now = Instant::now();
        let peer = Peer {
            transport: Transport::Udp,
            addr: address,
        };
        match self.layer.send_request(now, request, peer) {
            Ok(tx) => {
                self.gateways.by_transaction.insert(tx, index);
            }
            Err(error) => self.register_not_sent(index, &proxy, &error.to_string()),
        }
    }

    /// Looks `proxy` up off the driver's task; [`Command::GatewayResolved`] brings the answer.
    pub(super) fn look_up_proxy(&self, gateway: String, proxy: SipUri) {
        let profile = Arc::clone(&self.profile);
        let ipv4 = self.profile.config.sip_ip.is_ipv4();
        tokio::task::spawn_blocking(move || {
            let address =
                crate::dial::resolve_preferring(&proxy, |address| address.is_ipv4() == ipv4);
            profile.send(Command::GatewayResolved { gateway, address });
        });
    }

    /// The lookup of a gateway's register-proxy ended: its waiting REGISTER goes out, or the
    /// registration fails and retries later (looking the name up again).
    pub(super) fn handle_gateway_resolved(
        &mut self,
        gateway: &str,
        address: Result<SocketAddr, String>,
    ) {
        self.ping_address_found(gateway, address.as_ref().ok().copied());
        let Some(index) = self
            .gateways
            .runners
            .iter()
            .position(|runner| runner.shared.name() == gateway)
        else {
            return;
        };
        let runner = &mut self.gateways.runners[index];
        let Some(request) = runner.waiting.take() else {
            return;
        };
        match address {
            Ok(address) => {
                runner.proxy_addr = Some(address);
                self.send_register(index, request);
            }
            Err(error) => {
                let proxy = runner.shared.config.register_proxy.clone();
                self.register_not_sent(index, &proxy, &error);
            }
        }
        self.drain();
    }

    fn register_not_sent(&mut self, index: usize, proxy: &SipUri, error: &str) {
        let runner = &mut self.gateways.runners[index];
        runner.proxy_addr = None;
        let gateway = runner.shared.name().to_owned();
        self.log(
            LogLevel::Err,
            &format!("gateway {gateway}: cannot send REGISTER to {proxy}: {error}"),
        );
        self.gateways.runners[index]
            .registration
            .handle_transaction_timeout(Instant::now());
    }

    fn publish_gateway(&mut self, index: usize, change: &StateChange) {
        let runner = &self.gateways.runners[index];
        let registration = &runner.registration;
        let shared = Arc::clone(&runner.shared);
        let before = shared.snapshot();
        shared.publish(
            Snapshot {
                state: change.state,
                granted_seconds: registration.granted_seconds(),
                failures: registration.failures(),
                next_register: registration.poll_timeout(),
                ..before
            }
            .combined(change.status, before.ping, Instant::now()),
        );
        let name = shared.name();
        let proxy = shared.config.register_proxy.host_port();
        match (change.state, change.sip_status) {
            (GatewayState::Trying, _) => {
                self.log(LogLevel::Notice, &format!("Registering {name} at {proxy}"));
            }
            (GatewayState::Reged, _) => self.log(LogLevel::Info, &format!("{name} registered")),
            (GatewayState::Failed, Some(status)) => self.log(
                LogLevel::Err,
                &format!(
                    "{name} Registration Failed with status {} [{status}]. failure #{}",
                    change.phrase.as_deref().unwrap_or(""),
                    registration.failures()
                ),
            ),
            (GatewayState::Timeout, _) => self.log(
                LogLevel::Warning,
                &format!("Timeout Registering {name}: no answer from {proxy}"),
            ),
            (GatewayState::FailWait, _) => {
                let wait = registration.poll_timeout().map_or(0, |at| {
                    at.saturating_duration_since(Instant::now()).as_secs()
                });
                self.log(
                    LogLevel::Warning,
                    &format!("{name} Failed Registration, setting retry to {wait} seconds."),
                );
            }
            (GatewayState::Unregister, _) => {
                self.log(LogLevel::Notice, &format!("UN-Registering {name}"));
            }
            _ => {}
        }
        let mut event = Event::custom("sofia::gateway_state");
        event.add_header("Gateway", name);
        event.add_header("State", change.state.as_str());
        event.add_header("Ping-Status", shared.snapshot().status.as_str());
        if let Some(phrase) = change.phrase.as_deref().filter(|p| !p.is_empty()) {
            event.add_header("Phrase", phrase);
        }
        if let Some(status) = change.sip_status {
            event.add_header("Status", &status.to_string());
        }
        self.profile.host.fire_event(event);
    }
}
