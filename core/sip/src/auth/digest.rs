//! The digest computation (RFC 7616 §3.4.1-3.4.3).

use md5::Md5;
use sha2::{Digest, Sha256};

use super::error::AuthError;

/// A digest algorithm. The `-sess` variants hash the client nonce into HA1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// `MD5` (RFC 2617), the default when the parameter is absent.
    Md5,
    /// `MD5-sess`.
    Md5Sess,
    /// `SHA-256` (RFC 7616).
    Sha256,
    /// `SHA-256-sess`.
    Sha256Sess,
}

impl Algorithm {
    /// Parses the `algorithm` parameter (case-insensitive).
    pub fn parse(s: &str) -> Result<Algorithm, AuthError> {
        [
            Algorithm::Md5,
            Algorithm::Md5Sess,
            Algorithm::Sha256,
            Algorithm::Sha256Sess,
        ]
        .into_iter()
        .find(|a| a.as_str().eq_ignore_ascii_case(s))
        .ok_or_else(|| AuthError::Algorithm(s.to_owned()))
    }

    /// The token as written in headers.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    fn is_sess(self) -> bool {
        matches!(self, Algorithm::Md5Sess | Algorithm::Sha256Sess)
    }

    /// The lower-case hex hash of `data` with this algorithm's function.
    pub(crate) fn hash(self, data: &str) -> String {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => hex(&Md5::digest(data.as_bytes())),
            Algorithm::Sha256 | Algorithm::Sha256Sess => hex(&Sha256::digest(data.as_bytes())),
        }
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// HA1 = H(username:realm:password), the value a user directory may store instead of the
/// password (for `-sess` algorithms the session step happens in [`response`]).
pub fn ha1(algorithm: Algorithm, username: &str, realm: &str, password: &str) -> String {
    algorithm.hash(&format!("{username}:{realm}:{password}"))
}

/// The request-digest for qop=auth when `qop_auth` carries `(nc, cnonce)`, or the RFC 2069
/// form without qop. `ha1` is H(username:realm:password).
pub fn response(
    algorithm: Algorithm,
    ha1: &str,
    nonce: &str,
    method: &str,
    uri: &str,
    qop_auth: Option<(&str, &str)>,
) -> String {
    let ha1 = match (algorithm.is_sess(), qop_auth) {
        (true, Some((_, cnonce))) => algorithm.hash(&format!("{ha1}:{nonce}:{cnonce}")),
        _ => ha1.to_owned(),
    };
    let ha2 = algorithm.hash(&format!("{method}:{uri}"));
    match qop_auth {
        Some((nc, cnonce)) => algorithm.hash(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")),
        None => algorithm.hash(&format!("{ha1}:{nonce}:{ha2}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_2617_section_3_5_md5() {
        let ha1 = ha1(
            Algorithm::Md5,
            "Mufasa",
            "testrealm@host.com",
            "Circle Of Life",
        );
        let r = response(
            Algorithm::Md5,
            &ha1,
            "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            "GET",
            "/dir/index.html",
            Some(("00000001", "0a4f113b")),
        );
        assert_eq!(r, "6629fae49393a05397450978507c4ef1");
    }

    const NONCE_7616: &str = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    const CNONCE_7616: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    #[test]
    fn rfc_7616_section_3_9_1_md5() {
        let ha1 = ha1(
            Algorithm::Md5,
            "Mufasa",
            "http-auth@example.org",
            "Circle of Life",
        );
        let r = response(
            Algorithm::Md5,
            &ha1,
            NONCE_7616,
            "GET",
            "/dir/index.html",
            Some(("00000001", CNONCE_7616)),
        );
        assert_eq!(r, "8ca523f5e9506fed4657c9700eebdbec");
    }

    #[test]
    fn rfc_7616_section_3_9_1_sha256() {
        let ha1 = ha1(
            Algorithm::Sha256,
            "Mufasa",
            "http-auth@example.org",
            "Circle of Life",
        );
        let r = response(
            Algorithm::Sha256,
            &ha1,
            NONCE_7616,
            "GET",
            "/dir/index.html",
            Some(("00000001", CNONCE_7616)),
        );
        assert_eq!(
            r,
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
    }

    #[test]
    fn algorithm_tokens_parse_case_insensitively() {
        assert_eq!(Algorithm::parse("md5").unwrap(), Algorithm::Md5);
        assert_eq!(
            Algorithm::parse("SHA-256-SESS").unwrap(),
            Algorithm::Sha256Sess
        );
        assert!(Algorithm::parse("SHA-512-256").is_err());
    }

    #[test]
    fn sess_variants_fold_the_cnonce_into_ha1() {
        let h = ha1(Algorithm::Md5Sess, "u", "r", "p");
        let a = response(
            Algorithm::Md5Sess,
            &h,
            "n",
            "REGISTER",
            "sip:r",
            Some(("00000001", "c1")),
        );
        let b = response(
            Algorithm::Md5Sess,
            &h,
            "n",
            "REGISTER",
            "sip:r",
            Some(("00000001", "c2")),
        );
        let plain = response(
            Algorithm::Md5,
            &h,
            "n",
            "REGISTER",
            "sip:r",
            Some(("00000001", "c1")),
        );
        assert_ne!(a, b);
        assert_ne!(a, plain);
    }
}
