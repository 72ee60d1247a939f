//! The loop every media application runs: wait for the channel's next frame (reads are paced
//! by the endpoint, one per packet time), do the work of one frame, repeat. Between frames
//! the loop notices what ends a media application in FreeSWITCH: a hangup, a break
//! (`uuid_break`), or the channel leaving the state it ran in (a transfer); and applications
//! queued for the channel (`uuid_broadcast`) run there, as FreeSWITCH's
//! `switch_ivr_parse_all_events` runs them.

use ferroswitch_abi::prelude::*;
use ferroswitch_abi::{AnswerMode, MediaParams};

/// How long one read may wait before the loop counts that time as silence and checks again.
const READ_TIMEOUT_MS: u32 = 1000;

/// Why a media loop stopped before its application finished its work.
#[derive(Debug)]
pub enum Stop {
    /// The channel hung up.
    HungUp,
    /// `uuid_break` (or an application's break) interrupted it.
    Break,
    /// The channel left the state the application ran in (a transfer).
    Moved,
    /// Reading failed for another reason.
    Failed(Error),
}

/// One frame read from the channel.
pub struct Frame<'a> {
    /// The audio, mono at the loop's rate; empty when a read timed out.
    pub pcm: &'a [i16],
    /// The far end sent nothing for this frame (comfort noise, or a read that timed out).
    pub silent: bool,
    /// The time this frame stands for, in milliseconds.
    pub elapsed_ms: u32,
}

/// A media application's hold on its channel's frames.
pub struct MediaLoop {
    session: Session,
    state: ChannelState,
    params: MediaParams,
    rate: u32,
    buffer: Vec<i16>,
}

impl MediaLoop {
    /// Prepares to read the channel's frames at its own rate, pre-answering it first as
    /// FreeSWITCH's media applications do (an answered call stays answered).
    pub fn start(session: Session) -> Result<Self, Stop> {
        Self::start_at(session, None)
    }

    /// As [`MediaLoop::start`], reading at `rate` instead of the channel's rate.
    pub fn start_at(session: Session, rate: Option<u32>) -> Result<Self, Stop> {
        session
            .answer_with(AnswerMode::PreAnswer, false)
            .map_err(stop_for)?;
        let params = session.media().ok_or_else(|| Stop::HungUp)?;
        let rate = rate.unwrap_or(params.rate);
        let frame = rate as usize * usize::from(params.ptime_ms) / 1000;
        Ok(Self {
            session,
            state: session.state(),
            rate,
            buffer: vec![0; frame.max(1)],
            params,
        })
    }

    /// The rate frames are read at.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// The channel's packet time in milliseconds.
    pub fn ptime_ms(&self) -> u32 {
        u32::from(self.params.ptime_ms)
    }

    /// Samples in one frame at the loop's rate.
    pub fn samples_per_frame(&self) -> usize {
        self.buffer.len()
    }

    /// The session.
    pub fn session(&self) -> Session {
        self.session
    }

    /// Checks what ends a media application and runs applications queued meanwhile.
    pub fn check(&self) -> Result<(), Stop> {
        // A zero-length sleep is the core's check for hangup and break, and runs what was
        // queued for the channel.
        self.session.sleep(0).map_err(stop_for)?;
        if self.session.state() != self.state {
            return Err(Stop::Moved);
        }
        Ok(())
    }

    /// Waits for the channel's next frame.
    pub fn next_frame(&mut self) -> Result<Frame<'_>, Stop> {
        self.check()?;
        match self
            .session
            .read_audio(&mut self.buffer, self.rate, READ_TIMEOUT_MS)
        {
            Ok(frame) => {
                let samples = (frame.samples as usize).min(self.buffer.len());
                Ok(Frame {
                    pcm: &self.buffer[..samples],
                    silent: frame.flags.contains(FrameFlags::CNG),
                    elapsed_ms: self.ptime_ms(),
                })
            }
            Err(error) if error.kind == ErrorKind::TIMEOUT => Ok(Frame {
                pcm: &[],
                silent: true,
                elapsed_ms: READ_TIMEOUT_MS,
            }),
            Err(error) => Err(stop_for(error)),
        }
    }
}

/// What an error from the core means for a media loop.
pub fn stop_for(error: Error) -> Stop {
    match error.kind {
        ErrorKind::HUNG_UP => Stop::HungUp,
        ErrorKind::INTERRUPTED => Stop::Break,
        _ => Stop::Failed(error),
    }
}
