//! Sans-IO SIP for ferroswitch: the protocol heart of the SIP endpoint module.
//!
//! Nothing here touches a socket, reads a clock or draws from the OS random source: time
//! arrives as `now` arguments, randomness from a seeded generator the caller supplies, and
//! bytes to send leave through `poll_*` calls. The endpoint module owns the sockets and runs
//! the loop:
//!
//! ```text
//! loop {
//!     // input: a datagram, stream bytes, or a timer firing
//!     match message::receive_datagram(&bytes, &policy) {
//!         Verdict::Request(r)  => layer.handle_request(now, r, source),
//!         Verdict::Response(r) => layer.handle_response(now, r, source),
//!         Verdict::Reject(rej) => send(rej.response(&tag)),   // stateless 4xx/5xx
//!         Verdict::Drop(why)   => log(why),
//!     }
//!     // drain outputs until only a wake-up time is left
//!     while let Some(t) = layer.poll_transmit() { send(t) }
//!     while let Some(e) = layer.poll_event() { /* dialogs, sessions, auth */ }
//!     sleep_until(layer.poll_timeout()); layer.handle_timeout(now);
//! }
//! ```
//!
//! - [`message`]: framing, normalising parse, typed headers, validation, building.
//! - [`transaction`]: RFC 3261 §17 client and server transactions with timers A–K.
//! - [`dialog`]: dialog state, route sets, in-dialog requests.
//! - [`auth`]: HTTP digest (RFC 7616, 2617) for servers and clients.
//! - [`cause`]: SIP status ↔ Q.850 cause, as FreeSWITCH maps them.

pub mod auth;
pub mod cause;
pub mod dialog;
pub mod message;
pub mod transaction;
