//! Host functions on sessions and channels.

use std::sync::Arc;
use std::time::Duration;

use abi_stable::std_types::{ROption, RResult, RSlice, RSliceMut, RStr, RString, RVec, Tuple2};
use ferroswitch_abi::{
    guard::guard, AnswerMode, CallerProfile, ChannelFlags, ChannelMessage, ChannelState, Dtmf,
    Error, Event, Extension, FrameMeta, HangupCause, HostCtx, ModuleId, NewSession,
    OriginateRequest, SessionId, StateHandlerRecord,
};

use crate::session::{self, channel_event, ops, ChannelIo, Direction, NewChannel};

use super::{core, quiet, with_session};

type Pairs = RVec<Tuple2<RString, RString>>;

pub extern "C" fn session_create(
    ctx: HostCtx,
    module: ModuleId,
    request: NewSession,
) -> RResult<SessionId, Error> {
    guard("session_create", || {
        let core = core(ctx);
        let slot = core.inner().modules.slot_by_id(module).ok_or_else(|| {
            Error::not_found(format!("session_create: module {} is not loaded", module.0))
        })?;
        let NewSession {
            endpoint,
            channel_name,
            caller_profile,
            variables,
            io,
            partner,
        } = request;
        let partner = partner
            .into_option()
            .and_then(|id| core.inner().sessions.get(id))
            .map(|s| s.uuid.clone());
        let sessions = &core.inner().sessions;
        let session = sessions.create(
            core,
            NewChannel {
                name: channel_name.into(),
                direction: Direction::Inbound,
                profile: caller_profile,
                variables: variables
                    .into_iter()
                    .map(|Tuple2(name, value)| (name.into(), value.into()))
                    .collect(),
                partner,
            },
        )?;
        sessions.attach_io(&session, ChannelIo::new(io, endpoint.into(), slot.lease()));
        sessions.start(core, Arc::clone(&session))?;
        Ok(session.id)
    })
}

pub extern "C" fn session_locate(ctx: HostCtx, uuid: RStr<'_>) -> ROption<SessionId> {
    quiet(ROption::RNone, || {
        core(ctx)
            .inner()
            .sessions
            .locate(uuid.as_str())
            .map(|session| session.id)
            .into()
    })
}

pub extern "C" fn session_uuid(ctx: HostCtx, id: SessionId) -> ROption<RString> {
    quiet(ROption::RNone, || {
        core(ctx)
            .inner()
            .sessions
            .get(id)
            .map(|session| RString::from(session.uuid.as_str()))
            .into()
    })
}

pub extern "C" fn channel_variable(
    ctx: HostCtx,
    id: SessionId,
    name: RStr<'_>,
) -> ROption<RString> {
    quiet(ROption::RNone, || {
        core(ctx)
            .inner()
            .sessions
            .get(id)
            .and_then(|session| session.channel().variable(name.as_str()))
            .map(RString::from)
            .into()
    })
}

pub extern "C" fn channel_set_variable(
    ctx: HostCtx,
    id: SessionId,
    name: RStr<'_>,
    value: ROption<RStr<'_>>,
) -> RResult<(), Error> {
    with_session(ctx, id, "set variable", |_, session| {
        if name.is_empty() {
            return Err(Error::invalid_argument("a variable needs a name"));
        }
        session.channel().set_variable(
            name.as_str(),
            value.into_option().map(|value| value.as_str()),
        );
        Ok(())
    })
}

pub extern "C" fn channel_variables(ctx: HostCtx, id: SessionId) -> Pairs {
    quiet(RVec::new(), || {
        let Some(session) = core(ctx).inner().sessions.get(id) else {
            return RVec::new();
        };
        let channel = session.channel();
        channel
            .variables
            .iter()
            .map(|(name, value)| Tuple2(name.as_str().into(), value.as_str().into()))
            .collect()
    })
}

pub extern "C" fn channel_state(ctx: HostCtx, id: SessionId) -> ChannelState {
    quiet(ChannelState::None, || {
        core(ctx)
            .inner()
            .sessions
            .get(id)
            .map_or(ChannelState::None, |session| session.channel().state)
    })
}

