//! The UAC side: answering a 401/407 challenge (RFC 3261 §22.2, RFC 7616 §3.4).

use super::digest::{ha1, response, Algorithm};
use super::params::{Challenge, Credentials};
use crate::message::Response;

/// Credentials ready to add to the retried request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAnswer {
    /// `Authorization` for a 401, `Proxy-Authorization` for a 407.
    pub header_name: &'static str,
    /// The header value.
    pub header_value: String,
}

/// The strongest challenge in a 401 or 407 whose algorithm we support (SHA-256 before
/// MD5, RFC 7616 §3.7), with the header name the answer goes in.
pub fn best_challenge(response: &Response) -> Option<(Challenge, &'static str)> {
    let (challenge_header, answer_header) = match response.status {
        401 => ("WWW-Authenticate", "Authorization"),
        407 => ("Proxy-Authenticate", "Proxy-Authorization"),
        _ => return None,
    };
    let rank = |a: Algorithm| match a {
        Algorithm::Sha256 => 0,
        Algorithm::Sha256Sess => 1,
        Algorithm::Md5 => 2,
        Algorithm::Md5Sess => 3,
    };
    response
        .headers
        .get_all(challenge_header)
        .filter_map(|v| Challenge::parse(v).ok())
        .min_by_key(|c| rank(c.algorithm))
        .map(|c| (c, answer_header))
}

/// Answers `challenge` for a request with `method` to `uri`. `cnonce` must be fresh random
/// text for each nonce and `nc` counts this client's uses of the nonce from 1. Without
/// qop=auth on offer, answers in the RFC 2069 form. The header name defaults to
/// `Authorization`; use [`best_challenge`]'s for a 407.
pub fn answer(
    challenge: &Challenge,
    method: &str,
    uri: &str,
    username: &str,
    password: &str,
    cnonce: &str,
    nc: u32,
) -> ClientAnswer {
    let algorithm = challenge.algorithm;
    let ha1 = ha1(algorithm, username, &challenge.realm, password);
    let qop_auth = challenge.qop.iter().any(|q| q.eq_ignore_ascii_case("auth"));
    let nc_hex = format!("{nc:08x}");
    let digest = response(
        algorithm,
        &ha1,
        &challenge.nonce,
        method,
        uri,
        qop_auth.then_some((nc_hex.as_str(), cnonce)),
    );
    let credentials = Credentials {
        username: username.to_owned(),
        realm: challenge.realm.clone(),
        nonce: challenge.nonce.clone(),
        uri: uri.to_owned(),
        response: digest,
        algorithm,
        cnonce: qop_auth.then(|| cnonce.to_owned()),
        opaque: challenge.opaque.clone(),
        qop: qop_auth.then(|| "auth".to_owned()),
        nc: qop_auth.then_some(nc_hex),
    };
    ClientAnswer {
        header_name: "Authorization",
        header_value: credentials.to_header_value(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Response;

    #[test]
    fn answers_rfc_7616_example_with_sha256() {
        let challenge = Challenge::parse(
            r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#,
        )
        .unwrap();
        let a = answer(
            &challenge,
            "GET",
            "/dir/index.html",
            "Mufasa",
            "Circle of Life",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            1,
        );
        let c = Credentials::parse(&a.header_value).unwrap();
        assert_eq!(
            c.response,
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
        assert_eq!(c.nc.as_deref(), Some("00000001"));
        assert_eq!(
            c.opaque.as_deref(),
            Some("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")
        );
    }

    #[test]
    fn picks_sha256_over_md5_and_the_proxy_header_for_407() {
        let mut r = Response::new(407, "Proxy Authentication Required");
        r.headers.push(
            "Proxy-Authenticate",
            r#"Digest realm="r", nonce="n1", algorithm=MD5, qop="auth""#,
        );
        r.headers.push(
            "Proxy-Authenticate",
            r#"Digest realm="r", nonce="n2", algorithm=SHA-256, qop="auth""#,
        );
        let (c, header) = best_challenge(&r).unwrap();
        assert_eq!((c.nonce.as_str(), header), ("n2", "Proxy-Authorization"));
        assert!(best_challenge(&Response::new(403, "Forbidden")).is_none());
    }

    #[test]
    fn without_qop_answers_in_rfc_2069_form() {
        let c = Challenge::parse(r#"Digest realm="r", nonce="n""#).unwrap();
        let a = answer(&c, "INVITE", "sip:b@r", "u", "p", "cn", 1);
        let parsed = Credentials::parse(&a.header_value).unwrap();
        assert!(parsed.qop.is_none() && parsed.nc.is_none() && parsed.cnonce.is_none());
        assert_eq!(
            parsed.response,
            response(
                Algorithm::Md5,
                &ha1(Algorithm::Md5, "u", "r", "p"),
                "n",
                "INVITE",
                "sip:b@r",
                None
            )
        );
    }
}
