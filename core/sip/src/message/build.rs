//! Building responses from requests (RFC 3261 §8.2.6) and fresh requests (§8.1.1).

use rand::RngCore;

use super::headers::Headers;
use super::name_addr::NameAddr;
use super::validate::Rejection;
use super::via::MAGIC_COOKIE;
use super::{CSeq, Method, Request, Response, Uri, Via};

/// A response to `request`: every Via in order, From, To, Call-ID and CSeq copied. The caller
/// adds the To tag (see [`set_to_tag`]) for anything but 100 Trying.
pub fn response_to(request: &Request, status: u16, reason: &str) -> Response {
    let mut response = Response::new(status, reason);
    copy_transaction_headers(&request.headers, &mut response.headers);
    response
}

/// Copies Via (all), From, To, Call-ID and CSeq, as received.
fn copy_transaction_headers(from: &Headers, to: &mut Headers) {
    for name in ["Via", "From", "To", "Call-ID", "CSeq"] {
        for value in from.get_all(name) {
            to.push(name, value);
        }
    }
}

/// Adds `;tag=<tag>` to the To header unless it already has a tag or does not parse.
pub fn set_to_tag(headers: &mut Headers, tag: &str) {
    if let Some(Ok(to)) = headers.get("To").map(NameAddr::parse) {
        if to.tag().is_none() {
            headers.set("To", to.with_tag(tag).to_string());
        }
    }
}

/// A fresh random tag for From or To (RFC 3261 §19.3: at least 32 random bits).
pub fn generate_tag(rng: &mut impl RngCore) -> String {
    format!("{:016x}", rng.next_u64())
}

/// A fresh RFC 3261 branch: the magic cookie and 64 random bits.
pub fn generate_branch(rng: &mut impl RngCore) -> String {
    format!("{MAGIC_COOKIE}{:016x}", rng.next_u64())
}

impl Rejection {
    /// The stateless response to send: the request's Via, From, To (with `to_tag` added),
    /// Call-ID and CSeq, plus Unsupported or Accept where the status needs them. `None` when
    /// the request had no Via, so there is nowhere to send it.
    pub fn response(&self, to_tag: &str) -> Option<Response> {
        self.request_headers.get("Via")?;
        let mut response = Response::new(self.status, self.reason.clone());
        copy_transaction_headers(&self.request_headers, &mut response.headers);
        set_to_tag(&mut response.headers, to_tag);
        for h in self.extra.iter() {
            response.headers.push(&h.name, h.value.clone());
        }
        Some(response)
    }
}

/// The parts of a new out-of-dialog request.
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// The method.
    pub method: Method,
    /// The Request-URI.
    pub uri: Uri,
    /// The top (and only) Via; the transaction layer fills in a branch if it has none.
    pub via: Via,
    /// From, with the local tag.
    pub from: NameAddr,
    /// To, without a tag.
    pub to: NameAddr,
    /// The Call-ID.
    pub call_id: String,
    /// The CSeq number.
    pub seq: u32,
    /// The Contact, for requests that establish dialogs or registrations.
    pub contact: Option<NameAddr>,
}

impl NewRequest {
    /// The request, with Max-Forwards 70 (RFC 3261 §8.1.1.6).
    pub fn build(self) -> Request {
        let mut request = Request::new(self.method.clone(), self.uri);
        let h = &mut request.headers;
        h.push("Via", self.via.to_string());
        h.push("Max-Forwards", "70");
        h.push("From", self.from.to_string());
        h.push("To", self.to.to_string());
        h.push("Call-ID", self.call_id);
        h.push(
            "CSeq",
            CSeq {
                seq: self.seq,
                method: self.method,
            }
            .to_string(),
        );
        if let Some(contact) = self.contact {
            h.push("Contact", contact.to_string());
        }
        request
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{receive_datagram, Message, Policy, Verdict};
    use rand::SeedableRng;

    fn request() -> Request {
        let raw = b"OPTIONS sip:b@b SIP/2.0\r\nVia: SIP/2.0/UDP p;branch=z9hG4bKp\r\nVia: SIP/2.0/UDP a;branch=z9hG4bKa\r\nFrom: <sip:a@a>;tag=1\r\nTo: <sip:b@b>\r\nCall-ID: c\r\nCSeq: 2 OPTIONS\r\nMax-Forwards: 70\r\n\r\n";
        match Message::parse(raw).unwrap() {
            Message::Request(r) => r,
            Message::Response(_) => unreachable!(),
        }
    }

    #[test]
    fn response_copies_transaction_headers_in_order() {
        let mut resp = response_to(&request(), 200, "OK");
        set_to_tag(&mut resp.headers, "xyz");
        assert_eq!(resp.headers.count("Via"), 2);
        assert_eq!(
            resp.headers.get("Via"),
            Some("SIP/2.0/UDP p;branch=z9hG4bKp")
        );
        assert_eq!(resp.headers.to().unwrap().tag(), Some("xyz"));
        assert_eq!(resp.headers.cseq().unwrap().seq, 2);
        // A second tag is never added.
        set_to_tag(&mut resp.headers, "other");
        assert_eq!(resp.headers.to().unwrap().tag(), Some("xyz"));
    }

    #[test]
    fn rejection_response_carries_extra_headers() {
        let raw = String::from_utf8(request().to_bytes())
            .unwrap()
            .replace("Max-Forwards: 70\r\n", "Require: foo\r\n");
        let Verdict::Reject(rejection) = receive_datagram(raw.as_bytes(), &Policy::default())
        else {
            panic!("expected a rejection")
        };
        let resp = rejection.response("t1").unwrap();
        assert_eq!(resp.status, 420);
        assert_eq!(resp.headers.get("Unsupported"), Some("foo"));
        assert_eq!(resp.headers.to().unwrap().tag(), Some("t1"));
    }

    #[test]
    fn tags_and_branches_are_random_and_branches_carry_the_cookie() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let (a, b) = (generate_branch(&mut rng), generate_branch(&mut rng));
        assert_ne!(a, b);
        assert!(a.starts_with(MAGIC_COOKIE) && a.len() > MAGIC_COOKIE.len() + 8);
        assert_ne!(generate_tag(&mut rng), generate_tag(&mut rng));
    }

    #[test]
    fn new_request_builds_a_valid_request() {
        let req = NewRequest {
            method: Method::Invite,
            uri: Uri::parse("sip:bob@b").unwrap(),
            via: Via::new("UDP", "10.0.0.1", Some(5060), "z9hG4bKx"),
            from: NameAddr::new(Uri::parse("sip:alice@a").unwrap()).with_tag("f"),
            to: NameAddr::new(Uri::parse("sip:bob@b").unwrap()),
            call_id: "call".into(),
            seq: 1,
            contact: Some(NameAddr::new(Uri::parse("sip:alice@10.0.0.1").unwrap())),
        }
        .build();
        assert!(matches!(
            receive_datagram(&req.to_bytes(), &Policy::default()),
            Verdict::Request(_)
        ));
    }
}
