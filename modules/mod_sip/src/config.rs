//! `sip.conf`, in the shape of FreeSWITCH's `sofia.conf`: one `<profile>` per listening
//! address, usually pulled in from `sip_profiles/*.xml`:
//!
//! ```xml
//! <configuration name="sip.conf">
//!   <profiles>
//!     <X-PRE-PROCESS cmd="include" data="../sip_profiles/*.xml"/>
//!   </profiles>
//! </configuration>
//! ```
//!
//! A profile's `<settings>` take FreeSWITCH's parameter names (see [`ProfileConfig`] for each
//! one and its default). A value the module refuses is an [`InvalidValue`] naming the file,
//! the line, the element and the reason; a parameter it does not know is a warning.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use ferroswitch_abi::xml::{describe, parse_bool, settings_params, InvalidValue, XmlNode};
use ferroswitch_media::sdp::CodecPolicy;
use ferroswitch_sip::transaction::TimerConfig;

use crate::acl::Acl;
use crate::gateway::config::gateways_from_xml;
use crate::gateway::GatewayConfig;

/// The codecs offered and accepted when `codec-prefs` is not set.
pub const DEFAULT_CODEC_PREFS: &[&str] = &["PCMU", "PCMA"];

/// One profile's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileConfig {
    /// The profile's name (`internal`): `sofia/<name>/...` dials through it.
    pub name: String,
    /// `sip-ip`: the address SIP listens on (default: the first non-loopback IPv4 address,
    /// `$${local_ip_v4}`, else 127.0.0.1).
    pub sip_ip: IpAddr,
    /// `sip-port` (5060).
    pub sip_port: u16,
    /// `ext-sip-ip`: the address written in Via and Contact when it differs from `sip-ip`
    /// (a switch behind NAT).
    pub ext_sip_ip: Option<IpAddr>,
    /// `transports` (`udp,tcp`): which listeners open.
    pub udp: bool,
    /// See [`Self::udp`].
    pub tcp: bool,
    /// `context` (`public`): where unauthenticated calls are routed.
    pub context: String,
    /// `dialplan` (`XML`).
    pub dialplan: String,
    /// `auth-calls` (true): challenge INVITEs from addresses outside `apply-inbound-acl`.
    pub auth_calls: bool,
    /// `aggressive-nat-detection` (false): also take a top Via that does not name the
    /// packet's source as a sign of NAT (`sip_nat_detected`), not only a private Contact.
    pub aggressive_nat_detection: bool,
    /// `apply-inbound-acl`: addresses whose calls need no digest (none by default).
    pub inbound_acl: Option<Acl>,
    /// `codec-prefs` (`PCMU,PCMA`): the codecs offered and accepted, in order.
    pub codec_prefs: Vec<String>,
    /// `inbound-codec-negotiation` (`generous`): whose codec order wins when answering.
    pub codec_policy: CodecPolicy,
    /// `rtp-ip` (`sip-ip`): where RTP is received.
    pub rtp_ip: IpAddr,
    /// `ext-rtp-ip`: the media address written in SDP when it differs from `rtp-ip`.
    pub ext_rtp_ip: Option<IpAddr>,
    /// `rtp-start-port` (16384) and `rtp-end-port` (32768).
    pub rtp_port_min: u16,
    /// See [`Self::rtp_port_min`].
    pub rtp_port_max: u16,
    /// `rtp-timeout-sec` (0: never): hang up a call whose media stopped for this long.
    pub media_timeout: Duration,
    /// `nonce-ttl` (60 s): how long a digest nonce stays valid.
    pub nonce_ttl: Duration,
    /// `timer-T1`, `timer-T2`, `timer-T4` (500, 4000, 5000 ms) and the RFC 3261 timers
    /// derived from them.
    pub timers: TimerConfig,
    /// `user-agent-string` (`ferroswitch`).
    pub user_agent: String,
    /// `max-invites-per-second-per-source` (50, ferroswitch's own): INVITEs one address may
    /// start per second before it gets 503, so a flood from one peer cannot starve others.
    pub invite_rate_per_source: u32,
    /// `disable-transfer` (false): refuse a peer's REFER (403) instead of transferring the
    /// call's other leg to its Refer-To.
    pub disable_transfer: bool,
    /// `<gateways>`: the providers calls go out through (`sofia/gateway/<name>/...`).
    pub gateways: Vec<GatewayConfig>,
}

