//! Messages the core sends a channel's endpoint (FreeSWITCH's
//! `switch_core_session_message_types_t`), and the kill signals.

use abi_stable::{std_types::RString, StableAbi};

/// The kind of a [`ChannelMessage`]: a number so that new kinds can be added; an endpoint
/// answers `ErrorKind::UNSUPPORTED` for kinds it does not know.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MessageKind(pub u32);

impl MessageKind {
    /// Answer the call (the endpoint sends its 200 OK or equivalent).
    pub const ANSWER: MessageKind = MessageKind(0);
    /// Early media / progress (183).
    pub const PROGRESS: MessageKind = MessageKind(1);
    /// Ringing (180).
    pub const RINGING: MessageKind = MessageKind(2);
    /// The channel was bridged to `text` (the peer's UUID).
    pub const BRIDGE: MessageKind = MessageKind(3);
    /// The bridge ended.
    pub const UNBRIDGE: MessageKind = MessageKind(4);
    /// Put the far end on hold.
    pub const HOLD: MessageKind = MessageKind(5);
    /// Take the far end off hold.
    pub const UNHOLD: MessageKind = MessageKind(6);
    /// Redirect the call to `text` (a 302 for SIP).
    pub const REDIRECT: MessageKind = MessageKind(7);
    /// Respond with `number` and reason `text` (e.g. a SIP final response before answer).
    pub const RESPOND: MessageKind = MessageKind(8);
    /// Deflect an answered call to `text` (a SIP REFER).
    pub const DEFLECT: MessageKind = MessageKind(9);
    /// Update the display name/number shown to the far end (`text`).
    pub const DISPLAY: MessageKind = MessageKind(10);
    /// The channel was transferred.
    pub const TRANSFER: MessageKind = MessageKind(11);
}

/// A message to a channel's endpoint.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq, Eq)]
pub struct ChannelMessage {
    /// What the message asks.
    pub kind: MessageKind,
    /// A number argument (a response code), 0 if none.
    pub number: i32,
    /// A text argument (a peer UUID, a destination, a reason), empty if none.
    pub text: RString,
}

impl ChannelMessage {
    /// A message of `kind` without arguments.
    pub fn new(kind: MessageKind) -> Self {
        Self {
            kind,
            number: 0,
            text: RString::new(),
        }
    }
}

/// Why the core interrupts a channel's endpoint.
#[repr(u8)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq)]
pub enum KillSignal {
    /// The channel is hanging up: stop all I/O.
    Kill = 0,
    /// Break out of a blocking read; the channel goes on.
    Break = 1,
}
