//! The registration on a virtual clock: time is an `Instant` the tests move by hand, and
//! the registrar's answers are built from the REGISTERs the machine emits.

use std::time::{Duration, Instant};

use ferroswitch_sip::auth::{Algorithm, Credentials, DigestServer, NonceIssuer, Secret};
use ferroswitch_sip::message::{response_to, set_to_tag, NameAddr, Request, Response, Uri, Via};
use rand::rngs::StdRng;
use rand::SeedableRng;

use super::*;

const REALM: &str = "far.example";

fn params(expire_seconds: u32, retry_seconds: u32) -> RegistrationParams {
    RegistrationParams {
        gateway: "gw".into(),
        request_uri: Uri::parse("sip:far.example").expect("a URI"),
        aor: NameAddr::parse("<sip:joe@far.example>").expect("an address"),
        contact: NameAddr::parse("<sip:gw+gw@127.0.0.1:5080;transport=udp;gw=gw>")
            .expect("an address"),
        via: Via::new("UDP", "127.0.0.1", Some(5080), ""),
        call_id: "reg-call@127.0.0.1".into(),
        username: "joe".into(),
        password: "secret".into(),
        expire_seconds,
        retry_seconds,
        user_agent: "ferroswitch".into(),
    }
}

/// Drains the outputs: the REGISTERs sent and the states passed through.
fn drain(reg: &mut Registration) -> (Vec<Request>, Vec<StateChange>) {
    let (mut sent, mut states) = (Vec::new(), Vec::new());
    while let Some(output) = reg.poll_output() {
        match output {
            Output::Transmit(request) => sent.push(request),
            Output::State(change) => states.push(change),
        }
    }
    (sent, states)
}

/// A registration for `params`, started at `now`.
fn started(params: RegistrationParams, now: Instant) -> Registration {
    let mut reg = Registration::new(params, 1);
    reg.handle_start(now);
    reg
}

/// A registration (3600 s, retry 30 s) that answered a challenge and is REGED at `now`,
/// with the registrar that let it in.
fn reged(now: Instant) -> (Registration, Registrar) {
    let mut registrar = Registrar::new();
    let mut reg = started(params(3600, 30), now);
    let (sent, _) = drain(&mut reg);
    reg.handle_response(now, &registrar.challenge(&sent[0]));
    let (sent, _) = drain(&mut reg);
    reg.handle_response(now, &granted(&sent[0], 3600));
    drain(&mut reg);
    (reg, registrar)
}

fn names(states: &[StateChange]) -> Vec<&'static str> {
    states.iter().map(|s| s.state.as_str()).collect()
}

fn reply(request: &Request, status: u16, reason: &str) -> Response {
    let mut response = response_to(request, status, reason);
    set_to_tag(&mut response.headers, "registrar");
    response
}

/// A registrar: challenges with its own nonces and checks answers for joe/secret.
struct Registrar {
    server: DigestServer,
    rng: StdRng,
}

impl Registrar {
    fn new() -> Self {
        let issuer = NonceIssuer::new(&[7u8; 32], Duration::from_secs(300));
        Self {
            server: DigestServer::new(issuer, vec![Algorithm::Md5], 64),
            rng: StdRng::seed_from_u64(3),
        }
    }

    fn challenge(&mut self, request: &Request) -> Response {
        let mut response = reply(request, 401, "Unauthorized");
        for value in
            self.server
                .challenges(std::time::SystemTime::now(), REALM, false, &mut self.rng)
        {
            response.headers.push("WWW-Authenticate", value);
        }
        response
    }

    fn accepts(&mut self, request: &Request) -> bool {
        let Some(credentials) = request
            .headers
            .get("Authorization")
            .and_then(|value| Credentials::parse(value).ok())
        else {
            return false;
        };
        self.server
            .verify(
                std::time::SystemTime::now(),
                REALM,
                "REGISTER",
                &credentials,
                Secret::Password("secret"),
            )
            .is_ok()
    }
}

fn granted(request: &Request, expires: u32) -> Response {
    let mut response = reply(request, 200, "OK");
    let contact = request.headers.get("Contact").expect("a Contact");
    response
        .headers
        .push("Contact", format!("{contact};expires={expires}"));
    response
}