impl ProfileConfig {
    /// A profile named `name` with every default.
    pub fn new(name: &str) -> Self {
        let ip = local_ipv4();
        Self {
            name: name.to_owned(),
            sip_ip: ip,
            sip_port: 5060,
            ext_sip_ip: None,
            udp: true,
            tcp: true,
            context: "public".to_owned(),
            dialplan: "XML".to_owned(),
            auth_calls: true,
            aggressive_nat_detection: false,
            inbound_acl: None,
            codec_prefs: DEFAULT_CODEC_PREFS
                .iter()
                .map(|c| (*c).to_owned())
                .collect(),
            codec_policy: CodecPolicy::Generous,
            rtp_ip: ip,
            ext_rtp_ip: None,
            rtp_port_min: 16384,
            rtp_port_max: 32768,
            media_timeout: Duration::ZERO,
            nonce_ttl: Duration::from_secs(60),
            timers: TimerConfig::default(),
            user_agent: "ferroswitch".to_owned(),
            invite_rate_per_source: 50,
            disable_transfer: false,
            gateways: Vec::new(),
        }
    }

    /// The address other parties reach our SIP on (for Via and Contact).
    pub fn advertised_sip_ip(&self) -> IpAddr {
        self.ext_sip_ip.unwrap_or(self.sip_ip)
    }

    /// The address written in SDP.
    pub fn advertised_rtp_ip(&self) -> IpAddr {
        self.ext_rtp_ip.unwrap_or(self.rtp_ip)
    }

    /// Reads one `<profile name="...">` element.
    pub fn from_xml(profile: &XmlNode) -> Result<(Self, Vec<String>), InvalidValue> {
        let name = profile
            .attr("name")
            .filter(|name| !name.trim().is_empty() && !name.contains('/'))
            .ok_or_else(|| {
                InvalidValue::new(profile, "a profile needs a name without '/' characters")
            })?;
        let mut config = Self::new(name.trim());
        let mut warnings = Vec::new();
        let mut rtp_ip_set = false;
        let (mut t1, mut t2, mut t4) = (config.timers.t1, config.timers.t2, config.timers.t4);
        for (param, name, value) in settings_params(profile) {
            match name {
                "sip-ip" => config.sip_ip = ip(param, value)?,
                "sip-port" => config.sip_port = port(param, value)?,
                "ext-sip-ip" => config.ext_sip_ip = optional_ip(param, value)?,
                "rtp-ip" => {
                    config.rtp_ip = ip(param, value)?;
                    rtp_ip_set = true;
                }
                "ext-rtp-ip" => config.ext_rtp_ip = optional_ip(param, value)?,
                "transports" => (config.udp, config.tcp) = transports(param, value)?,
                "context" => config.context = non_empty(param, value)?.to_owned(),
                "dialplan" => config.dialplan = non_empty(param, value)?.to_owned(),
                "auth-calls" => config.auth_calls = parse_bool(param, value)?,
                "disable-transfer" => config.disable_transfer = parse_bool(param, value)?,
                "aggressive-nat-detection" => {
                    config.aggressive_nat_detection = parse_bool(param, value)?
                }
                "apply-inbound-acl" => {
                    config.inbound_acl = if value.is_empty() {
                        None
                    } else {
                        Some(Acl::parse(value).map_err(|reason| InvalidValue::new(param, reason))?)
                    }
                }
                "codec-prefs" => config.codec_prefs = codec_prefs(param, value)?,
                "inbound-codec-negotiation" => {
                    config.codec_policy = match value {
                        "generous" => CodecPolicy::Generous,
                        "greedy" | "scrooge" => CodecPolicy::Greedy,
                        _ => {
                            return Err(InvalidValue::new(
                                param,
                                format!("\"{value}\" is not generous, greedy or scrooge"),
                            ))
                        }
                    }
                }
                "rtp-start-port" => config.rtp_port_min = port(param, value)?,
                "rtp-end-port" => config.rtp_port_max = port(param, value)?,
                "rtp-timeout-sec" => config.media_timeout = seconds(param, value, 0)?,
                "nonce-ttl" => config.nonce_ttl = seconds(param, value, 1)?,
                "timer-T1" => t1 = millis(param, value)?,
                "timer-T2" => t2 = millis(param, value)?,
                "timer-T4" => t4 = millis(param, value)?,
                "user-agent-string" => config.user_agent = non_empty(param, value)?.to_owned(),
                "max-invites-per-second-per-source" => {
                    config.invite_rate_per_source = value
                        .parse::<u32>()
                        .ok()
                        .filter(|rate| *rate > 0)
                        .ok_or_else(|| {
                            InvalidValue::new(
                                param,
                                format!("\"{value}\" is not a positive number"),
                            )
                        })?;
                }
                _ => warnings.push(format!(
                    "{}: {}: unknown sip profile parameter, ignored",
                    param.origin,
                    describe(param)
                )),
            }
        }
        if !rtp_ip_set {
            config.rtp_ip = config.sip_ip;
        }
        if config.rtp_port_min > config.rtp_port_max {
            return Err(InvalidValue::new(
                profile,
                format!(
                    "rtp-start-port {} is above rtp-end-port {}",
                    config.rtp_port_min, config.rtp_port_max
                ),
            ));
        }
        if !config.udp && !config.tcp {
            return Err(InvalidValue::new(profile, "no transport left (udp or tcp)"));
        }
        if t2 < t1 {
            return Err(InvalidValue::new(
                profile,
                format!("timer-T2 ({t2:?}) must not be below timer-T1 ({t1:?})"),
            ));
        }
        config.timers = TimerConfig::from_t1_t2_t4(t1, t2, t4);
        let (gateways, mut more) = gateways_from_xml(profile)?;
        config.gateways = gateways;
        warnings.append(&mut more);
        Ok((config, warnings))
    }
}

