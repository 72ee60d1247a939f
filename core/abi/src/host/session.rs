//! [`Session`]: a module's handle to one channel.

use abi_stable::{
    std_types::{ROption, Tuple2},
    StableAbi,
};

use crate::{
    host::{handle::into_result, Host},
    kinds::media_tap::{media_tap, MediaTap},
    kinds::state_handler::{StateHandler, StateHandlerDesc, StateHandlerRecord},
    AnswerMode, AudioFrame, CallerProfile, ChannelFlags, ChannelMessage, ChannelState, Dtmf, Error,
    FrameMeta, HangupCause, LogLevel, MediaParams, SessionId,
};

/// A handle to one session: an id and the host. Copying it is free; it stays safe to use
/// after the session ends (calls then fail or return nothing).
#[repr(C)]
#[derive(StableAbi, Clone, Copy, Debug)]
pub struct Session {
    host: Host,
    id: SessionId,
}

impl Session {
    /// A handle to session `id`.
    pub fn new(host: Host, id: SessionId) -> Self {
        Self { host, id }
    }

    /// The session's id.
    pub fn id(&self) -> SessionId {
        self.id
    }

    /// The host this handle calls.
    pub fn host(&self) -> Host {
        self.host
    }

    fn table(&self) -> crate::HostTableRef {
        self.host.table()
    }

    /// The channel's UUID; empty once the session is gone.
    pub fn uuid(&self) -> String {
        (self.table().session_uuid())(self.host.ctx(), self.id)
            .into_option()
            .map(Into::into)
            .unwrap_or_default()
    }

    /// Logs `message` about this session.
    pub fn log(&self, level: LogLevel, message: &str) {
        (self.table().log())(
            self.host.ctx(),
            self.host.module(),
            level,
            ROption::RSome(self.id),
            message.into(),
        );
    }

    /// The channel variable `name`.
    pub fn variable(&self, name: &str) -> Option<String> {
        (self.table().channel_variable())(self.host.ctx(), self.id, name.into())
            .into_option()
            .map(Into::into)
    }

    /// Sets (or, with `None`, unsets) channel variable `name`.
    pub fn set_variable(&self, name: &str, value: Option<&str>) -> Result<(), Error> {
        let value = value.map(Into::into);
        into_result((self.table().channel_set_variable())(
            self.host.ctx(),
            self.id,
            name.into(),
            value.into(),
        ))
    }

    /// Every channel variable, in the order they were first set.
    pub fn variables(&self) -> Vec<(String, String)> {
        (self.table().channel_variables())(self.host.ctx(), self.id)
            .into_iter()
            .map(|Tuple2(name, value)| (name.into(), value.into()))
            .collect()
    }

    /// The channel's state; `ChannelState::None` once the session is gone.
    pub fn state(&self) -> ChannelState {
        (self.table().channel_state())(self.host.ctx(), self.id)
    }

    /// Moves the channel to `state`.
    pub fn set_state(&self, state: ChannelState) -> Result<(), Error> {
        into_result((self.table().channel_set_state())(
            self.host.ctx(),
            self.id,
            state,
        ))
    }

    /// The channel's flags.
    pub fn flags(&self) -> ChannelFlags {
        (self.table().channel_flags())(self.host.ctx(), self.id)
    }

    /// Whether the channel is up and not hanging up: applications should stop when not.
    pub fn is_ready(&self) -> bool {
        self.flags().contains(ChannelFlags::READY)
    }

    /// Whether the channel was answered.
    pub fn is_answered(&self) -> bool {
        self.flags().contains(ChannelFlags::ANSWERED)
    }

    /// The caller profile.
    pub fn caller_profile(&self) -> Option<CallerProfile> {
        (self.table().channel_caller_profile())(self.host.ctx(), self.id).into_option()
    }

    /// The hangup cause, `HangupCause::NONE` while the call is up.
    pub fn hangup_cause(&self) -> HangupCause {
        (self.table().channel_hangup_cause())(self.host.ctx(), self.id)
    }

    /// Answers the call (tells the endpoint, then marks the channel answered).
    pub fn answer(&self) -> Result<(), Error> {
        self.answer_with(AnswerMode::Answer, false)
    }

