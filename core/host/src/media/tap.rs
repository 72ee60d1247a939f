//! A channel's media taps (FreeSWITCH's media bugs): modules that see every frame the
//! channel reads from its endpoint and every frame written to it, decoded to mono samples at
//! the rate each tap asked for. A channel without taps pays one atomic load per frame.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use ferroswitch_abi::{Error, FfiMediaTapBox, FrameMeta, LogLevel, TapDirection};

use crate::core::Core;
use crate::loader::Lease;

use super::codecs::DecoderCache;
use super::decode::decode_frame;
use super::resample::ResamplerSlot;

/// One attached tap.
struct Tap {
    name: String,
    rate: u32,
    object: FfiMediaTapBox,
    /// Keeps the tap's module loaded while the core may call into it.
    _lease: Lease,
    /// Per direction (read, write): rate conversion to the tap's rate, kept between frames.
    resamplers: [ResamplerSlot; 2],
    resampled: Vec<i16>,
}

/// Decoding one direction's frames once for every tap.
#[derive(Default)]
struct Decoding {
    decoders: DecoderCache,
    pcm: Vec<i16>,
    scratch: Vec<i16>,
}

#[derive(Default)]
struct TapList {
    taps: Vec<Tap>,
    /// Per direction (read, write).
    decoding: [Decoding; 2],
}

/// The taps on one channel.
#[derive(Default)]
pub struct Taps {
    /// Whether `list` holds any tap: read without the lock on every frame.
    active: AtomicBool,
    list: Mutex<TapList>,
}

fn index(direction: TapDirection) -> usize {
    match direction {
        TapDirection::Read => 0,
        TapDirection::Write => 1,
    }
}

impl Taps {
    fn lock(&self) -> MutexGuard<'_, TapList> {
        self.list
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Attaches `object` as `name`, refusing a name already attached.
    pub fn add(
        &self,
        name: &str,
        rate: u32,
        object: FfiMediaTapBox,
        lease: Lease,
    ) -> Result<(), Error> {
        if !matches!(rate, 8000 | 16000 | 32000 | 48000) {
            return Err(Error::invalid_argument(format!(
                "media tap {name}: rate {rate} Hz is not one of 8000, 16000, 32000, 48000"
            )));
        }
        let mut list = self.lock();
        if list.taps.iter().any(|tap| tap.name == name) {
            return Err(Error::new(
                ferroswitch_abi::ErrorKind::DUPLICATE,
                format!("media tap {name} is already attached to the channel"),
            ));
        }
        list.taps.push(Tap {
            name: name.to_owned(),
            rate,
            object,
            _lease: lease,
            resamplers: Default::default(),
            resampled: Vec::new(),
        });
        self.active.store(true, Ordering::Release);
        Ok(())
    }

    /// Removes the taps named `name` (or, with `prefix`, starting with it) and closes them;
    /// how many there were.
    pub fn remove(&self, name: &str, prefix: bool) -> u32 {
        let removed = {
            let mut list = self.lock();
            let (removed, kept) = std::mem::take(&mut list.taps)
                .into_iter()
                .partition::<Vec<_>, _>(|tap| {
                    if prefix {
                        tap.name.starts_with(name)
                    } else {
                        tap.name == name
                    }
                });
            list.taps = kept;
            self.active.store(!list.taps.is_empty(), Ordering::Release);
            removed
        };
        let count = removed.len() as u32;
        close(removed);
        count
    }

    /// Removes and closes every tap (the channel hangs up).
    pub fn close_all(&self) {
        if self.active.load(Ordering::Acquire) {
            self.remove("", true);
        }
    }

    /// Hands the frame `meta` + `payload` going `direction` to every tap. A tap that fails
    /// is removed, closed and logged against the channel `uuid`.
    pub fn feed(
        &self,
        core: Core,
        uuid: &str,
        direction: TapDirection,
        meta: &FrameMeta,
        payload: &[u8],
    ) {
        if !self.active.load(Ordering::Acquire) {
            return;
        }
        let failed = {
            let mut guard = self.lock();
            let list = &mut *guard;
            let decoding = &mut list.decoding[index(direction)];
            if let Err(error) = decode_frame(
                core,
                &mut decoding.decoders,
                "",
                meta,
                payload,
                &mut decoding.pcm,
                &mut decoding.scratch,
            ) {
                // Undecodable audio is not the taps' fault: they miss this frame only.
                log(core, uuid, &format!("media taps skip a frame: {error}"));
                return;
            }
            let mut failed = Vec::new();
            let mut position = 0;
            while position < list.taps.len() {
                let tap = &mut list.taps[position];
                match deliver(tap, direction, &decoding.pcm, meta.rate) {
                    Ok(()) => position += 1,
                    Err(error) => failed.push((list.taps.remove(position), error)),
                }
            }
            self.active.store(!list.taps.is_empty(), Ordering::Release);
            failed
        };
        for (tap, error) in failed {
            log(
                core,
                uuid,
                &format!("media tap {} removed: {error}", tap.name),
            );
            close(vec![tap]);
        }
    }
}

impl Drop for Taps {
    fn drop(&mut self) {
        self.close_all();
    }
}

/// Resamples `pcm` (at `rate`) to the tap's rate and hands it over.
fn deliver(tap: &mut Tap, direction: TapDirection, pcm: &[i16], rate: u32) -> Result<(), Error> {
    tap.resampled.clear();
    tap.resamplers[index(direction)].convert(pcm, rate, tap.rate, &mut tap.resampled)?;
    tap.object
        .on_audio(direction, tap.resampled.as_slice().into())
        .into_result()
}

fn close(taps: Vec<Tap>) {
    for mut tap in taps {
        tap.object.on_close();
    }
}

fn log(core: Core, uuid: &str, message: &str) {
    core.inner()
        .logging
        .log(&core, LogLevel::Err, "core", uuid, message);
}
