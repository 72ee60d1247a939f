//! Channel events: FreeSWITCH's channel and caller-profile headers, then every variable as
//! `variable_<name>`.
//!
//! Built on the call's own thread for each of the ~32 events a call fires, so header names and
//! constant values are borrowed (`&'static str`), not copied; only what the channel holds is.

use abi_stable::std_types::RString;
use ferroswitch_abi::{ChannelState, Event, HangupCause};

use crate::core::Core;
use crate::events::{copy, number};

use super::{ChannelData, SessionInner};

/// An event named `name` carrying the channel's data.
pub fn channel_event(_core: Core, session: &SessionInner, name: &str) -> Event {
    channel_data_event(&session.channel(), &session.uuid, name)
}

/// An event named `name` carrying `channel`'s data; `uuid` is the channel's.
pub fn channel_data_event(channel: &ChannelData, uuid: &str, name: &str) -> Event {
    let mut event = Event::new(name);
    event
        .headers
        .reserve(CHANNEL_HEADERS + channel.variables.len());
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
    for (name, value) in &channel.variables {
        let mut header = RString::with_capacity(VARIABLE_PREFIX.len() + name.len());
        header.push_str(VARIABLE_PREFIX);
        header.push_str(name);
        event.push_header(header, copy(value));
    }
    event
}

/// Headers before the variables, at most (for one allocation of the header list, with room
/// for the bus's envelope).
const CHANNEL_HEADERS: usize = 64;

const VARIABLE_PREFIX: &str = "variable_";
