//! `apply-inbound-acl`: the addresses whose calls are trusted without a digest challenge.
//!
//! A value is a comma-separated list of CIDRs (`10.0.0.0/8`), single addresses, or
//! FreeSWITCH's automatic lists `loopback.auto`, `rfc1918.auto`, `localnet.auto` (both of
//! those), `any_v4.auto`, `any_v6.auto` and `none`.
//
// mod_event_socket has the same list syntax in its own acl.rs; the two should move into one
// shared library crate (modules may not depend on each other's cdylib crates).

use std::net::IpAddr;

/// One network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.address, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u32::from(net).into(), self.prefix, 32)
                    == masked(u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), self.prefix, 128)
                    == masked(u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

/// The top `prefix` bits of a `width`-bit number.
fn masked(value: u128, prefix: u8, width: u8) -> u128 {
    value
        .checked_shr(u32::from(width.saturating_sub(prefix)))
        .unwrap_or(0)
}

/// A list of networks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acl {
    networks: Vec<Network>,
}

impl Acl {
    /// Parses a list; the error names the entry it refused.
    pub fn parse(value: &str) -> Result<Acl, String> {
        let mut networks = Vec::new();
        for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match entry {
                "none" => {}
                "loopback.auto" => networks.extend(named(&["127.0.0.0/8", "::1/128"])),
                "rfc1918.auto" => networks.extend(named(RFC1918)),
                "localnet.auto" => {
                    networks.extend(named(RFC1918));
                    networks.extend(named(&["127.0.0.0/8", "::1/128", "fc00::/7", "fe80::/10"]));
                }
                "any_v4.auto" => networks.extend(named(&["0.0.0.0/0"])),
                "any_v6.auto" => networks.extend(named(&["::/0"])),
                cidr => networks.push(network(cidr).ok_or_else(|| {
                    format!("\"{cidr}\" is not a network (a CIDR, an address or a .auto list)")
                })?),
            }
        }
        Ok(Acl { networks })
    }

    /// Whether `ip` is in one of the networks.
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.networks.iter().any(|network| network.contains(ip))
    }
}

const RFC1918: &[&str] = &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

fn named<'a>(cidrs: &'a [&'a str]) -> impl Iterator<Item = Network> + 'a {
    // The built-in lists are written above and always parse.
    cidrs.iter().filter_map(|cidr| network(cidr))
}

fn network(text: &str) -> Option<Network> {
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (
            address.parse::<IpAddr>().ok()?,
            Some(prefix.parse::<u8>().ok()?),
        ),
        None => (text.parse::<IpAddr>().ok()?, None),
    };
    let width = if address.is_ipv4() { 32 } else { 128 };
    let prefix = prefix.unwrap_or(width);
    (prefix <= width).then_some(Network { address, prefix })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("a test address")
    }

    #[test]
    fn lists_and_cidrs_match_what_they_name() {
        let acl = Acl::parse("loopback.auto, 192.0.2.0/24").expect("valid");
        assert!(acl.allows(ip("127.1.2.3")));
        assert!(acl.allows(ip("::ffff:127.0.0.1")));
        assert!(acl.allows(ip("192.0.2.200")));
        assert!(!acl.allows(ip("192.0.3.1")));
        assert!(!Acl::parse("none").expect("valid").allows(ip("127.0.0.1")));
    }

    #[test]
    fn a_bad_entry_is_named() {
        let error = Acl::parse("10.0.0.0/33").expect_err("refused");
        assert!(error.contains("10.0.0.0/33"), "{error}");
    }
}
