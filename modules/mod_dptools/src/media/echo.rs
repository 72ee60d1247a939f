//! `echo`, as FreeSWITCH's: returns every frame the channel reads to it untouched (frames
//! in the channel's own codec pass through without transcoding) until the call hangs up, is
//! broken (`uuid_break`) or is transferred.

use ferroswitch_abi::prelude::*;

use super::media_loop::{MediaLoop, Stop};

/// How long one read may wait before the loop checks the channel again.
const READ_TIMEOUT_MS: u32 = 1000;

/// Room for one frame of any codec: 60 ms of 48 kHz stereo linear audio.
const FRAME_BYTES: usize = 48 * 60 * 2 * 2;

/// The `echo` application.
pub struct Echo;

impl Application for Echo {
    fn run(&self, session: Session, _arg: &str) -> Result<(), Error> {
        let Ok(media) = MediaLoop::start(session) else {
            return Ok(());
        };
        let mut buffer = vec![0u8; FRAME_BYTES];
        loop {
            if media.check().is_err() {
                return Ok(());
            }
            let meta = match session.read_frame(&mut buffer, READ_TIMEOUT_MS) {
                Ok(meta) => meta,
                Err(error) if error.kind == ErrorKind::TIMEOUT => continue,
                Err(error) if error.kind == ErrorKind::HUNG_UP => return Ok(()),
                Err(error) => return Err(error),
            };
            let len = (meta.len as usize).min(buffer.len());
            if let Err(error) = session.write_frame(&meta, &buffer[..len]) {
                return match super::media_loop::stop_for(error) {
                    Stop::Failed(error) => Err(error),
                    _ => Ok(()),
                };
            }
        }
    }
}
