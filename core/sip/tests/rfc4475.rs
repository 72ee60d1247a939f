//! All 49 RFC 4475 torture messages through parse + validate, each checked against the
//! expected answer in tests/data/rfc4475/INDEX.md.
//!
//! The table below encodes INDEX.md's "expected behaviour" column once; the test also reads
//! INDEX.md and fails if a file or its class there disagrees with the table, so the two cannot
//! drift apart silently. Where INDEX.md allows a choice, the comment says which one we make.

use std::path::PathBuf;

use ferroswitch_sip::message::{receive_datagram, Message, Policy, Verdict};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Parses, validates, and reaches the transaction layer.
    Accept,
    /// A request answered statelessly with this status.
    Reject(u16),
    /// A response discarded.
    Drop,
}

use Expect::{Accept, Drop, Reject};

const TABLE: &[(&str, &str, Expect)] = &[
    // 3.1.1 VALID
    ("wsinv", "VALID", Accept),
    ("intmeth", "VALID", Reject(501)), // well-formed, but an unknown method: 501
    ("esc01", "VALID", Accept),
    ("escnull", "VALID", Accept),
    ("esc02", "VALID", Reject(501)), // RE%47IST%45R is not REGISTER
    ("lwsdisp", "VALID", Accept),
    ("longreq", "VALID", Accept),
    ("dblreq", "VALID", Accept),
    ("semiuri", "VALID", Accept),
    ("transports", "VALID", Accept),
    ("mpart01", "VALID", Accept),
    ("unreason", "VALID", Accept),
    ("noreason", "VALID", Accept),
    // 3.1.2 INVALID
    ("badinv01", "INVALID", Reject(400)),
    ("clerr", "INVALID", Reject(400)),
    ("ncl", "INVALID", Reject(400)),
    ("scalar02", "INVALID", Reject(400)),
    ("scalarlg", "INVALID", Drop),
    ("quotbal", "INVALID", Reject(400)),
    ("ltgtruri", "INVALID", Reject(400)),
    ("lwsruri", "INVALID", Reject(400)),
    ("lwsstart", "INVALID", Reject(400)),
    ("trws", "INVALID", Reject(400)),
    ("escruri", "INVALID", Reject(400)),
    ("baddate", "INVALID", Accept), // the lenient choice INDEX.md allows: Date is never read
    ("regbadct", "INVALID", Reject(400)),
    ("badaspec", "INVALID", Reject(400)),
    ("baddn", "INVALID", Reject(400)),
    ("badvers", "INVALID", Reject(505)),
    ("mismatch01", "INVALID", Reject(400)),
    ("mismatch02", "INVALID", Reject(501)),
    ("bigcode", "INVALID", Drop),
    // 3.2 - 3.4 SEMANTIC
    ("badbranch", "SEMANTIC", Accept), // the transaction layer falls back to RFC 2543 matching
    ("insuf", "SEMANTIC", Reject(400)),
    ("unkscm", "SEMANTIC", Reject(416)),
    ("novelsc", "SEMANTIC", Reject(416)),
    ("unksm2", "SEMANTIC", Reject(400)), // as a registrar: the To AOR must be SIP/SIPS
    ("bext01", "SEMANTIC", Reject(420)),
    ("invut", "SEMANTIC", Reject(415)),
    ("regaut01", "SEMANTIC", Accept), // the registrar answers 401 with a Digest challenge
    ("multi01", "SEMANTIC", Reject(400)),
    ("mcl01", "SEMANTIC", Reject(400)),
    ("bcast", "SEMANTIC", Accept), // parses; no client transaction matches, so it goes nowhere
    ("zeromf", "SEMANTIC", Accept), // OPTIONS with Max-Forwards 0: the target processes it
    ("cparam01", "SEMANTIC", Accept),
    ("cparam02", "SEMANTIC", Accept),
    ("regescrt", "SEMANTIC", Accept),
    ("sdp01", "SEMANTIC", Reject(406)),
    ("inv2543", "SEMANTIC", Accept),
];

fn corpus() -> PathBuf {
    // shared/ sits beside the repository root: <root>/core/sip -> <root>/../shared.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/rfc4475")
}

