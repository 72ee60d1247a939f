//! Event handlers: subscribers to the event bus (event socket, CDR writers).

use abi_stable::{
    sabi_trait,
    std_types::{RBox, RResult, RString, RVec},
    StableAbi,
};

use crate::{guard::guard, Error, Event};

/// An event handler's description.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct EventHandlerDesc {
    /// A name for listings and logs.
    pub name: RString,
    /// Event names it wants (`CHANNEL_ANSWER`, `CUSTOM`), or `ALL`.
    pub events: RVec<RString>,
}

/// An event handler, as a module author writes it. Called synchronously on the thread that
/// fired the event (so a channel's events arrive in order); it must not block: queue the
/// event and return.
pub trait EventHandler: Send + Sync + 'static {
    /// Takes one event.
    fn on_event(&self, event: &Event);
}

/// The FFI-safe form of [`EventHandler`].
#[sabi_trait]
pub trait FfiEventHandler: Send + Sync {
    fn on_event(&self, event: &Event) -> RResult<(), Error>;
}

/// An owned FFI event handler object.
pub type FfiEventHandlerBox = FfiEventHandler_TO<'static, RBox<()>>;

struct Guarded<H>(H);

impl<H: EventHandler> FfiEventHandler for Guarded<H> {
    fn on_event(&self, event: &Event) -> RResult<(), Error> {
        guard("event handler", || {
            self.0.on_event(event);
            Ok(())
        })
    }
}

/// An event handler ready to register.
#[repr(C)]
#[derive(StableAbi)]
pub struct EventHandlerRecord {
    pub desc: EventHandlerDesc,
    pub object: FfiEventHandlerBox,
}

impl EventHandlerRecord {
    /// Wraps `handler` so that every call is panic-contained.
    pub fn new(desc: EventHandlerDesc, handler: impl EventHandler) -> Self {
        Self {
            desc,
            object: FfiEventHandler_TO::from_value(
                Guarded(handler),
                abi_stable::sabi_trait::TD_Opaque,
            ),
        }
    }
}
