//! Channel events: FreeSWITCH's channel and caller-profile headers, then every variable as
//! `variable_<name>`.
//!
//! Built on the call's own thread for each of the ~32 events a call fires, so header names and
//! constant values are borrowed (`&'static str`), `variable_<name>` names are kept once for
//! the process (see `events::variable_headers`), and the header list is one the thread used
//! before, stamped with the envelope first so nothing moves; only what the channel holds is
//! copied.

use ferroswitch_abi::{ChannelState, Event, HangupCause};

use crate::core::Core;
use crate::events::{copy, number, variable_headers, EventBus, Stamped};

use super::{ChannelData, SessionInner};

/// An event named `name` carrying the channel's data, with its envelope.
pub fn channel_event(core: Core, session: &SessionInner, name: &str) -> Stamped {
    channel_data_event(
        &core.inner().events,
        &session.channel(),
        &session.uuid,
        name,
    )
}

/// An event named `name` stamped by `bus` and carrying `channel`'s data; `uuid` is the
/// channel's.
pub fn channel_data_event(
    bus: &EventBus,
    channel: &ChannelData,
    uuid: &str,
    name: &str,
) -> Stamped {
    let mut event = bus.stamp(name, CHANNEL_HEADERS + channel.variables.len());
    push_channel_data(&mut event, channel, uuid);
    event
}

/// Appends `channel`'s headers and variables to `event`.
fn push_channel_data(event: &mut Event, channel: &ChannelData, uuid: &str) {
    let state = channel.state;
    let direction = channel.direction.name();
    event
        .push_header("Channel-State", state.name())
        .push_header("Channel-Call-State", channel.call_state())
        .push_header("Channel-State-Number", number(u64::from(state as u8)))
        .push_header("Channel-Name", copy(&channel.name))
        .push_header("Unique-ID", copy(uuid))
        .push_header("Call-Direction", direction)
        .push_header("Presence-Call-Direction", direction)
        .push_header(
            "Channel-HIT-Dialplan",
            if channel.hit_dialplan {
                "true"
            } else {
                "false"
            },
        )
        .push_header("Channel-Call-UUID", copy(&channel.call_uuid))
        .push_header("Answer-State", channel.answer_state());
    if channel.cause != HangupCause::NONE && state >= ChannelState::Hangup {
        event.push_header("Hangup-Cause", channel.cause.name());
    }
    if let Some((app, data)) = &channel.current_application {
        event
            .push_header("Channel-Application", copy(app))
            .push_header("Channel-Application-Data", copy(data));
    }
    let profile = &channel.profile;
    let times = &channel.times;
    event
        .push_header("Caller-Direction", direction)
        .push_header("Caller-Logical-Direction", direction)
        .push_header("Caller-Username", copy(&profile.username))
        .push_header("Caller-Dialplan", copy(&profile.dialplan))
        .push_header("Caller-Caller-ID-Name", copy(&profile.caller_id_name))
        .push_header("Caller-Caller-ID-Number", copy(&profile.caller_id_number))
        .push_header(
            "Caller-Orig-Caller-ID-Name",
            copy(&channel.initial_profile.caller_id_name),
        )
        .push_header(
            "Caller-Orig-Caller-ID-Number",
            copy(&channel.initial_profile.caller_id_number),
        )
        .push_header("Caller-Callee-ID-Name", copy(&profile.callee_id_name))
        .push_header("Caller-Callee-ID-Number", copy(&profile.callee_id_number))
        .push_header("Caller-Network-Addr", copy(&profile.network_addr))
        .push_header("Caller-ANI", copy(&profile.ani))
        .push_header(
            "Caller-Destination-Number",
            copy(&profile.destination_number),
        )
        .push_header("Caller-Unique-ID", copy(uuid))
        .push_header("Caller-Source", copy(&profile.source))
        .push_header("Caller-Context", copy(&profile.context))
        .push_header("Caller-RDNIS", copy(&profile.rdnis))
        .push_header("Caller-Channel-Name", copy(&channel.name))
        .push_header("Caller-Profile-Index", "1")
        .push_header("Caller-Profile-Created-Time", number(times.profile_created))
        .push_header("Caller-Channel-Created-Time", number(times.created))
        .push_header("Caller-Channel-Answered-Time", number(times.answered))
        .push_header("Caller-Channel-Progress-Time", number(times.progress))
        .push_header(
            "Caller-Channel-Progress-Media-Time",
            number(times.progress_media),
        )
        .push_header("Caller-Channel-Hangup-Time", number(times.hungup))
        .push_header("Caller-Channel-Transfer-Time", number(times.transferred))
        .push_header("Caller-Channel-Resurrect-Time", "0")
        .push_header("Caller-Channel-Bridged-Time", number(times.bridged))
        .push_header("Caller-Channel-Last-Hold", "0")
        .push_header("Caller-Channel-Hold-Accum", "0")
        .push_header("Caller-Screen-Bit", "true")
        .push_header("Caller-Privacy-Hide-Name", "false")
        .push_header("Caller-Privacy-Hide-Number", "false");
    variable_headers(
        &channel.variables,
        |(name, _)| name,
        |(_, value), header| {
            event.push_header(header, copy(value));
        },
    );
}

/// Headers before the variables, at most, with room for a few the firing code adds (the
/// header list is allocated once).
const CHANNEL_HEADERS: usize = 56;
