//! Host functions for a channel's media through the core: declaring the codec, reading and
//! writing decoded audio, media taps, bridging two legs and hunting an extension without
//! running it.

use abi_stable::std_types::{ROption, RResult, RSlice, RSliceMut, RStr};
use ferroswitch_abi::{
    AudioFrame, Error, Extension, FfiMediaTapBox, HostCtx, MediaParams, ModuleId, SessionId,
};

use crate::session;

use super::{core, with_session};

pub extern "C" fn session_set_media(
    ctx: HostCtx,
    id: SessionId,
    params: &MediaParams,
) -> RResult<(), Error> {
    with_session(ctx, id, "set_media", |core, session| {
        let params = &session.media.set(core, params)?;
        let codec = if params.is_linear() {
            "L16"
        } else {
            params.codec.as_str()
        };
        let rate = params.rate.to_string();
        let mut channel = session.channel();
        for (name, value) in [
            ("read_codec", codec),
            ("write_codec", codec),
            ("read_rate", &rate),
            ("write_rate", &rate),
            ("original_read_codec", codec),
            ("original_read_rate", &rate),
        ] {
            channel.set_variable(name, Some(value));
        }
        Ok(())
    })
}

pub extern "C" fn session_media(ctx: HostCtx, id: SessionId) -> ROption<MediaParams> {
    core(ctx)
        .inner()
        .sessions
        .get(id)
        .map(|session| session.media.params())
        .into()
}

pub extern "C" fn session_read_audio(
    ctx: HostCtx,
    id: SessionId,
    mut pcm: RSliceMut<'_, i16>,
    rate: u32,
    timeout_ms: u32,
) -> RResult<AudioFrame, Error> {
    with_session(ctx, id, "read_audio", |core, session| {
        session
            .media
            .read_audio(core, &session, pcm.as_mut_slice(), rate, timeout_ms)
    })
}

pub extern "C" fn session_write_audio(
    ctx: HostCtx,
    id: SessionId,
    pcm: RSlice<'_, i16>,
    rate: u32,
) -> RResult<(), Error> {
    with_session(ctx, id, "write_audio", |core, session| {
        session
            .media
            .write_audio(core, &session, pcm.as_slice(), rate)
    })
}

pub extern "C" fn session_bridge(ctx: HostCtx, a: SessionId, b: SessionId) -> RResult<(), Error> {
    with_session(ctx, a, "bridge", |core, a| {
        let b = core
            .inner()
            .sessions
            .get(b)
            .ok_or_else(|| Error::hung_up(format!("bridge: no {b}")))?;
        session::bridge::bridge(core, &a, &b)
    })
}

pub extern "C" fn dialplan_hunt(
    ctx: HostCtx,
    id: SessionId,
    destination: RStr<'_>,
    dialplan: RStr<'_>,
    context: RStr<'_>,
) -> RResult<ROption<Extension>, Error> {
    with_session(ctx, id, "dialplan_hunt", |core, session| {
        session::execute::hunt(
            core,
            &session,
            destination.as_str(),
            dialplan.as_str(),
            context.as_str(),
        )
        .map(ROption::from)
    })
}

pub extern "C" fn session_tap_start(
    ctx: HostCtx,
    module: ModuleId,
    id: SessionId,
    name: RStr<'_>,
    rate: u32,
    tap: FfiMediaTapBox,
) -> RResult<(), Error> {
    with_session(ctx, id, "start a media tap", |core, session| {
        let slot = core.inner().modules.slot_by_id(module).ok_or_else(|| {
            Error::not_found(format!(
                "media tap {}: module {} is not loaded",
                name.as_str(),
                module.0
            ))
        })?;
        if !session.channel().is_ready() {
            return Err(Error::hung_up(format!(
                "media tap {}: channel {} is hanging up",
                name.as_str(),
                session.uuid
            )));
        }
        session
            .media
            .taps
            .add(name.as_str(), rate, tap, slot.lease())
    })
}

pub extern "C" fn session_tap_stop(
    ctx: HostCtx,
    id: SessionId,
    name: RStr<'_>,
    prefix: bool,
) -> RResult<u32, Error> {
    with_session(ctx, id, "stop media taps", |_, session| {
        Ok(session.media.taps.remove(name.as_str(), prefix))
    })
}
