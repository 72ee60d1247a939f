//! When ticks are due: the arithmetic of a clock, with time passed in (sans-IO).
//!
//! Tick n (1 for the first) is due at `start + n × interval`, computed from the start every
//! time, so sleeping late on one tick never shifts the next: the clock does not drift. A
//! caller that fell behind is handed each overdue tick at once, one per poll, so it can
//! catch up without dropping a frame.
//!
//! Drive it as the instance in [`crate::instance`] does:
//!
//! ```
//! use std::time::{Duration, Instant};
//! use mod_soft_timer::schedule::{Poll, TickSchedule};
//!
//! let start = Instant::now();
//! let mut schedule = TickSchedule::new(start, Duration::from_millis(20));
//! assert_eq!(schedule.poll(start + Duration::from_millis(5)), Poll::Wait(Duration::from_millis(15)));
//! assert_eq!(schedule.poll(start + Duration::from_millis(45)), Poll::Tick(1));
//! assert_eq!(schedule.poll(start + Duration::from_millis(45)), Poll::Tick(2));
//! assert_eq!(schedule.poll(start + Duration::from_millis(45)), Poll::Wait(Duration::from_millis(15)));
//! ```

use std::time::{Duration, Instant};

/// What a clock says when asked at some instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Poll {
    /// Tick number n (1 for the first) was due and is now consumed.
    Tick(u64),
    /// No tick is due: the next one is this long from the instant asked about.
    Wait(Duration),
}

/// The ticks of one clock: when it started, how often it ticks, how many ticks were taken.
///
/// Arithmetic is in u64 nanoseconds (584 years): every leg asks once or twice per frame, and
/// a u64 division is one instruction where a u128 one is a library call.
#[derive(Clone, Debug)]
pub struct TickSchedule {
    start: Instant,
    interval_nanos: u64,
    taken: u64,
}

impl TickSchedule {
    /// A clock started at `start`, ticking every `interval` (a zero interval counts as one
    /// nanosecond).
    pub fn new(start: Instant, interval: Duration) -> Self {
        Self {
            start,
            interval_nanos: u64::try_from(interval.as_nanos())
                .unwrap_or(u64::MAX)
                .max(1),
            taken: 0,
        }
    }

    /// When the clock started (tick 0).
    pub fn start(&self) -> Instant {
        self.start
    }

    /// How often it ticks.
    pub fn interval(&self) -> Duration {
        Duration::from_nanos(self.interval_nanos)
    }

    /// Ticks taken so far.
    pub fn ticks(&self) -> u64 {
        self.taken
    }

    /// How many ticks have come due by `now`, taken or not.
    pub fn due_by(&self, now: Instant) -> u64 {
        nanos(now.saturating_duration_since(self.start)) / self.interval_nanos
    }

    /// How far after the start tick `n` is due.
    pub fn offset_of(&self, n: u64) -> Duration {
        Duration::from_nanos(self.interval_nanos.saturating_mul(n))
    }

    /// Takes the next tick if it is due at `now`; otherwise says how long until it is.
    pub fn poll(&mut self, now: Instant) -> Poll {
        if self.taken < self.due_by(now) {
            self.taken += 1;
            return Poll::Tick(self.taken);
        }
        let elapsed = now.saturating_duration_since(self.start);
        Poll::Wait(
            self.offset_of(self.taken.saturating_add(1))
                .saturating_sub(elapsed),
        )
    }
}

/// Nanoseconds in `duration`, saturating (after 584 years).
fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn first_tick_is_one_interval_after_start() {
        let start = Instant::now();
        let mut schedule = TickSchedule::new(start, ms(20));
        assert_eq!(schedule.poll(start), Poll::Wait(ms(20)));
        assert_eq!(schedule.poll(start + ms(19)), Poll::Wait(ms(1)));
        assert_eq!(schedule.poll(start + ms(20)), Poll::Tick(1));
        assert_eq!(schedule.poll(start + ms(20)), Poll::Wait(ms(20)));
        assert_eq!(schedule.ticks(), 1);
    }

    #[test]
    fn late_wake_ups_do_not_drift() {
        let start = Instant::now();
        let mut schedule = TickSchedule::new(start, ms(20));
        // Each wake-up comes 3 ms late; every wait still aims at start + n × 20 ms.
        for n in 1..=50u64 {
            let woke = start + ms(20 * n + 3);
            assert_eq!(schedule.poll(woke), Poll::Tick(n));
            assert_eq!(schedule.poll(woke), Poll::Wait(ms(17)));
        }
    }

    #[test]
    fn a_caller_that_fell_behind_gets_each_due_tick_at_once() {
        let start = Instant::now();
        let mut schedule = TickSchedule::new(start, ms(10));
        let now = start + ms(55);
        assert_eq!(schedule.due_by(now), 5);
        for n in 1..=5 {
            assert_eq!(schedule.poll(now), Poll::Tick(n));
        }
        assert_eq!(schedule.poll(now), Poll::Wait(ms(5)));
    }

    #[test]
    fn an_instant_before_the_start_waits_for_the_first_tick() {
        let now = Instant::now();
        let mut schedule = TickSchedule::new(now + ms(30), ms(30));
        assert_eq!(schedule.poll(now), Poll::Wait(ms(30)));
        assert_eq!(schedule.due_by(now), 0);
    }

    #[test]
    fn offsets_are_exact_far_into_a_call() {
        let start = Instant::now();
        let schedule = TickSchedule::new(start, ms(20));
        // Ten hours of 20 ms ticks: 1.8 million ticks, no accumulated rounding.
        assert_eq!(schedule.offset_of(1_800_000), Duration::from_secs(36_000));
        // Past 584 years the offset saturates rather than wrapping.
        assert_eq!(schedule.offset_of(u64::MAX), Duration::from_nanos(u64::MAX));
        assert_eq!(nanos(Duration::MAX), u64::MAX);
    }
}
