//! `event_socket.conf`, in FreeSWITCH's shape:
//!
//! ```xml
//! <configuration name="event_socket.conf" description="Socket Client">
//!   <settings>
//!     <param name="listen-ip" value="127.0.0.1"/>
//!     <param name="listen-port" value="8021"/>
//!     <param name="password" value="ClueCon"/>
//!     <param name="apply-inbound-acl" value="loopback.auto"/>
//!     <param name="stop-on-bind-error" value="false"/>
//!     <param name="command-log-level" value="info"/>
//!     <param name="queue-size" value="100000"/>
//!   </settings>
//! </configuration>
//! ```
//!
//! Every parameter is optional; the defaults are FreeSWITCH's (127.0.0.1:8021, `ClueCon`,
//! loopback clients only). `apply-inbound-acl` may be given several times: a client must be
//! allowed by each (see [`crate::acl`]). `queue-size` is ferroswitch's own: how many events
//! and log lines may wait for one client before it is dropped.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use ferroswitch_abi::xml::{describe, parse_bool, settings_params, InvalidValue, XmlNode};
use ferroswitch_abi::LogLevel;

use crate::acl::Acl;

/// The default port, as FreeSWITCH's.
pub const DEFAULT_PORT: u16 = 8021;
/// The default password, as FreeSWITCH's.
pub const DEFAULT_PASSWORD: &str = "ClueCon";
/// The default `queue-size`, FreeSWITCH's 100000 events per client: a burst of call set-ups
/// (a thousand calls in a second fire some thirty thousand events) must not drop a client
/// that reads. The price is memory held for a client that stops reading, until its queue
/// fills and it is dropped: events are shared between clients, but up to this many of them
/// (a few KiB each) stay alive for it.
pub const DEFAULT_QUEUE_SIZE: usize = 100_000;

/// The module's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventSocketConfig {
    /// `listen-ip` and `listen-port`.
    pub listen: SocketAddr,
    /// `password`: what `auth` must give.
    pub password: String,
    /// `apply-inbound-acl`: a client must be allowed by every one.
    pub acls: Vec<Acl>,
    /// `stop-on-bind-error`: give up (rather than retry) when the port cannot be bound.
    pub stop_on_bind_error: bool,
    /// `command-log-level`: the level commands are logged at; `None` (`none`, `off`,
    /// `disabled`) logs none.
    pub command_log_level: Option<LogLevel>,
    /// `queue-size`: events and log lines waiting for one client before it is dropped.
    pub queue_size: usize,
}

impl Default for EventSocketConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), DEFAULT_PORT),
            password: DEFAULT_PASSWORD.to_owned(),
            acls: vec![Acl::loopback()],
            stop_on_bind_error: false,
            command_log_level: Some(LogLevel::Info),
            queue_size: DEFAULT_QUEUE_SIZE,
        }
    }
}

impl EventSocketConfig {
    /// Reads a `<configuration name="event_socket.conf">` element. Parameters it does not
    /// know come back as warnings; a value it refuses is an [`InvalidValue`] naming the file,
    /// the line, the element and the reason.
    pub fn from_xml(conf: &XmlNode) -> Result<(Self, Vec<String>), InvalidValue> {
        let mut config = Self::default();
        let mut acls = Vec::new();
        let mut warnings = Vec::new();
        for (param, name, value) in settings_params(conf) {
            match name {
                "listen-ip" => {
                    if !value.is_empty() {
                        let ip = value.parse::<IpAddr>().map_err(|_| {
                            InvalidValue::new(param, format!("\"{value}\" is not an IP address"))
                        })?;
                        config.listen.set_ip(ip);
                    }
                }
                "listen-port" => {
                    if !value.is_empty() {
                        let port = value.parse::<u16>().ok().filter(|port| *port != 0);
                        let port = port.ok_or_else(|| {
                            InvalidValue::new(
                                param,
                                format!("\"{value}\" is not a port (1 to 65535)"),
                            )
                        })?;
                        config.listen.set_port(port);
                    }
                }
                "password" => {
                    if !value.is_empty() {
                        config.password = value.to_owned();
                    }
                }
                "apply-inbound-acl" => {
                    if !value.is_empty() {
                        acls.push(
                            Acl::parse(value).map_err(|reason| InvalidValue::new(param, reason))?,
                        );
                    }
                }
                "stop-on-bind-error" => config.stop_on_bind_error = parse_bool(param, value)?,
                "command-log-level" => config.command_log_level = command_log_level(param, value)?,
                "queue-size" => {
                    config.queue_size = value
                        .parse::<usize>()
                        .ok()
                        .filter(|size| *size > 0)
                        .ok_or_else(|| {
                            InvalidValue::new(
                                param,
                                format!("\"{value}\" is not a positive number"),
                            )
                        })?;
                }
                "nat-map" => {
                    if parse_bool(param, value)? {
                        warnings.push(format!(
                            "{}: {}: NAT port mapping is not supported; ignored",
                            param.origin,
                            describe(param)
                        ));
                    }
                }
                // FreeSWITCH's debug switch; every debug line is logged at DEBUG anyway.
                "debug" => {}
                _ => warnings.push(format!(
                    "{}: {}: unknown event_socket.conf parameter, ignored",
                    param.origin,
                    describe(param)
                )),
            }
        }
        if !acls.is_empty() {
            config.acls = acls;
        }
        Ok((config, warnings))
    }

