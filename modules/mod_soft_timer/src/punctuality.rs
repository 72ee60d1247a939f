//! How punctual the clocks are: every tick handed out, and those handed out late (more than
//! half an interval after they were due, i.e. the media frame it paces went out late).
//! `soft_timer_stats` reports them, so a load test can tell whether frames stayed on time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ferroswitch_abi::{Api, Error, Host, Session};

static TICKS: AtomicU64 = AtomicU64::new(0);
static LATE: AtomicU64 = AtomicU64::new(0);

/// Counts one tick handed out `lateness` after it was due, on a clock of `interval`.
pub fn count(lateness: Duration, interval: Duration) {
    TICKS.fetch_add(1, Ordering::Relaxed);
    if lateness > interval / 2 {
        LATE.fetch_add(1, Ordering::Relaxed);
    }
}

/// `soft_timer_stats`: `ticks: N` and `late: M` since the module loaded.
pub struct StatsApi;

impl Api for StatsApi {
    fn execute(
        &self,
        _host: Host,
        _args: &str,
        _session: Option<Session>,
    ) -> Result<String, Error> {
        Ok(format!(
            "ticks: {}\nlate: {}\n",
            TICKS.load(Ordering::Relaxed),
            LATE.load(Ordering::Relaxed)
        ))
    }
}