/// Every profile of a `<configuration name="sip.conf">` element.
pub fn profiles_from_xml(
    conf: &XmlNode,
) -> Result<(Vec<ProfileConfig>, Vec<String>), InvalidValue> {
    let mut profiles: Vec<ProfileConfig> = Vec::new();
    let mut warnings = Vec::new();
    for list in conf.children_named("profiles") {
        for node in list.children_named("profile") {
            let (profile, mut more) = ProfileConfig::from_xml(node)?;
            if profiles.iter().any(|other| other.name == profile.name) {
                return Err(InvalidValue::new(
                    node,
                    format!("profile {} is defined twice", profile.name),
                ));
            }
            // `sofia/gateway/<name>` does not name the profile, so names are global.
            for gateway in &profile.gateways {
                if let Some(other) = profiles.iter().find(|other| {
                    other
                        .gateways
                        .iter()
                        .any(|g| g.name.eq_ignore_ascii_case(&gateway.name))
                }) {
                    return Err(InvalidValue::new(
                        node,
                        format!(
                            "gateway {} is already defined in profile {}",
                            gateway.name, other.name
                        ),
                    ));
                }
            }
            warnings.append(&mut more);
            profiles.push(profile);
        }
    }
    Ok((profiles, warnings))
}

/// The first non-loopback IPv4 address the machine routes from (`$${local_ip_v4}`), found
/// without sending anything: connecting a UDP socket only picks the source address.
fn local_ipv4() -> IpAddr {
    std::net::UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))
        .and_then(|socket| {
            socket.connect((Ipv4Addr::new(192, 0, 2, 1), 9))?;
            socket.local_addr()
        })
        .map(|addr| addr.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

fn ip(param: &XmlNode, value: &str) -> Result<IpAddr, InvalidValue> {
    value
        .parse::<IpAddr>()
        .map_err(|_| InvalidValue::new(param, format!("\"{value}\" is not an IP address")))
}

fn optional_ip(param: &XmlNode, value: &str) -> Result<Option<IpAddr>, InvalidValue> {
    if value.is_empty() {
        Ok(None)
    } else {
        ip(param, value).map(Some)
    }
}

fn port(param: &XmlNode, value: &str) -> Result<u16, InvalidValue> {
    value
        .parse::<u16>()
        .ok()
        .filter(|port| *port != 0)
        .ok_or_else(|| InvalidValue::new(param, format!("\"{value}\" is not a port (1 to 65535)")))
}

fn non_empty<'a>(param: &XmlNode, value: &'a str) -> Result<&'a str, InvalidValue> {
    if value.is_empty() {
        Err(InvalidValue::new(param, "the value is empty"))
    } else {
        Ok(value)
    }
}

