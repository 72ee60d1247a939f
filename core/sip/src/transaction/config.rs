//! RFC 3261 timer values (§17, Table 4), configurable per profile.

use std::time::Duration;

/// Timer settings. Defaults are RFC 3261's; the derived timers follow the RFC's formulas
/// unless set explicitly. Over a reliable transport the "wait for retransmissions" timers
/// (D, I, J, K) are zero and requests and responses are not retransmitted (A, E, G).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerConfig {
    /// RTT estimate: 500 ms.
    pub t1: Duration,
    /// Cap on non-INVITE request and INVITE response retransmission intervals: 4 s.
    pub t2: Duration,
    /// How long a message can stay in the network: 5 s.
    pub t4: Duration,
    /// INVITE client transaction timeout: 64*T1.
    pub timer_b: Duration,
    /// Non-INVITE client transaction timeout: 64*T1.
    pub timer_f: Duration,
    /// Wait for ACK after a final non-2xx response: 64*T1.
    pub timer_h: Duration,
    /// Wait for response retransmissions after ACKing a non-2xx final response over an
    /// unreliable transport: at least 32 s.
    pub timer_d: Duration,
    /// Send 100 Trying as soon as an INVITE arrives (RFC 3261 §17.2.1 requires it within
    /// 200 ms unless the TU answers first; sending at once is always compliant).
    pub send_100_trying: bool,
}

impl Default for TimerConfig {
    fn default() -> TimerConfig {
        TimerConfig::from_t1_t2_t4(
            Duration::from_millis(500),
            Duration::from_secs(4),
            Duration::from_secs(5),
        )
    }
}

impl TimerConfig {
    /// T1, T2, T4 with B, F, H = 64*T1 and D = max(32 s, 64*T1).
    pub fn from_t1_t2_t4(t1: Duration, t2: Duration, t4: Duration) -> TimerConfig {
        TimerConfig {
            t1,
            t2,
            t4,
            timer_b: t1 * 64,
            timer_f: t1 * 64,
            timer_h: t1 * 64,
            timer_d: (t1 * 64).max(Duration::from_secs(32)),
            send_100_trying: true,
        }
    }

    /// Timer D for the transport.
    pub(crate) fn d(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            self.timer_d
        }
    }

    /// Timer I (wait for ACK retransmissions): T4, or zero over a reliable transport.
    pub(crate) fn i(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            self.t4
        }
    }

    /// Timer J (wait for non-INVITE request retransmissions): 64*T1, or zero if reliable.
    pub(crate) fn j(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            self.t1 * 64
        }
    }

    /// Timer K (wait for non-INVITE response retransmissions): T4, or zero if reliable.
    pub(crate) fn k(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            self.t4
        }
    }

    /// Timers L and M (RFC 6026: how long an accepted INVITE transaction absorbs or forwards
    /// retransmissions after a 2xx): 64*T1.
    pub(crate) fn accepted(&self) -> Duration {
        self.t1 * 64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_rfc_3261_table_4() {
        let c = TimerConfig::default();
        assert_eq!(c.timer_b, Duration::from_secs(32));
        assert_eq!(c.timer_f, Duration::from_secs(32));
        assert_eq!(c.timer_h, Duration::from_secs(32));
        assert_eq!(c.d(false), Duration::from_secs(32));
        assert_eq!(c.i(false), Duration::from_secs(5));
        assert_eq!(c.j(false), Duration::from_secs(32));
        assert_eq!(c.k(false), Duration::from_secs(5));
    }

    #[test]
    fn reliable_transports_do_not_wait_for_retransmissions() {
        let c = TimerConfig::default();
        for d in [c.d(true), c.i(true), c.j(true), c.k(true)] {
            assert_eq!(d, Duration::ZERO);
        }
    }

    #[test]
    fn derived_timers_scale_with_t1() {
        let c = TimerConfig::from_t1_t2_t4(
            Duration::from_secs(1),
            Duration::from_secs(4),
            Duration::from_secs(5),
        );
        assert_eq!(c.timer_b, Duration::from_secs(64));
        assert_eq!(c.d(false), Duration::from_secs(64));
    }
}
