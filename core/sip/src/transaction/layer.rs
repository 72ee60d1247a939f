//! The transaction layer: many transactions, one sans-IO interface.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::SeedableRng;

use super::client::{ClientState, ClientTransaction};
use super::key::{AckKey, ClientKey, ServerKey};
use super::server::{ServerState, ServerTransaction};
use super::{Event, Outbox, Peer, Timer, TimerConfig, TransactionError, TransactionId, Transmit};
use crate::message::{generate_branch, generate_tag, Message, Method, Request, Response, Via};

/// All client and server transactions of one SIP endpoint. See the [module docs](super).
#[derive(Debug)]
pub struct TransactionLayer {
    config: TimerConfig,
    rng: StdRng,
    next_id: u64,
    clients: HashMap<TransactionId, (ClientTransaction, Peer, ClientKey)>,
    servers: HashMap<TransactionId, ServerEntry>,
    client_index: HashMap<ClientKey, TransactionId>,
    server_index: HashMap<ServerKey, TransactionId>,
    accepted_index: HashMap<AckKey, TransactionId>,
    timers: BinaryHeap<Reverse<(Instant, TransactionId, Timer)>>,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
}

#[derive(Debug)]
struct ServerEntry {
    tx: ServerTransaction,
    /// Where responses go (RFC 3261 §18.2.2, RFC 3581).
    reply_to: Peer,
    key: ServerKey,
    ack_key: Option<AckKey>,
}

impl TransactionLayer {
    /// A layer with the given timers. `seed` drives branch and tag generation; the endpoint
    /// seeds it from the OS once, tests with a constant.
    pub fn new(config: TimerConfig, seed: u64) -> TransactionLayer {
        TransactionLayer {
            config,
            rng: StdRng::seed_from_u64(seed),
            next_id: 0,
            clients: HashMap::new(),
            servers: HashMap::new(),
            client_index: HashMap::new(),
            server_index: HashMap::new(),
            accepted_index: HashMap::new(),
            timers: BinaryHeap::new(),
            transmits: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    // --- getters ---

    /// Live transactions.
    pub fn len(&self) -> usize {
        self.clients.len() + self.servers.len()
    }

    /// Whether no transaction is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The request that started transaction `id`.
    pub fn request(&self, id: TransactionId) -> Option<&Request> {
        self.clients
            .get(&id)
            .map(|(tx, _, _)| &tx.request)
            .or_else(|| self.servers.get(&id).map(|e| &e.tx.request))
    }

    /// A fresh RFC 3261 branch.
    pub fn next_branch(&mut self) -> String {
        generate_branch(&mut self.rng)
    }

    /// A fresh From/To tag.
    pub fn next_tag(&mut self) -> String {
        generate_tag(&mut self.rng)
    }

    // --- input ---

    /// A validated message from the network.
    pub fn handle_incoming(&mut self, now: Instant, message: Message, source: Peer) {
        match message {
            Message::Request(r) => self.handle_request(now, r, source),
            Message::Response(r) => self.handle_response(now, r, source),
        }
    }

    /// A validated request from the network. Requests whose matching headers do not parse
    /// are ignored: validation has already answered those with 400.
    pub fn handle_request(&mut self, now: Instant, mut request: Request, source: Peer) {
        let Ok(via) = stamp_via(&mut request, source) else {
            return;
        };
        let method = request.method.clone();
        match method {
            Method::Ack => self.handle_ack(now, request, source),
            _ => {
                let Ok(key) = ServerKey::of(&request, method.clone()) else {
                    return;
                };
                if let Some(&id) = self.server_index.get(&key) {
                    let mut out = Outbox::default();
                    if let Some(entry) = self.servers.get_mut(&id) {
                        entry.tx.handle_retransmission(&mut out);
                    }
                    self.flush_server(id, out);
                    return;
                }
                let cancelled = (method == Method::Cancel)
                    .then(|| ServerKey::of(&request, Method::Invite).ok())
                    .flatten()
                    .and_then(|k| self.server_index.get(&k).copied())
                    .filter(|id| {
                        self.servers
                            .get(id)
                            .is_some_and(|e| e.tx.is_pending_invite())
                    });
                let id = self.allocate_id();
                let mut out = Outbox::default();
                let reliable = source.transport.is_reliable();
                let tx =
                    ServerTransaction::start(id, request.clone(), reliable, &self.config, &mut out);
                out.events.push(match method {
                    Method::Cancel => Event::Cancel {
                        id,
                        invite: cancelled,
                        request,
                    },
                    _ => Event::Request {
                        id,
                        request,
                        source,
                    },
                });
                self.server_index.insert(key.clone(), id);
                let reply_to = response_destination(&via, source);
                self.servers.insert(
                    id,
                    ServerEntry {
                        tx,
                        reply_to,
                        key,
                        ack_key: None,
                    },
                );
                // Arrival arms no timer: server timers start with the first final response.
                let _ = now;
                self.flush_server(id, out);
            }
        }
    }

    fn handle_ack(&mut self, now: Instant, request: Request, source: Peer) {
        // The ACK of a non-2xx shares the INVITE's branch (§17.2.3).
        if let Ok(key) = ServerKey::of(&request, Method::Invite) {
            if let Some(&id) = self.server_index.get(&key) {
                let state = self.servers.get(&id).map(|e| e.tx.state);
                if matches!(state, Some(ServerState::Completed | ServerState::Confirmed)) {
                    let mut out = Outbox::default();
                    if let Some(entry) = self.servers.get_mut(&id) {
                        entry.tx.handle_ack(&self.config, now, &mut out);
                    }
                    self.flush_server(id, out);
                    return;
                }
            }
        }
        // The ACK of a 2xx is its own transaction-less request for the dialog layer; it also
        // stops the accepted INVITE's 2xx retransmissions.
        let invite = AckKey::of(&request)
            .ok()
            .and_then(|k| self.accepted_index.get(&k).copied());
        if let Some(entry) = invite.and_then(|id| self.servers.get_mut(&id)) {
            entry.tx.handle_2xx_ack();
        }
        self.events.push_back(Event::Ack {
            invite,
            request,
            source,
        });
    }

    /// A validated response from the network.
    pub fn handle_response(&mut self, now: Instant, response: Response, source: Peer) {
        let id = ClientKey::of_response(&response)
            .ok()
            .and_then(|k| self.client_index.get(&k).copied());
        let Some(id) = id else {
            self.events
                .push_back(Event::StrayResponse { response, source });
            return;
        };
        let mut out = Outbox::default();
        if let Some((tx, _, _)) = self.clients.get_mut(&id) {
            tx.handle_response(response, &self.config, now, &mut out);
        }
        self.flush_client(id, out);
    }

    /// The driver could not send a message of transaction `id` (RFC 3261 §17.1.4, §17.2.4).
    pub fn handle_transport_error(&mut self, id: TransactionId) {
        let mut out = Outbox::default();
        if let Some((tx, _, _)) = self.clients.get_mut(&id) {
            tx.handle_transport_error(&mut out);
            self.flush_client(id, out);
        } else if let Some(entry) = self.servers.get_mut(&id) {
            entry.tx.handle_transport_error(&mut out);
            self.flush_server(id, out);
        }
    }

    /// Fires every timer due at or before `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(&Reverse((at, id, timer))) = self.timers.peek() {
            if at > now {
                break;
            }
            self.timers.pop();
            let mut out = Outbox::default();
            // Timers re-arm from when they were due, so a late wake-up keeps the schedule.
            if let Some((tx, _, _)) = self.clients.get_mut(&id) {
                if tx.timers.is_current(timer, at) {
                    tx.timers.cancel(timer);
                    tx.handle_timer(timer, &self.config, at, &mut out);
                    self.flush_client(id, out);
                }
            } else if let Some(entry) = self.servers.get_mut(&id) {
                if entry.tx.timers.is_current(timer, at) {
                    entry.tx.timers.cancel(timer);
                    entry.tx.handle_timer(timer, &self.config, at, &mut out);
                    self.flush_server(id, out);
                }
            }
        }
    }

