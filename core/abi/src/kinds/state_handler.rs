//! State handlers: callbacks on channel state changes, global (registered by a module) or per
//! channel (attached by an application).

use abi_stable::{
    sabi_trait,
    std_types::{RBox, RResult, RString},
    StableAbi,
};

use crate::{guard::guard, ChannelState, Error, Session, StateFlow, StateMask};

/// A state handler's description.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct StateHandlerDesc {
    /// A name for listings and logs.
    pub name: RString,
    /// The states it wants to be called for.
    pub states: StateMask,
    /// Runs before the endpoint's own handler (FreeSWITCH's `SSH_FLAG_PRE_EXEC`).
    pub pre_exec: bool,
}

/// A state handler, as a module author writes it.
pub trait StateHandler: Send + Sync + 'static {
    /// Called on the session's thread when it enters `state`. `Stop` ends the chain: the
    /// handlers after it and the core's default for the state do not run.
    fn on_state(&self, session: Session, state: ChannelState) -> StateFlow;
}

/// The FFI-safe form of [`StateHandler`].
#[sabi_trait]
pub trait FfiStateHandler: Send + Sync {
    fn on_state(&self, session: Session, state: ChannelState) -> RResult<StateFlow, Error>;
}

/// An owned FFI state handler object.
pub type FfiStateHandlerBox = FfiStateHandler_TO<'static, RBox<()>>;

struct Guarded<H>(H);

impl<H: StateHandler> FfiStateHandler for Guarded<H> {
    fn on_state(&self, session: Session, state: ChannelState) -> RResult<StateFlow, Error> {
        guard("state handler", || Ok(self.0.on_state(session, state)))
    }
}

/// A state handler ready to register or attach.
#[repr(C)]
#[derive(StableAbi)]
pub struct StateHandlerRecord {
    pub desc: StateHandlerDesc,
    pub object: FfiStateHandlerBox,
}

impl StateHandlerRecord {
    /// Wraps `handler` so that every call is panic-contained.
    pub fn new(desc: StateHandlerDesc, handler: impl StateHandler) -> Self {
        Self {
            desc,
            object: FfiStateHandler_TO::from_value(
                Guarded(handler),
                abi_stable::sabi_trait::TD_Opaque,
            ),
        }
    }
}