fn read(name: &str) -> Vec<u8> {
    let path = corpus().join(format!("{name}.dat"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn outcome(verdict: &Verdict) -> Expect {
    match verdict {
        Verdict::Request(_) | Verdict::Response(_) => Accept,
        Verdict::Reject(r) => Reject(r.status),
        Verdict::Drop(_) => Drop,
    }
}

#[test]
fn table_agrees_with_index_md() {
    let index = std::fs::read_to_string(corpus().join("INDEX.md")).expect("INDEX.md readable");
    let rows: Vec<(String, String)> = index
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains(".dat |"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (
                cells[1].trim_end_matches(".dat").to_owned(),
                cells[4].to_owned(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 49, "INDEX.md lists 49 files");
    assert_eq!(TABLE.len(), 49);
    for (name, class) in &rows {
        let (_, table_class, _) = TABLE
            .iter()
            .find(|(n, _, _)| n == name)
            .unwrap_or_else(|| panic!("{name} missing from the table"));
        assert!(
            class.starts_with(table_class),
            "{name}: INDEX.md says {class}"
        );
    }
}

#[test]
fn every_torture_message_gets_the_expected_answer() {
    let policy = Policy::default();
    let mut mismatches = Vec::new();
    for &(name, _, expected) in TABLE {
        let verdict = receive_datagram(&read(name), &policy);
        let got = outcome(&verdict);
        if got != expected {
            mismatches.push(format!("{name}: expected {expected:?}, got {verdict:?}"));
        }
    }
    let matched = TABLE.len() - mismatches.len();
    println!("RFC 4475: {matched} of {} match INDEX.md", TABLE.len());
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_rejected_request_can_be_answered() {
    for &(name, _, expected) in TABLE {
        if let Reject(status) = expected {
            let Verdict::Reject(rejection) = receive_datagram(&read(name), &Policy::default())
            else {
                panic!("{name}: not rejected")
            };
            let response = rejection
                .response("rfc4475")
                .expect("every request has a Via");
            assert_eq!(response.status, status);
            assert!(
                !response.reason.is_empty(),
                "{name}: reason phrase names the problem"
            );
            assert!(response.headers.get("Via").is_some());
        }
    }
}

#[test]
fn valid_messages_round_trip_through_serialisation() {
    for &(name, class, expected) in TABLE {
        if class != "VALID" || expected != Accept {
            continue;
        }
        let mut first = Message::parse(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut again = Message::parse(&first.to_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Serialisation writes Content-Length last, from the body; everything else is kept.
        for m in [&mut first, &mut again] {
            match m {
                Message::Request(r) => r.headers.remove("Content-Length"),
                Message::Response(r) => r.headers.remove("Content-Length"),
            }
        }
        assert_eq!(first, again, "{name}");
    }
}

fn request(name: &str) -> ferroswitch_sip::message::Request {
    match receive_datagram(&read(name), &Policy::default()) {
        Verdict::Request(r) => r,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn tortuous_invite_reads_back_exactly() {
    let r = request("wsinv");
    let h = &r.headers;
    assert_eq!(h.to().unwrap().tag(), Some("1918181833n"));
    assert_eq!(
        h.from().unwrap().display_name.as_deref(),
        Some(r#"J Rosenberg \""#)
    );
    assert_eq!(h.from().unwrap().tag(), Some("98asjd8"));
    assert_eq!(h.max_forwards().unwrap(), Some(68));
    assert_eq!(h.cseq().unwrap().seq, 9);
    let vias = h.vias().unwrap();
    assert_eq!(vias.len(), 3);
    assert_eq!(vias[1].branch(), Some("z9hG4bK9ikj8"));
    assert_eq!(vias[2].host, "192.168.255.111");
    assert_eq!(
        h.get("NewFangledHeader"),
        Some("newfangled value continued newfangled value")
    );
    assert_eq!(r.body.len(), 150);
}

#[test]
fn contact_parameters_land_inside_or_outside_the_uri() {
    use ferroswitch_sip::message::Contact;
    let outside = request("cparam01").headers.contacts().unwrap();
    let Contact::Address(a) = &outside[0] else {
        panic!()
    };
    assert!(a.params.contains("unknownparam"));
    let inside = request("cparam02").headers.contacts().unwrap();
    let Contact::Address(b) = &inside[0] else {
        panic!()
    };
    assert!(b.uri.as_sip().unwrap().params.contains("unknownparam"));
    let escaped = request("regescrt").headers.contacts().unwrap();
    let Contact::Address(c) = &escaped[0] else {
        panic!()
    };
    assert_eq!(
        c.uri.as_sip().unwrap().headers.as_deref(),
        Some("Route=%3Csip:sip.example.com%3E")
    );
}

#[test]
fn datagram_framing_cases() {
    // Trailing octets past Content-Length are discarded.
    assert!(request("dblreq").body.is_empty());
    // No Content-Length in a datagram: the body runs to the end.
    let old = request("inv2543");
    assert!(old.body.starts_with(b"v=0"));
    // Binary body parts framed by length.
    assert_eq!(request("mpart01").body.len(), 553);
    assert_eq!(
        request("semiuri").uri.as_sip().unwrap().user.as_deref(),
        Some("user;par=u%40example.net")
    );
}
