//! The caller profile: who called whom, as the dialplan sees it.

use abi_stable::{std_types::RString, StableAbi};

/// FreeSWITCH's caller profile fields, by their dialplan field names.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, Default, PartialEq, Eq)]
pub struct CallerProfile {
    /// The authenticated user name, if any.
    pub username: RString,
    /// The dialplan to hunt (`XML`, `inline`).
    pub dialplan: RString,
    /// Caller ID name.
    pub caller_id_name: RString,
    /// Caller ID number.
    pub caller_id_number: RString,
    /// Callee ID name (set once the far end is known).
    pub callee_id_name: RString,
    /// Callee ID number.
    pub callee_id_number: RString,
    /// The network address the call came from.
    pub network_addr: RString,
    /// ANI.
    pub ani: RString,
    /// ANI II.
    pub aniii: RString,
    /// Redirected dialled number.
    pub rdnis: RString,
    /// The number dialled.
    pub destination_number: RString,
    /// The module that created the channel (`mod_loopback`, `mod_sip`).
    pub source: RString,
    /// The dialplan context.
    pub context: RString,
    /// The channel name.
    pub chan_name: RString,
    /// The channel's UUID.
    pub uuid: RString,
}

impl CallerProfile {
    /// The value of dialplan field `name` (`destination_number`, `caller_id_name`, ...), as
    /// a `<condition field="...">` names it; `None` for a name that is not a profile field.
    pub fn field(&self, name: &str) -> Option<&str> {
        let value = match name {
            "username" => &self.username,
            "dialplan" => &self.dialplan,
            "caller_id_name" => &self.caller_id_name,
            "caller_id_number" => &self.caller_id_number,
            "callee_id_name" => &self.callee_id_name,
            "callee_id_number" => &self.callee_id_number,
            "network_addr" => &self.network_addr,
            "ani" => &self.ani,
            "aniii" => &self.aniii,
            "rdnis" => &self.rdnis,
            "destination_number" => &self.destination_number,
            "source" => &self.source,
            "context" => &self.context,
            "chan_name" => &self.chan_name,
            "uuid" => &self.uuid,
            _ => return None,
        };
        Some(value.as_str())
    }
}
