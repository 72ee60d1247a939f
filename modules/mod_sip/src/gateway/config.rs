//! A profile's `<gateways>`, in FreeSWITCH's shape:
//!
//! ```xml
//! <profile name="external">
//!   <gateways>
//!     <gateway name="provider">
//!       <param name="username" value="joe"/>
//!       <param name="password" value="secret"/>
//!       <param name="realm" value="sip.example.com"/>
//!       <param name="register" value="true"/>
//!     </gateway>
//!   </gateways>
//! </profile>
//! ```
//!
//! Defaults follow mod_sofia: `realm` is the gateway's name, `proxy` the realm,
//! `register-proxy` the proxy, `from-user` the username, `from-domain` the realm,
//! `extension` the username, `expire-seconds` 3600, `retry-seconds` 30. A gateway that
//! registers needs a username and a password. A value FreeSWITCH would correct silently
//! with a log line (an `expire-seconds` under 5) is refused here instead, with the file,
//! the line and the reason.

use ferroswitch_abi::xml::{describe, parse_bool, InvalidValue, XmlNode};
use ferroswitch_sip::message::{SipUri, Uri};

/// `expire-seconds` when not set (FreeSWITCH's default).
pub const DEFAULT_EXPIRE_SECONDS: u32 = 3600;
/// `retry-seconds` when not set (FreeSWITCH's default).
pub const DEFAULT_RETRY_SECONDS: u32 = 30;
/// The smallest `expire-seconds` and `retry-seconds` accepted (FreeSWITCH's floor).
pub const MIN_SECONDS: u32 = 5;

/// One gateway's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayConfig {
    /// `name`: `sofia/gateway/<name>/<number>` dials through it.
    pub name: String,
    /// `username`: for digest answers and the REGISTER's To.
    pub username: String,
    /// `password`: for digest answers; empty when the provider trusts by address.
    pub password: String,
    /// `realm` (the gateway's name): the domain registered to, the REGISTER's Request-URI.
    pub realm: String,
    /// `from-user` (the username): the user part of From for calls and REGISTERs.
    pub from_user: String,
    /// `from-domain` (the realm): the host part of From and To.
    pub from_domain: String,
    /// `proxy` (the realm): where INVITEs are sent, as a SIP URI's host and port.
    pub proxy: SipUri,
    /// `register-proxy` (the proxy): where REGISTERs are sent.
    pub register_proxy: SipUri,
    /// `register` (false): keep a registration up.
    pub register: bool,
    /// `expire-seconds` (3600): the expiry asked for in REGISTER.
    pub expire_seconds: u32,
    /// `retry-seconds` (30): the wait after a failed REGISTER, multiplied by the number of
    /// failures in a row for failures other than 503 and timeouts.
    pub retry_seconds: u32,
    /// `caller-id-in-from` (false): From carries the caller's number instead of `from-user`.
    pub caller_id_in_from: bool,
    /// `extension` (the username): the destination number of calls the provider sends to
    /// the registered contact.
    pub extension: String,
    /// `context` (the profile's): where those calls are routed.
    pub context: Option<String>,
    /// `contact-params`: extra URI parameters appended to the registered Contact.
    pub contact_params: String,
    /// `ping`: seconds between OPTIONS pings to the proxy (0: no pinging, else at least 5).
    pub ping_seconds: u32,
    /// `ping-min` (1): answered pings in a row, net of failures, before the gateway is UP.
    pub ping_min: u32,
    /// `ping-max` (1): the most answered pings counted, so that after a long good run
    /// `ping-max - ping-min + 1` failures take it DOWN.
    pub ping_max: u32,
    /// `ping-user-agent`: the pings' User-Agent, when not the profile's.
    pub ping_user_agent: Option<String>,
}