#[test]
fn a_challenge_is_answered_then_the_gateway_is_reged() {
    let now = Instant::now();
    let mut registrar = Registrar::new();
    let mut reg = started(params(3600, 30), now);
    let (sent, states) = drain(&mut reg);
    assert_eq!(names(&states), ["TRYING"]);
    let first = &sent[0];
    assert_eq!(first.headers.get("Expires"), Some("3600"));
    assert!(first.headers.get("Authorization").is_none());

    reg.handle_response(now, &registrar.challenge(first));
    let (sent, states) = drain(&mut reg);
    assert!(states.is_empty(), "a challenge keeps TRYING: {states:?}");
    let second = &sent[0];
    assert!(registrar.accepts(second), "the answer carries joe's digest");
    assert_eq!(
        second.headers.call_id().ok(),
        first.headers.call_id().ok(),
        "one Call-ID for the registration"
    );
    assert!(second.headers.cseq().expect("CSeq").seq > first.headers.cseq().expect("CSeq").seq);

    reg.handle_response(now, &granted(second, 3600));
    let (_, states) = drain(&mut reg);
    assert_eq!(names(&states), ["REGISTER", "REGED"]);
    assert_eq!(states[0].sip_status, Some(200));
    assert_eq!(reg.status(), GatewayStatus::Up);
}

#[test]
fn the_refresh_goes_fifteen_seconds_before_a_long_expiry() {
    let now = Instant::now();
    let mut reg = started(params(3600, 30), now);
    let (sent, _) = drain(&mut reg);
    // The registrar grants less than asked: the grant rules.
    reg.handle_response(now, &granted(&sent[0], 600));
    drain(&mut reg);
    assert_eq!(reg.granted_seconds(), 600);
    assert_eq!(
        reg.timer(),
        Some((now + Duration::from_secs(585), Timer::Refresh))
    );
    reg.handle_timeout(now + Duration::from_secs(584));
    assert!(drain(&mut reg).0.is_empty(), "not before it is due");
    reg.handle_timeout(now + Duration::from_secs(585));
    let (sent, states) = drain(&mut reg);
    assert_eq!(sent.len(), 1, "one refresh");
    assert_eq!(names(&states), ["UNREGED", "TRYING"]);
    assert_eq!(
        reg.status(),
        GatewayStatus::Up,
        "calls go on during a refresh"
    );
}

#[test]
fn a_short_expiry_is_refreshed_at_half_time() {
    let now = Instant::now();
    let mut reg = started(params(20, 30), now);
    let (sent, _) = drain(&mut reg);
    let mut ok = reply(&sent[0], 200, "OK");
    ok.headers.push("Expires", "20");
    reg.handle_response(now, &ok);
    drain(&mut reg);
    assert_eq!(
        reg.poll_timeout(),
        Some(now + Duration::from_secs(10)),
        "half of 20 s"
    );
}

#[test]
fn failures_wait_longer_each_time_until_a_success_resets_them() {
    let start = Instant::now();
    let mut reg = started(params(3600, 30), start);
    let mut now = start;
    for failure in 1..=3u32 {
        let (sent, _) = drain(&mut reg);
        reg.handle_response(now, &reply(&sent[0], 403, "Forbidden"));
        let (_, states) = drain(&mut reg);
        assert_eq!(names(&states), ["FAILED", "FAIL_WAIT"]);
        assert_eq!(states[0].sip_status, Some(403));
        assert_eq!(states[0].phrase.as_deref(), Some("Forbidden"));
        assert_eq!(reg.failures(), failure);
        let wait = Duration::from_secs(30 * u64::from(failure));
        assert_eq!(reg.timer(), Some((now + wait, Timer::Retry)));
        assert_eq!(reg.status(), GatewayStatus::Down);
        now += wait;
        reg.handle_timeout(now);
    }
    let (sent, _) = drain(&mut reg);
    reg.handle_response(now, &granted(&sent[0], 3600));
    drain(&mut reg);
    assert_eq!((reg.state(), reg.failures()), (GatewayState::Reged, 0));
}

#[test]
fn a_503_and_a_timeout_retry_after_retry_seconds_only() {
    let now = Instant::now();
    let mut reg = started(params(3600, 30), now);
    let (sent, _) = drain(&mut reg);
    reg.handle_response(now, &reply(&sent[0], 403, "Forbidden"));
    drain(&mut reg);
    let later = now + Duration::from_secs(30);
    reg.handle_timeout(later);
    drain(&mut reg);
    reg.handle_transaction_timeout(later);
    let (_, states) = drain(&mut reg);
    assert_eq!(names(&states), ["TIMEOUT", "FAILED", "FAIL_WAIT"]);
    assert_eq!(reg.failures(), 2);
    assert_eq!(
        reg.poll_timeout(),
        Some(later + Duration::from_secs(30)),
        "no multiplier after a timeout"
    );
}

#[test]
fn the_wait_is_capped() {
    let mut now = Instant::now();
    let mut reg = started(params(3600, 1000), now);
    for _ in 0..5 {
        let (sent, _) = drain(&mut reg);
        reg.handle_response(now, &reply(&sent[0], 404, "Not Found"));
        drain(&mut reg);
        let (at, _) = reg.timer().expect("a retry");
        assert!(at - now <= MAX_RETRY_WAIT);
        now = at;
        reg.handle_timeout(now);
    }
    assert_eq!(reg.failures(), 5);
}

