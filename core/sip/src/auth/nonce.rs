//! Stateless, expiring, unforgeable nonces (RFC 7616 §3.3 suggests exactly this shape).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use super::digest::hex;
use super::error::AuthError;

type HmacSha256 = Hmac<Sha256>;

/// Issues and checks nonces: hex of `timestamp(8) || random(8) || HMAC-SHA256(secret,
/// timestamp || random)[..16]`. The server keeps no per-nonce state to know a nonce is its
/// own and how old it is; a restart with the same secret keeps outstanding nonces valid.
#[derive(Clone)]
pub struct NonceIssuer {
    secret: Vec<u8>,
    lifetime: Duration,
}

impl std::fmt::Debug for NonceIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        f.debug_struct("NonceIssuer")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

const TAG_LEN: usize = 16;
const NONCE_BYTES: usize = 8 + 8 + TAG_LEN;

impl NonceIssuer {
    /// An issuer with `secret` (at least 16 random bytes, from the OS, kept across restarts if
    /// outstanding nonces should survive them) whose nonces expire after `lifetime`.
    pub fn new(secret: &[u8], lifetime: Duration) -> NonceIssuer {
        NonceIssuer {
            secret: secret.to_vec(),
            lifetime,
        }
    }

    /// A fresh nonce stamped with `now`.
    pub fn issue(&self, now: SystemTime, rng: &mut impl RngCore) -> String {
        let seconds = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let mut body = [0u8; 16];
        body[..8].copy_from_slice(&seconds.to_be_bytes());
        rng.fill_bytes(&mut body[8..]);
        let tag = self.mac(&body).finalize().into_bytes();
        let mut nonce = body.to_vec();
        nonce.extend_from_slice(&tag[..TAG_LEN]);
        hex(&nonce)
    }

    /// Checks that this issuer made `nonce` and that it has not expired at `now`:
    /// [`AuthError::ForeignNonce`] or [`AuthError::Stale`] otherwise.
    pub fn check(&self, nonce: &str, now: SystemTime) -> Result<(), AuthError> {
        let bytes = unhex(nonce)
            .filter(|b| b.len() == NONCE_BYTES)
            .ok_or(AuthError::ForeignNonce)?;
        let (body, tag) = bytes.split_at(16);
        self.mac(body)
            .verify_truncated_left(tag)
            .map_err(|_| AuthError::ForeignNonce)?;
        let mut stamp = [0u8; 8];
        stamp.copy_from_slice(&body[..8]);
        let issued = UNIX_EPOCH + Duration::from_secs(u64::from_be_bytes(stamp));
        let age = now.duration_since(issued).unwrap_or_default();
        if age > self.lifetime {
            return Err(AuthError::Stale);
        }
        Ok(())
    }

    fn mac(&self, body: &[u8]) -> HmacSha256 {
        // HMAC takes keys of any length; new_from_slice cannot fail for it.
        let mut mac =
            HmacSha256::new_from_slice(&self.secret).expect("HMAC accepts any key length");
        mac.update(body);
        mac
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let pairs = s.as_bytes().chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return None;
    }
    pairs
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn issuer() -> NonceIssuer {
        NonceIssuer::new(b"0123456789abcdef", Duration::from_secs(300))
    }

    #[test]
    fn a_fresh_nonce_checks_and_expires_after_its_lifetime() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let t0 = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let nonce = issuer().issue(t0, &mut rng);
        assert_eq!(
            issuer().check(&nonce, t0 + Duration::from_secs(300)),
            Ok(())
        );
        assert_eq!(
            issuer().check(&nonce, t0 + Duration::from_secs(301)),
            Err(AuthError::Stale)
        );
        assert_ne!(nonce, issuer().issue(t0, &mut rng), "random part differs");
    }

    #[test]
    fn forged_tampered_and_foreign_nonces_are_refused() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let t0 = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let nonce = issuer().issue(t0, &mut rng);
        // Moving the timestamp forward to dodge expiry breaks the MAC.
        let mut tampered = nonce.clone().into_bytes();
        tampered[14] = if tampered[14] == b'f' { b'0' } else { b'f' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(issuer().check(&tampered, t0), Err(AuthError::ForeignNonce));
        let other = NonceIssuer::new(b"another secret!!", Duration::from_secs(300));
        assert_eq!(other.check(&nonce, t0), Err(AuthError::ForeignNonce));
        for junk in ["", "zz", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "é"] {
            assert_eq!(issuer().check(junk, t0), Err(AuthError::ForeignNonce));
        }
    }
}