    /// The first ACL that refuses `ip`, if any.
    pub fn refusing_acl(&self, ip: IpAddr) -> Option<&Acl> {
        self.acls.iter().find(|acl| !acl.allows(ip))
    }
}

fn command_log_level(param: &XmlNode, value: &str) -> Result<Option<LogLevel>, InvalidValue> {
    if value.is_empty() {
        return Ok(Some(LogLevel::Info));
    }
    if ["none", "off", "disabled"]
        .iter()
        .any(|word| word.eq_ignore_ascii_case(value))
    {
        return Ok(None);
    }
    LogLevel::parse(value).map(Some).ok_or_else(|| {
        InvalidValue::new(
            param,
            format!("\"{value}\" is not a log level (debug, info, notice, warning, err, crit, alert, console, or none)"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(settings: &str) -> Result<(EventSocketConfig, Vec<String>), InvalidValue> {
        let text = format!(
            "<configuration name=\"event_socket.conf\">\n<settings>\n{settings}\n</settings>\n</configuration>"
        );
        let node =
            XmlNode::parse_str(&text, "event_socket.conf.xml").expect("well-formed test XML");
        EventSocketConfig::from_xml(&node)
    }

    #[test]
    fn freeswitch_defaults() {
        let (config, warnings) = parse("").expect("valid");
        assert!(warnings.is_empty());
        assert_eq!(config, EventSocketConfig::default());
        assert_eq!(config.listen.to_string(), "127.0.0.1:8021");
        assert_eq!(config.password, "ClueCon");
        assert!(config.refusing_acl("127.0.0.1".parse().unwrap()).is_none());
        assert!(config.refusing_acl("10.0.0.1".parse().unwrap()).is_some());
    }

    #[test]
    fn every_parameter() {
        let (config, warnings) = parse(
            r#"<param name="listen-ip" value="::"/>
               <param name="listen-port" value="8022"/>
               <param name="password" value="secret"/>
               <param name="apply-inbound-acl" value="10.0.0.0/8"/>
               <param name="apply-inbound-acl" value="10.1.0.0/16"/>
               <param name="stop-on-bind-error" value="true"/>
               <param name="command-log-level" value="none"/>
               <param name="queue-size" value="50"/>
               <param name="nat-map" value="false"/>
               <param name="debug" value="1"/>"#,
        )
        .expect("valid");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.listen.to_string(), "[::]:8022");
        assert_eq!(config.password, "secret");
        assert!(config.refusing_acl("10.1.2.3".parse().unwrap()).is_none());
        assert_eq!(
            config
                .refusing_acl("10.2.0.1".parse().unwrap())
                .map(|acl| acl.name.as_str()),
            Some("10.1.0.0/16")
        );
        assert!(config.stop_on_bind_error);
        assert_eq!(config.command_log_level, None);
        assert_eq!(config.queue_size, 50);
    }

    #[test]
    fn bad_values_name_file_line_and_reason() {
        let error = parse("<param name=\"listen-port\" value=\"80211\"/>").unwrap_err();
        assert_eq!(
            error.to_string(),
            "event_socket.conf.xml:3: <param name=\"listen-port\" value=\"80211\"/>: \"80211\" is not a port (1 to 65535)"
        );
        let error = parse("<param name=\"listen-ip\" value=\"localhost\"/>").unwrap_err();
        assert!(error.reason.contains("not an IP address"));
        let error = parse("<param name=\"apply-inbound-acl\" value=\"lan\"/>").unwrap_err();
        assert!(error.reason.contains("\"lan\" is neither"));
        let error = parse("<param name=\"queue-size\" value=\"0\"/>").unwrap_err();
        assert!(error.reason.contains("positive"));
        let error = parse("<param name=\"command-log-level\" value=\"loud\"/>").unwrap_err();
        assert!(error.reason.contains("not a log level"));
    }

    #[test]
    fn unknown_and_unsupported_parameters_warn() {
        let (_, warnings) = parse(
            "<param name=\"nat-map\" value=\"true\"/>\n<param name=\"colour\" value=\"blue\"/>",
        )
        .expect("valid");
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].contains("NAT port mapping is not supported"));
        assert!(warnings[1].contains("unknown event_socket.conf parameter"));
    }
}
