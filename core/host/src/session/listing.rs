//! A channel as a row of FreeSWITCH's `show channels` columns.

use abi_stable::std_types::{RString, RVec, Tuple2};

use ferroswitch_abi::CHANNEL_COLUMNS;

use crate::core::Core;
use crate::events::format_local;

use super::SessionInner;

/// The row for `session`.
pub fn listing_row(core: Core, session: &SessionInner) -> RVec<Tuple2<RString, RString>> {
    let channel = session.channel();
    let profile = &channel.profile;
    let initial = &channel.initial_profile;
    let (application, application_data) = channel.current_application.clone().unwrap_or_default();
    let variable = |name: &str| channel.variable(name).unwrap_or_default();
    let values: [String; 38] = [
        session.uuid.clone(),
        channel.direction.name().to_owned(),
        format_local(channel.times.created),
        (channel.times.created / 1_000_000).to_string(),
        channel.name.clone(),
        channel.state.name().to_owned(),
        profile.caller_id_name.to_string(),
        profile.caller_id_number.to_string(),
        profile.network_addr.to_string(),
        profile.destination_number.to_string(),
        application,
        application_data,
        profile.dialplan.to_string(),
        profile.context.to_string(),
        variable("read_codec"),
        variable("read_rate"),
        variable("read_bit_rate"),
        variable("write_codec"),
        variable("write_rate"),
        variable("write_bit_rate"),
        variable("secure"),
        core.inner().hostname.clone(),
        variable("presence_id"),
        variable("presence_data"),
        variable("accountcode"),
        channel.call_state().to_owned(),
        profile.callee_id_name.to_string(),
        profile.callee_id_number.to_string(),
        variable("callee_direction"),
        channel.call_uuid.clone(),
        String::new(),
        String::new(),
        initial.caller_id_name.to_string(),
        initial.caller_id_number.to_string(),
        initial.network_addr.to_string(),
        initial.destination_number.to_string(),
        initial.dialplan.to_string(),
        initial.context.to_string(),
    ];
    CHANNEL_COLUMNS
        .iter()
        .zip(values)
        .map(|(column, value)| Tuple2(RString::from(*column), RString::from(value)))
        .collect()
}
