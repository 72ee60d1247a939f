//! `start_dtmf` and `stop_dtmf`, as FreeSWITCH's: listen for DTMF tones in the audio the
//! channel reads (through a media tap) and queue each digit heard on the channel, as if it
//! had arrived out of band, until `stop_dtmf` or the end of the call.

use ferroswitch_abi::prelude::*;
use ferroswitch_abi::{Dtmf, ErrorKind, MediaTap, TapDirection};

use super::dtmf_detect::{DtmfDetector, RATE};

/// The tap's name on the channel.
const TAP: &str = "inband_dtmf";

/// The `start_dtmf` application.
pub struct StartDtmf;

impl Application for StartDtmf {
    fn run(&self, session: Session, _arg: &str) -> Result<(), Error> {
        let tap = DetectorTap {
            session,
            detector: DtmfDetector::default(),
        };
        match session.start_tap(TAP, RATE, tap) {
            Err(error) if error.kind == ErrorKind::DUPLICATE => {
                session.log(LogLevel::Debug, "start_dtmf: already listening for DTMF");
                Ok(())
            }
            other => other,
        }
    }
}

/// The `stop_dtmf` application.
pub struct StopDtmf;

impl Application for StopDtmf {
    fn run(&self, session: Session, _arg: &str) -> Result<(), Error> {
        session.stop_taps(TAP, false).map(|_| ())
    }
}

/// The tap that listens.
struct DetectorTap {
    session: Session,
    detector: DtmfDetector,
}

impl MediaTap for DetectorTap {
    fn on_audio(&mut self, direction: TapDirection, pcm: &[i16]) -> Result<(), Error> {
        if direction != TapDirection::Read {
            return Ok(());
        }
        let session = self.session;
        let mut queued = Ok(());
        self.detector.feed(pcm, |digit, duration_ms| {
            session.log(
                LogLevel::Debug,
                &format!("in-band DTMF {digit} ({duration_ms} ms)"),
            );
            let result = session.queue_dtmf(Dtmf {
                digit: u32::from(digit),
                duration_ms,
            });
            queued = queued.clone().and(result);
        });
        queued
    }

    fn on_close(&mut self) {}
}
