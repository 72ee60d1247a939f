//! Bridging two legs, as FreeSWITCH's `switch_ivr_multi_threaded_bridge`: each leg's own
//! thread carries the media it reads to the other (the caller's thread inside `bridge`, the
//! peer's in EXCHANGE_MEDIA), frames pass untouched when both legs speak the same codec and
//! are transcoded otherwise, and digits cross too. The bridge ends when either leg hangs up
//! or is transferred, or when the caller is told to break.

use std::sync::Arc;

use ferroswitch_abi::{
    AnswerMode, ChannelFlags, ChannelMessage, ChannelState, Error, ErrorKind, HangupCause,
    MessageKind, SessionId,
};

use crate::core::Core;
use crate::events::micros_since_epoch;

use super::{ops, SessionInner, SessionRef};

/// How long one read waits before the relay checks whether the bridge still stands.
const READ_TIMEOUT_MS: u32 = 100;

/// Bridges `a` (running this on its own thread) with the answered leg `b`, until the bridge
/// ends. Afterwards `a` carries `bridge_hangup_cause` / `last_bridge_hangup_cause` when `b`
/// ended it; `b` is hung up if it is still up (with `a`'s cause when `a` hung up), unless it
/// left the bridge for another state (a transfer).
pub fn bridge(core: Core, a: &SessionRef, b: &SessionRef) -> Result<(), Error> {
    if Arc::ptr_eq(a, b) {
        return Err(Error::invalid_argument(
            "a channel cannot be bridged to itself",
        ));
    }
    if !b.channel().is_ready() {
        return Err(Error::hung_up(format!("bridge: {} is hanging up", b.uuid)));
    }
    // The caller is answered when its peer is, as FreeSWITCH's bridge does.
    if b.channel().flags.contains(ChannelFlags::ANSWERED) {
        ops::answer(core, a, AnswerMode::Answer, false)?;
    }
    link(a, b);
    link(b, a);
    // Endpoints learn of the bridge (a SIP leg may stop generating ringback, say).
    tell_endpoint(core, a, b, MessageKind::BRIDGE);
    tell_endpoint(core, b, a, MessageKind::BRIDGE);
    // Any later state change of `b` takes it out of the bridge (a transfer, say, as a REFER
    // does to the partner of the leg that sent it).
    let b_generation = ops::set_state(b, ChannelState::ExchangeMedia)?;
    a.fire_event(core, "CHANNEL_BRIDGE", |event| {
        event.add_header("Bridge-A-Unique-ID", &a.uuid);
        event.add_header("Bridge-B-Unique-ID", &b.uuid);
        event.add_header("Other-Leg-Unique-ID", &b.uuid);
    });

    let generation = a.channel().state_generation;
    relay(core, a, b, |from, to| {
        // One channel lock at a time: `b`'s first, then `a`'s.
        let b_stays = {
            let peer = to.channel();
            peer.is_ready() && peer.state_generation == b_generation
        };
        let mut channel = from.channel();
        if channel.break_requested {
            channel.break_requested = false;
            return false;
        }
        b_stays && channel.is_ready() && channel.state_generation == generation
    });

    // A leg already bridged to someone else (by `intercept`, say) keeps that bridge.
    let a_still_ours = unlink(a, b);
    if a_still_ours {
        tell_endpoint(core, a, b, MessageKind::UNBRIDGE);
    }
    if unlink(b, a) {
        tell_endpoint(core, b, a, MessageKind::UNBRIDGE);
    }
    a.fire_event(core, "CHANNEL_UNBRIDGE", |event| {
        event.add_header("Bridge-A-Unique-ID", &a.uuid);
        event.add_header("Bridge-B-Unique-ID", &b.uuid);
        event.add_header("Other-Leg-Unique-ID", &b.uuid);
    });
    {
        let channel = b.channel();
        b.notify(&channel);
    }
    let (a_ready, a_cause) = {
        let channel = a.channel();
        (channel.is_ready(), channel.cause)
    };
    let (b_ready, b_cause) = {
        let channel = b.channel();
        (channel.is_ready(), channel.cause)
    };
    if !b_ready {
        if !a_still_ours {
            return Ok(());
        }
        let cause = b_cause.name();
        let mut channel = a.channel();
        channel.set_variable("bridge_hangup_cause", Some(cause));
        channel.set_variable("last_bridge_hangup_cause", Some(cause));
    } else if b.channel().state_generation == b_generation {
        let cause = if a_ready || a_cause == HangupCause::NONE {
            HangupCause::NORMAL_CLEARING
        } else {
            a_cause
        };
        ops::hangup(core, b, cause);
    }
    // Otherwise `b` was transferred out of the bridge: it lives on, and `a`'s dialplan goes on.
    Ok(())
}

