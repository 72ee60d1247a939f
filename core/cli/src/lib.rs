//! The event-socket client behind `ferroswitch-cli`, the operator's console of ferroswitch (as
//! `fs_cli` is FreeSWITCH's).
//!
//! - [`esl`]: FreeSWITCH's event-socket framing as a sans-IO parser: bytes in, messages out.
//! - [`client`]: a small blocking client over `std::net::TcpStream` built on it: connect,
//!   authenticate, run API commands, receive events and log lines.
//!
//! The console itself (arguments, prompt, history, colours) is the `ferroswitch-cli` binary.

pub mod client;
pub mod esl;