impl GatewayConfig {
    /// Reads one `<gateway name="...">` element; returns warnings for parameters it does
    /// not know.
    pub fn from_xml(gateway: &XmlNode) -> Result<(Self, Vec<String>), InvalidValue> {
        let name = gateway
            .attr("name")
            .map(str::trim)
            .filter(|name| !name.is_empty() && !name.contains(['/', ' ', '@', ':']))
            .ok_or_else(|| {
                InvalidValue::new(
                    gateway,
                    "a gateway needs a name without '/', ' ', '@' or ':' characters",
                )
            })?
            .to_owned();
        let mut warnings = Vec::new();
        let mut values: Values = Values::default();
        for param in gateway.children_named("param") {
            let (Some(key), Some(value)) = (param.attr("name"), param.attr("value")) else {
                return Err(InvalidValue::new(param, "a param needs a name and a value"));
            };
            let value = value.trim();
            match key {
                "username" => values.username = Some(value.to_owned()),
                "password" => values.password = Some(value.to_owned()),
                "realm" => values.realm = Some(host_port(param, value)?.to_owned()),
                "from-user" => values.from_user = Some(non_empty(param, value)?.to_owned()),
                "from-domain" => values.from_domain = Some(host_port(param, value)?.to_owned()),
                "proxy" => values.proxy = Some((param, proxy_uri(param, value)?)),
                "register-proxy" => values.register_proxy = Some((param, proxy_uri(param, value)?)),
                "register" => values.register = parse_bool(param, value)?,
                "register-transport" => {
                    if !value.eq_ignore_ascii_case("udp") {
                        return Err(InvalidValue::new(
                            param,
                            format!(
                                "transport \"{value}\": gateways register over udp only for now"
                            ),
                        ));
                    }
                }
                "expire-seconds" => values.expire_seconds = Some(seconds(param, value)?),
                "retry-seconds" => values.retry_seconds = Some(seconds(param, value)?),
                "caller-id-in-from" => values.caller_id_in_from = parse_bool(param, value)?,
                "extension" => values.extension = Some(non_empty(param, value)?.to_owned()),
                "context" => values.context = Some(non_empty(param, value)?.to_owned()),
                "contact-params" => {
                    if value.contains(['<', '>', ' ', '"']) {
                        return Err(InvalidValue::new(
                            param,
                            format!("\"{value}\" is not a list of URI parameters (a=b;c)"),
                        ));
                    }
                    values.contact_params = value.trim_start_matches(';').to_owned();
                }
                "ping" => {
                    values.ping_seconds = match value {
                        "0" => 0,
                        _ => seconds(param, value)?,
                    }
                }
                "ping-min" => values.ping_min = Some(count(param, value)?),
                "ping-max" => values.ping_max = Some(count(param, value)?),
                "ping-user-agent" => {
                    values.ping_user_agent = Some(non_empty(param, value)?.to_owned());
                }
                _ => warnings.push(format!(
                    "{}: {}: unknown gateway parameter, ignored",
                    param.origin,
                    describe(param)
                )),
            }
        }
        let username = values.username.filter(|u| !u.is_empty());
        let password = values.password.unwrap_or_default();
        if values.register {
            if username.is_none() {
                return Err(InvalidValue::new(
                    gateway,
                    format!("gateway {name} registers (register=true) but has no username"),
                ));
            }
            if password.is_empty() {
                return Err(InvalidValue::new(
                    gateway,
                    format!("gateway {name} registers (register=true) but has no password"),
                ));
            }
        }
        let (ping_min, ping_max) = (values.ping_min.unwrap_or(1), values.ping_max.unwrap_or(1));
        if ping_min > ping_max {
            return Err(InvalidValue::new(
                gateway,
                format!(
                    "gateway {name}: ping-min {ping_min} is above ping-max {ping_max}, so pings could never bring it up"
                ),
            ));
        }
        // FreeSWITCH's stand-in user for gateways that neither register nor authenticate.
        let username = username.unwrap_or_else(|| "FreeSWITCH".to_owned());
        let realm = match values.realm {
            Some(realm) => realm,
            None => host_port(gateway, &name)?.to_owned(),
        };
        let proxy = match values.proxy {
            Some((_, uri)) => uri,
            None => proxy_uri(gateway, &realm)?,
        };
        let register_proxy = match values.register_proxy {
            Some((_, uri)) => uri,
            None => proxy.clone(),
        };
        Ok((
            Self {
                from_user: values.from_user.unwrap_or_else(|| username.clone()),
                from_domain: values.from_domain.unwrap_or_else(|| realm.clone()),
                extension: values.extension.unwrap_or_else(|| username.clone()),
                name,
                username,
                password,
                realm,
                proxy,
                register_proxy,
                register: values.register,
                expire_seconds: values.expire_seconds.unwrap_or(DEFAULT_EXPIRE_SECONDS),
                retry_seconds: values.retry_seconds.unwrap_or(DEFAULT_RETRY_SECONDS),
                caller_id_in_from: values.caller_id_in_from,
                context: values.context,
                contact_params: values.contact_params,
                ping_seconds: values.ping_seconds,
                ping_min,
                ping_max,
                ping_user_agent: values.ping_user_agent,
            },
            warnings,
        ))
    }

    /// `sip:<username>@<from-domain>`: what FreeSWITCH shows as the gateway's data, and the
    /// REGISTER's To.
    pub fn register_to(&self) -> String {
        format!("sip:{}@{}", self.username, self.from_domain)
    }

    /// `<sip:<from-user>@<from-domain>>`: the REGISTER's From.
    pub fn register_from(&self) -> String {
        format!("<sip:{}@{}>", self.from_user, self.from_domain)
    }
}

