//! The Via header (RFC 3261 §20.42, §18.2.1, RFC 3581 rport).

use std::fmt;

use super::grammar::{Params, Scanner};
use super::uri::split_host_port;

/// The RFC 3261 branch prefix: a branch that starts with it is unique per transaction.
pub const MAGIC_COOKIE: &str = "z9hG4bK";

/// One Via value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    /// `SIP/2.0` as received (case kept).
    pub protocol: String,
    /// The transport, upper-cased (`UDP`, `TCP`, `TLS`, `WS` ...; unknown ones are kept).
    pub transport: String,
    /// The sent-by host (IPv6 with brackets).
    pub host: String,
    /// The sent-by port.
    pub port: Option<u16>,
    /// `branch`, `received`, `rport`, `maddr`, `ttl` and extensions.
    pub params: Params,
}

impl Via {
    /// `SIP/2.0/<transport> host[:port];branch=<branch>`. An empty `branch` leaves the
    /// parameter out, for the transaction layer to assign one.
    pub fn new(transport: &str, host: &str, port: Option<u16>, branch: &str) -> Via {
        let mut params = Params::default();
        if !branch.is_empty() {
            params.set("branch", Some(branch));
        }
        Via {
            protocol: "SIP/2.0".to_owned(),
            transport: transport.to_ascii_uppercase(),
            host: host.to_owned(),
            port,
            params,
        }
    }

    /// Parses one Via value (lists are split before this).
    pub fn parse(value: &str) -> Result<Via, &'static str> {
        let mut s = Scanner::new(value);
        s.skip_ws();
        let name = s.token();
        s.skip_ws();
        if name.is_empty() || !s.eat('/') {
            return Err("expected SIP/2.0/transport");
        }
        s.skip_ws();
        let version = s.token();
        s.skip_ws();
        if version.is_empty() || !s.eat('/') {
            return Err("expected SIP/2.0/transport");
        }
        s.skip_ws();
        let transport = s.token();
        if transport.is_empty() {
            return Err("missing transport");
        }
        let before = s.rest.len();
        s.skip_ws();
        if s.rest.len() == before {
            return Err("missing whitespace before sent-by");
        }
        let sent_by = s.take_while(|c| !matches!(c, ';' | ' ' | '\t'));
        let (host, port) = split_host_port(sent_by).map_err(|_| "malformed sent-by")?;
        let params = s.params()?;
        s.skip_ws();
        if !s.rest.is_empty() {
            return Err("unexpected characters after the parameters");
        }
        if let Some(Some(rport)) = params.get("rport") {
            rport
                .parse::<u16>()
                .map_err(|_| "rport is not a port number")?;
        }
        Ok(Via {
            protocol: format!("{name}/{version}"),
            transport: transport.to_ascii_uppercase(),
            host: host.to_owned(),
            port,
            params,
        })
    }

    /// The `branch` parameter.
    pub fn branch(&self) -> Option<&str> {
        self.params.value("branch")
    }

    /// Whether the branch is RFC 3261-unique: the magic cookie followed by at least one
    /// character (a bare `z9hG4bK` identifies nothing, RFC 4475 §3.2.1).
    pub fn has_rfc3261_branch(&self) -> bool {
        self.branch()
            .is_some_and(|b| b.len() > MAGIC_COOKIE.len() && b.starts_with(MAGIC_COOKIE))
    }

    /// The `received` parameter.
    pub fn received(&self) -> Option<&str> {
        self.params.value("received")
    }

    /// RFC 3581 `rport`: `None` if absent, `Some(None)` if requested, `Some(Some(p))` if filled.
    pub fn rport(&self) -> Option<Option<u16>> {
        self.params
            .get("rport")
            .map(|v| v.and_then(|p| p.parse().ok()))
    }

    /// `host[:port]` as written.
    pub fn sent_by(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{} {}{}",
            self.protocol,
            self.transport,
            self.sent_by(),
            self.params
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_around_slashes_and_equals_is_accepted() {
        let v = Via::parse("SIP  /   2.0 /UDP    192.0.2.2;branch=390skdjuw").unwrap();
        assert_eq!(
            (v.transport.as_str(), v.host.as_str()),
            ("UDP", "192.0.2.2")
        );
        assert_eq!(v.branch(), Some("390skdjuw"));
        assert!(!v.has_rfc3261_branch());
        let v =
            Via::parse("SIP  / 2.0  / TCP     spindle.example.com   ;  branch  =   z9hG4bK9ikj8")
                .unwrap();
        assert_eq!(v.branch(), Some("z9hG4bK9ikj8"));
        assert!(v.has_rfc3261_branch());
    }

    #[test]
    fn rport_received_ipv6_and_unknown_transports() {
        let v =
            Via::parse("SIP/2.0/unknown [2001:db8::9]:5061;rport;received=[2001:db8::1]").unwrap();
        assert_eq!(v.transport, "UNKNOWN");
        assert_eq!(v.sent_by(), "[2001:db8::9]:5061");
        assert_eq!(v.rport(), Some(None));
        assert_eq!(v.received(), Some("[2001:db8::1]"));
        let v = Via::parse("SIP/2.0/UDP h;rport=5062").unwrap();
        assert_eq!(v.rport(), Some(Some(5062)));
    }

    #[test]
    fn malformed_vias_are_refused() {
        for bad in [
            "SIP/2.0/UDP 192.0.2.15;;",
            "",
            "SIP/2.0/UDP",
            "SIP/2.0 host",
            "SIP/2.0/UDP host:port",
            "SIP/2.0/UDP host;rport=99999",
            "SIP/2.0/UDPhost",
        ] {
            assert!(Via::parse(bad).is_err(), "{bad:?}");
        }
        assert!(!Via::parse("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK")
            .unwrap()
            .has_rfc3261_branch());
    }

    #[test]
    fn display_round_trips() {
        let v = Via::new("udp", "10.0.0.1", Some(5060), "z9hG4bKabc");
        assert_eq!(v.to_string(), "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc");
        assert_eq!(Via::parse(&v.to_string()).unwrap(), v);
        assert_eq!(Via::new("TCP", "h", None, "").to_string(), "SIP/2.0/TCP h");
    }
}
