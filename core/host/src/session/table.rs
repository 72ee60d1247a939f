//! The table of live sessions, and creating them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use ferroswitch_abi::{CallerProfile, Error, ErrorKind, HangupCause, SessionId};

use crate::core::Core;
use crate::events::micros_since_epoch;

use super::{machine, ChannelData, ChannelIo, Direction, SessionInner, SessionRef};

/// What a new channel starts with.
pub struct NewChannel {
    pub name: String,
    pub direction: Direction,
    pub profile: CallerProfile,
    pub variables: Vec<(String, String)>,
    pub partner: Option<String>,
}

#[derive(Default)]
struct Index {
    by_id: HashMap<SessionId, SessionRef>,
    by_uuid: HashMap<String, SessionId>,
}

/// Every live session.
pub struct SessionTable {
    index: RwLock<Index>,
    next_id: AtomicU64,
    refusing: AtomicBool,
    emptied: (Mutex<()>, Condvar),
}

impl Default for SessionTable {
    fn default() -> Self {
        Self {
            index: RwLock::default(),
            next_id: AtomicU64::new(1),
            refusing: AtomicBool::new(false),
            emptied: Default::default(),
        }
    }
}

impl SessionTable {
    /// The session with id `id`.
    pub fn get(&self, id: SessionId) -> Option<SessionRef> {
        self.index
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .by_id
            .get(&id)
            .cloned()
    }

    /// The session with UUID `uuid`.
    pub fn locate(&self, uuid: &str) -> Option<SessionRef> {
        let index = self
            .index
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        index
            .by_uuid
            .get(uuid)
            .and_then(|id| index.by_id.get(id))
            .cloned()
    }

    /// Live sessions, oldest first.
    pub fn all(&self) -> Vec<SessionRef> {
        let mut sessions: Vec<_> = self
            .index
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .by_id
            .values()
            .cloned()
            .collect();
        sessions.sort_by_key(|session| session.id);
        sessions
    }

    /// How many sessions are alive.
    pub fn count(&self) -> u64 {
        self.index
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .by_id
            .len() as u64
    }

    /// Refuses new sessions from now on (shutdown).
    pub fn stop_accepting(&self) {
        self.refusing.store(true, Ordering::Release);
    }

    /// Whether new sessions are accepted.
    pub fn accepting(&self) -> bool {
        !self.refusing.load(Ordering::Acquire)
    }

    /// Creates a session in state NEW, registered in the table but with no thread yet.
    pub fn create(&self, core: Core, new: NewChannel) -> Result<SessionRef, Error> {
        if !self.accepting() {
            return Err(Error::new(ErrorKind::FAILED, "the switch is shutting down")
                .with_cause(HangupCause::SYSTEM_SHUTDOWN));
        }
        let settings = &core.inner().settings;
        let alive = self.count();
        if alive >= settings.max_sessions {
            return Err(
                Error::failed(format!("max-sessions ({}) reached", settings.max_sessions))
                    .with_cause(HangupCause::SWITCH_CONGESTION),
            );
        }
        let this_second = core
            .inner()
            .stats
            .session_created(alive + 1, Instant::now());
        if settings.sessions_per_second > 0 && this_second > settings.sessions_per_second {
            return Err(Error::failed(format!(
                "sessions-per-second ({}) exceeded",
                settings.sessions_per_second
            ))
            .with_cause(HangupCause::SWITCH_CONGESTION));
        }
        let id = SessionId(self.next_id.fetch_add(1, Ordering::Relaxed));
        let uuid = uuid::Uuid::new_v4().to_string();
        let mut profile = new.profile;
        profile.uuid = uuid.as_str().into();
        profile.chan_name = new.name.as_str().into();
        let mut channel = ChannelData::new(
            new.name,
            new.direction,
            profile,
            &uuid,
            micros_since_epoch(),
        );
        channel.partner = new.partner;
        channel.set_variable("direction", Some(new.direction.name()));
        channel.set_variable("uuid", Some(&uuid));
        channel.set_variable("session_id", Some(&id.0.to_string()));
        for (name, value) in &new.variables {
            channel.set_variable(name, Some(value));
        }
        let session = Arc::new(SessionInner {
            id,
            uuid: uuid.clone(),
            channel: Mutex::new(channel),
            signal: Condvar::new(),
            event_order: Mutex::new(()),
            io: OnceLock::new(),
            media: Default::default(),
        });
        let mut index = self
            .index
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        index.by_uuid.insert(uuid, id);
        index.by_id.insert(id, Arc::clone(&session));
        Ok(session)
    }

    /// Attaches the endpoint's I/O to a new session.
    pub fn attach_io(&self, session: &SessionRef, io: ChannelIo) {
        // A session gets its I/O once, right after creation; a second attach is a core bug
        // and is ignored rather than replacing live I/O.
        let _ = session.io.set(io);
    }

    /// Starts the session's state machine on a pool thread. When no new thread can be made
    /// the session waits in the queue for the next free one, and that is logged.
    pub fn start(&self, core: Core, session: SessionRef) -> Result<(), Error> {
        let uuid = session.uuid.clone();
        if let Err(error) = core
            .inner()
            .threads
            .execute(move || machine::run(core, session))
        {
            core.inner().logging.log(
                &core,
                ferroswitch_abi::LogLevel::Crit,
                "core",
                &uuid,
                &format!("no thread for a new session ({error}); it waits for one to free up"),
            );
        }
        Ok(())
    }

    /// Removes a session (after DESTROY, or a leg whose endpoint refused it).
    pub fn remove(&self, session: &SessionInner) {
        let empty = {
            let mut index = self
                .index
                .write()
                .unwrap_or_else(|poison| poison.into_inner());
            index.by_id.remove(&session.id);
            index.by_uuid.remove(&session.uuid);
            index.by_id.is_empty()
        };
        if empty {
            let _guard = self
                .emptied
                .0
                .lock()
                .unwrap_or_else(|poison| poison.into_inner());
            self.emptied.1.notify_all();
        }
    }

    /// Waits (at most `limit`) until no session is left.
    pub fn wait_until_empty(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        let mut guard = self
            .emptied
            .0
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        while self.count() > 0 {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            guard = self
                .emptied
                .1
                .wait_timeout(guard, (deadline - now).min(Duration::from_millis(50)))
                .unwrap_or_else(|poison| poison.into_inner())
                .0;
        }
    }

    /// Hangs up every session (whose variable `filter.0` equals `filter.1`); how many.
    pub fn hangup_all(&self, core: Core, cause: HangupCause, filter: Option<(&str, &str)>) -> u32 {
        let mut count = 0;
        for session in self.all() {
            let matches = match filter {
                Some((name, value)) => session.channel().variable(name).as_deref() == Some(value),
                None => true,
            };
            if matches && super::ops::hangup(core, &session, cause) {
                count += 1;
            }
        }
        count
    }
}
