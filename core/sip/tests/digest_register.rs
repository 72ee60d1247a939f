//! A REGISTER challenged with 401 and retried with credentials, through real messages: the
//! registrar's challenge headers, the client's choice of algorithm, the retried request's
//! Authorization header, verification, and a replay of the same request refused.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferroswitch_sip::auth::{
    answer, best_challenge, Algorithm, AuthError, Credentials, DigestServer, NonceIssuer, Secret,
};
use ferroswitch_sip::message::{
    receive_datagram, response_to, set_to_tag, Message, NameAddr, NewRequest, Policy, Request,
    Response, Uri, Verdict, Via,
};
use rand::SeedableRng;

const REALM: &str = "pbx.example.com";

fn register(seq: u32) -> Request {
    NewRequest {
        method: ferroswitch_sip::message::Method::Register,
        uri: Uri::parse("sip:pbx.example.com").unwrap(),
        via: Via::new("UDP", "192.0.2.50", Some(5060), &format!("z9hG4bKreg{seq}")),
        from: NameAddr::new(Uri::parse("sip:1001@pbx.example.com").unwrap()).with_tag("r1"),
        to: NameAddr::new(Uri::parse("sip:1001@pbx.example.com").unwrap()),
        call_id: "reg-call".into(),
        seq,
        contact: Some(NameAddr::new(Uri::parse("sip:1001@192.0.2.50").unwrap())),
    }
    .build()
}

/// The wire round trip every message takes.
fn wire_request(r: &Request) -> Request {
    match receive_datagram(&r.to_bytes(), &Policy::default()) {
        Verdict::Request(r) => r,
        other => panic!("{other:?}"),
    }
}

fn wire_response(r: &Response) -> Response {
    match Message::parse(&r.to_bytes()).unwrap() {
        Message::Response(r) => r,
        Message::Request(_) => unreachable!(),
    }
}

/// The registrar: 401 with challenges unless the Authorization verifies.
fn registrar(
    server: &mut DigestServer,
    now: SystemTime,
    request: &Request,
) -> (Response, Option<AuthError>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let outcome = match request.headers.authorization().first() {
        None => Some(AuthError::Missing("Authorization")),
        Some(value) => match Credentials::parse(value) {
            Ok(c) => server
                .verify(
                    now,
                    REALM,
                    request.method.as_str(),
                    &c,
                    Secret::Password("s3cret"),
                )
                .err(),
            Err(e) => Some(e),
        },
    };
    let mut response = match outcome {
        None => response_to(request, 200, "OK"),
        Some(ref e) => {
            let mut r = response_to(request, 401, "Unauthorized");
            for value in server.challenges(now, REALM, *e == AuthError::Stale, &mut rng) {
                r.headers.push("WWW-Authenticate", value);
            }
            r
        }
    };
    set_to_tag(&mut response.headers, "regtag");
    (wire_response(&response), outcome)
}

fn server() -> DigestServer {
    DigestServer::new(
        NonceIssuer::new(b"registrar secret", Duration::from_secs(120)),
        vec![Algorithm::Sha256, Algorithm::Md5],
        1024,
    )
}

#[test]
fn challenge_answer_verify_and_replay() {
    let now = UNIX_EPOCH + Duration::from_secs(1_900_000_000);
    let mut server = server();

    let (challenge_response, _) = registrar(&mut server, now, &wire_request(&register(1)));
    assert_eq!(challenge_response.status, 401);
    assert_eq!(challenge_response.headers.count("WWW-Authenticate"), 2);

    let (challenge, header) = best_challenge(&challenge_response).unwrap();
    assert_eq!(challenge.algorithm, Algorithm::Sha256);
    let mut retry = register(2);
    let uri = retry.uri.to_string();
    let a = answer(&challenge, "REGISTER", &uri, "1001", "s3cret", "c0ffee", 1);
    retry.headers.push(header, a.header_value);
    let retry = wire_request(&retry);

    let (ok, outcome) = registrar(&mut server, now + Duration::from_secs(1), &retry);
    assert_eq!((ok.status, outcome), (200, None));

    // The same request captured and replayed: same nonce, same nc.
    let (replayed, outcome) = registrar(&mut server, now + Duration::from_secs(2), &retry);
    assert_eq!((replayed.status, outcome), (401, Some(AuthError::Replay)));
}

#[test]
fn an_expired_nonce_gets_a_stale_challenge_the_client_can_follow() {
    let now = UNIX_EPOCH + Duration::from_secs(1_900_000_000);
    let mut server = server();
    let (first, _) = registrar(&mut server, now, &wire_request(&register(1)));
    let (challenge, header) = best_challenge(&first).unwrap();
    let mut late = register(2);
    let uri = late.uri.to_string();
    late.headers.push(
        header,
        answer(&challenge, "REGISTER", &uri, "1001", "s3cret", "c1", 1).header_value,
    );

    let later = now + Duration::from_secs(600);
    let (stale, outcome) = registrar(&mut server, later, &wire_request(&late));
    assert_eq!((stale.status, outcome), (401, Some(AuthError::Stale)));
    let (fresh, _) = best_challenge(&stale).unwrap();
    assert!(fresh.stale);

    let mut again = register(3);
    again.headers.push(
        header,
        answer(&fresh, "REGISTER", &uri, "1001", "s3cret", "c2", 1).header_value,
    );
    let (ok, _) = registrar(&mut server, later, &wire_request(&again));
    assert_eq!(ok.status, 200);
}
