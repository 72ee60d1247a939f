//! Typed reading of the headers a SIP endpoint needs. Each accessor parses on call and says
//! exactly what is wrong, so validation and the transaction layer share one grammar.

use super::cseq::CSeq;
use super::error::HeaderError;
use super::headers::Headers;
use super::name_addr::NameAddr;
use super::via::Via;

impl Headers {
    /// Exactly one value of `name`.
    fn single(&self, name: &'static str) -> Result<&str, HeaderError> {
        let mut values = self.get_all(name);
        let value = values.next().ok_or(HeaderError::Missing(name))?;
        if values.next().is_some() {
            return Err(HeaderError::Multiple(name));
        }
        Ok(value)
    }

    /// At most one value of `name`.
    fn optional_single(&self, name: &'static str) -> Result<Option<&str>, HeaderError> {
        match self.single(name) {
            Ok(v) => Ok(Some(v)),
            Err(HeaderError::Missing(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every Via, topmost first.
    pub fn vias(&self) -> Result<Vec<Via>, HeaderError> {
        let vias = self
            .get_all("Via")
            .map(|v| Via::parse(v).map_err(|r| HeaderError::malformed("Via", r)))
            .collect::<Result<Vec<_>, _>>()?;
        if vias.is_empty() {
            return Err(HeaderError::Missing("Via"));
        }
        Ok(vias)
    }

    /// The topmost Via.
    pub fn top_via(&self) -> Result<Via, HeaderError> {
        let value = self.get("Via").ok_or(HeaderError::Missing("Via"))?;
        Via::parse(value).map_err(|r| HeaderError::malformed("Via", r))
    }

    /// The From address.
    pub fn from(&self) -> Result<NameAddr, HeaderError> {
        NameAddr::parse(self.single("From")?).map_err(|r| HeaderError::malformed("From", r))
    }

    /// The To address.
    pub fn to(&self) -> Result<NameAddr, HeaderError> {
        NameAddr::parse(self.single("To")?).map_err(|r| HeaderError::malformed("To", r))
    }

    /// The Call-ID: `word ["@" word]`, no whitespace.
    pub fn call_id(&self) -> Result<&str, HeaderError> {
        let value = self.single("Call-ID")?;
        if value.is_empty() || value.contains(char::is_whitespace) {
            return Err(HeaderError::malformed(
                "Call-ID",
                "empty or contains whitespace",
            ));
        }
        Ok(value)
    }

    /// The CSeq.
    pub fn cseq(&self) -> Result<CSeq, HeaderError> {
        CSeq::parse(self.single("CSeq")?).map_err(|r| HeaderError::malformed("CSeq", r))
    }

    /// Max-Forwards (0..=255), if present.
    pub fn max_forwards(&self) -> Result<Option<u8>, HeaderError> {
        self.optional_single("Max-Forwards")?
            .map(|v| {
                v.bytes()
                    .all(|b| b.is_ascii_digit())
                    .then(|| v.parse::<u8>().ok())
                    .flatten()
                    .ok_or(HeaderError::malformed(
                        "Max-Forwards",
                        "not a number from 0 to 255",
                    ))
            })
            .transpose()
    }

    /// Expires in seconds (0..=2^32-1), if present.
    pub fn expires(&self) -> Result<Option<u32>, HeaderError> {
        self.optional_single("Expires")?
            .map(|v| {
                parse_delta_seconds(v).ok_or(HeaderError::malformed(
                    "Expires",
                    "not a number of seconds below 2^32",
                ))
            })
            .transpose()
    }

    /// Contacts in order; `Ok(vec![])` when there are none. A `*` contact (REGISTER removal)
    /// is [`Contact::Wildcard`].
    pub fn contacts(&self) -> Result<Vec<Contact>, HeaderError> {
        self.get_all("Contact")
            .map(|v| {
                if v == "*" {
                    return Ok(Contact::Wildcard);
                }
                let addr = NameAddr::parse(v).map_err(|r| HeaderError::malformed("Contact", r))?;
                if let Some(expires) = addr.params.get("expires") {
                    expires
                        .and_then(parse_delta_seconds)
                        .ok_or(HeaderError::malformed(
                            "Contact",
                            "expires is not a number of seconds below 2^32",
                        ))?;
                }
                Ok(Contact::Address(addr))
            })
            .collect()
    }

    /// Route values, topmost first.
    pub fn routes(&self) -> Result<Vec<NameAddr>, HeaderError> {
        self.name_addrs("Route")
    }

    /// Record-Route values, topmost first.
    pub fn record_routes(&self) -> Result<Vec<NameAddr>, HeaderError> {
        self.name_addrs("Record-Route")
    }

    fn name_addrs(&self, name: &'static str) -> Result<Vec<NameAddr>, HeaderError> {
        self.get_all(name)
            .map(|v| NameAddr::parse(v).map_err(|r| HeaderError::malformed(name, r)))
            .collect()
    }

    /// Option tags in Require.
    pub fn require(&self) -> Vec<&str> {
        self.option_tags("Require")
    }

    /// Option tags in Proxy-Require.
    pub fn proxy_require(&self) -> Vec<&str> {
        self.option_tags("Proxy-Require")
    }

    /// Option tags in Supported.
    pub fn supported(&self) -> Vec<&str> {
        self.option_tags("Supported")
    }

    fn option_tags<'a>(&'a self, name: &'a str) -> Vec<&'a str> {
        self.get_all(name).filter(|t| !t.is_empty()).collect()
    }

    /// The media type of Content-Type (`application/sdp`), lower-cased, without parameters.
    pub fn content_type(&self) -> Option<String> {
        self.get("Content-Type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// Authorization values, raw (see [`crate::auth::Credentials::parse`]).
    pub fn authorization(&self) -> Vec<&str> {
        self.get_all("Authorization").collect()
    }

    /// Proxy-Authorization values, raw.
    pub fn proxy_authorization(&self) -> Vec<&str> {
        self.get_all("Proxy-Authorization").collect()
    }
}

/// One Contact value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    /// `Contact: *`.
    Wildcard,
    /// An address with its parameters.
    Address(NameAddr),
}

impl Contact {
    /// The `expires` parameter in seconds, if given (validated by [`Headers::contacts`]).
    pub fn expires(&self) -> Option<u32> {
        match self {
            Contact::Wildcard => None,
            Contact::Address(a) => a.params.value("expires").and_then(parse_delta_seconds),
        }
    }
}

fn parse_delta_seconds(v: &str) -> Option<u32> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Method;

    fn headers(lines: &[(&str, &str)]) -> Headers {
        let mut h = Headers::new();
        for (n, v) in lines {
            h.push_received(n, v);
        }
        h
    }

    #[test]
    fn mandatory_headers_read_back_typed() {
        let h = headers(&[
            (
                "v",
                "SIP/2.0/UDP a;branch=z9hG4bK1;rport, SIP/2.0/TCP b:5070;branch=z9hG4bK2",
            ),
            ("f", "\"Alice\" <sip:alice@a>;tag=1"),
            ("t", "<sip:bob@b>"),
            ("i", "abc@host"),
            ("CSeq", "7 INVITE"),
            ("Max-Forwards", "70"),
            ("m", "<sip:alice@10.0.0.1>;expires=60, *"),
            ("Record-Route", "<sip:p1;lr>, <sip:p2;lr>"),
            ("Require", "100rel, timer"),
            ("Content-Type", "Application/SDP ; charset=x"),
            ("Expires", "3600"),
        ]);
        assert_eq!(h.vias().unwrap().len(), 2);
        assert_eq!(h.top_via().unwrap().rport(), Some(None));
        assert_eq!(h.from().unwrap().tag(), Some("1"));
        assert_eq!(h.to().unwrap().tag(), None);
        assert_eq!(h.call_id().unwrap(), "abc@host");
        assert_eq!(h.cseq().unwrap().method, Method::Invite);
        assert_eq!(h.max_forwards().unwrap(), Some(70));
        let contacts = h.contacts().unwrap();
        assert_eq!(contacts[0].expires(), Some(60));
        assert_eq!(contacts[1], Contact::Wildcard);
        assert_eq!(h.record_routes().unwrap().len(), 2);
        assert_eq!(h.require(), ["100rel", "timer"]);
        assert_eq!(h.content_type().as_deref(), Some("application/sdp"));
        assert_eq!(h.expires().unwrap(), Some(3600));
    }

    #[test]
    fn missing_repeated_and_overlarge_values_are_named() {
        let h = headers(&[
            ("Call-ID", "a"),
            ("Call-ID", "b"),
            ("Max-Forwards", "300"),
            ("Expires", "10000000000000"),
            ("Contact", "<sip:a@b>;expires=280297596632815"),
        ]);
        assert_eq!(h.call_id(), Err(HeaderError::Multiple("Call-ID")));
        assert_eq!(h.from(), Err(HeaderError::Missing("From")));
        assert!(h.max_forwards().is_err());
        assert!(h.expires().is_err());
        assert!(h.contacts().is_err());
        assert_eq!(h.vias(), Err(HeaderError::Missing("Via")));
    }
}
