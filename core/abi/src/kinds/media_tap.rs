//! Media taps: a module watching a channel's audio in both directions while other
//! applications run on it (FreeSWITCH's media bugs; `record_session` is built on one).
//!
//! A module attaches a tap with [`Session::start_tap`](crate::Session::start_tap). From then
//! on the core hands it every frame the channel reads from its endpoint and every frame
//! written to it, decoded to mono linear samples at the rate the tap asked for, on whichever
//! thread moved the frame. The tap ends when the module stops it by name, when its
//! `on_audio` fails, or when the channel hangs up; `on_close` is then called once.

use abi_stable::{
    sabi_trait,
    std_types::{RBox, RResult, RSlice},
    StableAbi,
};

use crate::{guard::guard, Error};

/// Which way the audio a tap sees was going.
#[repr(u8)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TapDirection {
    /// Read from the channel's endpoint: what the far end said.
    Read,
    /// Written to the channel's endpoint: what the far end hears.
    Write,
}

/// A tap, as a module author writes it. Its methods run on media threads, inside the core's
/// media path: they should be quick, and must not start or stop taps on the same channel.
pub trait MediaTap: Send + 'static {
    /// One frame's audio. An error removes the tap (and is logged by the core, with the
    /// tap's name).
    fn on_audio(&mut self, direction: TapDirection, pcm: &[i16]) -> Result<(), Error>;
    /// The tap was removed; no more audio follows.
    fn on_close(&mut self);
}

/// The FFI-safe form of [`MediaTap`].
#[sabi_trait]
pub trait FfiMediaTap: Send {
    fn on_audio(&mut self, direction: TapDirection, pcm: RSlice<'_, i16>) -> RResult<(), Error>;
    fn on_close(&mut self);
}

/// An owned FFI tap.
pub type FfiMediaTapBox = FfiMediaTap_TO<'static, RBox<()>>;

struct Guarded<T>(T);

impl<T: MediaTap> FfiMediaTap for Guarded<T> {
    fn on_audio(&mut self, direction: TapDirection, pcm: RSlice<'_, i16>) -> RResult<(), Error> {
        guard("media tap", || self.0.on_audio(direction, pcm.as_slice()))
    }

    fn on_close(&mut self) {
        // A panic while closing has nobody to report to; the tap is gone either way.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.0.on_close()));
    }
}

/// Wraps `tap` so that every call into it is panic-contained.
pub fn media_tap(tap: impl MediaTap) -> FfiMediaTapBox {
    FfiMediaTap_TO::from_value(Guarded(tap), abi_stable::sabi_trait::TD_Opaque)
}
