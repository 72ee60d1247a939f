//! Gateway pings (`ping`, `ping-min`, `ping-max`), sans-IO: when an OPTIONS goes to the
//! provider, and what its answers do to the gateway's status, as mod_sofia counts them.
//!
//! The first ping goes one interval after start, then one interval after each answer; one is
//! in flight at a time. Any final answer but 408 and 503 is a sign of life (a 404 or 401
//! still means the provider is there); those two, and no answer at all, are failures. A
//! success raises the count (up to `ping-max`) and the gateway is UP once it reaches
//! `ping-min`; a failure lowers it (down to 0) and the gateway is DOWN once it falls below.
//! A gateway starts UP with a count of 0, so its first failed ping takes it DOWN.

use std::time::{Duration, Instant};

/// One gateway's pinging.
#[derive(Debug, Clone)]
pub struct Pinger {
    interval: Duration,
    min: u32,
    max: u32,
    count: u32,
    up: bool,
    next: Instant,
    sent_at: Option<Instant>,
    last_round_trip: Option<Duration>,
}

/// What [`Pinger::view`] shows for `sofia status gateway`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PingView {
    /// `ping`, in seconds.
    pub interval_seconds: u64,
    /// `ping-min`, the count and `ping-max` (FreeSWITCH's `PingState min/count/max`).
    pub min: u32,
    /// Answered pings counted now.
    pub count: u32,
    /// `ping-max`.
    pub max: u32,
    /// Whether an OPTIONS waits for its answer.
    pub in_flight: bool,
    /// The last answered ping's round trip (0 after a failure).
    pub round_trip: Duration,
}

impl Pinger {
    /// Pinging every `interval`, starting at `now`.
    pub fn new(interval: Duration, min: u32, max: u32, now: Instant) -> Pinger {
        Pinger {
            interval,
            min,
            max,
            count: 0,
            up: true,
            next: now + interval,
            sent_at: None,
            last_round_trip: None,
        }
    }

    /// Whether the pings say the gateway is reachable.
    pub fn is_up(&self) -> bool {
        self.up
    }

    /// When the next ping is due; none while one waits for its answer.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.sent_at.is_none().then_some(self.next)
    }

    /// Whether an OPTIONS should go now; if so it counts as sent.
    pub fn handle_timeout(&mut self, now: Instant) -> bool {
        if self.sent_at.is_some() || now < self.next {
            return false;
        }
        self.sent_at = Some(now);
        true
    }

    /// The ping cannot go now (the gateway is registering, say): try again in a second, as
    /// mod_sofia's once-a-second check would.
    pub fn defer(&mut self, now: Instant) {
        self.sent_at = None;
        self.next = now + Duration::from_secs(1);
    }

    /// The ping's final answer (`None`: none came, or it could not be sent); the new status
    /// when it changed.
    pub fn handle_answer(&mut self, now: Instant, status: Option<u16>) -> Option<bool> {
        let sent_at = self.sent_at.take()?;
        self.next = now + self.interval;
        let alive =
            status.is_some_and(|code| (200..600).contains(&code) && code != 408 && code != 503);
        if alive {
            self.last_round_trip = Some(now.saturating_duration_since(sent_at));
            self.count = (self.count + 1).min(self.max);
            if self.count >= self.min && !self.up {
                self.up = true;
                return Some(true);
            }
        } else {
            self.last_round_trip = None;
            self.count = self.count.saturating_sub(1);
            if self.count < self.min && self.up {
                self.up = false;
                return Some(false);
            }
        }
        None
    }

    /// What the status API shows.
    pub fn view(&self) -> PingView {
        PingView {
            interval_seconds: self.interval.as_secs(),
            min: self.min,
            count: self.count,
            max: self.max,
            in_flight: self.sent_at.is_some(),
            round_trip: self.last_round_trip.unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTERVAL: Duration = Duration::from_secs(5);

    /// Sends the ping that is due at `clock`, answers it 20 ms later with `status`.
    fn ping(pinger: &mut Pinger, clock: &mut Instant, status: Option<u16>) -> Option<bool> {
        *clock = pinger.poll_timeout().expect("a ping is due");
        assert!(pinger.handle_timeout(*clock));
        assert_eq!(pinger.poll_timeout(), None, "one ping at a time");
        *clock += Duration::from_millis(20);
        pinger.handle_answer(*clock, status)
    }

    #[test]
    fn the_first_ping_waits_one_interval_and_the_next_follows_the_answer() {
        let start = Instant::now();
        let mut pinger = Pinger::new(INTERVAL, 1, 1, start);
        assert_eq!(pinger.poll_timeout(), Some(start + INTERVAL));
        assert!(!pinger.handle_timeout(start + INTERVAL - Duration::from_millis(1)));
        let mut clock = start;
        assert_eq!(ping(&mut pinger, &mut clock, Some(200)), None, "already up");
        assert_eq!(pinger.poll_timeout(), Some(clock + INTERVAL));
        assert_eq!(pinger.view().round_trip, Duration::from_millis(20));
    }

    #[test]
    fn a_first_failure_takes_it_down_and_a_success_brings_it_back() {
        let mut clock = Instant::now();
        let mut pinger = Pinger::new(INTERVAL, 1, 1, clock);
        assert!(pinger.is_up());
        assert_eq!(ping(&mut pinger, &mut clock, Some(503)), Some(false));
        assert_eq!(ping(&mut pinger, &mut clock, None), None, "still down");
        assert_eq!(ping(&mut pinger, &mut clock, Some(408)), None);
        assert_eq!(
            ping(&mut pinger, &mut clock, Some(404)),
            Some(true),
            "a 404 is alive"
        );
        assert!(pinger.is_up());
    }

    #[test]
    fn min_and_max_set_how_many_answers_it_takes() {
        let mut clock = Instant::now();
        let mut pinger = Pinger::new(INTERVAL, 2, 3, clock);
        assert_eq!(ping(&mut pinger, &mut clock, None), Some(false));
        assert_eq!(ping(&mut pinger, &mut clock, Some(200)), None, "1 of 2");
        assert_eq!(
            ping(&mut pinger, &mut clock, Some(200)),
            Some(true),
            "2 of 2"
        );
        for _ in 0..5 {
            ping(&mut pinger, &mut clock, Some(200));
        }
        assert_eq!(pinger.view().count, 3, "capped at ping-max");
        assert_eq!(
            ping(&mut pinger, &mut clock, None),
            None,
            "3 -> 2: still up"
        );
        assert_eq!(
            ping(&mut pinger, &mut clock, None),
            Some(false),
            "2 -> 1: down"
        );
    }

    #[test]
    fn a_deferred_ping_goes_a_second_later() {
        let start = Instant::now();
        let mut pinger = Pinger::new(INTERVAL, 1, 1, start);
        assert!(pinger.handle_timeout(start + INTERVAL));
        pinger.defer(start + INTERVAL);
        assert_eq!(
            pinger.poll_timeout(),
            Some(start + INTERVAL + Duration::from_secs(1))
        );
        assert_eq!(
            pinger.handle_answer(start + INTERVAL, Some(200)),
            None,
            "nothing was sent"
        );
    }
}
