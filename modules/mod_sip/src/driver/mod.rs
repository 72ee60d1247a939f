//! The driver of one profile: the only owner of its transaction layer, dialogs and call
//! state. One tokio task runs the loop the sans-IO stack asks for:
//!
//! ```text
//! loop {
//!     input: a datagram | a TCP message | a command from a session | a timer
//!     → validate (stateless 4xx/5xx for bad requests, drop bad responses)
//!     → TransactionLayer::handle_* → drain poll_transmit (send) and poll_event (act)
//!     sleep until poll_timeout
//! }
//! ```
//!
//! Sessions talk to it only through [`Command`]s, and it calls the core through the host
//! table (creating sessions, marking answers, hanging up), never holding a lock while it
//! does.

mod attended;
mod auth;
mod calls;
mod deflect;
mod gateway_pings;
mod gateways;
mod hold;
mod inbound;
mod leg;
mod outbound;
mod redirect;
mod register;
mod transaction_index;
mod transfer;

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferroswitch_abi::LogLevel;
use ferroswitch_sip::message::{
    receive_datagram, receive_stream, Message, Method, Policy, Response, Verdict,
};
use ferroswitch_sip::transaction::{Event, Peer, TransactionId, TransactionLayer, Transport};
use rand::rngs::StdRng;
use rand::SeedableRng;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, watch};

use crate::call::Command;
use crate::profile::Profile;
use crate::transport::TcpEvent;

pub use calls::Calls;

/// The methods a profile implements (others get 501 before any transaction exists), and the
/// option tags it honours in Require: only `norefersub` (RFC 4488). Reliable provisionals
/// (100rel), session timers, Path, SIP outbound and INVITE with Replaces are not implemented,
/// so a request that requires them gets 420 and may be retried without, as sofia-sip answers
/// with those features off.
fn policy() -> Policy {
    Policy {
        extensions: vec!["norefersub".to_owned()],
        methods: vec![
            Method::Invite,
            Method::Ack,
            Method::Bye,
            Method::Cancel,
            Method::Options,
            Method::Register,
            Method::Info,
            Method::Notify,
            Method::Refer,
        ],
        ..Policy::default()
    }
}

/// How often answered calls are checked for a media timeout (`rtp-timeout-sec`).
const MEDIA_CHECK: Duration = Duration::from_secs(1);

/// How long a stopping driver waits for its gateways' unregisters to be answered.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// The `Allow` header we send.
pub const ALLOW: &str = "INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, INFO, NOTIFY, REFER";

/// A seed for the transaction layer and nonces: std's hasher keys come from the OS.
fn os_seed() -> u64 {
    RandomState::new().build_hasher().finish()
}

/// The sockets a driver runs on, opened by `load` so a bind failure fails the load.
pub struct Sockets {
    /// UDP, if on.
    pub udp: Option<std::net::UdpSocket>,
    /// TCP, if on.
    pub tcp: Option<std::net::TcpListener>,
}

/// One profile's driver.
pub struct Driver {
    profile: Arc<Profile>,
    layer: TransactionLayer,
    policy: Policy,
    udp: Option<UdpSocket>,
    tcp: HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>,
    calls: Calls,
    auth: auth::Authenticator,
    rng: StdRng,
    /// Per-source INVITE counts in the current one-second window.
    invite_window: (Instant, HashMap<std::net::IpAddr, u32>),
    /// The registrations of the profile's gateways.
    gateways: gateways::Gateways,
}

