//! The host function table. It is a prefix type: a newer core may append functions, and a
//! module built against an older table still finds everything it knows.

use abi_stable::{
    std_types::{ROption, RResult, RSlice, RSliceMut, RStr, RString, RVec, Tuple2},
    StableAbi,
};

use crate::{
    host::HostCtx,
    kinds::{
        codec::{CodecSettings, FfiDecoderBox, FfiEncoderBox},
        dialplan::Extension,
        format::{AudioSpec, FfiFileReaderBox, FfiFileWriterBox},
        media_tap::FfiMediaTapBox,
        state_handler::StateHandlerRecord,
        timer::FfiTimerInstanceBox,
    },
    AnswerMode, AudioFrame, CallerProfile, ChannelFlags, ChannelMessage, ChannelState, CoreStatus,
    Dtmf, Error, Event, FrameMeta, HangupCause, InterfaceInfo, InterfaceKind, LogLevel,
    MediaParams, ModuleId, ModuleInfo, NewSession, OriginateRequest, SessionId,
};

/// Variables as name/value pairs.
pub type VariableList = RVec<Tuple2<RString, RString>>;

/// The functions the core implements for modules. Every function is `extern "C"`, never
/// unwinds (the core contains its own panics), and reports failure as an [`Error`]. Module
/// code calls them through [`Host`](crate::Host) and [`Session`](crate::Session), not directly.
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = HostTableRef)))]
#[sabi(missing_field(panic))]
pub struct HostTable {
    // --- logging, configuration, events, API ---
    pub log: extern "C" fn(HostCtx, ModuleId, LogLevel, ROption<SessionId>, RStr<'_>),
    /// The XML text of `<configuration name="...">` in the running configuration.
    pub configuration: extern "C" fn(HostCtx, RStr<'_>) -> ROption<RString>,
    /// The XML text of `<section name="...">` (`dialplan`, `directory`) in the running
    /// configuration, each element carrying its origin (see `ferroswitch_xml::ORIGIN_ATTRIBUTE`).
    pub section: extern "C" fn(HostCtx, RStr<'_>) -> ROption<RString>,
    /// How many times the configuration was (re)loaded: a module caching what it built from
    /// the configuration rebuilds when this changes.
    pub config_generation: extern "C" fn(HostCtx) -> u64,
    /// The flags of application `name`, if it is registered (FreeSWITCH's `SAF_*`).
    pub application_flags: extern "C" fn(HostCtx, RStr<'_>) -> ROption<crate::AppFlags>,
    /// A `$${global}` variable.
    pub global_variable: extern "C" fn(HostCtx, RStr<'_>) -> ROption<RString>,
    pub fire_event: extern "C" fn(HostCtx, ModuleId, Event),
    /// Whether any handler subscribes to events named so (lets a module skip building one).
    pub event_wanted: extern "C" fn(HostCtx, RStr<'_>) -> bool,
    pub api_execute:
        extern "C" fn(HostCtx, RStr<'_>, RStr<'_>, ROption<SessionId>) -> RResult<RString, Error>,

    // --- sessions and channels ---
    pub session_create: extern "C" fn(HostCtx, ModuleId, NewSession) -> RResult<SessionId, Error>,
    pub session_locate: extern "C" fn(HostCtx, RStr<'_>) -> ROption<SessionId>,
    pub session_uuid: extern "C" fn(HostCtx, SessionId) -> ROption<RString>,
    pub channel_variable: extern "C" fn(HostCtx, SessionId, RStr<'_>) -> ROption<RString>,
    pub channel_set_variable:
        extern "C" fn(HostCtx, SessionId, RStr<'_>, ROption<RStr<'_>>) -> RResult<(), Error>,
    pub channel_variables: extern "C" fn(HostCtx, SessionId) -> VariableList,
    pub channel_state: extern "C" fn(HostCtx, SessionId) -> ChannelState,
    pub channel_set_state: extern "C" fn(HostCtx, SessionId, ChannelState) -> RResult<(), Error>,
    pub channel_flags: extern "C" fn(HostCtx, SessionId) -> ChannelFlags,
    pub channel_caller_profile: extern "C" fn(HostCtx, SessionId) -> ROption<CallerProfile>,
    pub channel_hangup_cause: extern "C" fn(HostCtx, SessionId) -> HangupCause,
    /// Answers (or pre-answers, or rings); with `mark_only` it only records that the far end
    /// did, without telling the endpoint (FreeSWITCH's `switch_channel_mark_answered`).
    pub session_answer: extern "C" fn(HostCtx, SessionId, AnswerMode, bool) -> RResult<(), Error>,
    pub session_hangup: extern "C" fn(HostCtx, SessionId, HangupCause) -> RResult<(), Error>,
    /// Waits `ms` on the session's own thread; ends early with an error once it hangs up.
    pub session_sleep: extern "C" fn(HostCtx, SessionId, u32) -> RResult<(), Error>,
    /// Parks the session on its own thread until it hangs up or is given something to do.
    pub session_park: extern "C" fn(HostCtx, SessionId) -> RResult<(), Error>,
    /// Runs application `name` with `arg` on the session, on the calling (session) thread.
    /// The last argument is the application's UUID for its CHANNEL_EXECUTE events (FreeSWITCH's
    /// `app_uuid`, e.g. an event-socket client's `event-uuid`); empty: the core makes one.
    pub session_execute:
        extern "C" fn(HostCtx, SessionId, RStr<'_>, RStr<'_>, RStr<'_>) -> RResult<(), Error>,
    pub session_add_state_handler:
        extern "C" fn(HostCtx, ModuleId, SessionId, StateHandlerRecord) -> RResult<(), Error>,
    pub session_read_frame:
        extern "C" fn(HostCtx, SessionId, RSliceMut<'_, u8>, u32) -> RResult<FrameMeta, Error>,
    pub session_write_frame:
        extern "C" fn(HostCtx, SessionId, &FrameMeta, RSlice<'_, u8>) -> RResult<(), Error>,
    /// Sends a digit to the far end through the channel's endpoint.
    pub session_send_dtmf: extern "C" fn(HostCtx, SessionId, Dtmf) -> RResult<(), Error>,
    /// Queues a digit that arrived from the far end (what an endpoint calls); fires DTMF.
    pub channel_queue_dtmf: extern "C" fn(HostCtx, SessionId, Dtmf) -> RResult<(), Error>,
    /// Takes the oldest queued digit, if any (what digit-collecting applications call).
    pub channel_dequeue_dtmf: extern "C" fn(HostCtx, SessionId) -> ROption<Dtmf>,
    /// Delivers a message to the session's endpoint.
    pub session_message: extern "C" fn(HostCtx, SessionId, &ChannelMessage) -> RResult<(), Error>,
    /// Transfers to `destination` in `dialplan` and `context` (empty: the channel's own).
    pub session_transfer:
        extern "C" fn(HostCtx, SessionId, RStr<'_>, RStr<'_>, RStr<'_>) -> RResult<(), Error>,
    /// Places outbound legs and waits for one to answer; the answered leg's id.
    pub originate: extern "C" fn(HostCtx, OriginateRequest) -> RResult<SessionId, Error>,
    /// Gives an answered outbound leg (or a parked channel) applications to run: sets its
    /// extension and moves it to EXECUTE (what `originate ... &app(arg)` does).
    pub session_run_extension: extern "C" fn(HostCtx, SessionId, Extension) -> RResult<(), Error>,
    /// The channel's data as a `CHANNEL_DATA` event (what `uuid_dump` prints).
    pub channel_event_data: extern "C" fn(HostCtx, SessionId) -> ROption<Event>,
    /// One row per live channel, columns named as FreeSWITCH's `show channels`.
    pub channels: extern "C" fn(HostCtx) -> RVec<VariableList>,
    /// Hangs up every channel (whose variable `.0` equals `.1`, when given); how many.
    pub hangup_all: extern "C" fn(HostCtx, HangupCause, ROption<Tuple2<RStr<'_>, RStr<'_>>>) -> u32,

    // --- media objects from codec, format and timer modules ---
    pub codec_encoder:
        extern "C" fn(HostCtx, RStr<'_>, &CodecSettings) -> RResult<FfiEncoderBox, Error>,
    pub codec_decoder:
        extern "C" fn(HostCtx, RStr<'_>, &CodecSettings) -> RResult<FfiDecoderBox, Error>,
    pub file_open_read: extern "C" fn(HostCtx, RStr<'_>) -> RResult<FfiFileReaderBox, Error>,
    pub file_open_write:
        extern "C" fn(HostCtx, RStr<'_>, AudioSpec) -> RResult<FfiFileWriterBox, Error>,
    pub timer_start:
        extern "C" fn(HostCtx, RStr<'_>, u32, u32) -> RResult<FfiTimerInstanceBox, Error>,

    // --- modules and the core ---
    pub modules: extern "C" fn(HostCtx) -> RVec<ModuleInfo>,
    pub interfaces: extern "C" fn(HostCtx, ROption<InterfaceKind>) -> RVec<InterfaceInfo>,
    pub module_load: extern "C" fn(HostCtx, RStr<'_>) -> RResult<RString, Error>,
    pub module_unload: extern "C" fn(HostCtx, RStr<'_>) -> RResult<RString, Error>,
    pub module_reload: extern "C" fn(HostCtx, RStr<'_>) -> RResult<RString, Error>,
    pub reload_xml: extern "C" fn(HostCtx) -> RResult<RString, Error>,
    pub core_status: extern "C" fn(HostCtx) -> CoreStatus,
    /// Queues application `name` with `arg` to run on the session's own thread at its next
    /// chance: while it parks, sleeps or waits in a media state, or between the applications
    /// of its extension (what the event socket's `sendmsg execute` does).
    /// The last argument is the application's UUID, as for `session_execute`.
    pub session_queue_application:
        extern "C" fn(HostCtx, SessionId, RStr<'_>, RStr<'_>, RStr<'_>) -> RResult<(), Error>,
    /// Interrupts what the session's thread waits in (a park, a sleep), as `uuid_break` does:
    /// the waiting application returns and the extension goes on.
    pub session_break: extern "C" fn(HostCtx, SessionId) -> RResult<(), Error>,
    /// Runs a job on the core's thread pool.
    pub run_task: extern "C" fn(HostCtx, crate::host::task::FfiTaskBox) -> RResult<(), Error>,
    /// Asks the core to hang up every call and exit.
    #[sabi(last_prefix_field)]
    pub shutdown: extern "C" fn(HostCtx),

    // --- media through the core (appended after the first prefix) ---
    /// Declares the codec the channel's endpoint reads and writes. Fails, naming the codec,
    /// when no loaded module provides it at that rate.
    pub session_set_media: extern "C" fn(HostCtx, SessionId, &MediaParams) -> RResult<(), Error>,
    /// The codec the channel's endpoint speaks (linear 8 kHz if it never declared one).
    pub session_media: extern "C" fn(HostCtx, SessionId) -> ROption<MediaParams>,
    /// Reads the next frame decoded to linear samples at the given rate (the core decodes
    /// with the channel's codec and resamples). Arguments: buffer, rate, timeout in ms.
    pub session_read_audio: extern "C" fn(
        HostCtx,
        SessionId,
        RSliceMut<'_, i16>,
        u32,
        u32,
    ) -> RResult<AudioFrame, Error>,
    /// Writes linear samples at the given rate: the core resamples, gathers whole frames of
    /// the channel's packet time and encodes them with the channel's codec.
    pub session_write_audio:
        extern "C" fn(HostCtx, SessionId, RSlice<'_, i16>, u32) -> RResult<(), Error>,
    /// Bridges the calling session (first id, on its own thread) with an answered leg: media
    /// flows both ways (transcoded when the codecs differ) until either hangs up or the
    /// caller is transferred or told to break.
    pub session_bridge: extern "C" fn(HostCtx, SessionId, SessionId) -> RResult<(), Error>,
    /// Hunts `destination` in `dialplan` and `context` (empty: the channel's own) for the
    /// session without running anything: what `execute_extension` runs.
    pub dialplan_hunt: extern "C" fn(
        HostCtx,
        SessionId,
        RStr<'_>,
        RStr<'_>,
        RStr<'_>,
    ) -> RResult<ROption<Extension>, Error>,

    // --- media taps (appended after the media functions) ---
    /// Attaches a media tap named by the third argument (unique on the channel; a name in
    /// use is refused) that sees the channel's audio both ways as mono samples at the rate
    /// given fourth. The module id is the tap's owner, leased while the tap lives.
    pub session_tap_start: extern "C" fn(
        HostCtx,
        ModuleId,
        SessionId,
        RStr<'_>,
        u32,
        FfiMediaTapBox,
    ) -> RResult<(), Error>,
    /// Removes the channel's taps named by the third argument (with the last argument true:
    /// those whose names start with it), calling their `on_close`; how many were removed.
    pub session_tap_stop: extern "C" fn(HostCtx, SessionId, RStr<'_>, bool) -> RResult<u32, Error>,

    // --- event interest (appended after the media taps) ---
    /// Says whether the calling module's event handlers have anyone to pass events to. While
    /// a module says false (an event socket with no client), the core counts its handlers out
    /// of [`event_wanted`](Self::event_wanted) and does not call them, so events nobody reads
    /// are not built. Handlers want events until their module says otherwise.
    pub event_handlers_active: extern "C" fn(HostCtx, ModuleId, bool),
}