pub extern "C" fn channel_set_state(
    ctx: HostCtx,
    id: SessionId,
    state: ChannelState,
) -> RResult<(), Error> {
    with_session(ctx, id, "set state", |core, session| {
        if state == ChannelState::Hangup {
            ops::hangup(core, &session, HangupCause::NORMAL_CLEARING);
            return Ok(());
        }
        ops::set_state(&session, state).map(drop)
    })
}

pub extern "C" fn channel_flags(ctx: HostCtx, id: SessionId) -> ChannelFlags {
    quiet(ChannelFlags::default(), || {
        core(ctx)
            .inner()
            .sessions
            .get(id)
            .map_or(ChannelFlags::default(), |session| {
                let channel = session.channel();
                let mut flags = channel.flags;
                if !channel.is_ready() {
                    flags.0 &= !ChannelFlags::READY.0;
                }
                flags
            })
    })
}

pub extern "C" fn channel_caller_profile(ctx: HostCtx, id: SessionId) -> ROption<CallerProfile> {
    quiet(ROption::RNone, || {
        core(ctx)
            .inner()
            .sessions
            .get(id)
            .map(|session| session.channel().profile.clone())
            .into()
    })
}

pub extern "C" fn channel_hangup_cause(ctx: HostCtx, id: SessionId) -> HangupCause {
    quiet(HangupCause::NONE, || {
        core(ctx)
            .inner()
            .sessions
            .get(id)
            .map_or(HangupCause::NONE, |session| session.channel().cause)
    })
}

pub extern "C" fn session_answer(
    ctx: HostCtx,
    id: SessionId,
    mode: AnswerMode,
    mark_only: bool,
) -> RResult<(), Error> {
    with_session(ctx, id, "answer", |core, session| {
        ops::answer(core, &session, mode, mark_only)
    })
}

pub extern "C" fn session_hangup(
    ctx: HostCtx,
    id: SessionId,
    cause: HangupCause,
) -> RResult<(), Error> {
    with_session(ctx, id, "hangup", |core, session| {
        ops::hangup(core, &session, cause);
        Ok(())
    })
}

pub extern "C" fn session_sleep(ctx: HostCtx, id: SessionId, ms: u32) -> RResult<(), Error> {
    with_session(ctx, id, "sleep", |core, session| {
        session::wait::wait(core, &session, Some(Duration::from_millis(u64::from(ms))))
    })
}

pub extern "C" fn session_park(ctx: HostCtx, id: SessionId) -> RResult<(), Error> {
    with_session(ctx, id, "park", |core, session| {
        session::wait::wait(core, &session, None)
    })
}

pub extern "C" fn session_execute(
    ctx: HostCtx,
    id: SessionId,
    name: RStr<'_>,
    arg: RStr<'_>,
    app_uuid: RStr<'_>,
) -> RResult<(), Error> {
    with_session(ctx, id, "execute", |core, session| {
        session::execute::execute(
            core,
            &session,
            name.as_str(),
            arg.as_str(),
            app_uuid.as_str(),
        )
    })
}

pub extern "C" fn session_queue_application(
    ctx: HostCtx,
    id: SessionId,
    name: RStr<'_>,
    arg: RStr<'_>,
    app_uuid: RStr<'_>,
) -> RResult<(), Error> {
    with_session(ctx, id, "queue application", |_, session| {
        ops::queue_application(&session, name.as_str(), arg.as_str(), app_uuid.as_str())
    })
}

pub extern "C" fn session_break(ctx: HostCtx, id: SessionId) -> RResult<(), Error> {
    with_session(ctx, id, "break", |_, session| ops::break_wait(&session))
}

pub extern "C" fn session_add_state_handler(
    ctx: HostCtx,
    module: ModuleId,
    id: SessionId,
    record: StateHandlerRecord,
) -> RResult<(), Error> {
    with_session(ctx, id, "add state handler", |core, session| {
        let slot = core.inner().modules.slot_by_id(module).ok_or_else(|| {
            Error::not_found(format!(
                "add state handler: module {} is not loaded",
                module.0
            ))
        })?;
        session
            .channel()
            .state_handlers
            .push(session::channel::ChannelStateHandler {
                record: Arc::new(record),
                lease: slot.lease(),
            });
        Ok(())
    })
}

pub extern "C" fn session_read_frame(
    ctx: HostCtx,
    id: SessionId,
    buf: RSliceMut<'_, u8>,
    timeout_ms: u32,
) -> RResult<FrameMeta, Error> {
    let mut buf = buf;
    with_session(ctx, id, "read_frame", |core, session| {
        session
            .media
            .read_frame(core, &session, buf.as_mut_slice(), timeout_ms)
    })
}

