//! Session counters for `status`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Counters of sessions created and alive.
#[derive(Default)]
pub struct Stats {
    created: AtomicU64,
    peak: AtomicU64,
    rate: Mutex<RateWindow>,
}

#[derive(Default)]
struct RateWindow {
    second_start: Option<Instant>,
    this_second: u32,
    last_second: u32,
    peak_per_second: u32,
    peak_5min: u64,
    peak_5min_start: Option<Instant>,
}

impl Stats {
    /// Counts a new session, `alive` being the count including it. Returns how many were
    /// created during the current second (for the rate limit).
    pub fn session_created(&self, alive: u64, now: Instant) -> u32 {
        self.created.fetch_add(1, Ordering::Relaxed);
        self.peak.fetch_max(alive, Ordering::Relaxed);
        let mut rate = self
            .rate
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        match rate.second_start {
            Some(start) if now.duration_since(start).as_secs() < 1 => rate.this_second += 1,
            _ => {
                rate.last_second = rate.this_second;
                rate.second_start = Some(now);
                rate.this_second = 1;
            }
        }
        rate.peak_per_second = rate.peak_per_second.max(rate.this_second);
        match rate.peak_5min_start {
            Some(start) if now.duration_since(start).as_secs() < 300 => {
                rate.peak_5min = rate.peak_5min.max(alive)
            }
            _ => {
                rate.peak_5min_start = Some(now);
                rate.peak_5min = alive;
            }
        }
        rate.this_second
    }

    /// Sessions created since start-up.
    pub fn created(&self) -> u64 {
        self.created.load(Ordering::Relaxed)
    }

    /// The most sessions alive at once.
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }

    /// (sessions created in the last full second, peak per second, peak alive in 5 min)
    pub fn rates(&self) -> (u32, u32, u64) {
        let rate = self
            .rate
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        (rate.last_second, rate.peak_per_second, rate.peak_5min)
    }
}
