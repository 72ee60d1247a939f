//! The registrar/proxy side: challenge, then verify (RFC 3261 §22.2-22.3, RFC 7616 §3.3-3.4).

use std::collections::{HashMap, VecDeque};
use std::time::SystemTime;

use rand::RngCore;

use super::digest::{ha1, response, Algorithm};
use super::error::AuthError;
use super::nonce::NonceIssuer;
use super::params::{Challenge, Credentials};

/// What the user directory knows about a user.
#[derive(Debug, Clone, Copy)]
pub enum Secret<'a> {
    /// The password in clear.
    Password(&'a str),
    /// H(username:realm:password) computed with the credentials' algorithm (a directory
    /// storing only an MD5 HA1, as FreeSWITCH's `a1-hash` does, can verify MD5 only).
    Ha1(&'a str),
}

/// Challenges and verifies digest credentials.
#[derive(Debug)]
pub struct DigestServer {
    issuer: NonceIssuer,
    algorithms: Vec<Algorithm>,
    /// Highest nonce-count accepted per nonce, oldest first; bounded so a flood of nonces
    /// cannot grow memory (an evicted nonce's next use looks like a replay and is
    /// re-challenged, which costs one round trip).
    counts: HashMap<String, u32>,
    order: VecDeque<String>,
    capacity: usize,
}

impl DigestServer {
    /// A server offering `algorithms` (strongest first, e.g. SHA-256 then MD5, RFC 7616
    /// §3.7), remembering nonce-counts for up to `capacity` nonces.
    pub fn new(issuer: NonceIssuer, algorithms: Vec<Algorithm>, capacity: usize) -> DigestServer {
        DigestServer {
            issuer,
            algorithms,
            counts: HashMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// One challenge header value per offered algorithm, each with a fresh nonce and
    /// qop="auth", for WWW-Authenticate (401) or Proxy-Authenticate (407). `stale` after
    /// [`AuthError::Stale`].
    pub fn challenges(
        &self,
        now: SystemTime,
        realm: &str,
        stale: bool,
        rng: &mut impl RngCore,
    ) -> Vec<String> {
        self.algorithms
            .iter()
            .map(|&algorithm| {
                Challenge {
                    realm: realm.to_owned(),
                    nonce: self.issuer.issue(now, rng),
                    opaque: None,
                    algorithm,
                    qop: vec!["auth".to_owned()],
                    stale,
                }
                .to_header_value()
            })
            .collect()
    }

    /// Verifies `credentials` for a request with `method` against `secret`, in `realm`.
    /// The nonce-count is recorded only for a correct response, so wrong guesses cannot
    /// burn a legitimate client's counts.
    pub fn verify(
        &mut self,
        now: SystemTime,
        realm: &str,
        method: &str,
        credentials: &Credentials,
        secret: Secret<'_>,
    ) -> Result<(), AuthError> {
        let c = credentials;
        if !self.algorithms.contains(&c.algorithm) {
            return Err(AuthError::Algorithm(c.algorithm.as_str().to_owned()));
        }
        if c.realm != realm {
            return Err(AuthError::Realm);
        }
        // We only ever offer qop=auth, so a response without it is not one of ours.
        let (Some("auth"), Some(nc_hex), Some(cnonce)) =
            (c.qop.as_deref(), c.nc.as_deref(), c.cnonce.as_deref())
        else {
            return Err(AuthError::Qop);
        };
        let nc = (nc_hex.len() == 8)
            .then(|| u32::from_str_radix(nc_hex, 16).ok())
            .flatten()
            .ok_or(AuthError::Qop)?;
        let freshness = self.issuer.check(&c.nonce, now);
        if freshness == Err(AuthError::ForeignNonce) {
            return Err(AuthError::ForeignNonce);
        }
        let ha1 = match secret {
            Secret::Password(password) => ha1(c.algorithm, &c.username, realm, password),
            Secret::Ha1(h) => h.to_ascii_lowercase(),
        };
        let expected = response(
            c.algorithm,
            &ha1,
            &c.nonce,
            method,
            &c.uri,
            Some((nc_hex, cnonce)),
        );
        if !constant_time_eq(
            expected.as_bytes(),
            c.response.to_ascii_lowercase().as_bytes(),
        ) {
            return Err(AuthError::Mismatch);
        }
        // Right password, old nonce: the client may retry with a fresh one without asking
        // the user (stale=true).
        freshness?;
        if self.counts.get(&c.nonce).is_some_and(|&last| nc <= last) {
            return Err(AuthError::Replay);
        }
        self.remember(&c.nonce, nc);
        Ok(())
    }

    fn remember(&mut self, nonce: &str, nc: u32) {
        if self.counts.insert(nonce.to_owned(), nc).is_none() {
            self.order.push_back(nonce.to_owned());
            while self.order.len() > self.capacity {
                if let Some(old) = self.order.pop_front() {
                    self.counts.remove(&old);
                }
            }
        }
    }
}

/// Compares without an early exit, so timing does not reveal how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::answer;
    use rand::SeedableRng;
    use std::time::{Duration, UNIX_EPOCH};

    const REALM: &str = "sip.example.com";

    fn server(capacity: usize) -> DigestServer {
        DigestServer::new(
            NonceIssuer::new(b"server secret 123", Duration::from_secs(60)),
            vec![Algorithm::Sha256, Algorithm::Md5],
            capacity,
        )
    }

    fn t0() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_800_000_000)
    }

    /// A client's credentials for the challenge at `index`, with nonce-count `nc`.
    fn creds(challenges: &[String], index: usize, password: &str, nc: u32) -> Credentials {
        let challenge = Challenge::parse(&challenges[index]).unwrap();
        let a = answer(
            &challenge,
            "REGISTER",
            "sip:sip.example.com",
            "1001",
            password,
            "cn0nce",
            nc,
        );
        Credentials::parse(&a.header_value).unwrap()
    }

    #[test]
    fn one_challenge_per_algorithm_strongest_first() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let ch = server(8).challenges(t0(), REALM, false, &mut rng);
        assert_eq!(ch.len(), 2);
        assert!(ch[0].contains("algorithm=SHA-256") && ch[0].contains("qop=\"auth\""));
        assert!(ch[1].contains("algorithm=MD5"));
        assert!(!ch[0].contains("stale"));
        assert!(server(8).challenges(t0(), REALM, true, &mut rng)[0].contains("stale=true"));
    }

    #[test]
    fn right_password_passes_with_both_algorithms_and_ha1() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(4);
        let mut s = server(8);
        let ch = s.challenges(t0(), REALM, false, &mut rng);
        for i in 0..2 {
            let c = creds(&ch, i, "secret", 1);
            assert_eq!(
                s.verify(t0(), REALM, "REGISTER", &c, Secret::Password("secret")),
                Ok(())
            );
        }
        let c = creds(&ch, 1, "secret", 2);
        let stored = ha1(Algorithm::Md5, "1001", REALM, "secret");
        assert_eq!(
            s.verify(t0(), REALM, "REGISTER", &c, Secret::Ha1(&stored)),
            Ok(())
        );
    }

    #[test]
    fn wrong_password_method_or_realm_fail() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let mut s = server(8);
        let ch = s.challenges(t0(), REALM, false, &mut rng);
        let c = creds(&ch, 0, "guess", 1);
        assert_eq!(
            s.verify(t0(), REALM, "REGISTER", &c, Secret::Password("secret")),
            Err(AuthError::Mismatch)
        );
        let c = creds(&ch, 0, "secret", 1);
        assert_eq!(
            s.verify(t0(), REALM, "INVITE", &c, Secret::Password("secret")),
            Err(AuthError::Mismatch)
        );
        assert_eq!(
            s.verify(t0(), "other", "REGISTER", &c, Secret::Password("secret")),
            Err(AuthError::Realm)
        );
        // The failed attempts did not consume nc=1.
        assert_eq!(
            s.verify(t0(), REALM, "REGISTER", &c, Secret::Password("secret")),
            Ok(())
        );
    }

    #[test]
    fn expired_nonce_with_right_password_is_stale_and_wrong_password_is_not() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(6);
        let mut s = server(8);
        let ch = s.challenges(t0(), REALM, false, &mut rng);
        let later = t0() + Duration::from_secs(61);
        let good = creds(&ch, 0, "secret", 1);
        assert_eq!(
            s.verify(later, REALM, "REGISTER", &good, Secret::Password("secret")),
            Err(AuthError::Stale)
        );
        let bad = creds(&ch, 0, "guess", 1);
        assert_eq!(
            s.verify(later, REALM, "REGISTER", &bad, Secret::Password("secret")),
            Err(AuthError::Mismatch)
        );
    }

    #[test]
    fn replayed_nonce_counts_are_refused_and_the_table_is_bounded() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut s = server(2);
        let ch = s.challenges(t0(), REALM, false, &mut rng);
        let first = creds(&ch, 0, "secret", 1);
        assert_eq!(
            s.verify(t0(), REALM, "REGISTER", &first, Secret::Password("secret")),
            Ok(())
        );
        assert_eq!(
            s.verify(t0(), REALM, "REGISTER", &first, Secret::Password("secret")),
            Err(AuthError::Replay)
        );
        let second = creds(&ch, 0, "secret", 2);
        assert_eq!(
            s.verify(t0(), REALM, "REGISTER", &second, Secret::Password("secret")),
            Ok(())
        );
        // Two more nonces evict the first from a table of two.
        for _ in 0..2 {
            let ch = s.challenges(t0(), REALM, false, &mut rng);
            let c = creds(&ch, 0, "secret", 1);
            assert_eq!(
                s.verify(t0(), REALM, "REGISTER", &c, Secret::Password("secret")),
                Ok(())
            );
        }
        assert_eq!(s.counts.len(), 2);
        assert!(!s.counts.contains_key(&first.nonce));
    }

    #[test]
    fn foreign_nonces_missing_qop_and_unoffered_algorithms_fail() {
        let mut s = server(8);
        let mut c = Credentials::parse(
            r#"Digest username="Mufasa", realm="sip.example.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:x", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1""#,
        )
        .unwrap();
        assert_eq!(
            s.verify(t0(), REALM, "REGISTER", &c, Secret::Password("x")),
            Err(AuthError::ForeignNonce)
        );
        c.qop = None;
        assert_eq!(
            s.verify(t0(), REALM, "REGISTER", &c, Secret::Password("x")),
            Err(AuthError::Qop)
        );
        c.algorithm = Algorithm::Md5Sess;
        assert!(matches!(
            s.verify(t0(), REALM, "REGISTER", &c, Secret::Password("x")),
            Err(AuthError::Algorithm(_))
        ));
    }
}