impl Driver {
    /// Runs the profile until `stop` changes.
    pub async fn run(
        profile: Arc<Profile>,
        sockets: Sockets,
        mut commands: mpsc::UnboundedReceiver<Command>,
        mut stop: watch::Receiver<bool>,
    ) {
        let udp = sockets.udp.and_then(|s| UdpSocket::from_std(s).ok());
        let (tcp_tx, mut tcp_rx) = mpsc::channel::<TcpEvent>(1024);
        if let Some(listener) = sockets
            .tcp
            .and_then(|l| tokio::net::TcpListener::from_std(l).ok())
        {
            tokio::spawn(crate::transport::accept(listener, tcp_tx));
        }
        let seed = os_seed();
        let mut driver = Driver {
            layer: TransactionLayer::new(profile.config.timers.clone(), seed),
            policy: policy(),
            udp,
            tcp: HashMap::new(),
            calls: Calls::default(),
            auth: auth::Authenticator::new(&profile.config, seed.rotate_left(17)),
            rng: StdRng::seed_from_u64(seed.rotate_left(31)),
            invite_window: (Instant::now(), HashMap::new()),
            gateways: gateways::Gateways::default(),
            profile,
        };
        driver.start_gateways();
        let mut buf = vec![0u8; 65536];
        let media_timeout = driver.profile.config.media_timeout;
        let mut media_check = tokio::time::interval(MEDIA_CHECK);
        loop {
            driver.drain();
            let wake = driver.next_wake();
            tokio::select! {
                _ = stop.changed() => break,
                received = recv_udp(driver.udp.as_ref(), &mut buf) => {
                    if let Some((count, source)) = received {
                        driver.handle_bytes(&buf[..count], Peer { transport: Transport::Udp, addr: source });
                    }
                }
                Some(event) = tcp_rx.recv() => driver.handle_tcp(event),
                Some(command) = commands.recv() => driver.handle_command(command),
                _ = tokio::time::sleep_until(wake.into()) => driver.handle_timers(),
                _ = media_check.tick(), if !media_timeout.is_zero() => driver.check_media(media_timeout),
            }
        }
        driver.unregister_gateways(&mut buf).await;
    }

