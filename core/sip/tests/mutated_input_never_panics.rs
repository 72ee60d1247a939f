//! Network input never panics: every RFC 4475 message, mutated thousands of ways (seeded, so
//! a failure reproduces), goes through datagram parsing, validation, stream framing, the
//! typed accessors and a transaction layer without a panic.

use std::time::Instant;

use ferroswitch_sip::auth::{Challenge, Credentials};
use ferroswitch_sip::message::{receive_datagram, Policy, StreamFramer, Verdict};
use ferroswitch_sip::transaction::{Peer, TimerConfig, TransactionLayer, Transport};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const MUTATIONS_PER_FILE: usize = 300;

fn corpus() -> Vec<Vec<u8>> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/rfc4475");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "dat"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 49);
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// One random edit: flip a byte, insert a separator, delete a run, or duplicate a slice.
fn mutate(rng: &mut StdRng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..rng.random_range(1..4) {
        if out.is_empty() {
            out.push(b'\r');
        }
        let at = rng.random_range(0..out.len());
        match rng.random_range(0..5) {
            0 => out[at] = rng.random(),
            1 => {
                let special = [
                    b'\r', b'\n', b' ', b'\t', b':', b';', b',', b'"', b'<', b'>', b'@', b'%',
                    b'\\', 0,
                ];
                out.insert(at, special[rng.random_range(0..special.len())]);
            }
            2 => {
                let end = (at + rng.random_range(1..16)).min(out.len());
                out.drain(at..end);
            }
            3 => {
                let end = (at + rng.random_range(1..32)).min(out.len());
                let slice = out[at..end].to_vec();
                out.splice(at..at, slice);
            }
            _ => out.truncate(at),
        }
    }
    out
}

fn exercise(layer: &mut TransactionLayer, bytes: &[u8]) {
    let source = Peer {
        transport: Transport::Udp,
        addr: "192.0.2.99:5060".parse().unwrap(),
    };
    let now = Instant::now();
    match receive_datagram(bytes, &Policy::default()) {
        Verdict::Request(r) => {
            for v in r.headers.authorization() {
                let _ = Credentials::parse(v);
            }
            let _ = (
                r.headers.contacts(),
                r.headers.routes(),
                r.headers.expires(),
            );
            layer.handle_request(now, r, source);
        }
        Verdict::Response(r) => {
            for v in r.headers.get_all("WWW-Authenticate") {
                let _ = Challenge::parse(v);
            }
            layer.handle_response(now, r, source);
        }
        Verdict::Reject(rejection) => {
            let _ = rejection.response("tag");
        }
        Verdict::Drop(_) => {}
    }
    let mut framer = StreamFramer::new(8192);
    for chunk in bytes.chunks(97) {
        framer.handle_input(chunk);
        while let Ok(Some(_)) = framer.poll_message() {}
    }
    while layer.poll_transmit().is_some() || layer.poll_event().is_some() {}
}

#[test]
fn mutated_torture_messages_never_panic() {
    let mut rng = StdRng::seed_from_u64(4475);
    let mut layer = TransactionLayer::new(TimerConfig::default(), 1);
    let mut verdicts = [0usize; 4];
    for original in corpus() {
        exercise(&mut layer, &original);
        for _ in 0..MUTATIONS_PER_FILE {
            let mutated = mutate(&mut rng, &original);
            exercise(&mut layer, &mutated);
            let kind = match receive_datagram(&mutated, &Policy::default()) {
                Verdict::Request(_) => 0,
                Verdict::Response(_) => 1,
                Verdict::Reject(_) => 2,
                Verdict::Drop(_) => 3,
            };
            verdicts[kind] += 1;
        }
    }
    // The mutations reach every outcome, so the parser's deep paths were exercised.
    assert!(verdicts.iter().all(|&n| n > 100), "{verdicts:?}");
}
