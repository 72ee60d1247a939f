//! Sessions: one channel each, driven through FreeSWITCH's channel states by a thread of its
//! own (applications block on their session, as in FreeSWITCH).

pub mod bridge;
pub mod channel;
mod control;
pub mod dial_string;
mod directory_user;
mod event_data;
pub mod execute;
mod listing;
mod machine;
pub mod ops;
mod originate;
mod table;
pub mod wait;

pub use channel::{ChannelData, Direction, Timestamps};
pub use control::Notifier;
pub use event_data::{channel_data_event, channel_event};
pub use listing::listing_row;
pub use originate::originate;
pub use table::{NewChannel, SessionTable};

use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};

use ferroswitch_abi::{FfiChannelIoBox, Session, SessionId};

use crate::core::Core;
use crate::loader::Lease;

/// A channel's endpoint I/O object and the lease that keeps its module loaded.
pub struct ChannelIo {
    pub object: FfiChannelIoBox,
    pub endpoint: String,
    lease: Lease,
}

impl ChannelIo {
    /// Holds `object` for the session's life, leasing the endpoint's module.
    pub fn new(object: FfiChannelIoBox, endpoint: String, lease: Lease) -> Self {
        Self {
            object,
            endpoint,
            lease,
        }
    }

    /// A handle to `session` for calls into this endpoint: it carries the endpoint module's
    /// id, so what the module does through it is attributed to it.
    pub fn session_handle(&self, core: Core, session: &SessionInner) -> Session {
        session.handle(core, self.lease.module().id)
    }
}

/// One session.
pub struct SessionInner {
    pub id: SessionId,
    pub uuid: String,
    channel: Mutex<ChannelData>,
    /// Woken on every change the session thread or a waiting application may care about.
    pub signal: Condvar,
    /// Held while a change that an event reports is made and while that event is fired, so
    /// every handler sees one channel's events in the order its changes happened, whichever
    /// threads made them (an answer marked by the peer's thread, a hangup from the console).
    /// Event handlers therefore must not call back into the same session synchronously.
    event_order: Mutex<()>,
    io: OnceLock<ChannelIo>,
    /// The codec the endpoint speaks and the core's decoding and encoding for it.
    pub media: crate::media::ChannelMedia,
}

impl SessionInner {
    /// Locks the channel data.
    pub fn channel(&self) -> MutexGuard<'_, ChannelData> {
        self.channel
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Takes the channel's event-order lock (see the field).
    pub fn event_order(&self) -> MutexGuard<'_, ()> {
        self.event_order
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Fires channel event `name` (with `extra` headers added) if anyone wants it, in order.
    pub fn fire_event(
        &self,
        core: Core,
        name: &str,
        extra: impl FnOnce(&mut ferroswitch_abi::Event),
    ) {
        if !core.inner().events.wanted(name) {
            return;
        }
        let _order = self.event_order();
        let mut event = channel_event(core, self, name);
        extra(&mut event);
        core.inner().events.fire(core, event);
    }

    /// The endpoint I/O, once attached.
    pub fn io(&self) -> Option<&ChannelIo> {
        self.io.get()
    }

    /// A module-facing handle to this session, for calls into endpoint and handler objects.
    pub fn handle(&self, core: Core, module: ferroswitch_abi::ModuleId) -> Session {
        core.host(module).session(self.id)
    }

    /// Wakes the session thread, any application waiting on it, and originate waiters.
    pub fn notify(&self, channel: &ChannelData) {
        // std's notify makes a system call even with no one waiting; a call changes state
        // often enough for that to matter. Waiters count themselves under the same lock.
        if channel.waiters > 0 {
            self.signal.notify_all();
        }
        for observer in &channel.observers {
            observer.notify();
        }
    }
}

impl SessionInner {
    /// Waits for a notification (with the channel lock, which the wait releases meanwhile).
    pub fn wait_signal<'a>(
        &self,
        mut channel: MutexGuard<'a, ChannelData>,
    ) -> MutexGuard<'a, ChannelData> {
        channel.waiters += 1;
        let mut channel = self
            .signal
            .wait(channel)
            .unwrap_or_else(|poison| poison.into_inner());
        channel.waiters -= 1;
        channel
    }

    /// Waits for a notification for at most `limit`.
    pub fn wait_signal_timeout<'a>(
        &self,
        mut channel: MutexGuard<'a, ChannelData>,
        limit: std::time::Duration,
    ) -> MutexGuard<'a, ChannelData> {
        channel.waiters += 1;
        let mut channel = self
            .signal
            .wait_timeout(channel, limit)
            .unwrap_or_else(|poison| poison.into_inner())
            .0;
        channel.waiters -= 1;
        channel
    }
}

/// Shorthand for the shared pointer every layer passes around.
pub type SessionRef = Arc<SessionInner>;
