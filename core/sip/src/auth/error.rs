//! Why digest authentication failed.

/// An authentication failure. Every variant but [`AuthError::Stale`] means "challenge again
/// without stale"; `Stale` means the credentials were right for an expired nonce, so the
/// client may retry silently with the new one (RFC 7616 §3.3).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The header is not `Digest` followed by auth-params.
    #[error("not Digest credentials: {0}")]
    Syntax(&'static str),
    /// A required parameter is missing.
    #[error("missing digest parameter {0}")]
    Missing(&'static str),
    /// An algorithm this implementation does not offer.
    #[error("unsupported digest algorithm {0:?}")]
    Algorithm(String),
    /// qop other than `auth`, or `auth` without cnonce/nc.
    #[error("unsupported or incomplete qop")]
    Qop,
    /// A nonce this server did not issue (bad HMAC or format).
    #[error("nonce was not issued by this server")]
    ForeignNonce,
    /// A nonce older than its lifetime; the response was otherwise correct.
    #[error("nonce expired")]
    Stale,
    /// The realm differs from the one challenged.
    #[error("wrong realm")]
    Realm,
    /// The nonce-count is not above the last one accepted for this nonce.
    #[error("nonce-count replayed")]
    Replay,
    /// The response hash does not match: wrong password (or user, or URI).
    #[error("wrong digest response")]
    Mismatch,
}