    // --- mutators ---

    /// Starts a client transaction for `request` towards `destination`. A top Via without an
    /// RFC 3261 branch gets a fresh one. Not for ACK (see [`Self::send_stateless`]).
    pub fn send_request(
        &mut self,
        now: Instant,
        mut request: Request,
        destination: Peer,
    ) -> Result<TransactionId, TransactionError> {
        if request.method == Method::Ack {
            return Err(TransactionError::AckTransaction);
        }
        let mut via = request.headers.top_via()?;
        if !via.has_rfc3261_branch() {
            let branch = self.next_branch();
            via.params.set("branch", Some(&branch));
            request.headers.set_first("Via", via.to_string());
        }
        let key = ClientKey {
            branch: via.branch().unwrap_or_default().to_owned(),
            method: request.method.clone(),
        };
        if self.client_index.contains_key(&key) {
            return Err(TransactionError::DuplicateBranch(key.branch));
        }
        let id = self.allocate_id();
        let mut out = Outbox::default();
        let reliable = destination.transport.is_reliable();
        let tx = ClientTransaction::start(id, request, reliable, &self.config, now, &mut out);
        self.client_index.insert(key.clone(), id);
        self.clients.insert(id, (tx, destination, key));
        self.flush_client(id, out);
        Ok(id)
    }

    /// Sends `response` in server transaction `id`. 100 Trying is the layer's own business
    /// when [`TimerConfig::send_100_trying`] is on, but a TU may send it too.
    pub fn send_response(
        &mut self,
        now: Instant,
        id: TransactionId,
        response: Response,
    ) -> Result<(), TransactionError> {
        if self.clients.contains_key(&id) {
            return Err(TransactionError::NotServer(id));
        }
        let entry = self
            .servers
            .get_mut(&id)
            .ok_or(TransactionError::Unknown(id))?;
        let mut out = Outbox::default();
        entry
            .tx
            .send_response(&response, &self.config, now, &mut out)?;
        if entry.tx.state == ServerState::Accepted && entry.ack_key.is_none() {
            if let Ok(key) = AckKey::of(&entry.tx.request) {
                self.accepted_index.insert(key.clone(), id);
                entry.ack_key = Some(key);
            }
        }
        self.flush_server(id, out);
        Ok(())
    }

