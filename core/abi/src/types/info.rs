//! Requests to and reports from the core: new sessions, originate, module and interface
//! listings, status.

use abi_stable::{
    std_types::{ROption, RString, RVec, Tuple2},
    StableAbi,
};

use crate::{kinds::endpoint::FfiChannelIoBox, types::CallerProfile, SessionId};

/// The kinds of interface a module can register.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InterfaceKind(pub u8);

impl InterfaceKind {
    pub const ENDPOINT: InterfaceKind = InterfaceKind(0);
    pub const APPLICATION: InterfaceKind = InterfaceKind(1);
    pub const API: InterfaceKind = InterfaceKind(2);
    pub const CODEC: InterfaceKind = InterfaceKind(3);
    pub const DIALPLAN: InterfaceKind = InterfaceKind(4);
    pub const FORMAT: InterfaceKind = InterfaceKind(5);
    pub const LOGGER: InterfaceKind = InterfaceKind(6);
    pub const TIMER: InterfaceKind = InterfaceKind(7);
    pub const STATE_HANDLER: InterfaceKind = InterfaceKind(8);
    pub const EVENT_HANDLER: InterfaceKind = InterfaceKind(9);

    /// Every kind.
    pub const ALL: [InterfaceKind; 10] = [
        Self::ENDPOINT,
        Self::APPLICATION,
        Self::API,
        Self::CODEC,
        Self::DIALPLAN,
        Self::FORMAT,
        Self::LOGGER,
        Self::TIMER,
        Self::STATE_HANDLER,
        Self::EVENT_HANDLER,
    ];

    /// The name FreeSWITCH's `show interfaces` uses in its `type` column (`file` for formats).
    pub fn name(self) -> &'static str {
        match self {
            Self::ENDPOINT => "endpoint",
            Self::APPLICATION => "application",
            Self::API => "api",
            Self::CODEC => "codec",
            Self::DIALPLAN => "dialplan",
            Self::FORMAT => "file",
            Self::LOGGER => "logger",
            Self::TIMER => "timer",
            Self::STATE_HANDLER => "state_handler",
            Self::EVENT_HANDLER => "event_handler",
            _ => "unknown",
        }
    }

    /// The kind `show <name>` lists (`codec`, `file`, `application`...).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// A registered interface, for listings.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct InterfaceInfo {
    pub kind: InterfaceKind,
    /// The interface's name (`park`, `loopback`, `PCMU`).
    pub name: RString,
    /// What it does.
    pub description: RString,
    /// Its argument syntax (applications and APIs), else empty.
    pub syntax: RString,
    /// The module that registered it.
    pub module: RString,
    /// The module's file.
    pub path: RString,
}

/// A loaded module, for listings.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct ModuleInfo {
    /// The module's name (`mod_console`).
    pub name: RString,
    /// The file it was loaded from.
    pub path: RString,
    /// The module's own description.
    pub description: RString,
    /// Sessions currently using its interfaces.
    pub users: u32,
    /// How many interfaces it registered.
    pub interfaces: u32,
}

/// The core's counters, as `status` shows them.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct CoreStatus {
    /// The core's version string.
    pub version: RString,
    /// Microseconds since start-up.
    pub uptime_us: u64,
    /// Sessions created since start-up.
    pub sessions_since_startup: u64,
    /// Sessions alive now.
    pub sessions_now: u64,
    /// The most sessions alive at once.
    pub sessions_peak: u64,
    /// The most sessions alive at once during the last five minutes.
    pub sessions_peak_5min: u64,
    /// Sessions created during the last second.
    pub sessions_per_second_now: u32,
    /// The most sessions created in one second.
    pub sessions_per_second_peak: u32,
    /// The configured session limit.
    pub max_sessions: u64,
    /// The configured session-per-second limit.
    pub max_sessions_per_second: u32,
    /// Whether new sessions are accepted (false while shutting down).
    pub accepting_calls: bool,
}

/// How a channel is answered.
#[repr(u8)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerMode {
    /// Answer (200 OK).
    Answer = 0,
    /// Early media (183).
    PreAnswer = 1,
    /// Ringing (180).
    RingReady = 2,
}

/// A channel's flags, as bits.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ChannelFlags(pub u32);

impl ChannelFlags {
    /// Answered.
    pub const ANSWERED: ChannelFlags = ChannelFlags(1);
    /// Early media flowing.
    pub const EARLY_MEDIA: ChannelFlags = ChannelFlags(2);
    /// Ringing was signalled.
    pub const RINGING: ChannelFlags = ChannelFlags(4);
    /// Created by the core for an originate (an outbound leg).
    pub const OUTBOUND: ChannelFlags = ChannelFlags(8);
    /// Bridged to another channel.
    pub const BRIDGED: ChannelFlags = ChannelFlags(16);
    /// Up and not hanging up: applications may go on.
    pub const READY: ChannelFlags = ChannelFlags(32);

    /// Whether every bit of `other` is set.
    pub fn contains(self, other: ChannelFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

/// An inbound session an endpoint asks the core to create (an INVITE, a loopback far leg).
#[repr(C)]
#[derive(StableAbi)]
pub struct NewSession {
    /// The endpoint's interface name (`loopback`, `sofia`).
    pub endpoint: RString,
    /// The channel name (`loopback/1000-b`).
    pub channel_name: RString,
    /// The caller profile the dialplan will see.
    pub caller_profile: CallerProfile,
    /// Channel variables to set before the state machine starts.
    pub variables: RVec<Tuple2<RString, RString>>,
    /// The endpoint's I/O routines for this channel.
    pub io: FfiChannelIoBox,
    /// The session this one is the partner of (the loopback A leg), if any: listings show it.
    pub partner: ROption<SessionId>,
}

/// A request to place outbound calls (`originate`, `bridge`).
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct OriginateRequest {
    /// The session asking, whose caller ID and exported variables the new legs take; none
    /// for an API `originate`.
    pub originator: ROption<SessionId>,
    /// The dial string: `{var=val}` for all legs, `[var=val]` per leg, `,` ring all at once,
    /// `|` try in turn.
    pub dial_string: RString,
    /// Seconds to wait for an answer (0: the default, 60).
    pub timeout_s: u32,
    /// Extra variables for every new leg.
    pub variables: RVec<Tuple2<RString, RString>>,
}

/// The columns of each row [`crate::Host::channels`] returns, in order: FreeSWITCH's
/// `show channels` columns.
pub const CHANNEL_COLUMNS: [&str; 38] = [
    "uuid",
    "direction",
    "created",
    "created_epoch",
    "name",
    "state",
    "cid_name",
    "cid_num",
    "ip_addr",
    "dest",
    "application",
    "application_data",
    "dialplan",
    "context",
    "read_codec",
    "read_rate",
    "read_bit_rate",
    "write_codec",
    "write_rate",
    "write_bit_rate",
    "secure",
    "hostname",
    "presence_id",
    "presence_data",
    "accountcode",
    "callstate",
    "callee_name",
    "callee_num",
    "callee_direction",
    "call_uuid",
    "sent_callee_name",
    "sent_callee_num",
    "initial_cid_name",
    "initial_cid_num",
    "initial_ip_addr",
    "initial_dest",
    "initial_dialplan",
    "initial_context",
];
