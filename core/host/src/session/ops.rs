//! Operations on a channel from any thread: state changes, hangup, answer, transfer,
//! messages to the endpoint. None of them calls a module while holding the channel lock.

use ferroswitch_abi::{
    AnswerMode, ChannelFlags, ChannelMessage, ChannelState, Error, HangupCause, KillSignal,
    LogLevel, MessageKind,
};

use crate::core::Core;
use crate::events::micros_since_epoch;

use super::{channel_event, SessionInner};

/// Moves the channel to `state` and wakes its thread; the channel's new state generation.
/// Leaving the hangup states is refused.
pub fn set_state(session: &SessionInner, state: ChannelState) -> Result<u64, Error> {
    let mut channel = session.channel();
    if !channel.set_state(state) {
        return Err(Error::hung_up(format!(
            "channel {} is hanging up; cannot go to {state}",
            session.uuid
        )));
    }
    session.notify(&channel);
    Ok(channel.state_generation)
}

/// Hangs the channel up with `cause`. Returns false if it was already hanging up.
///
/// Order, as FreeSWITCH's: the state and cause are set at once (so waiting applications see
/// the channel is no longer ready), CHANNEL_HANGUP is fired, the endpoint is told to stop,
/// and only then does the session thread run the HANGUP state.
pub fn hangup(core: Core, session: &SessionInner, cause: HangupCause) -> bool {
    let order = session.event_order();
    {
        let mut channel = session.channel();
        if channel.state >= ChannelState::Hangup {
            return false;
        }
        channel.cause = cause;
        channel.flags.0 &= !ChannelFlags::READY.0;
        channel.times.hungup = micros_since_epoch();
        channel.set_state(ChannelState::Hangup);
        session.notify(&channel);
    }
    if core.inner().events.wanted("CHANNEL_HANGUP") {
        let event = channel_event(core, session, "CHANNEL_HANGUP");
        core.inner().events.fire(core, event);
    }
    drop(order);
    if core.inner().logging.enabled(LogLevel::Notice) {
        let name = session.channel().name.clone();
        super::machine::log(
            core,
            session,
            LogLevel::Notice,
            format_args!("Hangup {name} {}", cause.name()),
        );
    }
    if let Some(io) = session.io() {
        let handle = io.session_handle(core, session);
        if let Err(error) = io.object.kill(handle, KillSignal::Kill).into_result() {
            log_endpoint_error(core, session, "kill", &error);
        }
    }
    let channel = {
        let mut channel = session.channel();
        channel.hangup_announced = true;
        channel
    };
    session.notify(&channel);
    true
}

/// Answers, pre-answers or rings. Unless `mark_only`, the endpoint is told first (and may
/// refuse); then the flag is set and the event fired.
pub fn answer(
    core: Core,
    session: &SessionInner,
    mode: AnswerMode,
    mark_only: bool,
) -> Result<(), Error> {
    let (flag, kind, event_name) = match mode {
        AnswerMode::Answer => (
            ChannelFlags::ANSWERED,
            MessageKind::ANSWER,
            "CHANNEL_ANSWER",
        ),
        AnswerMode::PreAnswer => (
            ChannelFlags::EARLY_MEDIA,
            MessageKind::PROGRESS,
            "CHANNEL_PROGRESS_MEDIA",
        ),
        AnswerMode::RingReady => (
            ChannelFlags::RINGING,
            MessageKind::RINGING,
            "CHANNEL_PROGRESS",
        ),
    };
    // Held through the endpoint's answer, the flag and the event: a hangup or state change
    // racing with the answer reports after it.
    let _order = session.event_order();
    {
        let channel = session.channel();
        if !channel.is_ready() {
            return Err(Error::hung_up(format!(
                "channel {} is hanging up",
                session.uuid
            )));
        }
        if channel.flags.contains(flag)
            || (mode != AnswerMode::Answer && channel.flags.contains(ChannelFlags::ANSWERED))
        {
            return Ok(());
        }
    }
    if !mark_only {
        message(core, session, &ChannelMessage::new(kind))?;
    }
    {
        let mut channel = session.channel();
        if channel.flags.contains(flag) {
            return Ok(());
        }
        channel.flags.0 |= flag.0;
        let now = micros_since_epoch();
        match mode {
            AnswerMode::Answer => channel.times.answered = now,
            AnswerMode::PreAnswer => channel.times.progress_media = now,
            AnswerMode::RingReady => channel.times.progress = now,
        }
        session.notify(&channel);
    }
    if core.inner().events.wanted(event_name) {
        let event = channel_event(core, session, event_name);
        core.inner().events.fire(core, event);
    }
    Ok(())
}

