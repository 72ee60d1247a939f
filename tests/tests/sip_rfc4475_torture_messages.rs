//! RFC 4475's 49 torture messages, sent byte for byte over UDP to a running profile: each
//! is answered with the status tests/data/rfc4475/INDEX.md expects, or dropped where a
//! response must be discarded, and afterwards the switch still answers an OPTIONS.
//!
//! Responses go where each message's top Via says (RFC 3261 §18.2.2): the source address
//! with the Via's port, 5060 unless written. So each message is sent from 127.0.0.1 at that
//! port, and this test needs 127.0.0.1:5060, :5050 and :5070 free.
//!
//! "Accepted" messages reach the profile's transaction user, so their answer is the
//! profile's: INVITEs are challenged (407, auth-calls), REGISTERs too (401), OPTIONS gets
//! 200, and methods the profile does not implement get 501. A dropped message is checked
//! without waiting for silence: an OPTIONS sent after it from the same socket must be
//! answered before anything that answers the dropped one (the profile handles datagrams in
//! order).

use std::net::UdpSocket;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use ferroswitch_tests::sip::{sip_profile, start};
use ferroswitch_tests::{TestConf, WAIT_LIMIT};

#[derive(Clone, Copy, Debug)]
enum Expect {
    /// A final response with this status.
    Status(u16),
    /// No response at all.
    Dropped,
    /// The same branch, sent-by and method as an earlier message still in its transaction
    /// (RFC 3261 §17.2.3), so it is a retransmission of that one: the earlier message's
    /// response comes again.
    RetransmissionOf(&'static str, u16),
}

use Expect::{Dropped, RetransmissionOf, Status};

/// (file, expected answer, the Via's port).
const TABLE: &[(&str, Expect, u16)] = &[
    // 3.1.1 VALID: accepted, so the profile's own answer.
    ("wsinv", Status(481), 5060), // its To has a tag: a re-INVITE of a dialog we do not have
    ("intmeth", Status(501), 5060), // an unknown method
    ("esc01", Status(407), 5060),
    ("escnull", Status(401), 5060),
    ("esc02", Status(501), 5060), // RE%47IST%45R is not REGISTER
    ("lwsdisp", Status(200), 5060),
    ("longreq", Status(407), 5060),
    ("dblreq", Status(401), 5060), // the REGISTER; the trailing INVITE is ignored
    ("semiuri", Status(200), 5060),
    ("transports", Status(200), 5060),
    ("mpart01", Status(501), 5070), // MESSAGE is not implemented by the profile
    ("unreason", Dropped, 5060),    // a response matching nothing
    ("noreason", Dropped, 5060),
    // 3.1.2 INVALID
    ("badinv01", Status(400), 5060),
    ("clerr", Status(400), 5060),
    ("ncl", Status(400), 5060),
    ("scalar02", Status(400), 5060),
    ("scalarlg", Dropped, 5060),
    ("quotbal", Status(400), 5050),
    ("ltgtruri", Status(400), 5060),
    ("lwsruri", Status(400), 5060),
    ("lwsstart", Status(400), 5060),
    ("trws", Status(400), 5060),
    ("escruri", Status(400), 5060),
    ("baddate", Status(407), 5060), // the lenient choice: Date is never read
    ("regbadct", Status(400), 5060),
    ("badaspec", Status(400), 5060),
    ("baddn", Status(400), 5060),
    ("badvers", Status(505), 5060),
    ("mismatch01", Status(400), 5060),
    ("mismatch02", Status(501), 5060),
    ("bigcode", Dropped, 5060),
    // 3.2 - 3.4 SEMANTIC
    ("badbranch", Status(200), 5060),
    ("insuf", Status(400), 5060),
    ("unkscm", Status(416), 5060),
    ("novelsc", Status(416), 5060),
    ("unksm2", Status(400), 5060),
    ("bext01", Status(420), 5060),
    ("invut", Status(415), 5060),
    ("regaut01", Status(401), 5060),
    ("multi01", Status(400), 5060),
    ("mcl01", Status(400), 5060),
    ("bcast", Dropped, 5060),
    ("zeromf", Status(200), 5060),
    ("cparam01", Status(401), 5060),
    ("cparam02", RetransmissionOf("cparam01", 401), 5060),
    ("regescrt", RetransmissionOf("escnull", 401), 5060),
    ("sdp01", Status(406), 5060),
    ("inv2543", Status(407), 5060),
];

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/rfc4475")
}

