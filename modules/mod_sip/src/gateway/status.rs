//! `sofia status gateway` (every gateway, one line each) and `sofia status gateway <name>`
//! (one gateway's details), laid out as mod_sofia prints them so that scripts parsing
//! FreeSWITCH's output read ours.

use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::{Gateway, GatewayState, GatewayStatus};

/// mod_sofia's rule line.
pub const RULE: &str =
    "=================================================================================================";

/// ` (retry: 12s)` while a gateway waits for its next attempt. mod_sofia appends it to
/// FAILED and TRYING rows, which in ferroswitch pass at once or wait on the transaction
/// layer, so it goes on FAIL_WAIT rows, where the wait is.
pub fn retry_note(gateway: &Gateway, now: Instant) -> String {
    let snapshot = gateway.snapshot();
    match snapshot.state {
        GatewayState::FailWait => match snapshot.next_register.filter(|at| *at > now) {
            Some(at) => format!(" (retry: {}s)", at.duration_since(now).as_secs()),
            None => " (retry: NEVER)".to_owned(),
        },
        _ => String::new(),
    }
}

/// The last answered ping's round trip in milliseconds (0 when not pinged or it failed).
fn ping_time_ms(snapshot: &super::Snapshot) -> f64 {
    snapshot
        .ping
        .map_or(0.0, |(_, view)| view.round_trip.as_secs_f64() * 1000.0)
}

/// The table of every gateway.
pub fn summary<'a>(gateways: impl Iterator<Item = &'a Gateway>, now: Instant) -> String {
    let mut out = format!(
        "{:>25}\t{:>32}\t{}\t{:>9}\t{}\t{}\n{RULE}\n",
        "Profile::Gateway-Name",
        "    Data    ",
        "State",
        "Ping Time",
        "IB Calls(F/T)",
        "OB Calls(F/T)"
    );
    let (mut count, mut ib, mut ob_failed, mut ob) = (0, 0, 0, 0);
    for gateway in gateways {
        count += 1;
        let failed = gateway.failed_calls_out.load(Ordering::Relaxed);
        let total = gateway.calls_out.load(Ordering::Relaxed);
        let calls_in = gateway.calls_in.load(Ordering::Relaxed);
        ib += calls_in;
        ob_failed += failed;
        ob += total;
        let _ = writeln!(
            out,
            "{:>25}\t{:>32}\t{}\t{:6.2}\t{}/{}\t{failed}/{total}{}",
            format!("{}::{}", gateway.profile, gateway.name()),
            gateway.config.register_to(),
            gateway.snapshot().state,
            ping_time_ms(&gateway.snapshot()),
            0,
            calls_in,
            retry_note(gateway, now)
        );
    }
    let _ = write!(
        out,
        "{RULE}\n{count} gateway{}: Inbound(Failed/Total): 0/{ib},Outbound(Failed/Total):{ob_failed}/{ob}",
        if count == 1 { "" } else { "s" }
    );
    out
}

/// One gateway's details.
pub fn details(gateway: &Gateway, profile_context: &str, now: Instant) -> String {
    let c = &gateway.config;
    let snapshot = gateway.snapshot();
    let ping = snapshot.ping.map(|(_, view)| view);
    let uptime = match (snapshot.status, snapshot.up_since) {
        (GatewayStatus::Up, Some(since)) => now.saturating_duration_since(since).as_secs(),
        _ => 0,
    };
    let mut out = format!("{RULE}\n");
    for (name, value) in [
        ("Name    ", c.name.clone()),
        ("Profile ", gateway.profile.clone()),
        ("Scheme  ", "Digest".to_owned()),
        ("Realm   ", c.realm.clone()),
        ("Username", c.username.clone()),
        (
            "Password",
            if c.password.is_empty() { "no" } else { "yes" }.to_owned(),
        ),
        ("From    ", c.register_from()),
        ("Contact ", gateway.contact.clone()),
        ("Exten   ", c.extension.clone()),
        ("To      ", c.register_to()),
        ("Proxy   ", format!("sip:{}", c.register_proxy.host_port())),
        (
            "Context ",
            c.context
                .clone()
                .unwrap_or_else(|| profile_context.to_owned()),
        ),
        ("Expires ", c.expire_seconds.to_string()),
        ("Freq    ", snapshot.granted_seconds.to_string()),
        ("Ping    ", "0".to_owned()),
        (
            "PingFreq",
            ping.map_or(0, |view| view.interval_seconds).to_string(),
        ),
        ("PingTime", format!("{:.2}", ping_time_ms(&snapshot))),
        (
            "PingState",
            ping.map_or("0/0/0".to_owned(), |view| {
                format!("{}/{}/{}", view.min, view.count, view.max)
            }),
        ),
        ("State   ", snapshot.state.to_string()),
        (
            "Status  ",
            format!(
                "{}{}",
                snapshot.status.as_str(),
                if ping.is_some_and(|view| view.in_flight) {
                    " (ping)"
                } else {
                    ""
                }
            ),
        ),
        ("Uptime  ", format!("{uptime}s")),
        (
            "CallsIN ",
            gateway.calls_in.load(Ordering::Relaxed).to_string(),
        ),
        (
            "CallsOUT",
            gateway.calls_out.load(Ordering::Relaxed).to_string(),
        ),
        ("FailedCallsIN", "0".to_owned()),
        (
            "FailedCallsOUT",
            gateway.failed_calls_out.load(Ordering::Relaxed).to_string(),
        ),
    ] {
        let _ = writeln!(out, "{name}\t{value}");
    }
    out.push_str(RULE);
    out
}