    /// Sends a message outside any transaction: the ACK for a 2xx, a stateless rejection.
    pub fn send_stateless(&mut self, message: &Message, destination: Peer) {
        self.transmits.push_back(Transmit {
            destination,
            payload: message.to_bytes(),
            transaction: None,
        });
    }

    // --- output ---

    /// The next datagram or stream write.
    #[must_use]
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// The next event for the TU.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When [`Self::handle_timeout`] must next be called, if any timer is pending.
    #[must_use]
    pub fn poll_timeout(&mut self) -> Option<Instant> {
        while let Some(&Reverse((at, id, timer))) = self.timers.peek() {
            let current = self
                .clients
                .get(&id)
                .map(|(tx, _, _)| tx.timers.is_current(timer, at))
                .or_else(|| {
                    self.servers
                        .get(&id)
                        .map(|e| e.tx.timers.is_current(timer, at))
                })
                .unwrap_or(false);
            if current {
                return Some(at);
            }
            self.timers.pop();
        }
        None
    }

    // --- internals ---

    fn allocate_id(&mut self) -> TransactionId {
        self.next_id += 1;
        TransactionId(self.next_id)
    }

    fn flush_client(&mut self, id: TransactionId, out: Outbox) {
        let Some((tx, peer, _)) = self.clients.get(&id) else {
            return;
        };
        let (peer, done) = (*peer, tx.state == ClientState::Terminated);
        self.flush(id, peer, out);
        if done {
            if let Some((_, _, key)) = self.clients.remove(&id) {
                self.client_index.remove(&key);
            }
            self.events.push_back(Event::Terminated { id });
        }
    }

    fn flush_server(&mut self, id: TransactionId, out: Outbox) {
        let Some(entry) = self.servers.get(&id) else {
            return;
        };
        let (peer, done) = (entry.reply_to, entry.tx.state == ServerState::Terminated);
        self.flush(id, peer, out);
        if done {
            if let Some(entry) = self.servers.remove(&id) {
                self.server_index.remove(&entry.key);
                if let Some(k) = entry.ack_key {
                    self.accepted_index.remove(&k);
                }
            }
            self.events.push_back(Event::Terminated { id });
        }
    }

    fn flush(&mut self, id: TransactionId, destination: Peer, out: Outbox) {
        for payload in out.send {
            self.transmits.push_back(Transmit {
                destination,
                payload,
                transaction: Some(id),
            });
        }
        self.events.extend(out.events);
        for (timer, at) in out.timers {
            self.timers.push(Reverse((at, id, timer)));
        }
    }
}

/// Adds `received` and `rport` to the top Via of an arriving request (RFC 3261 §18.2.1,
/// RFC 3581 §4), so responses copy them and find their way back through NAT.
fn stamp_via(request: &mut Request, source: Peer) -> Result<Via, crate::message::HeaderError> {
    let mut via = request.headers.top_via()?;
    let ip = source.addr.ip().to_string();
    let host = via.host.trim_start_matches('[').trim_end_matches(']');
    let wants_rport = via.rport() == Some(None);
    if host != ip || wants_rport {
        via.params.set("received", Some(&ip));
    }
    if wants_rport {
        via.params
            .set("rport", Some(&source.addr.port().to_string()));
    }
    request.headers.set_first("Via", via.to_string());
    Ok(via)
}

/// Where responses to a request go (RFC 3261 §18.2.2 with RFC 3581): back over the same
/// connection for reliable transports; for UDP, to the source address and, unless rport was
/// requested, the sent-by port.
fn response_destination(via: &Via, source: Peer) -> Peer {
    if source.transport.is_reliable() || via.rport().is_some() {
        return source;
    }
    Peer {
        transport: source.transport,
        addr: SocketAddr::new(source.addr.ip(), via.port.unwrap_or(5060)),
    }
}

/// The CANCEL for a pending INVITE (RFC 3261 §9.1): same Request-URI, top Via (so the same
/// branch), From, To, Call-ID, CSeq number and Route.
pub fn cancel_for(invite: &Request) -> Request {
    let mut cancel = Request::new(Method::Cancel, invite.uri.clone());
    let h = &invite.headers;
    if let Some(via) = h.get("Via") {
        cancel.headers.push("Via", via);
    }
    cancel.headers.push("Max-Forwards", "70");
    for name in ["From", "To", "Call-ID"] {
        if let Some(v) = h.get(name) {
            cancel.headers.push(name, v);
        }
    }
    if let Ok(cseq) = h.cseq() {
        cancel.headers.push("CSeq", format!("{} CANCEL", cseq.seq));
    }
    for route in h.get_all("Route") {
        cancel.headers.push("Route", route);
    }
    cancel
}