    /// Answers, pre-answers or rings; with `mark_only` it records that the far end did so,
    /// without telling the endpoint (what an endpoint calls when its peer answers).
    pub fn answer_with(&self, mode: AnswerMode, mark_only: bool) -> Result<(), Error> {
        into_result((self.table().session_answer())(
            self.host.ctx(),
            self.id,
            mode,
            mark_only,
        ))
    }

    /// Hangs the call up with `cause`.
    pub fn hangup(&self, cause: HangupCause) -> Result<(), Error> {
        into_result((self.table().session_hangup())(
            self.host.ctx(),
            self.id,
            cause,
        ))
    }

    /// Sleeps `ms` milliseconds on the session thread, returning early with an error if the
    /// channel hangs up or is interrupted.
    pub fn sleep(&self, ms: u32) -> Result<(), Error> {
        into_result((self.table().session_sleep())(self.host.ctx(), self.id, ms))
    }

    /// Parks: waits until the channel hangs up or is given something to do.
    pub fn park(&self) -> Result<(), Error> {
        into_result((self.table().session_park())(self.host.ctx(), self.id))
    }

    /// Runs application `name` with `arg` on this session (from its own thread).
    pub fn execute(&self, name: &str, arg: &str) -> Result<(), Error> {
        self.execute_with_uuid(name, arg, "")
    }

    /// As [`Session::execute`], with `app_uuid` as the application's UUID in its
    /// CHANNEL_EXECUTE and CHANNEL_EXECUTE_COMPLETE events (empty: the core makes one).
    pub fn execute_with_uuid(&self, name: &str, arg: &str, app_uuid: &str) -> Result<(), Error> {
        into_result((self.table().session_execute())(
            self.host.ctx(),
            self.id,
            name.into(),
            arg.into(),
            app_uuid.into(),
        ))
    }

    /// Queues application `name` with `arg` for the session's own thread to run at its next
    /// chance (see `HostTable::session_queue_application`); callable from any thread.
    pub fn queue_application(&self, name: &str, arg: &str) -> Result<(), Error> {
        self.queue_application_with_uuid(name, arg, "")
    }

    /// As [`Session::queue_application`], with `app_uuid` as the application's UUID in its
    /// events (an event-socket client's `event-uuid`; empty: the core makes one).
    pub fn queue_application_with_uuid(
        &self,
        name: &str,
        arg: &str,
        app_uuid: &str,
    ) -> Result<(), Error> {
        into_result((self.table().session_queue_application())(
            self.host.ctx(),
            self.id,
            name.into(),
            arg.into(),
            app_uuid.into(),
        ))
    }

    /// Interrupts what the session waits in (a park, a sleep): that application returns and
    /// the extension goes on (`uuid_break`).
    pub fn break_wait(&self) -> Result<(), Error> {
        into_result((self.table().session_break())(self.host.ctx(), self.id))
    }

    /// Attaches a per-channel state handler.
    pub fn add_state_handler(
        &self,
        desc: StateHandlerDesc,
        handler: impl StateHandler,
    ) -> Result<(), Error> {
        let record = StateHandlerRecord::new(desc, handler);
        into_result((self.table().session_add_state_handler())(
            self.host.ctx(),
            self.host.module(),
            self.id,
            record,
        ))
    }

    /// Reads the next frame into `buf`.
    pub fn read_frame(&self, buf: &mut [u8], timeout_ms: u32) -> Result<FrameMeta, Error> {
        into_result((self.table().session_read_frame())(
            self.host.ctx(),
            self.id,
            buf.into(),
            timeout_ms,
        ))
    }

    /// Writes a frame.
    pub fn write_frame(&self, meta: &FrameMeta, payload: &[u8]) -> Result<(), Error> {
        into_result((self.table().session_write_frame())(
            self.host.ctx(),
            self.id,
            meta,
            payload.into(),
        ))
    }

    /// Declares the codec the channel's endpoint reads and writes (endpoints call this once
    /// media is negotiated).
    pub fn set_media(&self, params: &MediaParams) -> Result<(), Error> {
        into_result((self.table().session_set_media())(
            self.host.ctx(),
            self.id,
            params,
        ))
    }

    /// The codec the channel's endpoint speaks; `None` once the session is gone.
    pub fn media(&self) -> Option<MediaParams> {
        (self.table().session_media())(self.host.ctx(), self.id).into_option()
    }

