//! A channel's data: state, flags, variables, caller profile, times. Guarded by the session's
//! mutex; nothing here calls out of the core.

use std::sync::Arc;

use ferroswitch_abi::{
    CallerProfile, ChannelFlags, ChannelState, Extension, HangupCause, StateHandlerRecord,
};

use crate::loader::Lease;

use super::Notifier;

/// Which way the call goes, from the switch's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Arrived at the switch (an INVITE, a loopback far leg).
    Inbound,
    /// Placed by the switch (originate, bridge).
    Outbound,
}

impl Direction {
    /// FreeSWITCH's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Self::Inbound => "inbound",
            Self::Outbound => "outbound",
        }
    }
}

/// When things happened, in microseconds since the epoch (0: not yet).
#[derive(Debug, Clone, Copy, Default)]
pub struct Timestamps {
    pub created: u64,
    pub profile_created: u64,
    pub answered: u64,
    pub progress: u64,
    pub progress_media: u64,
    pub hungup: u64,
    pub transferred: u64,
    pub bridged: u64,
}

/// A per-channel state handler and the lease on the module that attached it.
pub struct ChannelStateHandler {
    pub record: Arc<StateHandlerRecord>,
    pub lease: Lease,
}

impl ChannelStateHandler {
    /// The module that attached it.
    pub fn module(&self) -> ferroswitch_abi::ModuleId {
        self.lease.module().id
    }
}

/// Everything about a channel that changes while it lives.
pub struct ChannelData {
    pub name: String,
    pub direction: Direction,
    pub state: ChannelState,
    /// Bumped on every state change, so the state machine notices A → B → A and transfers
    /// within one state.
    pub state_generation: u64,
    /// The hangup state is set at once, but the session thread runs it only after
    /// CHANNEL_HANGUP was fired, so events keep FreeSWITCH's order.
    pub hangup_announced: bool,
    pub flags: ChannelFlags,
    pub cause: HangupCause,
    /// Variables in the order they were first set.
    pub variables: Vec<(String, String)>,
    pub profile: CallerProfile,
    /// The caller profile as the channel was created (for `initial_*` columns).
    pub initial_profile: CallerProfile,
    /// Set for an outbound leg that an originate is still ringing: it does not hunt the
    /// dialplan and waits in CONSUME_MEDIA.
    pub originating: bool,
    pub extension: Option<Extension>,
    pub current_application: Option<(String, String)>,
    pub times: Timestamps,
    pub state_handlers: Vec<ChannelStateHandler>,
    /// Set by `uuid_break`-style interruptions; consumed by the next wait.
    pub break_requested: bool,
    /// Woken with the session (originate waits on several legs at once).
    pub observers: Vec<Arc<Notifier>>,
    /// The loopback partner or bridged peer, for listings.
    pub partner: Option<String>,
    /// The call this channel belongs to (its own UUID until bridged).
    pub call_uuid: String,
    pub hit_dialplan: bool,
    /// Applications queued from other threads (`sendmsg execute`), run by the session thread.
    /// Each entry: application, argument, application UUID (empty: the core makes one).
    pub queued_applications: std::collections::VecDeque<(String, String, String)>,
    /// Threads waiting on the session's signal now (see `SessionInner::notify`).
    pub waiters: u32,
    /// Digits from the far end not yet read by an application.
    pub dtmf: std::collections::VecDeque<ferroswitch_abi::Dtmf>,
    /// The session this one's media is bridged with, while the bridge lasts.
    pub bridge_peer: Option<ferroswitch_abi::SessionId>,
}

impl ChannelData {
    /// A new channel in state NEW.
    pub fn new(
        name: String,
        direction: Direction,
        profile: CallerProfile,
        uuid: &str,
        now_us: u64,
    ) -> Self {
        Self {
            name,
            direction,
            state: ChannelState::New,
            state_generation: 0,
            hangup_announced: false,
            flags: ChannelFlags(ChannelFlags::READY.0),
            cause: HangupCause::NONE,
            variables: Vec::new(),
            initial_profile: profile.clone(),
            profile,
            originating: false,
            extension: None,
            current_application: None,
            times: Timestamps {
                created: now_us,
                profile_created: now_us,
                ..Timestamps::default()
            },
            state_handlers: Vec::new(),
            break_requested: false,
            observers: Vec::new(),
            partner: None,
            call_uuid: uuid.to_owned(),
            hit_dialplan: false,
            queued_applications: std::collections::VecDeque::new(),
            waiters: 0,
            dtmf: std::collections::VecDeque::new(),
            bridge_peer: None,
        }
    }

    /// Variable `name`; profile fields answer when no variable of that name is set, as
    /// FreeSWITCH's `switch_channel_get_variable` falls back to the caller profile.
    pub fn variable(&self, name: &str) -> Option<String> {
        if let Some((_, value)) = self.variables.iter().find(|(key, _)| key == name) {
            return Some(value.clone());
        }
        match name {
            "channel_name" => Some(self.name.clone()),
            "state" => Some(self.state.name().to_owned()),
            "hangup_cause" if self.cause != HangupCause::NONE => Some(self.cause.name().to_owned()),
            _ => self
                .profile
                .field(name)
                .filter(|value| !value.is_empty())
                .map(str::to_owned),
        }
    }

    /// Sets or (with `None`) unsets a variable.
    pub fn set_variable(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(value) => match self.variables.iter_mut().find(|(key, _)| key == name) {
                Some(entry) => entry.1 = value.to_owned(),
                None => self.variables.push((name.to_owned(), value.to_owned())),
            },
            None => self.variables.retain(|(key, _)| key != name),
        }
    }

    /// Whether the channel is up and not hanging up.
    pub fn is_ready(&self) -> bool {
        self.flags.contains(ChannelFlags::READY) && self.state < ChannelState::Hangup
    }

    /// Moves to `state`, refusing to leave the hangup states for an earlier one.
    pub fn set_state(&mut self, state: ChannelState) -> bool {
        if self.state >= ChannelState::Hangup && state < self.state {
            return false;
        }
        self.state = state;
        self.state_generation += 1;
        true
    }

    /// FreeSWITCH's `Channel-Call-State`.
    pub fn call_state(&self) -> &'static str {
        if self.state >= ChannelState::Hangup {
            "HANGUP"
        } else if self.flags.contains(ChannelFlags::ANSWERED) {
            "ACTIVE"
        } else if self.flags.contains(ChannelFlags::EARLY_MEDIA) {
            "EARLY"
        } else if self.flags.contains(ChannelFlags::RINGING) {
            "RINGING"
        } else {
            "DOWN"
        }
    }

    /// FreeSWITCH's `Answer-State`.
    pub fn answer_state(&self) -> &'static str {
        if self.state >= ChannelState::Hangup {
            "hangup"
        } else if self.flags.contains(ChannelFlags::ANSWERED) {
            "answered"
        } else if self.flags.contains(ChannelFlags::EARLY_MEDIA) {
            "early"
        } else {
            "ringing"
        }
    }
}
