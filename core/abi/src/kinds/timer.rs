//! Timers: clocks that tick every N milliseconds and pace media.

use abi_stable::{
    sabi_trait,
    std_types::{RBox, RResult, RString, RVec},
    StableAbi,
};

use crate::{guard::guard, Error};

/// What `show timer` lists.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct TimerDesc {
    /// The timer's name (`soft`).
    pub name: RString,
    /// The intervals it supports, in milliseconds.
    pub intervals_ms: RVec<u32>,
}

/// A timer factory, as a module author writes it.
pub trait Timer: Send + Sync + 'static {
    /// Starts a clock ticking every `interval_ms`, counting `samples_per_tick` samples per
    /// tick. An unsupported interval is an error naming it.
    fn start(
        &self,
        interval_ms: u32,
        samples_per_tick: u32,
    ) -> Result<Box<dyn TimerInstance>, Error>;
}

/// One running clock.
pub trait TimerInstance: Send + 'static {
    /// Waits for the next tick and returns its number (1 for the first). A caller that fell
    /// behind gets the due ticks at once, one per call, so no frame is dropped.
    fn next(&mut self) -> Result<u64, Error>;
    /// Whether a tick is due now, without waiting; when it is, consumes it.
    fn check(&mut self) -> Result<bool, Error>;
    /// Samples counted so far (ticks × samples per tick).
    fn samplecount(&self) -> u64;
}

/// The FFI-safe form of [`Timer`].
#[sabi_trait]
pub trait FfiTimer: Send + Sync {
    fn start(&self, interval_ms: u32, samples_per_tick: u32)
        -> RResult<FfiTimerInstanceBox, Error>;
}

/// The FFI-safe form of [`TimerInstance`].
#[sabi_trait]
pub trait FfiTimerInstance: Send {
    fn next(&mut self) -> RResult<u64, Error>;
    fn check(&mut self) -> RResult<bool, Error>;
    fn samplecount(&self) -> u64;
}

/// An owned FFI timer object.
pub type FfiTimerBox = FfiTimer_TO<'static, RBox<()>>;
/// An owned FFI running clock.
pub type FfiTimerInstanceBox = FfiTimerInstance_TO<'static, RBox<()>>;

struct Guarded<T>(T);

impl<T: Timer> FfiTimer for Guarded<T> {
    fn start(
        &self,
        interval_ms: u32,
        samples_per_tick: u32,
    ) -> RResult<FfiTimerInstanceBox, Error> {
        guard("timer start", || {
            let instance = self.0.start(interval_ms, samples_per_tick)?;
            Ok(FfiTimerInstance_TO::from_value(
                Guarded(instance),
                abi_stable::sabi_trait::TD_Opaque,
            ))
        })
    }
}

impl FfiTimerInstance for Guarded<Box<dyn TimerInstance>> {
    fn next(&mut self) -> RResult<u64, Error> {
        guard("timer", || self.0.next())
    }

    fn check(&mut self) -> RResult<bool, Error> {
        guard("timer", || self.0.check())
    }

    fn samplecount(&self) -> u64 {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.0.samplecount())).unwrap_or(0)
    }
}

/// A timer ready to register.
#[repr(C)]
#[derive(StableAbi)]
pub struct TimerRecord {
    pub desc: TimerDesc,
    pub object: FfiTimerBox,
}

impl TimerRecord {
    /// Wraps `timer` so that every call, and every clock it starts, is panic-contained.
    pub fn new(desc: TimerDesc, timer: impl Timer) -> Self {
        Self {
            desc,
            object: FfiTimer_TO::from_value(Guarded(timer), abi_stable::sabi_trait::TD_Opaque),
        }
    }
}