#[test]
fn wrong_credentials_fail_instead_of_looping() {
    let now = Instant::now();
    let mut registrar = Registrar::new();
    let mut reg = started(params(3600, 30), now);
    let (sent, _) = drain(&mut reg);
    reg.handle_response(now, &registrar.challenge(&sent[0]));
    let (sent, _) = drain(&mut reg);
    // The registrar refuses the answer with a fresh (not stale) challenge.
    reg.handle_response(now, &registrar.challenge(&sent[0]));
    let (sent, states) = drain(&mut reg);
    assert!(sent.is_empty(), "no second answer to the same question");
    assert_eq!(names(&states), ["FAILED", "FAIL_WAIT"]);
    assert_eq!(states[0].sip_status, Some(401));
}

#[test]
fn stop_unregisters_a_reged_gateway_with_its_credentials() {
    let now = Instant::now();
    let (mut reg, mut registrar) = reged(now);

    assert!(reg.handle_stop(now), "an unregister goes");
    let (sent, states) = drain(&mut reg);
    assert_eq!(names(&states), ["UNREGISTER"]);
    assert_eq!(sent[0].headers.get("Expires"), Some("0"));
    assert!(
        registrar.accepts(&sent[0]),
        "the last nonce is answered ahead of time"
    );
    reg.handle_response(now, &reply(&sent[0], 200, "OK"));
    let (sent, states) = drain(&mut reg);
    assert!(sent.is_empty());
    assert_eq!(names(&states), ["DOWN"]);
    assert_eq!(reg.poll_timeout(), None, "nothing follows a stop");
}

#[test]
fn stop_while_failing_sends_nothing() {
    let now = Instant::now();
    let mut reg = started(params(3600, 30), now);
    let (sent, _) = drain(&mut reg);
    reg.handle_response(now, &reply(&sent[0], 403, "Forbidden"));
    drain(&mut reg);
    assert!(!reg.handle_stop(now));
    assert!(drain(&mut reg).0.is_empty());
    reg.handle_timeout(now + Duration::from_secs(3600));
    assert!(drain(&mut reg).0.is_empty(), "the retry timer is gone");
}

#[test]
fn responses_nobody_waits_for_are_ignored() {
    let now = Instant::now();
    let mut reg = started(params(3600, 30), now);
    let (sent, _) = drain(&mut reg);
    reg.handle_response(now, &reply(&sent[0], 100, "Trying"));
    assert!(drain(&mut reg).1.is_empty());
    reg.handle_response(now, &granted(&sent[0], 3600));
    drain(&mut reg);
    // A retransmitted 200 after the transaction ended changes nothing.
    reg.handle_response(now, &reply(&sent[0], 500, "Oops"));
    assert_eq!(reg.state(), GatewayState::Reged);
}

#[test]
fn interval_too_brief_is_answered_with_min_expires() {
    let now = Instant::now();
    let mut reg = started(params(60, 30), now);
    let (sent, _) = drain(&mut reg);
    let mut brief = reply(&sent[0], 423, "Interval Too Brief");
    brief.headers.push("Min-Expires", "300");
    reg.handle_response(now, &brief);
    let (sent, states) = drain(&mut reg);
    assert!(states.is_empty(), "still TRYING: {states:?}");
    assert_eq!(sent[0].headers.get("Expires"), Some("300"));
    // A registrar that still refuses fails the attempt instead of looping.
    let mut again = reply(&sent[0], 423, "Interval Too Brief");
    again.headers.push("Min-Expires", "300");
    reg.handle_response(now, &again);
    let (sent, states) = drain(&mut reg);
    assert!(sent.is_empty());
    assert_eq!(names(&states), ["FAILED", "FAIL_WAIT"]);
}

#[test]
fn a_failed_ping_makes_a_registered_gateway_register_again() {
    let now = Instant::now();
    let (mut reg, _) = reged(now);
    assert_eq!(reg.state(), GatewayState::Reged);

    reg.handle_ping_failed(now);
    let (sent, states) = drain(&mut reg);
    assert!(sent.is_empty());
    assert_eq!(names(&states), ["FAILED", "FAIL_WAIT"]);
    assert_eq!(reg.poll_timeout(), Some(now + Duration::from_secs(30)));
    reg.handle_timeout(now + Duration::from_secs(30));
    let (sent, _) = drain(&mut reg);
    assert_eq!(sent.len(), 1, "a fresh REGISTER");

    reg.handle_ping_failed(now + Duration::from_secs(30));
    assert!(
        drain(&mut reg).1.is_empty(),
        "not while a REGISTER is in flight"
    );
}
