//! FreeSWITCH's sofia APIs: `sofia status [profile <name> [reg] | gateway [<name>]]` and
//! `sofia_contact`.

use std::fmt::Write as _;
use std::time::Instant;

use ferroswitch_abi::{Api, Error, Host, Session};

use crate::endpoint::Profiles;
use crate::gateway;
use crate::profile::Profile;

const RULE: &str =
    "=================================================================================================";

/// `sofia`.
pub struct SofiaApi {
    /// The profiles it reports on.
    pub profiles: Profiles,
}

/// `sofia_contact`.
pub struct SofiaContactApi {
    /// The profiles whose registrations it searches.
    pub profiles: Profiles,
}

impl Api for SofiaApi {
    fn execute(&self, _host: Host, args: &str, _session: Option<Session>) -> Result<String, Error> {
        let words: Vec<&str> = args.split_whitespace().collect();
        match words.as_slice() {
            ["status"] => Ok(self.status()),
            ["status", "profile", name] => self.profile(name).map(profile_status),
            ["status", "profile", name, "reg", ..] => self.profile(name).map(registrations),
            ["status", "gateway"] => Ok(gateway::status::summary(
                self.profiles
                    .0
                    .iter()
                    .flat_map(|p| p.gateways.iter().map(|g| g.as_ref())),
                Instant::now(),
            )),
            ["status", "gateway", name] => match self.profiles.find_gateway(name) {
                Some((profile, gateway)) => Ok(gateway::status::details(
                    gateway,
                    &profile.config.context,
                    Instant::now(),
                )),
                None => Err(Error::not_found(format!("Invalid Gateway! [{name}]"))),
            },
            _ => Err(Error::invalid_argument(
                "usage: sofia status [profile <name> [reg] | gateway [<name>]]",
            )),
        }
    }
}

impl SofiaApi {
    fn profile(&self, name: &str) -> Result<&Profile, Error> {
        self.profiles
            .find(name)
            .map(|p| p.as_ref())
            .ok_or_else(|| Error::not_found(format!("Invalid Profile [{name}]")))
    }

    fn status(&self) -> String {
        let mut out = format!(
            "{:>25}\t{:>7}\t{:>40}\t{}\n{RULE}\n",
            "Name", "Type", "Data", "State"
        );
        for profile in &self.profiles.0 {
            let calls = profile.calls_in.load(std::sync::atomic::Ordering::Relaxed)
                + profile.calls_out.load(std::sync::atomic::Ordering::Relaxed);
            let _ = writeln!(
                out,
                "{:>25}\t{:>7}\t{:>40}\tRUNNING ({calls})",
                profile.config.name,
                "profile",
                profile.url()
            );
            let now = Instant::now();
            for gateway in &profile.gateways {
                let _ = writeln!(
                    out,
                    "{:>25}\t{:>7}\t{:>40}\t{}{}",
                    format!("{}::{}", profile.config.name, gateway.name()),
                    "gateway",
                    gateway.config.register_to(),
                    gateway.snapshot().state,
                    gateway::status::retry_note(gateway, now)
                );
            }
        }
        let count = self.profiles.0.len();
        let _ = write!(
            out,
            "{RULE}\n{count} profile{} 0 aliases",
            if count == 1 { "" } else { "s" }
        );
        out
    }
}

