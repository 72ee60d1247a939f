//! A running soft clock: the [`TickSchedule`] driven by the monotonic clock and
//! `std::thread::sleep`.

use std::time::{Duration, Instant};

use ferroswitch_abi::{Error, TimerInstance};

use crate::schedule::{Poll, TickSchedule};

/// One running clock, as `start` hands it out.
#[derive(Debug)]
pub struct SoftClock {
    schedule: TickSchedule,
    samples_per_tick: u32,
}

impl SoftClock {
    /// A clock starting now, ticking every `interval`.
    pub fn start(interval: Duration, samples_per_tick: u32) -> Self {
        Self::started_at(Instant::now(), interval, samples_per_tick)
    }

    /// A clock whose tick 0 was (or will be) at `start`.
    pub fn started_at(start: Instant, interval: Duration, samples_per_tick: u32) -> Self {
        Self {
            schedule: TickSchedule::new(start, interval),
            samples_per_tick,
        }
    }
}

impl TimerInstance for SoftClock {
    fn next(&mut self) -> Result<u64, Error> {
        loop {
            match self.schedule.poll(Instant::now()) {
                Poll::Tick(n) => {
                    let due = self.schedule.start() + self.schedule.offset_of(n);
                    crate::punctuality::count(
                        Instant::now().saturating_duration_since(due),
                        self.schedule.interval(),
                    );
                    return Ok(n);
                }
                // `sleep` may return late, never early; the loop re-checks either way.
                Poll::Wait(wait) => std::thread::sleep(wait),
            }
        }
    }

    fn check(&mut self) -> Result<bool, Error> {
        Ok(matches!(self.schedule.poll(Instant::now()), Poll::Tick(_)))
    }

    fn samplecount(&self) -> u64 {
        self.schedule
            .ticks()
            .saturating_mul(u64::from(self.samples_per_tick))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catches_up_without_waiting_and_counts_samples() {
        // A clock started 45 ms ago owes four 10 ms ticks: `next` returns them at once.
        // (The monotonic clock counts from boot, long more than 45 ms ago.)
        let start = Instant::now()
            .checked_sub(Duration::from_millis(45))
            .expect("the monotonic clock started long ago");
        let mut clock = SoftClock::started_at(start, Duration::from_millis(10), 80);
        assert_eq!(clock.samplecount(), 0);
        assert_eq!(clock.next().expect("due"), 1);
        assert_eq!(clock.next().expect("due"), 2);
        assert!(clock.check().expect("due"));
        assert!(clock.check().expect("due"));
        assert_eq!(clock.samplecount(), 4 * 80);
    }

    #[test]
    fn check_does_not_take_a_tick_that_is_not_due() {
        let start = Instant::now() + Duration::from_secs(3600);
        let mut clock = SoftClock::started_at(start, Duration::from_millis(20), 160);
        assert!(!clock.check().expect("not due"));
        assert_eq!(clock.samplecount(), 0);
    }
}
