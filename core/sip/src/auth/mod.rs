//! HTTP Digest authentication for SIP (RFC 3261 §22, RFC 7616, RFC 2617), MD5 and SHA-256
//! with qop=auth.
//!
//! The server side ([`DigestServer`]) issues nonces that carry their creation time and an
//! HMAC over it with a server secret, so they need no storage, expire by themselves
//! (answered with `stale=true`) and cannot be forged; a bounded table of the highest
//! nonce-count seen per nonce stops replays. The client side ([`answer`]) responds to a
//! 401/407 challenge for outbound registrations and calls.

mod client;
mod digest;
mod error;
mod nonce;
mod params;
mod server;

pub use client::{answer, best_challenge, ClientAnswer};
pub use digest::{ha1, response, Algorithm};
pub use error::AuthError;
pub use nonce::NonceIssuer;
pub use params::{Challenge, Credentials};
pub use server::{DigestServer, Secret};
