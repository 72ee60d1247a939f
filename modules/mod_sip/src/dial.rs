//! `sofia/<profile>/<uri>` dial strings: `sofia/internal/sip:1000@10.0.0.2:5060`,
//! `sofia/internal/1000@127.0.0.1:5090`, and what `sofia_contact` returns for a phone behind
//! NAT, `sofia/internal/sip:1000@10.0.0.2;fs_path=<sip:198.51.100.7:40000>`: the URI is
//! the Request-URI, `fs_path` (when present) the address the INVITE is sent to.

use std::net::{SocketAddr, ToSocketAddrs};

use ferroswitch_sip::message::{SipUri, Uri};

/// A parsed `sofia/...` dial string (without the `sofia/` prefix the core strips).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialTarget {
    /// The profile to dial through.
    pub profile: String,
    /// The Request-URI.
    pub uri: SipUri,
    /// Where to send (`fs_path`'s address, else the URI's host and port).
    pub destination: SocketAddr,
}

impl DialTarget {
    /// Parses `<profile>/<uri>`, resolving the destination host.
    pub fn parse(dial_data: &str) -> Result<DialTarget, String> {
        let (profile, rest) = dial_data
            .split_once('/')
            .ok_or_else(|| format!("\"{dial_data}\" is not <profile>/<uri>"))?;
        let rest = rest.trim();
        let (uri_text, path) = crate::nat::split_path(rest);
        let uri_text = if uri_text.starts_with("sip:") || uri_text.starts_with("sips:") {
            uri_text.to_owned()
        } else {
            format!("sip:{uri_text}")
        };
        let uri = match Uri::parse(&uri_text) {
            Ok(Uri::Sip(uri)) if !uri.secure => uri,
            Ok(_) => return Err(format!("\"{uri_text}\": only sip: URIs can be dialled")),
            Err(error) => return Err(format!("\"{uri_text}\" is not a SIP URI: {error}")),
        };
        let route = match path.as_deref() {
            Some(path) => match Uri::parse(path) {
                Ok(Uri::Sip(path)) => path,
                _ => return Err(format!("fs_path \"{path}\" is not a SIP URI")),
            },
            None => uri.clone(),
        };
        if route
            .params
            .value("transport")
            .is_some_and(|t| !t.eq_ignore_ascii_case("udp"))
        {
            return Err(format!(
                "\"{rest}\": outbound calls go over UDP only for now"
            ));
        }
        let destination = resolve(&route)?;
        Ok(DialTarget {
            profile: profile.to_owned(),
            uri,
            destination,
        })
    }
}

/// `gateway/<name>/<number>` (what the core hands over for `sofia/gateway/...`), split into
/// the gateway's name and the number; `None` for other dial strings.
pub fn gateway_dial(dial_data: &str) -> Option<Result<(&str, &str), String>> {
    let rest = dial_data.strip_prefix("gateway/")?;
    Some(match rest.split_once('/') {
        Some((name, number)) if !name.is_empty() && !number.trim().is_empty() => {
            Ok((name, number.trim()))
        }
        _ => Err(format!(
            "\"sofia/{dial_data}\" is not sofia/gateway/<name>/<number>"
        )),
    })
}

impl DialTarget {
    /// A call to `number` through a gateway whose proxy is `proxy`: the Request-URI is
    /// `sip:<number>@<proxy>` (or `number` itself when it is a SIP URI or user@host), and
    /// the INVITE goes to the proxy.
    pub fn through_gateway(profile: &str, number: &str, proxy: &SipUri) -> Result<Self, String> {
        let text = if number.starts_with("sip:") {
            number.to_owned()
        } else if number.contains('@') {
            format!("sip:{number}")
        } else {
            format!("sip:{number}@{}", proxy.host_port())
        };
        let uri = match Uri::parse(&text) {
            Ok(Uri::Sip(uri)) if !uri.secure => uri,
            _ => return Err(format!("\"{number}\" does not make a SIP URI ({text})")),
        };
        Ok(DialTarget {
            profile: profile.to_owned(),
            uri,
            destination: resolve(proxy)?,
        })
    }
}