/// The status and Call-ID of a response; `None` for anything else.
fn parse_response(bytes: &[u8]) -> Option<(u16, Option<String>)> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.split("\r\n");
    let status = lines
        .next()?
        .strip_prefix("SIP/2.0 ")?
        .get(..3)?
        .parse()
        .ok()?;
    let call_id = lines.take_while(|l| !l.is_empty()).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        let name = name.trim();
        (name.eq_ignore_ascii_case("Call-ID") || name.eq_ignore_ascii_case("i"))
            .then(|| value.trim().to_owned())
    });
    Some((status, call_id))
}

/// The Call-ID of a raw message, if it has one.
fn call_id_of(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
    head.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        let name = name.trim();
        (name.eq_ignore_ascii_case("Call-ID") || name.eq_ignore_ascii_case("i"))
            .then(|| value.trim().to_owned())
    })
}

/// Receives until a final response for `call_id` (`None`: one without a Call-ID), bounded
/// by [`WAIT_LIMIT`].
fn final_response_for(socket: &UdpSocket, call_id: Option<&str>, what: &str) -> u16 {
    let deadline = Instant::now() + WAIT_LIMIT;
    let mut buf = [0u8; 65536];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no final response to {what}");
        socket
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .expect("a read timeout");
        let Ok(count) = socket.recv(&mut buf) else {
            continue;
        };
        if let Some((status, id)) = parse_response(&buf[..count]) {
            if status >= 200 && id.as_deref() == call_id {
                return status;
            }
        }
    }
}

fn options(switch_port: u16, local_port: u16, call_id: &str) -> String {
    format!(
        "OPTIONS sip:ping@127.0.0.1:{switch_port} SIP/2.0\r\n\
         Via: SIP/2.0/UDP 127.0.0.1:{local_port};branch=z9hG4bK-{call_id}\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:probe@127.0.0.1>;tag=probe\r\n\
         To: <sip:ping@127.0.0.1>\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

#[test]
fn every_torture_message_is_answered_or_dropped_as_the_rfc_says() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[(
        "public.xml",
        r#"<include><context name="public"/></include>"#,
    )]);
    let port = sip_profile(&conf, "");
    let mut switch = start(&conf);
    let target = ("127.0.0.1", port);

    let mut failures = Vec::new();
    for (index, (name, expect, via_port)) in TABLE.iter().enumerate() {
        let bytes = std::fs::read(corpus().join(format!("{name}.dat")))
            .unwrap_or_else(|error| panic!("reading {name}.dat: {error}"));
        let socket = UdpSocket::bind(("127.0.0.1", *via_port))
            .unwrap_or_else(|error| panic!("this test needs 127.0.0.1:{via_port}: {error}"));
        socket.send_to(&bytes, target).expect("a datagram is sent");
        let call_id = call_id_of(&bytes);
        match expect {
            Status(expected) => {
                let status = final_response_for(&socket, call_id.as_deref(), name);
                if status != *expected {
                    failures.push(format!("{name}: expected {expected}, got {status}"));
                }
            }
            RetransmissionOf(earlier, expected) => {
                let earlier_bytes = std::fs::read(corpus().join(format!("{earlier}.dat")))
                    .unwrap_or_else(|error| panic!("reading {earlier}.dat: {error}"));
                let earlier_id = call_id_of(&earlier_bytes);
                let status = final_response_for(&socket, earlier_id.as_deref(), name);
                if status != *expected {
                    failures.push(format!(
                        "{name}: expected {earlier}'s {expected}, got {status}"
                    ));
                }
            }
            Dropped => {
                let probe = format!("probe-{index}");
                socket
                    .send_to(options(port, *via_port, &probe).as_bytes(), target)
                    .expect("a datagram is sent");
                let deadline = Instant::now() + WAIT_LIMIT;
                let mut buf = [0u8; 65536];
                loop {
                    assert!(
                        Instant::now() < deadline,
                        "no answer to the probe after {name}"
                    );
                    socket
                        .set_read_timeout(Some(WAIT_LIMIT))
                        .expect("a read timeout");
                    let Ok(count) = socket.recv(&mut buf) else {
                        continue;
                    };
                    let Some((status, id)) = parse_response(&buf[..count]) else {
                        continue;
                    };
                    if id.as_deref() == Some(probe.as_str()) && status >= 200 {
                        break;
                    }
                    if id.is_some() && id == call_id {
                        failures.push(format!("{name}: expected no answer, got {status}"));
                        break;
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    let socket = UdpSocket::bind(("127.0.0.1", 0)).expect("a socket");
    let local = socket.local_addr().expect("an address").port();
    socket
        .send_to(options(port, local, "after-torture").as_bytes(), target)
        .expect("a datagram is sent");
    assert_eq!(
        final_response_for(&socket, Some("after-torture"), "the final OPTIONS"),
        200
    );
    assert!(
        switch.api("sofia status").contains("RUNNING"),
        "the profile still runs"
    );
}
