//! How much delay variation the jitter buffer must absorb.
//!
//! Each packet's transit time relative to the stream (arrival minus
//! timestamp, accumulated packet to packet so timestamp wrap does not
//! matter) is compared with the smallest recent transit: the difference
//! is how late this packet was compared with the fastest one. The peak of
//! that lateness grows at once when exceeded and decays slowly, so one
//! spike raises the target for several seconds rather than one packet.
//! The minimum is taken over two rolling windows so a slow drift between
//! the sender's clock and ours does not accumulate into false lateness.

use std::time::{Duration, Instant};

/// Packets per rolling window of the minimum (about 2 s at 20 ms).
const WINDOW_PACKETS: u32 = 100;
/// Per-packet decay of the peak towards the current lateness: 1/512, a
/// time constant of about 10 s at 50 packets per second.
const PEAK_DECAY_SHIFT: u32 = 9;
/// A transit change this large is a timestamp jump, not network delay.
const JUMP_US: i64 = 1_000_000;

#[derive(Debug, Default)]
pub(super) struct DelayEstimator {
    previous: Option<(Instant, u32)>,
    /// Transit relative to the stream's first packet, in µs.
    relative_us: i64,
    window_min_us: [i64; 2],
    window_count: u32,
    peak_us: i64,
}

impl DelayEstimator {
    /// Feeds one arrival; returns the delay variation to plan for.
    pub(super) fn handle_arrival(
        &mut self,
        arrival: Instant,
        timestamp: u32,
        clock_rate: u32,
    ) -> Option<Duration> {
        let Some((previous_arrival, previous_timestamp)) = self.previous else {
            self.previous = Some((arrival, timestamp));
            self.restart_windows();
            return None;
        };
        self.previous = Some((arrival, timestamp));
        let arrival_us = signed_micros(arrival, previous_arrival);
        let timestamp_us = i64::from(timestamp.wrapping_sub(previous_timestamp) as i32) * 1_000_000
            / i64::from(clock_rate.max(1));
        let change = arrival_us - timestamp_us;
        if change.abs() > JUMP_US {
            // The sender's timeline jumped: measure from here on.
            self.restart_windows();
            return None;
        }
        self.relative_us += change;
        self.window_count += 1;
        if self.window_count >= WINDOW_PACKETS {
            self.window_min_us = [self.window_min_us[1], self.relative_us];
            self.window_count = 0;
        }
        self.window_min_us[1] = self.window_min_us[1].min(self.relative_us);
        let lateness = self.relative_us - self.window_min_us[0].min(self.window_min_us[1]);
        if lateness > self.peak_us {
            self.peak_us = lateness;
        } else {
            // At least 1 µs, so the peak does reach a calm network's level.
            self.peak_us -= ((self.peak_us - lateness) >> PEAK_DECAY_SHIFT).max(1);
        }
        Some(self.peak())
    }

    pub(super) fn peak(&self) -> Duration {
        Duration::from_micros(self.peak_us.max(0).unsigned_abs())
    }

    /// A new stream: forget the reference point, keep the peak (it
    /// describes the network path, which has not changed).
    pub(super) fn restart(&mut self) {
        self.previous = None;
    }

    fn restart_windows(&mut self) {
        self.relative_us = 0;
        self.window_min_us = [0, 0];
        self.window_count = 0;
    }
}

fn signed_micros(later: Instant, earlier: Instant) -> i64 {
    match later.checked_duration_since(earlier) {
        Some(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        None => -i64::try_from(earlier.duration_since(later).as_micros()).unwrap_or(i64::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(delays_ms: impl IntoIterator<Item = u64>) -> (DelayEstimator, Duration) {
        let start = Instant::now();
        let mut estimator = DelayEstimator::default();
        let mut last = Duration::ZERO;
        for (n, delay) in delays_ms.into_iter().enumerate() {
            let n = n as u32;
            let arrival = start + Duration::from_millis(20 * u64::from(n) + delay);
            if let Some(peak) = estimator.handle_arrival(arrival, n * 160, 8000) {
                last = peak;
            }
        }
        (estimator, last)
    }

    #[test]
    fn steady_stream_needs_no_margin() {
        let (_, peak) = run(std::iter::repeat_n(30, 200));
        assert_eq!(peak, Duration::ZERO);
    }

    #[test]
    fn a_spike_raises_the_peak_at_once_and_it_decays_slowly() {
        let delays = (0..400).map(|n| if n == 100 { 70 } else { 10 });
        let (_, after) = run(delays.clone().take(101));
        assert_eq!(after, Duration::from_millis(60));
        let (_, later) = run(delays.take(200));
        assert!(later > Duration::from_millis(40) && later < Duration::from_millis(60));
    }

    #[test]
    fn clock_drift_does_not_accumulate() {
        // The sender's clock runs 0.1% slow: 20 µs per packet.
        let delays = (0..2000u64).map(|n| 10 + n / 50);
        let (_, peak) = run(delays);
        assert!(peak < Duration::from_millis(5), "{peak:?}");
    }

    #[test]
    fn a_timestamp_jump_is_not_delay() {
        let start = Instant::now();
        let mut estimator = DelayEstimator::default();
        for n in 0..10u32 {
            estimator.handle_arrival(
                start + Duration::from_millis(20 * u64::from(n)),
                n * 160,
                8000,
            );
        }
        let jumped = estimator.handle_arrival(start + Duration::from_millis(200), 8_000_000, 8000);
        assert_eq!(jumped, None);
        assert_eq!(estimator.peak(), Duration::ZERO);
    }
}
