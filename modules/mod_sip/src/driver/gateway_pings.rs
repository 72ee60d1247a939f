//! The driver's side of gateway pings: an OPTIONS to a pinged gateway's proxy when its
//! [`Pinger`] says so, the answers (or their absence) back into it, and the gateway's
//! status published, with `CUSTOM sofia::gateway_state` fired when pings change it, as
//! mod_sofia does. A registering gateway is pinged only while registered.
//!
//! The OPTIONS names the gateway's `proxy` (Request-URI, To and From, without a user) and
//! goes to its `register-proxy` (the proxy unless set), as mod_sofia sends it; so a ping and
//! a REGISTER look up the same name. Not done: mod_sofia also re-registers a registered
//! gateway whose ping failed; here the gateway only goes DOWN until a ping is answered.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferroswitch_abi::{Event, LogLevel};
use ferroswitch_sip::message::{generate_tag, Method, NameAddr, NewRequest, Uri};
use ferroswitch_sip::transaction::{Peer, TransactionId, Transport};
use rand::RngCore;

use super::Driver;
use crate::gateway::ping::Pinger;
use crate::gateway::{Gateway, GatewayState};

/// One pinged gateway as the driver runs it.
pub(super) struct PingRunner {
    shared: Arc<Gateway>,
    pub(super) pinger: Pinger,
    /// Where the proxy was found.
    address: Option<SocketAddr>,
    /// A ping waits for the proxy's name to be looked up.
    waiting: bool,
}

impl Driver {
    /// Builds a [`Pinger`] for each gateway with `ping` set.
    pub(super) fn start_gateway_pings(&mut self, now: Instant) {
        for shared in self.profile.gateways.clone() {
            let config = &shared.config;
            if config.ping_seconds == 0 {
                continue;
            }
            let pinger = Pinger::new(
                Duration::from_secs(u64::from(config.ping_seconds)),
                config.ping_min,
                config.ping_max,
                now,
            );
            let address = crate::dial::literal_address(&config.register_proxy);
            self.gateways.pings.push(PingRunner {
                shared,
                pinger,
                address,
                waiting: false,
            });
            self.publish_ping(self.gateways.pings.len() - 1, None);
        }
    }

    /// Sends the pings that are due.
    pub(super) fn handle_ping_timers(&mut self, now: Instant) {
        for index in 0..self.gateways.pings.len() {
            if self.gateways.pings[index].pinger.handle_timeout(now) {
                self.send_ping(index, now);
            }
        }
    }

    fn send_ping(&mut self, index: usize, now: Instant) {
        let runner = &mut self.gateways.pings[index];
        let state = runner.shared.snapshot().state;
        if !matches!(state, GatewayState::Noreg | GatewayState::Reged) {
            runner.pinger.defer(now);
            return;
        }
        let name = runner.shared.name().to_owned();
        let Some(address) = runner
            .address
            .or_else(|| self.gateways.proxy_address(&name))
        else {
            let runner = &mut self.gateways.pings[index];
            if !std::mem::replace(&mut runner.waiting, true) {
                let proxy = runner.shared.config.register_proxy.clone();
                self.look_up_proxy(name, proxy);
            }
            return;
        };
        let runner = &self.gateways.pings[index];
        let config = &runner.shared.config;
        let host = config.proxy.host_port();
        let (Ok(uri), Ok(to)) = (
            Uri::parse(&format!("sip:{host}")),
            NameAddr::parse(&format!("<sip:{host}>")),
        ) else {
            // The config checked the proxy's host; a ping that cannot be built is a failure.
            self.ping_answered(index, None);
            return;
        };
        let user_agent = config
            .ping_user_agent
            .clone()
            .unwrap_or_else(|| self.profile.config.user_agent.clone());
        let call_id = format!(
            "{:016x}{:016x}@{}",
            self.rng.next_u64(),
            self.rng.next_u64(),
            self.profile.config.advertised_sip_ip()
        );
        let mut options = NewRequest {
            method: Method::Options,
            uri,
            via: self.our_via(Transport::Udp),
            from: to.clone().with_tag(&generate_tag(&mut self.rng)),
            to,
            call_id,
            seq: 1,
            contact: None,
        }
        .build();
        options.headers.push("User-Agent", user_agent);
        let peer = Peer {
            transport: Transport::Udp,
            addr: address,
        };
        match self.layer.send_request(now, options, peer) {
            Ok(tx) => {
                self.gateways.by_ping.insert(tx, index);
            }
            Err(error) => {
                self.log(
                    LogLevel::Warning,
                    &format!("gateway {name}: cannot send its ping: {error}"),
                );
                self.ping_answered(index, None);
            }
        }
    }

    /// The lookup of gateway `name`'s proxy ended: a ping waiting for it goes, or fails.
    pub(super) fn ping_address_found(&mut self, name: &str, address: Option<SocketAddr>) {
        let Some(index) = self
            .gateways
            .pings
            .iter()
            .position(|runner| runner.shared.name() == name && runner.waiting)
        else {
            return;
        };
        let runner = &mut self.gateways.pings[index];
        runner.waiting = false;
        match address {
            Some(address) => {
                runner.address = Some(address);
                self.send_ping(index, Instant::now());
            }
            None => self.ping_answered(index, None),
        }
    }

    /// The final answer to ping transaction `tx` (`None`: none came).
    pub(super) fn handle_ping_answer(&mut self, tx: TransactionId, status: Option<u16>) {
        if status.is_some_and(|status| status < 200) {
            return;
        }
        if let Some(index) = self.gateways.by_ping.remove(&tx) {
            if status.is_none() {
                // The proxy may have moved: look its name up again next time.
                let runner = &mut self.gateways.pings[index];
                runner.address = crate::dial::literal_address(&runner.shared.config.register_proxy);
            }
            self.ping_answered(index, status);
        }
    }

    fn ping_answered(&mut self, index: usize, status: Option<u16>) {
        let now = Instant::now();
        let changed = self.gateways.pings[index].pinger.handle_answer(now, status);
        self.publish_ping(index, changed.map(|up| (up, status)));
        if changed == Some(false) {
            let name = self.gateways.pings[index].shared.name().to_owned();
            self.gateways.ping_failed(&name, now);
        }
    }

    /// Publishes the pings' view into the gateway; when they changed its fate (`changed`:
    /// the new verdict and the answer that gave it), logs and fires the state event.
    fn publish_ping(&mut self, index: usize, changed: Option<(bool, Option<u16>)>) {
        let runner = &self.gateways.pings[index];
        let shared = Arc::clone(&runner.shared);
        let ping = Some((runner.pinger.is_up(), runner.pinger.view()));
        let before = shared.snapshot();
        let after = before.combined(before.registration_status, ping, Instant::now());
        shared.publish(after);
        let Some((up, status)) = changed else {
            return;
        };
        let name = shared.name();
        let answer = status.map_or("no answer".to_owned(), |status| status.to_string());
        let verdict = if up { "up" } else { "down" };
        self.log(
            if up {
                LogLevel::Notice
            } else {
                LogLevel::Warning
            },
            &format!("gateway {name} is {verdict}: its ping got {answer}"),
        );
        let mut event = Event::custom("sofia::gateway_state");
        event.add_header("Gateway", name);
        event.add_header("State", after.state.as_str());
        event.add_header("Ping-Status", after.status.as_str());
        if let Some(status) = status {
            event.add_header("Status", &status.to_string());
        }
        self.profile.host.fire_event(event);
    }
}