/// Every `<gateways><gateway>` of a `<profile>` element.
pub fn gateways_from_xml(
    profile: &XmlNode,
) -> Result<(Vec<GatewayConfig>, Vec<String>), InvalidValue> {
    let mut gateways: Vec<GatewayConfig> = Vec::new();
    let mut warnings = Vec::new();
    for list in profile.children_named("gateways") {
        for node in list.children_named("gateway") {
            let (gateway, mut more) = GatewayConfig::from_xml(node)?;
            if gateways
                .iter()
                .any(|other| other.name.eq_ignore_ascii_case(&gateway.name))
            {
                return Err(InvalidValue::new(
                    node,
                    format!("gateway {} is defined twice", gateway.name),
                ));
            }
            warnings.append(&mut more);
            gateways.push(gateway);
        }
    }
    Ok((gateways, warnings))
}

/// What the `<param>`s said, before defaults fill the gaps.
#[derive(Default)]
struct Values<'a> {
    username: Option<String>,
    password: Option<String>,
    realm: Option<String>,
    from_user: Option<String>,
    from_domain: Option<String>,
    proxy: Option<(&'a XmlNode, SipUri)>,
    register_proxy: Option<(&'a XmlNode, SipUri)>,
    register: bool,
    expire_seconds: Option<u32>,
    retry_seconds: Option<u32>,
    caller_id_in_from: bool,
    extension: Option<String>,
    context: Option<String>,
    contact_params: String,
    ping_seconds: u32,
    ping_min: Option<u32>,
    ping_max: Option<u32>,
    ping_user_agent: Option<String>,
}

fn non_empty<'a>(param: &XmlNode, value: &'a str) -> Result<&'a str, InvalidValue> {
    if value.is_empty() {
        Err(InvalidValue::new(param, "the value is empty"))
    } else {
        Ok(value)
    }
}

/// A `host` or `host:port` (what realms and from-domains are).
fn host_port<'a>(node: &XmlNode, value: &'a str) -> Result<&'a str, InvalidValue> {
    match Uri::parse(&format!("sip:{value}")) {
        Ok(Uri::Sip(uri)) if uri.user.is_none() && uri.params.0.is_empty() => Ok(value),
        _ => Err(InvalidValue::new(
            node,
            format!("\"{value}\" is not a host or host:port"),
        )),
    }
}

/// `host`, `host:port` or `sip:host[:port]` (FreeSWITCH accepts all three); the transport,
/// if named, must be UDP.
fn proxy_uri(node: &XmlNode, value: &str) -> Result<SipUri, InvalidValue> {
    let text = if value.starts_with("sip:") || value.starts_with("sips:") {
        value.to_owned()
    } else {
        format!("sip:{value}")
    };
    let uri = match Uri::parse(&text) {
        Ok(Uri::Sip(uri)) if !uri.secure && !uri.host.is_empty() => uri,
        _ => {
            return Err(InvalidValue::new(
                node,
                format!("\"{value}\" is not a host, host:port or sip: URI"),
            ))
        }
    };
    if uri
        .params
        .value("transport")
        .is_some_and(|t| !t.eq_ignore_ascii_case("udp"))
    {
        return Err(InvalidValue::new(
            node,
            format!("\"{value}\": gateways are reached over udp only for now"),
        ));
    }
    Ok(uri)
}

fn seconds(param: &XmlNode, value: &str) -> Result<u32, InvalidValue> {
    value
        .parse::<u32>()
        .ok()
        .filter(|secs| *secs >= MIN_SECONDS)
        .ok_or_else(|| {
            InvalidValue::new(
                param,
                format!("\"{value}\" is not a number of seconds >= {MIN_SECONDS}"),
            )
        })
}