/// Delivers `message` to the channel's endpoint.
pub fn message(core: Core, session: &SessionInner, message: &ChannelMessage) -> Result<(), Error> {
    let Some(io) = session.io() else {
        return Ok(());
    };
    io.object
        .receive_message(io.session_handle(core, session), message)
        .into_result()
}

/// Transfers the channel: a new destination (and dialplan and context, when given), then
/// ROUTING again; whatever application runs is interrupted.
pub fn transfer(
    session: &SessionInner,
    destination: &str,
    dialplan: &str,
    context: &str,
) -> Result<(), Error> {
    let mut channel = session.channel();
    if !channel.is_ready() {
        return Err(Error::hung_up(format!(
            "channel {} is hanging up",
            session.uuid
        )));
    }
    let old_destination = channel.profile.destination_number.clone();
    channel.profile.rdnis = old_destination;
    channel.profile.destination_number = destination.into();
    if !dialplan.is_empty() {
        channel.profile.dialplan = dialplan.into();
    }
    if !context.is_empty() {
        channel.profile.context = context.into();
    }
    channel.originating = false;
    channel.extension = None;
    channel.times.transferred = micros_since_epoch();
    channel.set_state(ChannelState::Routing);
    session.notify(&channel);
    Ok(())
}

/// Queues a digit from the far end and fires DTMF (FreeSWITCH's headers); waiting
/// applications are woken.
pub fn queue_dtmf(core: Core, session: &SessionInner, dtmf: ferroswitch_abi::Dtmf) {
    {
        let mut channel = session.channel();
        channel.dtmf.push_back(dtmf);
        session.notify(&channel);
    }
    session.fire_event(core, "DTMF", |event| {
        event
            .add_header("DTMF-Digit", &dtmf.digit_char().to_string())
            .add_header("DTMF-Duration", &(dtmf.duration_ms * 8).to_string())
            .add_header("DTMF-Source", "APP");
    });
}

/// Queues an application for the session thread (see `run_queued`).
pub fn queue_application(
    session: &SessionInner,
    name: &str,
    arg: &str,
    app_uuid: &str,
) -> Result<(), Error> {
    let mut channel = session.channel();
    if !channel.is_ready() {
        return Err(Error::hung_up(format!(
            "channel {} is hanging up",
            session.uuid
        )));
    }
    channel
        .queued_applications
        .push_back((name.to_owned(), arg.to_owned(), app_uuid.to_owned()));
    session.notify(&channel);
    Ok(())
}

/// Interrupts what the session's thread waits in (park, sleep): `uuid_break`.
pub fn break_wait(session: &SessionInner) -> Result<(), Error> {
    let mut channel = session.channel();
    if !channel.is_ready() {
        return Err(Error::hung_up(format!(
            "channel {} is hanging up",
            session.uuid
        )));
    }
    channel.break_requested = true;
    session.notify(&channel);
    Ok(())
}

/// Logs a failure the endpoint reported for an operation.
pub fn log_endpoint_error(core: Core, session: &SessionInner, operation: &str, error: &Error) {
    let endpoint = session
        .io()
        .map(|io| io.endpoint.clone())
        .unwrap_or_default();
    core.inner().logging.log(
        &core,
        LogLevel::Err,
        "core",
        &session.uuid,
        &format!("endpoint {endpoint} failed {operation}: {error}"),
    );
}