    /// When the transaction layer or a gateway wants to run next.
    fn next_wake(&mut self) -> Instant {
        [self.layer.poll_timeout(), self.gateways.poll_timeout()]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600))
    }

    fn handle_timers(&mut self) {
        let now = Instant::now();
        self.layer.handle_timeout(now);
        self.handle_gateway_timers(now);
    }

    /// Unregisters the gateways on the way out, waiting at most [`SHUTDOWN_GRACE`] for
    /// the answers (a challenge to an unregister is answered within that time too).
    async fn unregister_gateways(&mut self, buf: &mut [u8]) {
        if !self.stop_gateways() {
            return;
        }
        let deadline = Instant::now() + SHUTDOWN_GRACE;
        while self.gateways.awaiting_answers() && Instant::now() < deadline {
            let wake = self.next_wake().min(deadline);
            tokio::select! {
                received = recv_udp(self.udp.as_ref(), buf) => {
                    if let Some((count, source)) = received {
                        self.handle_bytes(&buf[..count], Peer { transport: Transport::Udp, addr: source });
                    }
                }
                _ = tokio::time::sleep_until(wake.into()) => self.handle_timers(),
            }
            self.drain();
        }
    }

    fn log(&self, level: LogLevel, message: &str) {
        self.profile.host.log(
            level,
            &format!("sofia/{}: {message}", self.profile.config.name),
        );
    }

    fn handle_tcp(&mut self, event: TcpEvent) {
        match event {
            TcpEvent::Connected(peer, sender) => {
                self.tcp.insert(peer, sender);
            }
            TcpEvent::Message(peer, bytes) => {
                let source = Peer {
                    transport: Transport::Tcp,
                    addr: peer,
                };
                let verdict = receive_stream(&bytes, &self.policy);
                self.handle_verdict(verdict, source);
            }
            TcpEvent::Closed(peer, reason) => {
                if let Some(reason) = reason {
                    self.log(
                        LogLevel::Warning,
                        &format!("closing TCP connection from {peer}: {reason}"),
                    );
                }
                self.tcp.remove(&peer);
            }
        }
    }

    fn handle_bytes(&mut self, bytes: &[u8], source: Peer) {
        // Keep-alives (CRLF pings, RFC 5626 §3.5.1) are not messages.
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return;
        }
        let verdict = receive_datagram(bytes, &self.policy);
        self.handle_verdict(verdict, source);
    }

    fn handle_verdict(&mut self, verdict: Verdict, source: Peer) {
        let now = Instant::now();
        match verdict {
            Verdict::Request(request) => self.layer.handle_request(now, request, source),
            Verdict::Response(response) => self.layer.handle_response(now, response, source),
            Verdict::Reject(rejection) => {
                self.log(
                    LogLevel::Notice,
                    &format!(
                        "rejecting a request from {}: {} {}",
                        source.addr, rejection.status, rejection.reason
                    ),
                );
                let tag = self.layer.next_tag();
                if let Some(response) = rejection.response(&tag) {
                    let destination = reply_destination(&response, source);
                    self.layer
                        .send_stateless(&Message::Response(response), destination);
                }
            }
            Verdict::Drop(reason) => {
                self.log(
                    LogLevel::Notice,
                    &format!("dropping a message from {}: {reason}", source.addr),
                );
            }
        }
    }

    /// Sends what the layer wants sent and acts on its events, until neither is left.
    fn drain(&mut self) {
        loop {
            let mut busy = false;
            while let Some(transmit) = self.layer.poll_transmit() {
                busy = true;
                if !self.send(transmit.destination, &transmit.payload) {
                    if let Some(id) = transmit.transaction {
                        self.layer.handle_transport_error(id);
                    }
                }
            }
            while let Some(event) = self.layer.poll_event() {
                busy = true;
                self.handle_event(event);
            }
            busy |= self.drain_gateways();
            if !busy {
                return;
            }
        }
    }

    /// Sends `payload`; false when it certainly cannot go (no connection to that peer).
    fn send(&mut self, destination: Peer, payload: &[u8]) -> bool {
        match destination.transport {
            Transport::Udp => {
                if let Some(udp) = &self.udp {
                    // A full socket buffer loses the datagram as the network could; the
                    // transaction layer retransmits what matters.
                    let _ = udp.try_send_to(payload, destination.addr);
                    true
                } else {
                    false
                }
            }
            Transport::Tcp => match self.tcp.get(&destination.addr) {
                Some(sender) => sender.try_send(payload.to_vec()).is_ok(),
                None => false,
            },
            _ => false,
        }
    }

    fn handle_event(&mut self, event: Event) {
        match event {
            Event::Request {
                id,
                request,
                source,
            } => match request.method {
                Method::Invite => self.handle_invite(id, request, source),
                Method::Register => self.handle_register(id, request, source),
                Method::Bye => self.handle_bye(id, request),
                Method::Info => self.handle_info(id, request),
                Method::Notify => self.handle_notify(id, request),
                Method::Refer => self.handle_refer(id, request),
                Method::Options => self.handle_options(id, &request),
                _ => self.respond(id, &request, 501, "Not Implemented"),
            },
            Event::Cancel {
                id,
                invite,
                request,
            } => self.handle_cancel(id, invite, &request),
            Event::Ack { request, .. } => self.handle_ack(&request),
            Event::Response { id, response } if self.gateways.owns(id) => {
                self.handle_gateway_response(id, &response)
            }
            Event::Timeout { id, .. } | Event::TransportError { id } if self.gateways.owns(id) => {
                self.handle_gateway_timeout(id)
            }
            Event::Response { id, response } => self.handle_response(id, response),
            Event::StrayResponse { response, source } => {
                // A 2xx retransmitted after our INVITE transaction ended still needs an ACK.
                self.handle_stray_response(response, source);
            }
            Event::Timeout { id, timer } => self.handle_transaction_timeout(id, timer),
            Event::TransportError { id } => {
                self.handle_transaction_timeout(id, ferroswitch_sip::transaction::Timer::B)
            }
            Event::Terminated { id } => self.calls.forget_transaction(id),
            _ => {}
        }
    }

    fn handle_command(&mut self, command: Command) {
        match command {
            Command::Dial(dial) => self.handle_dial(*dial),
            Command::Invite { call_id } => self.send_invite(&call_id),
            Command::Respond {
                call_id,
                status,
                reason,
                sdp,
                contact,
            } => self.respond_to_invite(&call_id, status, &reason, sdp, contact),
            Command::Hangup { call_id, cause } => self.hangup(&call_id, cause),
            Command::Dtmf { call_id, dtmf } => self.send_info_dtmf(&call_id, dtmf),
            Command::Hold { call_id, hold } => self.set_hold(&call_id, hold),
            Command::Deflect {
                call_id,
                target,
                reply,
            } => self.send_refer(&call_id, target, reply),
            Command::GatewayResolved { gateway, address } => {
                self.handle_gateway_resolved(&gateway, address)
            }
            Command::RedirectResolved {
                call_id,
                target,
                address,
                status,
            } => self.handle_redirect_resolved(&call_id, target, address, status),
        }
    }

    /// A response to server transaction `id` carrying our usual headers.
    fn response(
        &mut self,
        request: &ferroswitch_sip::message::Request,
        status: u16,
        reason: &str,
    ) -> Response {
        let mut response = ferroswitch_sip::message::response_to(request, status, reason);
        if status > 100 && request.headers.to().is_ok_and(|to| to.tag().is_none()) {
            let tag = self.layer.next_tag();
            ferroswitch_sip::message::set_to_tag(&mut response.headers, &tag);
        }
        response
            .headers
            .push("User-Agent", self.profile.config.user_agent.clone());
        response
    }

    /// Answers server transaction `id` with `status` and nothing else.
    fn respond(
        &mut self,
        id: TransactionId,
        request: &ferroswitch_sip::message::Request,
        status: u16,
        reason: &str,
    ) {
        let response = self.response(request, status, reason);
        self.send_response(id, response);
    }

    fn send_response(&mut self, id: TransactionId, response: Response) {
        if let Err(error) = self.layer.send_response(Instant::now(), id, response) {
            self.log(
                LogLevel::Debug,
                &format!("cannot send a response in transaction {id:?}: {error}"),
            );
        }
    }

    fn handle_options(&mut self, id: TransactionId, request: &ferroswitch_sip::message::Request) {
        let mut response = self.response(request, 200, "OK");
        response.headers.push("Allow", ALLOW);
        response.headers.push("Accept", "application/sdp");
        self.send_response(id, response);
    }

    /// Hangs up answered calls whose media has been silent longer than `timeout`.
    fn check_media(&mut self, timeout: Duration) {
        let silent: Vec<(String, Option<ferroswitch_abi::Session>)> = self
            .calls
            .iter()
            .filter(|(_, call)| call.state == calls::LegState::Answered)
            .filter(|(_, call)| call.media.idle_for().is_some_and(|idle| idle >= timeout))
            .map(|(id, call)| (id.clone(), call.session))
            .collect();
        for (call_id, session) in silent {
            self.log(
                LogLevel::Warning,
                &format!("call {call_id}: no media for {timeout:?}, hanging up"),
            );
            self.hangup(&call_id, ferroswitch_abi::HangupCause::MEDIA_TIMEOUT);
            if let Some(session) = session {
                let _ = session.hangup(ferroswitch_abi::HangupCause::MEDIA_TIMEOUT);
            }
        }
    }

    /// Counts an INVITE from `source`; false when it exceeds the per-source rate.
    fn invite_allowed(&mut self, source: std::net::IpAddr) -> bool {
        let now = Instant::now();
        let (start, counts) = &mut self.invite_window;
        if now.duration_since(*start) >= Duration::from_secs(1) {
            *start = now;
            counts.clear();
        }
        let count = counts.entry(source).or_insert(0);
        *count += 1;
        *count <= self.profile.config.invite_rate_per_source
    }
}