/// A count of pings: a whole number from 1.
fn count(param: &XmlNode, value: &str) -> Result<u32, InvalidValue> {
    value
        .parse::<u32>()
        .ok()
        .filter(|count| *count >= 1)
        .ok_or_else(|| InvalidValue::new(param, format!("\"{value}\" is not a whole number >= 1")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<Vec<GatewayConfig>, InvalidValue> {
        let text = format!("<profile name=\"external\"><gateways>\n{body}\n</gateways></profile>");
        let node = XmlNode::parse_str(&text, "external.xml").expect("well-formed test XML");
        gateways_from_xml(&node).map(|(gateways, _)| gateways)
    }

    #[test]
    fn ping_settings_are_read_and_checked() {
        let plain = parse(r#"<gateway name="a"><param name="proxy" value="192.0.2.1"/></gateway>"#)
            .expect("valid");
        assert_eq!(
            (plain[0].ping_seconds, plain[0].ping_min, plain[0].ping_max),
            (0, 1, 1),
            "no pinging by default"
        );
        let pinged = parse(
            r#"<gateway name="a"><param name="ping" value="30"/><param name="ping-min" value="2"/><param name="ping-max" value="4"/><param name="ping-user-agent" value="probe"/></gateway>"#,
        )
        .expect("valid");
        assert_eq!(
            (
                pinged[0].ping_seconds,
                pinged[0].ping_min,
                pinged[0].ping_max
            ),
            (30, 2, 4)
        );
        assert_eq!(pinged[0].ping_user_agent.as_deref(), Some("probe"));
        for (bad, reason) in [
            (
                r#"<param name="ping" value="3"/>"#,
                "not a number of seconds >= 5",
            ),
            (
                r#"<param name="ping-max" value="0"/>"#,
                "not a whole number >= 1",
            ),
            (
                r#"<param name="ping-min" value="3"/><param name="ping-max" value="2"/>"#,
                "ping-min 3 is above ping-max 2",
            ),
        ] {
            let error = parse(&format!(r#"<gateway name="a">{bad}</gateway>"#))
                .expect_err("refused")
                .to_string();
            assert!(error.contains(reason), "{bad}: {error}");
            assert!(error.contains("external.xml:"), "names the file: {error}");
        }
    }

    #[test]
    fn defaults_follow_mod_sofia() {
        let gateways = parse(
            r#"<gateway name="sip.example.com">
  <param name="username" value="joe"/>
  <param name="password" value="secret"/>
  <param name="register" value="true"/>
</gateway>"#,
        )
        .expect("valid");
        let gw = &gateways[0];
        assert_eq!(gw.realm, "sip.example.com", "realm defaults to the name");
        assert_eq!(
            gw.proxy.host, "sip.example.com",
            "proxy defaults to the realm"
        );
        assert_eq!(gw.register_proxy, gw.proxy);
        assert_eq!(
            (gw.from_user.as_str(), gw.extension.as_str()),
            ("joe", "joe")
        );
        assert_eq!(gw.from_domain, "sip.example.com");
        assert_eq!((gw.expire_seconds, gw.retry_seconds), (3600, 30));
        assert_eq!(gw.register_to(), "sip:joe@sip.example.com");
    }

    #[test]
    fn explicit_values_are_read() {
        let gateways = parse(
            r#"<gateway name="gw1">
  <param name="realm" value="far.example"/>
  <param name="proxy" value="127.0.0.1:5090"/>
  <param name="register-proxy" value="sip:127.0.0.1:5091"/>
  <param name="from-user" value="me"/>
  <param name="from-domain" value="my.example"/>
  <param name="expire-seconds" value="600"/>
  <param name="retry-seconds" value="10"/>
  <param name="caller-id-in-from" value="true"/>
  <param name="contact-params" value=";tport=x"/>
</gateway>"#,
        )
        .expect("valid");
        let gw = &gateways[0];
        assert_eq!(
            (gw.proxy.host.as_str(), gw.proxy.port),
            ("127.0.0.1", Some(5090))
        );
        assert_eq!(gw.register_proxy.port, Some(5091));
        assert_eq!(
            gw.username, "FreeSWITCH",
            "no username: FreeSWITCH's stand-in"
        );
        assert_eq!(gw.register_from(), "<sip:me@my.example>");
        assert_eq!((gw.expire_seconds, gw.retry_seconds), (600, 10));
        assert!(gw.caller_id_in_from && !gw.register);
        assert_eq!(gw.contact_params, "tport=x");
    }

    #[test]
    fn registering_without_credentials_is_refused() {
        let error = parse(
            r#"<gateway name="gw"><param name="register" value="true"/><param name="username" value="u"/></gateway>"#,
        )
        .expect_err("refused");
        let text = error.to_string();
        assert!(text.contains("external.xml:2"), "{text}");
        assert!(text.contains("no password"), "{text}");
    }

    #[test]
    fn bad_values_name_the_line_and_the_reason() {
        let error =
            parse("<gateway name=\"gw\">\n<param name=\"expire-seconds\" value=\"2\"/></gateway>")
                .expect_err("refused");
        assert!(error.to_string().contains("external.xml:3"), "{error}");
        assert!(error.to_string().contains(">= 5"), "{error}");
        let error = parse(
            "<gateway name=\"gw\"><param name=\"register-transport\" value=\"tls\"/></gateway>",
        )
        .expect_err("refused");
        assert!(error.to_string().contains("udp only"), "{error}");
        let error = parse("<gateway name=\"gw\"><param name=\"proxy\" value=\"a b\"/></gateway>")
            .expect_err("refused");
        assert!(error.to_string().contains("not a host"), "{error}");
        let error = parse("<gateway name=\"a/b\"/>").expect_err("refused");
        assert!(error.to_string().contains("needs a name"), "{error}");
        let error = parse("<gateway name=\"g\"/><gateway name=\"G\"/>").expect_err("refused");
        assert!(error.to_string().contains("defined twice"), "{error}");
    }
}