/// The address of `uri` when its host is an IP address (port 5060 by default): no lookup.
pub fn literal_address(uri: &SipUri) -> Option<SocketAddr> {
    let host = uri.host.trim_start_matches('[').trim_end_matches(']');
    let ip = host.parse().ok()?;
    Some(SocketAddr::new(ip, uri.port.unwrap_or(5060)))
}

/// The host and port of `uri` as an address (5060 by default). Host names resolve through
/// the system resolver; an IP address needs no lookup.
pub fn resolve(uri: &SipUri) -> Result<SocketAddr, String> {
    resolve_preferring(uri, |_| true)
}

/// [`resolve`], taking the first address `preferred` accepts when the name has several (a
/// profile on IPv4 cannot send to `::1`), else the first of all.
pub fn resolve_preferring(
    uri: &SipUri,
    preferred: impl Fn(&SocketAddr) -> bool,
) -> Result<SocketAddr, String> {
    if let Some(address) = literal_address(uri) {
        return Ok(address);
    }
    let host = uri.host.trim_start_matches('[').trim_end_matches(']');
    let port = uri.port.unwrap_or(5060);
    let found: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|error| format!("cannot resolve {host}: {error}"))?
        .collect();
    found
        .iter()
        .find(|address| preferred(address))
        .or_else(|| found.first())
        .copied()
        .ok_or_else(|| format!("cannot resolve {host}: no address"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_sip_prefixed_targets_parse() {
        let target = DialTarget::parse("internal/1000@127.0.0.1:5090").expect("valid");
        assert_eq!(target.profile, "internal");
        assert_eq!(target.uri.user.as_deref(), Some("1000"));
        assert_eq!(target.destination, "127.0.0.1:5090".parse().expect("addr"));
        let target = DialTarget::parse("internal/sip:bob@192.0.2.4").expect("valid");
        assert_eq!(target.destination, "192.0.2.4:5060".parse().expect("addr"));
    }

    #[test]
    fn fs_path_chooses_the_destination_but_not_the_request_uri() {
        let target =
            DialTarget::parse("internal/sip:1000@10.0.0.2:5060;fs_path=<sip:198.51.100.7:40000>")
                .expect("valid");
        assert_eq!(target.uri.host, "10.0.0.2");
        assert_eq!(
            target.destination,
            "198.51.100.7:40000".parse().expect("addr")
        );
        let target = DialTarget::parse(
            "internal/sip:1000@10.0.0.2:5060;fs_nat=yes;fs_path=sip%3A1000%40198.51.100.7%3A40000",
        )
        .expect("valid");
        assert_eq!(target.uri.to_string(), "sip:1000@10.0.0.2:5060");
        assert_eq!(
            target.destination,
            "198.51.100.7:40000".parse().expect("addr")
        );
    }

    #[test]
    fn gateway_dial_strings_name_the_gateway_and_the_number() {
        assert_eq!(
            gateway_dial("gateway/provider/5551234"),
            Some(Ok(("provider", "5551234")))
        );
        assert!(gateway_dial("internal/1000@127.0.0.1").is_none());
        assert!(gateway_dial("gateway/provider")
            .expect("a gateway")
            .is_err());
        let proxy = SipUri::new("127.0.0.1").with_port(5090);
        let target = DialTarget::through_gateway("external", "5551234", &proxy).expect("valid");
        assert_eq!(target.uri.to_string(), "sip:5551234@127.0.0.1:5090");
        assert_eq!(target.destination, "127.0.0.1:5090".parse().expect("addr"));
    }

    #[test]
    fn bad_targets_say_why() {
        assert!(DialTarget::parse("nouri")
            .expect_err("refused")
            .contains("<profile>/<uri>"));
        assert!(DialTarget::parse("internal/sips:bob@example.org")
            .expect_err("refused")
            .contains("sip:"));
    }
}
