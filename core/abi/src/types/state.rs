//! Channel states, as FreeSWITCH defines them, and what a state handler answers.

use std::fmt;

use abi_stable::StableAbi;

/// The state of a channel. The numbers are FreeSWITCH's (`Channel-State-Number`).
#[repr(u8)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChannelState {
    /// Just created; nothing has run yet.
    New = 0,
    /// The endpoint is setting the channel up.
    Init = 1,
    /// The dialplan is being hunted for something to do.
    Routing = 2,
    /// Applications queued from outside (e.g. after a transfer) are about to run.
    SoftExecute = 3,
    /// The extension's applications are running.
    Execute = 4,
    /// Bridged to another channel, exchanging media.
    ExchangeMedia = 5,
    /// Parked: waiting with no application, until told what to do.
    Park = 6,
    /// Consuming media while waiting (an outbound leg while it rings).
    ConsumeMedia = 7,
    /// Asleep with no media.
    Hibernate = 8,
    /// Being reset (between transfers).
    Reset = 9,
    /// Hanging up: the cause is set, the endpoint tears the call down.
    Hangup = 10,
    /// Reporting: records (CDRs) are written.
    Reporting = 11,
    /// Being destroyed: nothing may touch the channel after this.
    Destroy = 12,
    /// No state: a channel never takes it; returned for a session that does not exist.
    None = 13,
}

impl ChannelState {
    /// Every state a channel can take, in number order.
    pub const ALL: [ChannelState; 13] = [
        Self::New,
        Self::Init,
        Self::Routing,
        Self::SoftExecute,
        Self::Execute,
        Self::ExchangeMedia,
        Self::Park,
        Self::ConsumeMedia,
        Self::Hibernate,
        Self::Reset,
        Self::Hangup,
        Self::Reporting,
        Self::Destroy,
    ];

    /// FreeSWITCH's name, e.g. `CS_EXECUTE`.
    pub fn name(self) -> &'static str {
        match self {
            Self::New => "CS_NEW",
            Self::Init => "CS_INIT",
            Self::Routing => "CS_ROUTING",
            Self::SoftExecute => "CS_SOFT_EXECUTE",
            Self::Execute => "CS_EXECUTE",
            Self::ExchangeMedia => "CS_EXCHANGE_MEDIA",
            Self::Park => "CS_PARK",
            Self::ConsumeMedia => "CS_CONSUME_MEDIA",
            Self::Hibernate => "CS_HIBERNATE",
            Self::Reset => "CS_RESET",
            Self::Hangup => "CS_HANGUP",
            Self::Reporting => "CS_REPORTING",
            Self::Destroy => "CS_DESTROY",
            Self::None => "CS_NONE",
        }
    }

    /// The state named `name` (`CS_EXECUTE`, or `EXECUTE`, any case).
    pub fn from_name(name: &str) -> Option<Self> {
        let upper = name.trim().to_ascii_uppercase();
        let bare = upper.strip_prefix("CS_").unwrap_or(&upper);
        Self::ALL
            .into_iter()
            .find(|state| &state.name()[3..] == bare)
    }

    /// Whether the channel is on its way out (hangup or later).
    pub fn is_ending(self) -> bool {
        matches!(
            self,
            Self::Hangup | Self::Reporting | Self::Destroy | Self::None
        )
    }
}

impl fmt::Display for ChannelState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of states, for a state handler to say which states it wants to be called for (so the
/// core makes no call across the boundary for the others).
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct StateMask(pub u32);

impl StateMask {
    /// Every state.
    pub const ALL: StateMask = StateMask(u32::MAX);

    /// Exactly these states.
    pub fn of(states: &[ChannelState]) -> Self {
        Self(
            states
                .iter()
                .fold(0, |bits, state| bits | (1 << *state as u32)),
        )
    }

    /// Whether `state` is in the set.
    pub fn contains(self, state: ChannelState) -> bool {
        self.0 & (1 << state as u32) != 0
    }
}

/// What a state handler tells the core: run the remaining handlers, or stop here (the
/// handlers after it and the core's default for the state do not run), as in FreeSWITCH where
/// a handler returning anything but `SWITCH_STATUS_SUCCESS` ends the chain.
#[repr(u8)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateFlow {
    /// Go on with the next handler.
    Continue = 0,
    /// Stop the chain for this state.
    Stop = 1,
}