/// What the peer's thread runs in EXCHANGE_MEDIA: its half of the bridge, until the bridge
/// ends. Without a bridge peer the state just waits, as before.
pub fn exchange_media(core: Core, b: &SessionInner) {
    let generation = b.channel().state_generation;
    let Some(peer) = b.channel().bridge_peer else {
        return;
    };
    let Some(a) = core.inner().sessions.get(peer) else {
        return;
    };
    relay(core, b, &a, |from, to| {
        if !to.channel().is_ready() {
            return false;
        }
        let channel = from.channel();
        channel.is_ready()
            && channel.state_generation == generation
            && channel.bridge_peer == Some(peer)
    });
}

/// Sends `kind` (BRIDGE or UNBRIDGE) to `leg`'s endpoint, naming `peer`.
fn tell_endpoint(core: Core, leg: &SessionInner, peer: &SessionInner, kind: MessageKind) {
    let mut message = ChannelMessage::new(kind);
    message.text = peer.uuid.as_str().into();
    if let Err(error) = ops::message(core, leg, &message) {
        if error.kind != ErrorKind::UNSUPPORTED {
            ops::log_endpoint_error(core, leg, "the bridge message", &error);
        }
    }
}

fn link(leg: &SessionInner, peer: &SessionInner) {
    let peer_name = peer.channel().name.clone();
    let mut channel = leg.channel();
    channel.bridge_peer = Some(peer.id);
    channel.partner = Some(peer.uuid.clone());
    channel.flags.0 |= ChannelFlags::BRIDGED.0;
    channel.times.bridged = micros_since_epoch();
    for (name, value) in [
        ("bridge_channel", peer_name.as_str()),
        ("bridge_uuid", peer.uuid.as_str()),
        ("signal_bond", peer.uuid.as_str()),
        ("last_bridge_to", peer.uuid.as_str()),
    ] {
        channel.set_variable(name, Some(value));
    }
    // Set again if this bridge ends by the peer hanging up; an earlier bridge's must not
    // count for this one.
    channel.set_variable("bridge_hangup_cause", None);
}

/// Undoes [`link`] on `leg`, unless it was moved on and bridged to someone other than `peer`
/// meanwhile; whether it did.
fn unlink(leg: &SessionInner, peer: &SessionInner) -> bool {
    let mut channel = leg.channel();
    if channel.bridge_peer.is_some_and(|id| id != peer.id) {
        return false;
    }
    channel.bridge_peer = None;
    channel.flags.0 &= !ChannelFlags::BRIDGED.0;
    channel.set_variable("bridge_uuid", None);
    channel.set_variable("signal_bond", None);
    true
}

/// Carries frames and digits from `from` to `to` while `go_on(from, to)` says the bridge
/// stands (both legs up, neither moved on).
fn relay(
    core: Core,
    from: &SessionInner,
    to: &SessionInner,
    go_on: impl Fn(&SessionInner, &SessionInner) -> bool,
) {
    if from.io().is_none() {
        return;
    }
    let mut buffer = vec![0u8; 8192];
    while go_on(from, to) {
        pass_digits(core, from, to);
        match from
            .media
            .read_frame(core, from, &mut buffer, READ_TIMEOUT_MS)
        {
            Ok(meta) => {
                let len = (meta.len as usize).min(buffer.len());
                if let Err(error) = to.media.write_frame(core, to, &meta, &buffer[..len]) {
                    if error.kind == ErrorKind::HUNG_UP {
                        return;
                    }
                    log_once(core, from, &error);
                }
            }
            Err(error) if error.kind == ErrorKind::TIMEOUT => {}
            Err(error) if error.kind == ErrorKind::HUNG_UP => return,
            Err(error) => {
                log_once(core, from, &error);
                // An endpoint that fails at once must not spin this thread.
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
    }
}

/// Digits pressed on one leg are sent to the other's far end.
fn pass_digits(core: Core, from: &SessionInner, to: &SessionInner) {
    loop {
        let digit = from.channel().dtmf.pop_front();
        let Some(digit) = digit else {
            return;
        };
        let Some(io) = to.io() else {
            return;
        };
        if let Err(error) = io
            .object
            .send_dtmf(io.session_handle(core, to), digit)
            .into_result()
        {
            ops::log_endpoint_error(core, to, "sending a bridged digit", &error);
        }
    }
}

fn log_once(core: Core, session: &SessionInner, error: &Error) {
    let mut channel = session.channel();
    if channel.variable("bridge_media_error").is_none() {
        channel.set_variable("bridge_media_error", Some(&error.message));
        drop(channel);
        ops::log_endpoint_error(core, session, "bridged media", error);
    }
}

/// The session id of `leg`'s bridge peer, if bridged.
pub fn peer_of(leg: &SessionInner) -> Option<SessionId> {
    leg.channel().bridge_peer
}