/// Where a stateless response goes: back over the connection for TCP; for UDP to the
/// source address, at the Via's port unless rport asked for the source port.
fn reply_destination(response: &Response, source: Peer) -> Peer {
    if source.transport.is_reliable() {
        return source;
    }
    match response.headers.top_via() {
        Ok(via) if via.rport().is_none() => Peer {
            transport: source.transport,
            addr: SocketAddr::new(source.addr.ip(), via.port.unwrap_or(5060)),
        },
        _ => source,
    }
}

async fn recv_udp(udp: Option<&UdpSocket>, buf: &mut [u8]) -> Option<(usize, SocketAddr)> {
    match udp {
        Some(udp) => udp.recv_from(buf).await.ok(),
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use ferroswitch_sip::message::{receive_datagram, Verdict};

    fn invite_requiring(tag: &str) -> Verdict {
        let text = format!(
            "INVITE sip:1000@127.0.0.1 SIP/2.0\r\n\
             Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n\
             From: <sip:a@127.0.0.1>;tag=1\r\n\
             To: <sip:1000@127.0.0.1>\r\n\
             Call-ID: require-{tag}\r\n\
             CSeq: 1 INVITE\r\n\
             Max-Forwards: 70\r\n\
             Require: {tag}\r\n\
             Content-Length: 0\r\n\r\n"
        );
        receive_datagram(text.as_bytes(), &super::policy())
    }

    #[test]
    fn extensions_we_do_not_implement_are_refused_with_420() {
        for tag in ["100rel", "timer", "path", "outbound", "replaces"] {
            match invite_requiring(tag) {
                Verdict::Reject(rejection) => {
                    assert_eq!(rejection.status, 420, "{tag}");
                    assert_eq!(rejection.extra.get("Unsupported"), Some(tag));
                }
                _ => panic!("Require: {tag} was accepted"),
            }
        }
        assert!(matches!(
            invite_requiring("norefersub"),
            Verdict::Request(_)
        ));
    }
}