fn seconds(param: &XmlNode, value: &str, min: u64) -> Result<Duration, InvalidValue> {
    value
        .parse::<u64>()
        .ok()
        .filter(|secs| *secs >= min)
        .map(Duration::from_secs)
        .ok_or_else(|| {
            InvalidValue::new(
                param,
                format!("\"{value}\" is not a number of seconds >= {min}"),
            )
        })
}

fn millis(param: &XmlNode, value: &str) -> Result<Duration, InvalidValue> {
    value
        .parse::<u64>()
        .ok()
        .filter(|ms| (1..=600_000).contains(ms))
        .map(Duration::from_millis)
        .ok_or_else(|| {
            InvalidValue::new(
                param,
                format!("\"{value}\" is not a number of milliseconds (1 to 600000)"),
            )
        })
}

fn transports(param: &XmlNode, value: &str) -> Result<(bool, bool), InvalidValue> {
    let (mut udp, mut tcp) = (false, false);
    for token in value.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        match token.to_ascii_lowercase().as_str() {
            "udp" => udp = true,
            "tcp" => tcp = true,
            other => {
                return Err(InvalidValue::new(
                    param,
                    format!("transport \"{other}\" is not supported (udp, tcp)"),
                ))
            }
        }
    }
    if !udp && !tcp {
        return Err(InvalidValue::new(param, "no transport named (udp, tcp)"));
    }
    Ok((udp, tcp))
}

fn codec_prefs(param: &XmlNode, value: &str) -> Result<Vec<String>, InvalidValue> {
    let codecs: Vec<String> = value
        .split(',')
        .map(|codec| codec.trim())
        // `PCMU@20i`-style suffixes choose rates and packet times; the name comes first.
        .map(|codec| codec.split('@').next().unwrap_or(codec).to_owned())
        .filter(|codec| !codec.is_empty())
        .collect();
    if codecs.is_empty() {
        return Err(InvalidValue::new(param, "no codec named"));
    }
    Ok(codecs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(settings: &str) -> Result<ProfileConfig, InvalidValue> {
        let text = format!(
            "<configuration name=\"sip.conf\"><profiles><profile name=\"internal\"><settings>\n{settings}\n</settings></profile></profiles></configuration>"
        );
        let node = XmlNode::parse_str(&text, "sip.conf.xml").expect("well-formed test XML");
        profiles_from_xml(&node).map(|(mut profiles, _)| profiles.remove(0))
    }

    #[test]
    fn parameters_are_read_with_freeswitch_names() {
        let config = parse(
            r#"<param name="sip-ip" value="127.0.0.1"/>
<param name="sip-port" value="5080"/>
<param name="transports" value="udp"/>
<param name="auth-calls" value="false"/>
<param name="aggressive-nat-detection" value="true"/>
<param name="disable-transfer" value="true"/>
<param name="codec-prefs" value="PCMA,PCMU@20i"/>
<param name="timer-T1" value="250"/>
<param name="apply-inbound-acl" value="loopback.auto"/>"#,
        )
        .expect("valid settings");
        assert_eq!(config.sip_ip, IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(config.rtp_ip, config.sip_ip, "rtp-ip follows sip-ip");
        assert_eq!(config.sip_port, 5080);
        assert!(config.udp && !config.tcp);
        assert!(!config.auth_calls);
        assert!(config.aggressive_nat_detection);
        assert!(config.disable_transfer);
        assert_eq!(config.codec_prefs, ["PCMA", "PCMU"]);
        assert_eq!(config.timers.timer_b, Duration::from_millis(250 * 64));
        assert!(config
            .inbound_acl
            .expect("an ACL")
            .allows("127.0.0.9".parse().expect("an address")));
    }

    #[test]
    fn a_bad_value_names_the_line_and_the_reason() {
        let error = parse("<param name=\"sip-port\" value=\"99999\"/>").expect_err("refused");
        let text = error.to_string();
        assert!(text.contains("sip.conf.xml:2"), "{text}");
        assert!(text.contains("99999"), "{text}");
        assert!(text.contains("not a port"), "{text}");
    }

    #[test]
    fn inverted_rtp_range_is_refused() {
        let error = parse(
            "<param name=\"rtp-start-port\" value=\"30000\"/><param name=\"rtp-end-port\" value=\"20000\"/>",
        )
        .expect_err("refused");
        assert!(error.to_string().contains("above rtp-end-port"));
    }
}
