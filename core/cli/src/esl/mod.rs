//! FreeSWITCH's event-socket framing, without I/O.
//!
//! Everything the server sends is a *message*: a block of `Name: value` header lines ended by
//! an empty line, then, when a `Content-Length` header announces one, a body of exactly that
//! many bytes:
//!
//! ```text
//! Content-Type: api/response
//! Content-Length: 3
//!
//! +OK
//! ```
//!
//! Header values are URL-encoded (`%20` for a space), as FreeSWITCH's own client library
//! expects; [`Framer`] decodes them. The `Content-Type` says what a message is:
//! `auth/request` (the greeting), `command/reply` (with `Reply-Text`), `api/response` (the
//! command's output as body), `text/event-plain`, `text/event-json` or `text/event-xml` (an
//! event as body), `log/data` (a log line as body, with `Log-Level`) and
//! `text/disconnect-notice`. A `text/event-plain` body is itself a header block, optionally
//! followed by the event's own body: [`Event::parse_plain`] reads it.
//!
//! # Driving the framer
//!
//! Bytes go in with [`Framer::handle_input`] in whatever pieces the socket delivers; complete
//! messages come out of [`Framer::poll_message`] until it returns `Ok(None)`:
//!
//! ```
//! use ferroswitch_cli::esl::Framer;
//!
//! let mut framer = Framer::new();
//! framer.handle_input(b"Content-Type: api/response\nContent-Len");
//! assert!(framer.poll_message().unwrap().is_none());
//! framer.handle_input(b"gth: 3\n\n+OK");
//! let message = framer.poll_message().unwrap().expect("complete now");
//! assert_eq!(message.content_type(), Some("api/response"));
//! assert_eq!(message.body_text(), "+OK");
//! ```
//!
//! Input from the network never panics the framer: malformed input is a [`FrameError`].

mod error;
mod event;
mod framer;
mod headers;

pub use error::FrameError;
pub use event::Event;
pub use framer::{Framer, Limits, Message};
pub use headers::{percent_decode, Headers};

/// The `Content-Type` values the server sends.
pub mod content_type {
    /// The greeting: the server waits for `auth <password>`.
    pub const AUTH_REQUEST: &str = "auth/request";
    /// The answer to a command other than `api`; the outcome is in `Reply-Text`.
    pub const COMMAND_REPLY: &str = "command/reply";
    /// The output of an `api` command, as body.
    pub const API_RESPONSE: &str = "api/response";
    /// An event as `Name: value` lines.
    pub const EVENT_PLAIN: &str = "text/event-plain";
    /// An event as a JSON object.
    pub const EVENT_JSON: &str = "text/event-json";
    /// An event as XML.
    pub const EVENT_XML: &str = "text/event-xml";
    /// A log line, as body; its level is in `Log-Level`.
    pub const LOG_DATA: &str = "log/data";
    /// The server is about to close the connection; the body says why.
    pub const DISCONNECT_NOTICE: &str = "text/disconnect-notice";
}
