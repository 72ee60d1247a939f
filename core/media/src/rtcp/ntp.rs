//! NTP timestamps for sender reports, derived from the caller's clock.
//!
//! A sans-IO state machine sees only `Instant`s; sender reports need
//! wall-clock NTP time. [`NtpClock`] pins one `Instant` to one wall-clock
//! reading taken by the driver, and maps later instants from there: the
//! round-trip computation only needs our own timestamps to be consistent.

use std::time::{Duration, Instant, SystemTime};

/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
const NTP_UNIX_OFFSET_SECS: u64 = 2_208_988_800;

/// A 64-bit NTP timestamp: seconds since 1900 in the high 32 bits, the
/// fraction of a second in the low 32.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct NtpTime(pub u64);

/// Maps `Instant`s to NTP time from one anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NtpClock {
    anchor: Instant,
    anchor_ntp: NtpTime,
}

impl NtpTime {
    /// The wall-clock time as NTP; times before 1970 map to the Unix epoch.
    pub fn from_system_time(time: SystemTime) -> Self {
        let since_unix = time
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        NtpTime(from_duration(
            since_unix + Duration::from_secs(NTP_UNIX_OFFSET_SECS),
        ))
    }

    /// The middle 32 bits, as the LSR field of a report block carries them.
    pub fn compact(self) -> u32 {
        // Truncation to the middle 32 bits is the format (RFC 3550 §6.4.1).
        (self.0 >> 16) as u32
    }

    pub fn seconds(self) -> u32 {
        (self.0 >> 32) as u32
    }

    pub fn fraction(self) -> u32 {
        self.0 as u32
    }
}

impl NtpClock {
    /// `now` and `wall_clock` are read together by the driver, once.
    pub fn new(now: Instant, wall_clock: SystemTime) -> Self {
        NtpClock {
            anchor: now,
            anchor_ntp: NtpTime::from_system_time(wall_clock),
        }
    }

    /// NTP time at `now`; instants before the anchor map to the anchor.
    pub fn at(&self, now: Instant) -> NtpTime {
        let elapsed = now.saturating_duration_since(self.anchor);
        NtpTime(self.anchor_ntp.0.wrapping_add(from_duration(elapsed)))
    }
}

/// A compact (16.16) NTP duration, as DLSR and round-trip arithmetic use.
pub(crate) fn compact_to_duration(compact: u32) -> Duration {
    Duration::from_nanos((u64::from(compact) * 1_000_000_000) >> 16)
}

pub(crate) fn duration_to_compact(duration: Duration) -> u32 {
    let compact = (duration.as_nanos() << 16) / 1_000_000_000;
    u32::try_from(compact).unwrap_or(u32::MAX)
}

fn from_duration(duration: Duration) -> u64 {
    let fraction = (u64::from(duration.subsec_nanos()) << 32) / 1_000_000_000;
    (duration.as_secs() << 32).wrapping_add(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_epoch_is_ntp_2208988800() {
        let ntp = NtpTime::from_system_time(SystemTime::UNIX_EPOCH);
        assert_eq!(ntp.seconds(), 2_208_988_800);
        assert_eq!(ntp.fraction(), 0);
    }

    #[test]
    fn clock_advances_with_instants() {
        let start = Instant::now();
        let clock = NtpClock::new(start, SystemTime::UNIX_EPOCH);
        let later = clock.at(start + Duration::from_millis(1500));
        assert_eq!(later.seconds(), 2_208_988_801);
        assert_eq!(later.fraction(), 1 << 31);
        assert_eq!(
            later.compact(),
            ((2_208_988_801u64 & 0xffff) << 16 | 0x8000) as u32
        );
    }

    #[test]
    fn compact_durations_round_trip() {
        let d = Duration::from_millis(1250);
        assert_eq!(duration_to_compact(d), 0x0001_4000);
        assert_eq!(compact_to_duration(0x0001_4000), d);
    }
}