pub extern "C" fn session_write_frame(
    ctx: HostCtx,
    id: SessionId,
    meta: &FrameMeta,
    payload: RSlice<'_, u8>,
) -> RResult<(), Error> {
    with_session(ctx, id, "write_frame", |core, session| {
        session
            .media
            .write_frame(core, &session, meta, payload.as_slice())
    })
}

pub extern "C" fn session_send_dtmf(ctx: HostCtx, id: SessionId, dtmf: Dtmf) -> RResult<(), Error> {
    with_session(ctx, id, "send_dtmf", |core, session| {
        let io = session
            .io()
            .ok_or_else(|| Error::hung_up("the channel has no media"))?;
        io.object
            .send_dtmf(io.session_handle(core, &session), dtmf)
            .into_result()
    })
}

pub extern "C" fn channel_queue_dtmf(
    ctx: HostCtx,
    id: SessionId,
    dtmf: Dtmf,
) -> RResult<(), Error> {
    with_session(ctx, id, "queue_dtmf", |core, session| {
        ops::queue_dtmf(core, &session, dtmf);
        Ok(())
    })
}

pub extern "C" fn channel_dequeue_dtmf(ctx: HostCtx, id: SessionId) -> ROption<Dtmf> {
    quiet(ROption::RNone, || {
        core(ctx)
            .inner()
            .sessions
            .get(id)
            .and_then(|session| session.channel().dtmf.pop_front())
            .into()
    })
}

pub extern "C" fn session_message(
    ctx: HostCtx,
    id: SessionId,
    message: &ChannelMessage,
) -> RResult<(), Error> {
    with_session(ctx, id, "message", |core, session| {
        ops::message(core, &session, message)
    })
}

pub extern "C" fn session_transfer(
    ctx: HostCtx,
    id: SessionId,
    destination: RStr<'_>,
    dialplan: RStr<'_>,
    context: RStr<'_>,
) -> RResult<(), Error> {
    with_session(ctx, id, "transfer", |_, session| {
        ops::transfer(
            &session,
            destination.as_str(),
            dialplan.as_str(),
            context.as_str(),
        )
    })
}

pub extern "C" fn originate(ctx: HostCtx, request: OriginateRequest) -> RResult<SessionId, Error> {
    guard("originate", || {
        let core = core(ctx);
        session::originate(core, &request).map(|session| session.id)
    })
}

pub extern "C" fn session_run_extension(
    ctx: HostCtx,
    id: SessionId,
    extension: Extension,
) -> RResult<(), Error> {
    with_session(ctx, id, "run extension", |_, session| {
        let mut channel = session.channel();
        if !channel.is_ready() {
            return Err(Error::hung_up(format!(
                "channel {} is hanging up",
                session.uuid
            )));
        }
        channel.extension = Some(extension);
        channel.originating = false;
        channel.set_state(ChannelState::Execute);
        session.notify(&channel);
        Ok(())
    })
}

pub extern "C" fn channel_event_data(ctx: HostCtx, id: SessionId) -> ROption<Event> {
    quiet(ROption::RNone, || {
        let core = core(ctx);
        core.inner()
            .sessions
            .get(id)
            // With the envelope headers (Core-UUID, Event-Date-*...), as FreeSWITCH's channel
            // data carries them: the event socket's `connect` reply is this event.
            .map(|session| channel_event(core, &session, "CHANNEL_DATA").into_event())
            .into()
    })
}

pub extern "C" fn channels(ctx: HostCtx) -> RVec<Pairs> {
    quiet(RVec::new(), || {
        let core = core(ctx);
        core.inner()
            .sessions
            .all()
            .iter()
            .map(|session| crate::session::listing_row(core, session))
            .collect()
    })
}

pub extern "C" fn hangup_all(
    ctx: HostCtx,
    cause: HangupCause,
    filter: ROption<Tuple2<RStr<'_>, RStr<'_>>>,
) -> u32 {
    quiet(0, || {
        let core = core(ctx);
        let filter = filter
            .into_option()
            .map(|Tuple2(name, value)| (name.as_str(), value.as_str()));
        core.inner().sessions.hangup_all(core, cause, filter)
    })
}
