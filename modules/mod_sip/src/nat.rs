//! How a registration behind NAT is written down and dialled back, in FreeSWITCH's form.
//!
//! A phone behind NAT registers a Contact with its private address. mod_sofia keeps that
//! Contact (it stays the Request-URI of calls to the phone) and appends `;fs_nat=yes` and
//! `;fs_path=<URL-encoded URI>`, the URI of the address the REGISTER really came from:
//!
//! ```text
//! sip:1000@192.168.1.50:5060;fs_nat=yes;fs_path=sip%3A1000%40198.51.100.7%3A40000
//! ```
//!
//! `sofia_contact` prefixes that with `sofia/<profile>/`, and a dial string carrying
//! `fs_path` sends the INVITE (and the whole dialog) to the path instead of the Contact.
//! The path is URL-encoded so it survives as one URI parameter; the older `fs_path=<sip:..>`
//! form is read too.
//!
//! Calls from behind NAT are spotted as mod_sofia spots them for `sip_nat_detected`: a
//! Contact naming a private (RFC 1918) address that is not where the INVITE came from, and,
//! with `aggressive-nat-detection`, a top Via that does not name that address either.

use std::net::{IpAddr, SocketAddr};

use ferroswitch_sip::message::{unescape, Request, SipUri, Uri, Via};
use ferroswitch_sip::transaction::Transport;

/// A registered Contact with the NAT parameters FreeSWITCH adds: `contact` as the phone wrote
/// it, then `;fs_nat=yes;fs_path=<escaped sip:user@received[;contact params]>`.
pub fn natted_contact(contact: &str, received: SocketAddr, transport: Transport) -> String {
    let mut path = SipUri::new(received.ip().to_string()).with_port(received.port());
    if let Ok(Uri::Sip(uri)) = Uri::parse(contact) {
        path.user = uri.user.clone();
        path.params = uri.params.clone();
    }
    if transport == Transport::Tcp && !path.params.contains("transport") {
        path.params.set("transport", Some("tcp"));
    }
    format!(
        "{contact};fs_nat=yes;fs_path={}",
        escape(&Uri::Sip(path).to_string())
    )
}

/// Why the sender of `request`, which came from `source`, looks to be behind NAT; `None`
/// when it does not. `aggressive` adds mod_sofia's `aggressive-nat-detection` Via checks.
pub fn detect(request: &Request, source: SocketAddr, aggressive: bool) -> Option<&'static str> {
    if aggressive {
        if let Ok(via) = request.headers.top_via() {
            if let Some(reason) = via_mismatch(&via, source) {
                return Some(reason);
            }
        }
    }
    let contacts = request.headers.contacts().ok()?;
    let contact = contacts.iter().find_map(|contact| match contact {
        ferroswitch_sip::message::Contact::Address(address) => address.uri.as_sip().cloned(),
        ferroswitch_sip::message::Contact::Wildcard => None,
    })?;
    let host: IpAddr = contact
        .host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()?;
    let private = match host {
        IpAddr::V4(ip) => ip.is_private(),
        IpAddr::V6(_) => false,
    };
    (private && host != source.ip()).then_some("private contact")
}

/// The top Via's disagreement with the packet's source, if any.
fn via_mismatch(via: &Via, source: SocketAddr) -> Option<&'static str> {
    if via.params.value("received").is_some() {
        return Some("via received");
    }
    let host = via.host.trim_start_matches('[').trim_end_matches(']');
    if host.parse::<IpAddr>().ok() != Some(source.ip()) {
        return Some("via host");
    }
    if via.port.unwrap_or(5060) != source.port() {
        return Some("via port");
    }
    None
}

/// A dial string's URI split into the Request-URI text and the `fs_path` URI (decoded), with
/// `fs_nat` dropped: it only marks the registration, the path is what routes.
pub fn split_path(text: &str) -> (String, Option<String>) {
    let Some(start) = find_param(text, "fs_path=") else {
        return (strip_flag(text, "fs_nat"), None);
    };
    let value_start = start + ";fs_path=".len();
    let rest = &text[value_start..];
    let (path, value_len) = match rest.strip_prefix('<') {
        Some(inner) => match inner.find('>') {
            // '<', the URI, '>'.
            Some(end) => (&inner[..end], end + 2),
            None => (inner, rest.len()),
        },
        None => {
            let end = rest.find(';').unwrap_or(rest.len());
            (&rest[..end], end)
        }
    };
    let path = unescape(path);
    let mut uri = text[..start].to_owned();
    uri.push_str(&text[value_start + value_len..]);
    (strip_flag(&uri, "fs_nat"), Some(path))
}