    /// Reads the next frame as linear samples at `rate` into `pcm` (decoded and resampled
    /// by the core). `ErrorKind::TIMEOUT` when none arrived within `timeout_ms`.
    pub fn read_audio(
        &self,
        pcm: &mut [i16],
        rate: u32,
        timeout_ms: u32,
    ) -> Result<AudioFrame, Error> {
        into_result((self.table().session_read_audio())(
            self.host.ctx(),
            self.id,
            pcm.into(),
            rate,
            timeout_ms,
        ))
    }

    /// Writes linear samples at `rate` (resampled, framed and encoded by the core).
    pub fn write_audio(&self, pcm: &[i16], rate: u32) -> Result<(), Error> {
        into_result((self.table().session_write_audio())(
            self.host.ctx(),
            self.id,
            pcm.into(),
            rate,
        ))
    }

    /// Bridges this session (on its own thread) with the answered leg `peer` until either
    /// hangs up or this one is transferred or told to break.
    pub fn bridge(&self, peer: &Session) -> Result<(), Error> {
        into_result((self.table().session_bridge())(
            self.host.ctx(),
            self.id,
            peer.id(),
        ))
    }

    /// Hunts `destination` in `dialplan` and `context` (empty: the channel's own) without
    /// running it; `None` when nothing matched.
    pub fn hunt(
        &self,
        destination: &str,
        dialplan: &str,
        context: &str,
    ) -> Result<Option<crate::Extension>, Error> {
        into_result((self.table().dialplan_hunt())(
            self.host.ctx(),
            self.id,
            destination.into(),
            dialplan.into(),
            context.into(),
        ))
        .map(ROption::into_option)
    }

    /// Sends a DTMF digit to the far end.
    pub fn send_dtmf(&self, dtmf: Dtmf) -> Result<(), Error> {
        into_result((self.table().session_send_dtmf())(
            self.host.ctx(),
            self.id,
            dtmf,
        ))
    }

    /// Queues a digit that arrived from the far end (endpoints call this).
    pub fn queue_dtmf(&self, dtmf: Dtmf) -> Result<(), Error> {
        into_result((self.table().channel_queue_dtmf())(
            self.host.ctx(),
            self.id,
            dtmf,
        ))
    }

    /// Takes the oldest digit queued on the channel.
    pub fn dequeue_dtmf(&self) -> Option<Dtmf> {
        (self.table().channel_dequeue_dtmf())(self.host.ctx(), self.id).into_option()
    }

    /// Delivers `message` to the channel's endpoint.
    pub fn message(&self, message: &ChannelMessage) -> Result<(), Error> {
        into_result((self.table().session_message())(
            self.host.ctx(),
            self.id,
            message,
        ))
    }

    /// Gives the channel applications to run now (see `HostTable::session_run_extension`).
    pub fn run_extension(&self, extension: crate::Extension) -> Result<(), Error> {
        into_result((self.table().session_run_extension())(
            self.host.ctx(),
            self.id,
            extension,
        ))
    }

    /// The channel's data as a `CHANNEL_DATA` event; `None` once the session is gone.
    pub fn event_data(&self) -> Option<crate::Event> {
        (self.table().channel_event_data())(self.host.ctx(), self.id).into_option()
    }

    /// Attaches `tap` as `name` (unique on the channel): from now until it is stopped or
    /// the channel hangs up, it sees the channel's audio both ways, as mono samples at
    /// `rate`.
    pub fn start_tap(&self, name: &str, rate: u32, tap: impl MediaTap) -> Result<(), Error> {
        into_result((self.table().session_tap_start())(
            self.host.ctx(),
            self.host.module(),
            self.id,
            name.into(),
            rate,
            media_tap(tap),
        ))
    }

    /// Stops the channel's tap `name` (with `prefix`, every tap whose name starts with it);
    /// how many were stopped.
    pub fn stop_taps(&self, name: &str, prefix: bool) -> Result<u32, Error> {
        into_result((self.table().session_tap_stop())(
            self.host.ctx(),
            self.id,
            name.into(),
            prefix,
        ))
    }

    /// Transfers the channel to `destination` (`dialplan` and `context` empty: its own).
    pub fn transfer(&self, destination: &str, dialplan: &str, context: &str) -> Result<(), Error> {
        into_result((self.table().session_transfer())(
            self.host.ctx(),
            self.id,
            destination.into(),
            dialplan.into(),
            context.into(),
        ))
    }
}
