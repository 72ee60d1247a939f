//! The HEARTBEAT event, fired periodically with the core's counters (FreeSWITCH's headers).

use std::time::Duration;

use ferroswitch_abi::Event;

use crate::core::Core;

/// Fires HEARTBEAT every `interval` on a thread of its own, until shutdown.
pub fn start_heartbeat(core: Core, interval: Duration) {
    let _ = std::thread::Builder::new()
        .name("heartbeat".into())
        .spawn(move || loop {
            std::thread::sleep(interval);
            if core.shutdown_requested() {
                return;
            }
            if core.inner().events.wanted("HEARTBEAT") {
                core.inner().events.fire(core, heartbeat_event(core));
            }
        });
}

/// The HEARTBEAT event now.
pub fn heartbeat_event(core: Core) -> Event {
    let inner = core.inner();
    let uptime = inner.started.elapsed();
    let (per_second, per_second_peak, peak_5min) = inner.stats.rates();
    let mut event = Event::new("HEARTBEAT");
    event
        .add_header("Event-Info", "System Ready")
        .add_header("Up-Time", &crate::events::uptime_text(uptime))
        .add_header("FreeSWITCH-Version", env!("CARGO_PKG_VERSION"))
        .add_header("Uptime-msec", &uptime.as_millis().to_string())
        .add_header("Session-Count", &inner.sessions.count().to_string())
        .add_header("Max-Sessions", &inner.settings.max_sessions.to_string())
        .add_header(
            "Session-Per-Sec",
            &inner.settings.sessions_per_second.to_string(),
        )
        .add_header("Session-Per-Sec-Last", &per_second.to_string())
        .add_header("Session-Per-Sec-Max", &per_second_peak.to_string())
        .add_header("Session-Since-Startup", &inner.stats.created().to_string())
        .add_header("Session-Peak-Max", &inner.stats.peak().to_string())
        .add_header("Session-Peak-FiveMin", &peak_5min.to_string());
    event
}