fn profile_status(profile: &Profile) -> String {
    let c = &profile.config;
    let mut out = format!("{RULE}\n");
    let transports: Vec<&str> = [("udp", c.udp), ("tcp", c.tcp)]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect();
    for (name, value) in [
        ("Name", c.name.clone()),
        ("Domain Name", "N/A".to_owned()),
        ("Auto-NAT", "false".to_owned()),
        ("DBName", c.name.clone()),
        ("Dialplan", c.dialplan.clone()),
        ("Context", c.context.clone()),
        ("Challenge Realm", "auto_from".to_owned()),
        ("RTP-IP", c.rtp_ip.to_string()),
        ("Ext-RTP-IP", c.advertised_rtp_ip().to_string()),
        ("SIP-IP", c.sip_ip.to_string()),
        ("Ext-SIP-IP", c.advertised_sip_ip().to_string()),
        ("URL", profile.url()),
        (
            "BIND-URL",
            format!("{};transport={}", profile.url(), transports.join(",")),
        ),
        ("HOLD-MUSIC", "N/A".to_owned()),
        ("CODECS IN", c.codec_prefs.join(",")),
        ("CODECS OUT", c.codec_prefs.join(",")),
        ("TEL-EVENT", crate::codecs::TELEPHONE_EVENT_PT.to_string()),
        ("NONCE-TTL", c.nonce_ttl.as_secs().to_string()),
        ("AUTH-CALLS", c.auth_calls.to_string()),
        (
            "RTP-PORTS",
            format!("{}-{}", c.rtp_port_min, c.rtp_port_max),
        ),
        (
            "CALLS-IN",
            profile
                .calls_in
                .load(std::sync::atomic::Ordering::Relaxed)
                .to_string(),
        ),
        (
            "CALLS-OUT",
            profile
                .calls_out
                .load(std::sync::atomic::Ordering::Relaxed)
                .to_string(),
        ),
        (
            "REGISTRATIONS",
            profile
                .registrations()
                .all(Instant::now())
                .len()
                .to_string(),
        ),
    ] {
        let _ = writeln!(out, "{:<20}\t{value}", name);
    }
    out.push_str(RULE);
    out
}

fn registrations(profile: &Profile) -> String {
    let now = Instant::now();
    let all = profile.registrations().all(now);
    let mut out = format!("\nRegistrations:\n{RULE}\n");
    for (aor, binding) in &all {
        let (user, realm) = aor.split_once('@').unwrap_or((aor.as_str(), ""));
        let transport = match binding.transport {
            ferroswitch_sip::transaction::Transport::Tcp => "TCP",
            _ => "UDP",
        };
        for (name, value) in [
            ("Call-ID:", binding.call_id.clone()),
            ("User:", aor.clone()),
            ("Contact:", format!("\"\" <{}>", binding.stored_contact())),
            ("Agent:", binding.user_agent.clone()),
            (
                "Status:",
                format!(
                    "Registered({transport}{}) EXPSECS({})",
                    if binding.is_behind_nat() { "-NAT" } else { "" },
                    binding.expires_in(now)
                ),
            ),
            ("Dial-String:", binding.dial_string(&profile.config.name)),
            ("IP:", binding.received.ip().to_string()),
            ("Port:", binding.received.port().to_string()),
            ("Auth-User:", user.to_owned()),
            ("Auth-Realm:", realm.to_owned()),
        ] {
            let _ = writeln!(out, "{name:<12}\t{value}");
        }
        out.push('\n');
    }
    let _ = write!(out, "Total items returned: {}\n{RULE}", all.len());
    out
}

impl Api for SofiaContactApi {
    fn execute(&self, _host: Host, args: &str, _session: Option<Session>) -> Result<String, Error> {
        let args = args.trim();
        let (profile, aor) = match args.split_once('/') {
            Some((profile, aor)) => (Some(profile), aor),
            None => (None, args),
        };
        if aor.is_empty() {
            return Err(Error::invalid_argument(
                "usage: sofia_contact [profile/|*/]user@domain",
            ));
        }
        let aor = aor.to_ascii_lowercase();
        let aor = if aor.contains('@') {
            aor
        } else {
            format!("{aor}@")
        };
        let now = Instant::now();
        let mut dial_strings = Vec::new();
        for candidate in &self.profiles.0 {
            if profile.is_some_and(|p| p != "*" && !p.eq_ignore_ascii_case(&candidate.config.name))
            {
                continue;
            }
            let registrations = candidate.registrations();
            let mut bindings = registrations.contacts(now, &aor);
            if bindings.is_empty() {
                // The domain a phone registered under is the directory's; a dialler naming
                // the switch by another of its names still means the same user.
                let user = aor.split('@').next().unwrap_or_default();
                bindings = registrations
                    .all(now)
                    .into_iter()
                    .filter(|(registered, _)| registered.split('@').next() == Some(user))
                    .map(|(_, binding)| binding)
                    .collect();
            }
            dial_strings.extend(
                bindings
                    .iter()
                    .map(|binding| binding.dial_string(&candidate.config.name)),
            );
        }
        if dial_strings.is_empty() {
            Ok("error/user_not_registered".to_owned())
        } else {
            Ok(dial_strings.join(","))
        }
    }
}
