//! Which addresses may connect (`apply-inbound-acl`).
//!
//! A value is a comma-separated list of networks, each a CIDR (`10.0.0.0/8`, `::1/128`), a
//! single address, or one of these names, in the spirit of FreeSWITCH's automatic lists:
//!
//! | name | networks |
//! |---|---|
//! | `loopback.auto` | `127.0.0.0/8`, `::1/128` |
//! | `rfc1918.auto` | `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16` |
//! | `localnet.auto` | `rfc1918.auto` and `loopback.auto`, plus `fc00::/7`, `fe80::/10` |
//! | `any_v4.auto` | `0.0.0.0/0` |
//! | `any_v6.auto` | `::/0` |
//! | `none` | nothing |
//!
//! An IPv4 client reaching an IPv6 socket (`::ffff:a.b.c.d`) is checked as IPv4.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8) -> Self {
        Self {
            address: IpAddr::V4(Ipv4Addr::new(a, b, c, d)),
            prefix,
        }
    }

    fn v6(address: Ipv6Addr, prefix: u8) -> Self {
        Self {
            address: IpAddr::V6(address),
            prefix,
        }
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self.address, ip) {
            (IpAddr::V4(network), IpAddr::V4(ip)) => {
                masked(u32::from(network).into(), self.prefix, 32)
                    == masked(u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(network), IpAddr::V6(ip)) => {
                masked(u128::from(network), self.prefix, 128)
                    == masked(u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

/// The top `prefix` bits of a `width`-bit number.
fn masked(value: u128, prefix: u8, width: u8) -> u128 {
    let host_bits = u32::from(width.saturating_sub(prefix));
    value.checked_shr(host_bits).unwrap_or(0)
}

/// One `apply-inbound-acl` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acl {
    /// As written, for log lines.
    pub name: String,
    networks: Vec<Network>,
}

impl Acl {
    /// Reads a value; the error says which part is not a network.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut networks = Vec::new();
        for part in text.split(',').map(str::trim) {
            if part.is_empty() {
                return Err(format!("\"{text}\" has an empty entry"));
            }
            networks.extend(parse_part(part)?);
        }
        Ok(Self {
            name: text.trim().to_owned(),
            networks,
        })
    }

    /// FreeSWITCH's default when no ACL is configured: loopback only.
    pub fn loopback() -> Self {
        // The name is one of ours: parsing cannot fail.
        Self::parse("loopback.auto").unwrap_or_else(|_| Self {
            name: String::new(),
            networks: Vec::new(),
        })
    }

    /// Whether `ip` may connect.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.networks.iter().any(|network| network.contains(ip))
    }
}

fn parse_part(part: &str) -> Result<Vec<Network>, String> {
    let named = match part.to_ascii_lowercase().as_str() {
        "loopback.auto" => Some(vec![
            Network::v4(127, 0, 0, 0, 8),
            Network::v6(Ipv6Addr::LOCALHOST, 128),
        ]),
        "rfc1918.auto" => Some(rfc1918()),
        "localnet.auto" => {
            let mut networks = rfc1918();
            networks.extend([
                Network::v4(127, 0, 0, 0, 8),
                Network::v6(Ipv6Addr::LOCALHOST, 128),
                Network::v6(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),
                Network::v6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),
            ]);
            Some(networks)
        }
        "any_v4.auto" => Some(vec![Network::v4(0, 0, 0, 0, 0)]),
        "any_v6.auto" => Some(vec![Network::v6(Ipv6Addr::UNSPECIFIED, 0)]),
        "none" => Some(Vec::new()),
        _ => None,
    };
    if let Some(networks) = named {
        return Ok(networks);
    }
    let (address, prefix) = match part.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (part, None),
    };
    let address: IpAddr = address.parse().map_err(|_| {
        format!("\"{part}\" is neither a network (a.b.c.d/n, x::y/n), an address nor a known list (loopback.auto, rfc1918.auto, localnet.auto, any_v4.auto, any_v6.auto, none)")
    })?;
    let width = if address.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => width,
        Some(prefix) => prefix
            .parse::<u8>()
            .ok()
            .filter(|prefix| *prefix <= width)
            .ok_or_else(|| format!("\"{part}\": the prefix length must be 0 to {width}"))?,
    };
    Ok(vec![Network { address, prefix }])
}

fn rfc1918() -> Vec<Network> {
    vec![
        Network::v4(10, 0, 0, 0, 8),
        Network::v4(172, 16, 0, 0, 12),
        Network::v4(192, 168, 0, 0, 16),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address")
    }

    #[test]
    fn cidrs_and_single_addresses() {
        let acl = Acl::parse("10.0.0.0/8, 192.168.1.7, 2001:db8::/32").expect("valid");
        assert!(acl.allows(ip("10.1.2.3")));
        assert!(acl.allows(ip("192.168.1.7")));
        assert!(!acl.allows(ip("192.168.1.8")));
        assert!(acl.allows(ip("2001:db8::1")));
        assert!(!acl.allows(ip("2001:db9::1")));
        assert!(!acl.allows(ip("127.0.0.1")));
    }

    #[test]
    fn named_lists() {
        let loopback = Acl::loopback();
        assert!(loopback.allows(ip("127.0.0.1")));
        assert!(loopback.allows(ip("127.9.9.9")));
        assert!(loopback.allows(ip("::1")));
        assert!(!loopback.allows(ip("10.0.0.1")));
        let private = Acl::parse("RFC1918.auto").expect("valid");
        assert!(private.allows(ip("172.31.255.255")));
        assert!(!private.allows(ip("172.32.0.0")));
        assert!(Acl::parse("any_v4.auto")
            .expect("valid")
            .allows(ip("8.8.8.8")));
        assert!(!Acl::parse("any_v4.auto").expect("valid").allows(ip("::2")));
        assert!(Acl::parse("any_v6.auto").expect("valid").allows(ip("::2")));
        assert!(!Acl::parse("none").expect("valid").allows(ip("127.0.0.1")));
        assert!(Acl::parse("localnet.auto")
            .expect("valid")
            .allows(ip("fe80::1")));
    }

    #[test]
    fn ipv4_mapped_addresses_are_checked_as_ipv4() {
        assert!(Acl::loopback().allows(ip("::ffff:127.0.0.1")));
    }

    #[test]
    fn bad_values_say_what_is_wrong() {
        assert!(Acl::parse("lan.auto")
            .unwrap_err()
            .contains("\"lan.auto\" is neither"));
        assert!(Acl::parse("10.0.0.0/33").unwrap_err().contains("0 to 32"));
        assert!(Acl::parse("::/129").unwrap_err().contains("0 to 128"));
        assert!(Acl::parse("10.0.0.0/8,")
            .unwrap_err()
            .contains("empty entry"));
    }

    #[test]
    fn prefix_edges() {
        assert!(Acl::parse("0.0.0.0/0")
            .expect("valid")
            .allows(ip("255.255.255.255")));
        let host = Acl::parse("1.2.3.4/32").expect("valid");
        assert!(host.allows(ip("1.2.3.4")));
        assert!(!host.allows(ip("1.2.3.5")));
    }
}
