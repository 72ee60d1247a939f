//! RFC 3261 §17 transactions, sans-IO.
//!
//! [`TransactionLayer`] owns every client and server transaction. The endpoint feeds it
//! parsed messages with their source ([`TransactionLayer::handle_request`],
//! [`TransactionLayer::handle_response`]), requests and responses from the TU
//! ([`TransactionLayer::send_request`], [`TransactionLayer::send_response`]) and the time
//! ([`TransactionLayer::handle_timeout`]); it drains [`TransactionLayer::poll_transmit`],
//! [`TransactionLayer::poll_event`] and sleeps until [`TransactionLayer::poll_timeout`].
//!
//! Beyond RFC 3261 the INVITE transactions follow RFC 6026: after a 2xx the client
//! transaction stays "Accepted" for 64*T1 and hands 2xx retransmissions to the TU, and the
//! server transaction stays "Accepted", absorbing INVITE retransmissions and retransmitting
//! the 2xx (T1 doubling to T2, unreliable transports only) until the ACK arrives, as the UAS
//! core must (RFC 3261 §13.3.1.4).

mod client;
mod config;
mod error;
mod key;
mod layer;
mod server;

use std::net::SocketAddr;
use std::time::Instant;

pub use config::TimerConfig;
pub use error::TransactionError;
pub use layer::{cancel_for, TransactionLayer};

use crate::message::{Request, Response};

/// A transaction handle, unique for the layer's lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TransactionId(u64);

/// A transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// Unreliable: requests and final INVITE responses are retransmitted.
    Udp,
    /// Reliable.
    Tcp,
    /// Reliable.
    Tls,
    /// Reliable.
    Sctp,
    /// WebSocket (RFC 7118), reliable.
    Ws,
    /// Secure WebSocket, reliable.
    Wss,
}

impl Transport {
    /// Whether the transport delivers reliably, which turns retransmission timers off.
    pub fn is_reliable(self) -> bool {
        !matches!(self, Transport::Udp)
    }

    /// The Via transport token.
    pub fn as_via_token(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
            Transport::Tls => "TLS",
            Transport::Sctp => "SCTP",
            Transport::Ws => "WS",
            Transport::Wss => "WSS",
        }
    }
}

/// The other end of a message: transport and address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Peer {
    /// The transport.
    pub transport: Transport,
    /// The remote address.
    pub addr: SocketAddr,
}

/// Bytes for the driver to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transmit {
    /// Where to send them.
    pub destination: Peer,
    /// The serialised message.
    pub payload: Vec<u8>,
    /// The transaction sending, for routing a transport error back with
    /// [`TransactionLayer::handle_transport_error`]; `None` for stateless sends.
    pub transaction: Option<TransactionId>,
}

/// The RFC 3261 timers (and RFC 6026's L and M), named so a wake-up says why it happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Timer {
    /// INVITE request retransmission (client, unreliable).
    A,
    /// INVITE transaction timeout (client).
    B,
    /// Wait for response retransmissions after ACKing a non-2xx (client INVITE).
    D,
    /// Non-INVITE request retransmission (client, unreliable).
    E,
    /// Non-INVITE transaction timeout (client).
    F,
    /// Final INVITE response retransmission (server, unreliable).
    G,
    /// Wait for ACK (server INVITE).
    H,
    /// Wait for ACK retransmissions (server INVITE).
    I,
    /// Wait for non-INVITE request retransmissions (server).
    J,
    /// Wait for non-INVITE response retransmissions (client).
    K,
    /// Accepted server INVITE: absorb retransmissions, wait for the 2xx's ACK.
    L,
    /// Accepted client INVITE: forward 2xx retransmissions to the TU.
    M,
    /// Retransmission of a 2xx until its ACK arrives (server INVITE, unreliable).
    Retransmit2xx,
}

/// What the transaction layer tells the TU.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A new server transaction for a request other than ACK and CANCEL.
    Request {
        /// The server transaction to answer with [`TransactionLayer::send_response`].
        id: TransactionId,
        /// The request, its top Via completed with `received`/`rport`.
        request: Request,
        /// Where it came from.
        source: Peer,
    },
    /// A CANCEL, in its own server transaction. The TU answers it (200, or 481 when
    /// `invite` is `None`) and, if the INVITE is still pending, answers that with 487.
    Cancel {
        /// The CANCEL's server transaction.
        id: TransactionId,
        /// The INVITE server transaction it cancels, if one matches.
        invite: Option<TransactionId>,
        /// The CANCEL request.
        request: Request,
    },
    /// An ACK outside any transaction: the ACK for a 2xx, for the dialog layer.
    Ack {
        /// The accepted INVITE server transaction it acknowledges, if one matches.
        invite: Option<TransactionId>,
        /// The ACK.
        request: Request,
        /// Where it came from.
        source: Peer,
    },
    /// A response for a client transaction (retransmissions absorbed, except 2xx to an
    /// INVITE, which the TU must ACK each time).
    Response {
        /// The client transaction.
        id: TransactionId,
        /// The response.
        response: Response,
    },
    /// A response matching no client transaction (RFC 3261 §17.1.3: passed to the core).
    StrayResponse {
        /// The response.
        response: Response,
        /// Where it came from.
        source: Peer,
    },
    /// A timer ended the transaction without the answer it waited for: B or F (treat as a
    /// 408 from the far end), H (no ACK for a final response) or L (no ACK for a 2xx: the
    /// UAS should send BYE).
    Timeout {
        /// The transaction.
        id: TransactionId,
        /// Which timer fired.
        timer: Timer,
    },
    /// The driver reported that a message of this transaction could not be sent.
    TransportError {
        /// The transaction.
        id: TransactionId,
    },
    /// The transaction is gone; its id is now unknown.
    Terminated {
        /// The transaction.
        id: TransactionId,
    },
}

/// What a transaction produced while handling one input.
#[derive(Debug, Default)]
pub(crate) struct Outbox {
    pub(crate) send: Vec<Vec<u8>>,
    pub(crate) events: Vec<Event>,
    pub(crate) timers: Vec<(Timer, Instant)>,
}

/// Pending timers of one transaction; the layer's heap mirrors them and drops stale entries.
#[derive(Debug, Default)]
pub(crate) struct Timers(Vec<(Timer, Instant)>);

impl Timers {
    pub(crate) fn set(&mut self, out: &mut Outbox, timer: Timer, at: Instant) {
        self.cancel(timer);
        self.0.push((timer, at));
        out.timers.push((timer, at));
    }

    pub(crate) fn cancel(&mut self, timer: Timer) {
        self.0.retain(|(t, _)| *t != timer);
    }

    pub(crate) fn clear(&mut self) {
        self.0.clear();
    }

    /// Whether `timer` is due at exactly `at` (a heap entry is current, not stale).
    pub(crate) fn is_current(&self, timer: Timer, at: Instant) -> bool {
        self.0.contains(&(timer, at))
    }
}
