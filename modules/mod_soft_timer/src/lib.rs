//! mod_soft_timer: the `soft` timer, a clock on the monotonic system clock that paces media.
//!
//! `start(interval_ms, samples_per_tick)` accepts the intervals in [`INTERVALS_MS`] and
//! returns a clock whose `next()` sleeps until the next tick boundary, counted from the
//! clock's start so that it never drifts (see [`schedule`]).

pub mod instance;
pub mod punctuality;
pub mod schedule;

use std::time::Duration;

use ferroswitch_abi::{ApiDesc, Error, Host, Registrar, Timer, TimerDesc, TimerInstance};

use crate::instance::SoftClock;

/// The intervals the soft timer runs at, in milliseconds.
pub const INTERVALS_MS: [u32; 5] = [10, 20, 30, 40, 60];

/// The `soft` timer.
#[derive(Debug, Default)]
pub struct SoftTimer;

impl Timer for SoftTimer {
    fn start(
        &self,
        interval_ms: u32,
        samples_per_tick: u32,
    ) -> Result<Box<dyn TimerInstance>, Error> {
        if !INTERVALS_MS.contains(&interval_ms) {
            let supported: Vec<String> = INTERVALS_MS.iter().map(u32::to_string).collect();
            return Err(Error::invalid_argument(format!(
                "timer soft: unsupported interval {interval_ms} ms (supported: {} ms)",
                supported.join(", ")
            )));
        }
        Ok(Box::new(SoftClock::start(
            Duration::from_millis(u64::from(interval_ms)),
            samples_per_tick,
        )))
    }
}

fn load(_host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
    registrar.add_timer(
        TimerDesc {
            name: "soft".into(),
            intervals_ms: INTERVALS_MS.to_vec().into(),
        },
        SoftTimer,
    )?;
    registrar.add_api(
        ApiDesc::new(
            "soft_timer_stats",
            "Ticks the soft timer handed out, and how many of them late",
            "",
        ),
        punctuality::StatsApi,
    )
}

fn shutdown(_host: Host) -> Result<(), Error> {
    // Running clocks share nothing with the module; they keep ticking for their callers.
    Ok(())
}

ferroswitch_abi::export_module!(
    name: "mod_soft_timer",
    description: "Soft timer: media clocks on the monotonic system clock",
    load: load,
    shutdown: shutdown,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_unsupported_intervals_by_name() {
        let error = SoftTimer
            .start(25, 200)
            .err()
            .expect("25 ms is not supported");
        assert_eq!(error.kind, ferroswitch_abi::ErrorKind::INVALID_ARGUMENT);
        assert!(error.message().contains("25 ms"), "{error}");
        assert!(error.message().contains("10, 20, 30, 40, 60"), "{error}");
    }

    #[test]
    fn starts_every_supported_interval() {
        for interval in INTERVALS_MS {
            let clock = SoftTimer.start(interval, 160).expect("supported");
            assert_eq!(clock.samplecount(), 0);
        }
    }
}
