//! When `read_frame` hands out the next frame: one per packet time, on an
//! absolute schedule so that late wake-ups do not accumulate into drift.

use std::time::{Duration, Instant};

/// A caller this many frames behind schedule is not caught up frame by
/// frame (a burst of frames back to back) but put back on a fresh schedule.
const MAX_FRAMES_BEHIND: u32 = 3;

/// How `read_frame` paces its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pacing {
    /// One frame per packet time, on the stream's own clock: the caller
    /// needs no timer (FreeSWITCH's default RTP timer).
    #[default]
    Clock,
    /// A frame as soon as one can be played, or `RtpError::Timeout` after
    /// the caller's timeout: for callers that pace themselves (FreeSWITCH's
    /// `rtp_timer_name=none`), proxies and benchmarks.
    Arrival,
}

/// The frame schedule of one stream. Sans-IO: time comes in as arguments.
#[derive(Debug, Clone)]
pub(crate) struct Pacer {
    ptime: Duration,
    next: Option<Instant>,
}

impl Pacer {
    pub(crate) fn new(ptime: Duration) -> Self {
        Pacer { ptime, next: None }
    }

    pub(crate) fn ptime(&self) -> Duration {
        self.ptime
    }

    /// When the next frame is due. The first is due at once.
    pub(crate) fn poll_timeout(&mut self, now: Instant) -> Instant {
        let due = *self.next.get_or_insert(now);
        if now.saturating_duration_since(due) > self.ptime * MAX_FRAMES_BEHIND {
            self.next = Some(now);
            return now;
        }
        due
    }

    /// The frame due at [`poll_timeout`](Self::poll_timeout) was handed out.
    pub(crate) fn handle_frame_taken(&mut self, now: Instant) {
        let due = self.next.unwrap_or(now);
        self.next = Some(due + self.ptime);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PTIME: Duration = Duration::from_millis(20);

    #[test]
    fn first_frame_is_due_at_once_then_one_per_ptime() {
        let start = Instant::now();
        let mut pacer = Pacer::new(PTIME);
        assert_eq!(pacer.poll_timeout(start), start);
        pacer.handle_frame_taken(start);
        for n in 1..10u32 {
            // Asked early: the deadline is the schedule's, not "now + ptime".
            let asked = start + PTIME * n - Duration::from_millis(7);
            assert_eq!(pacer.poll_timeout(asked), start + PTIME * n);
            pacer.handle_frame_taken(start + PTIME * n);
        }
    }

    #[test]
    fn late_wake_ups_do_not_drift() {
        let start = Instant::now();
        let mut pacer = Pacer::new(PTIME);
        let _ = pacer.poll_timeout(start);
        pacer.handle_frame_taken(start);
        // Woken 3 ms late for frame 1: frame 2 is still due at 40 ms.
        let late = start + PTIME + Duration::from_millis(3);
        assert_eq!(pacer.poll_timeout(late), start + PTIME);
        pacer.handle_frame_taken(late);
        assert_eq!(pacer.poll_timeout(late), start + PTIME * 2);
    }

    #[test]
    fn a_caller_far_behind_starts_a_fresh_schedule() {
        let start = Instant::now();
        let mut pacer = Pacer::new(PTIME);
        let _ = pacer.poll_timeout(start);
        pacer.handle_frame_taken(start);
        let slightly = start + PTIME * 3;
        assert_eq!(pacer.poll_timeout(slightly), start + PTIME);
        let far = start + PTIME * 10;
        assert_eq!(pacer.poll_timeout(far), far);
        pacer.handle_frame_taken(far);
        assert_eq!(pacer.poll_timeout(far), far + PTIME);
    }
}
