//! Digest authentication of REGISTERs and INVITEs against the directory: SHA-256 and MD5
//! challenges with qop=auth, self-expiring nonces (`nonce-ttl`) and nonce-count replay
//! protection, all from ferroswitch-sip's [`DigestServer`].

use std::time::SystemTime;

use ferroswitch_abi::Host;
use ferroswitch_sip::auth::{Algorithm, AuthError, Credentials, DigestServer, NonceIssuer, Secret};
use ferroswitch_sip::message::Request;
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};

use crate::config::ProfileConfig;
use crate::directory::{find_user, DirectoryUser};

/// Nonces whose counts are remembered (each entry is a few dozen bytes).
const NONCE_MEMORY: usize = 65536;

/// The verdict on a request's credentials.
pub enum AuthOutcome {
    /// Right credentials of this directory user.
    Authorized(DirectoryUser),
    /// None, or unusable ones: challenge (with `stale` after a right answer to an old nonce).
    Challenge {
        /// See [`DigestServer::challenges`].
        stale: bool,
    },
    /// Wrong password or unknown user: 403, with the reason for the log.
    Forbidden(String),
}

/// A profile's digest server.
pub struct Authenticator {
    server: DigestServer,
    rng: StdRng,
}

impl Authenticator {
    /// Nonces signed with a fresh secret, living `nonce-ttl`.
    pub fn new(config: &ProfileConfig, seed: u64) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut secret = [0u8; 32];
        rng.fill_bytes(&mut secret);
        let issuer = NonceIssuer::new(&secret, config.nonce_ttl);
        Self {
            // MD5 first: many phones (and sipp) answer only the first challenge and know
            // only MD5; clients that do SHA-256 pick it from the second (RFC 7616 §3.7).
            server: DigestServer::new(
                issuer,
                vec![Algorithm::Md5, Algorithm::Sha256],
                NONCE_MEMORY,
            ),
            rng,
        }
    }

    /// Challenge header values for `realm`.
    pub fn challenges(&mut self, realm: &str, stale: bool) -> Vec<String> {
        self.server
            .challenges(SystemTime::now(), realm, stale, &mut self.rng)
    }

    /// Checks the credentials in `header` (`Authorization` or `Proxy-Authorization`) of
    /// `request` for `realm`.
    pub fn check(
        &mut self,
        host: &Host,
        request: &Request,
        header: &str,
        realm: &str,
    ) -> AuthOutcome {
        let credentials = request
            .headers
            .get_all(header)
            .filter_map(|value| Credentials::parse(value).ok())
            .find(|c| c.realm.eq_ignore_ascii_case(realm));
        let Some(credentials) = credentials else {
            return AuthOutcome::Challenge { stale: false };
        };
        let user = host
            .section("directory")
            .and_then(|directory| find_user(&directory, &credentials.username, realm));
        let Some(user) = user else {
            return AuthOutcome::Forbidden(format!(
                "user {}@{realm} is not in the directory",
                credentials.username
            ));
        };
        let Some(password) = user.password.clone() else {
            return AuthOutcome::Forbidden(format!(
                "user {}@{realm} has no password",
                credentials.username
            ));
        };
        match self.server.verify(
            SystemTime::now(),
            realm,
            request.method.as_str(),
            &credentials,
            Secret::Password(&password),
        ) {
            Ok(()) => AuthOutcome::Authorized(user),
            Err(AuthError::Stale) => AuthOutcome::Challenge { stale: true },
            Err(AuthError::Mismatch) => AuthOutcome::Forbidden(format!(
                "wrong password for {}@{realm}",
                credentials.username
            )),
            Err(_) => AuthOutcome::Challenge { stale: false },
        }
    }
}
