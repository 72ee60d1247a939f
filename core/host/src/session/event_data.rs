//! Channel events: FreeSWITCH's channel and caller-profile headers, then every variable as
//! `variable_<name>`.

use ferroswitch_abi::{ChannelState, Event, HangupCause};

use crate::core::Core;

use super::{ChannelData, SessionInner};

/// An event named `name` carrying the channel's data.
pub fn channel_event(_core: Core, session: &SessionInner, name: &str) -> Event {
    channel_data_event(&session.channel(), &session.uuid, name)
}

/// An event named `name` carrying `channel`'s data; `uuid` is the channel's.
pub fn channel_data_event(channel: &ChannelData, uuid: &str, name: &str) -> Event {
    let mut event = Event::new(name);
    let state = channel.state;
    let direction = channel.direction.name();
    event
        .add_header("Channel-State", state.name())
        .add_header("Channel-Call-State", channel.call_state())
        .add_header("Channel-State-Number", &(state as u8).to_string())
        .add_header("Channel-Name", &channel.name)
        .add_header("Unique-ID", uuid)
        .add_header("Call-Direction", direction)
        .add_header("Presence-Call-Direction", direction)
        .add_header(
            "Channel-HIT-Dialplan",
            if channel.hit_dialplan {
                "true"
            } else {
                "false"
            },
        )
        .add_header("Channel-Call-UUID", &channel.call_uuid)
        .add_header("Answer-State", channel.answer_state());
    if channel.cause != HangupCause::NONE && state >= ChannelState::Hangup {
        event.add_header("Hangup-Cause", channel.cause.name());
    }
    if let Some((app, data)) = &channel.current_application {
        event
            .add_header("Channel-Application", app)
            .add_header("Channel-Application-Data", data);
    }
    let profile = &channel.profile;
    let times = &channel.times;
    event
        .add_header("Caller-Direction", direction)
        .add_header("Caller-Logical-Direction", direction)
        .add_header("Caller-Username", &profile.username)
        .add_header("Caller-Dialplan", &profile.dialplan)
        .add_header("Caller-Caller-ID-Name", &profile.caller_id_name)
        .add_header("Caller-Caller-ID-Number", &profile.caller_id_number)
        .add_header(
            "Caller-Orig-Caller-ID-Name",
            &channel.initial_profile.caller_id_name,
        )
        .add_header(
            "Caller-Orig-Caller-ID-Number",
            &channel.initial_profile.caller_id_number,
        )
        .add_header("Caller-Callee-ID-Name", &profile.callee_id_name)
        .add_header("Caller-Callee-ID-Number", &profile.callee_id_number)
        .add_header("Caller-Network-Addr", &profile.network_addr)
        .add_header("Caller-ANI", &profile.ani)
        .add_header("Caller-Destination-Number", &profile.destination_number)
        .add_header("Caller-Unique-ID", uuid)
        .add_header("Caller-Source", &profile.source)
        .add_header("Caller-Context", &profile.context)
        .add_header("Caller-RDNIS", &profile.rdnis)
        .add_header("Caller-Channel-Name", &channel.name)
        .add_header("Caller-Profile-Index", "1")
        .add_header(
            "Caller-Profile-Created-Time",
            &times.profile_created.to_string(),
        )
        .add_header("Caller-Channel-Created-Time", &times.created.to_string())
        .add_header("Caller-Channel-Answered-Time", &times.answered.to_string())
        .add_header("Caller-Channel-Progress-Time", &times.progress.to_string())
        .add_header(
            "Caller-Channel-Progress-Media-Time",
            &times.progress_media.to_string(),
        )
        .add_header("Caller-Channel-Hangup-Time", &times.hungup.to_string())
        .add_header(
            "Caller-Channel-Transfer-Time",
            &times.transferred.to_string(),
        )
        .add_header("Caller-Channel-Resurrect-Time", "0")
        .add_header("Caller-Channel-Bridged-Time", &times.bridged.to_string())
        .add_header("Caller-Channel-Last-Hold", "0")
        .add_header("Caller-Channel-Hold-Accum", "0")
        .add_header("Caller-Screen-Bit", "true")
        .add_header("Caller-Privacy-Hide-Name", "false")
        .add_header("Caller-Privacy-Hide-Number", "false");
    for (name, value) in &channel.variables {
        event.add_header(&format!("variable_{name}"), value);
    }
    event
}