/// Where `;<prefix>` starts in `text`, as a URI parameter (case-insensitive).
fn find_param(text: &str, prefix: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    lower.find(&format!(";{prefix}"))
}

/// `text` without the `;name` or `;name=value` parameter.
fn strip_flag(text: &str, name: &str) -> String {
    let Some(start) = find_param(text, name) else {
        return text.to_owned();
    };
    let after = start + 1 + name.len();
    let boundary = text[after..].chars().next();
    if !matches!(boundary, None | Some(';') | Some('=')) {
        // A longer name that merely starts with `name`.
        return text.to_owned();
    }
    let end = text[after..].find(';').map_or(text.len(), |i| after + i);
    format!("{}{}", &text[..start], &text[end..])
}

/// Percent-encodes everything but RFC 3986's unreserved characters, as `switch_url_encode`
/// does for the characters a SIP URI holds, so the path is a single parameter value.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_natted_contact_gets_fs_nat_and_an_encoded_path() {
        let received = "198.51.100.7:40000".parse().expect("address");
        assert_eq!(
            natted_contact("sip:1000@10.0.0.2:5060", received, Transport::Udp),
            "sip:1000@10.0.0.2:5060;fs_nat=yes;fs_path=sip%3A1000%40198.51.100.7%3A40000"
        );
        assert_eq!(
            natted_contact("sip:1000@10.0.0.2;ob", received, Transport::Tcp),
            "sip:1000@10.0.0.2;ob;fs_nat=yes;fs_path=sip%3A1000%40198.51.100.7%3A40000%3Bob%3Btransport%3Dtcp"
        );
    }

    fn invite(via: &str, contact: &str) -> Request {
        let text = format!(
            "INVITE sip:1@192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP {via};branch=z9hG4bK1\r\n\
             From: <sip:a@b>;tag=1\r\nTo: <sip:1@192.0.2.1>\r\nCall-ID: c\r\n\
             CSeq: 1 INVITE\r\nContact: <{contact}>\r\nContent-Length: 0\r\n\r\n"
        );
        match ferroswitch_sip::message::Message::parse(text.as_bytes()) {
            Ok(ferroswitch_sip::message::Message::Request(request)) => request,
            other => panic!("a request: {other:?}"),
        }
    }

    #[test]
    fn a_private_contact_from_elsewhere_is_nat_and_via_checks_need_aggressive() {
        let source: SocketAddr = "198.51.100.7:40000".parse().expect("address");
        let natted = invite("192.168.1.50:5060", "sip:1000@192.168.1.50:5060");
        assert_eq!(detect(&natted, source, false), Some("private contact"));
        let public = invite("203.0.113.9:5060", "sip:1000@203.0.113.9:5060");
        assert_eq!(detect(&public, source, false), None);
        assert_eq!(detect(&public, source, true), Some("via host"));
        let direct = invite("198.51.100.7:40000", "sip:1000@198.51.100.7:40000");
        assert_eq!(detect(&direct, source, true), None);
        let lan: SocketAddr = "192.168.1.50:5060".parse().expect("address");
        assert_eq!(detect(&natted, lan, true), None, "on the same LAN");
    }

    #[test]
    fn the_path_comes_out_decoded_and_the_uri_without_nat_parameters() {
        let (uri, path) = split_path(
            "sip:1000@10.0.0.2:5060;ob;fs_nat=yes;fs_path=sip%3A1000%40198.51.100.7%3A40000",
        );
        assert_eq!(uri, "sip:1000@10.0.0.2:5060;ob");
        assert_eq!(path.as_deref(), Some("sip:1000@198.51.100.7:40000"));
        let (uri, path) = split_path("sip:1000@10.0.0.2;fs_path=<sip:198.51.100.7:40000>;x=1");
        assert_eq!(uri, "sip:1000@10.0.0.2;x=1");
        assert_eq!(path.as_deref(), Some("sip:198.51.100.7:40000"));
        let (uri, path) = split_path("sip:1000@10.0.0.2;fs_natural=1");
        assert_eq!(uri, "sip:1000@10.0.0.2;fs_natural=1");
        assert_eq!(path, None);
    }
}
