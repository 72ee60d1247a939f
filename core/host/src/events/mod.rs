//! The event bus: events with FreeSWITCH's names and envelope headers, delivered to the event
//! handlers modules registered.
//!
//! Delivery is synchronous on the firing thread, so one channel's events reach every handler
//! in the order the channel produced them. Handlers must not block (the ABI says so); a slow
//! consumer such as an event-socket client queues on its own side.

mod clock;
mod header_text;
mod heartbeat;
mod interned;
mod pool;
mod subscribers;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use abi_stable::std_types::RString;
use ferroswitch_abi::{Event, LogLevel, ModuleId};

use crate::core::Core;
use subscribers::{Subscriber, Subscribers};

pub use clock::{format_local, format_utc, micros_since_epoch};
pub use header_text::{copy, number};
pub use heartbeat::{heartbeat_event, start_heartbeat};
pub use interned::{event_name, variable_header, variable_headers};
pub use pool::{header_list, recycle};

/// `0 years, 0 days, 1 hour, 2 minutes, 3 seconds, 4 milliseconds, 5 microseconds`, as
/// FreeSWITCH's `status` and HEARTBEAT word it.
pub fn uptime_text(uptime: std::time::Duration) -> String {
    let micros = uptime.as_micros() as u64;
    let seconds = micros / 1_000_000;
    let (years, days) = (seconds / 31_536_000, (seconds % 31_536_000) / 86_400);
    let (hours, minutes, secs) = (
        (seconds % 86_400) / 3_600,
        (seconds % 3_600) / 60,
        seconds % 60,
    );
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    [
        plural(years, "year"),
        plural(days, "day"),
        plural(hours, "hour"),
        plural(minutes, "minute"),
        plural(secs, "second"),
        plural((micros / 1_000) % 1_000, "millisecond"),
        plural(micros % 1_000, "microsecond"),
    ]
    .join(", ")
}

/// An event that already carries the bus's envelope headers (see [`EventBus::stamp`]);
/// headers pushed onto it come after them.
#[derive(Debug)]
pub struct Stamped(Event);

impl Stamped {
    /// The event itself.
    pub fn into_event(self) -> Event {
        self.0
    }
}

impl std::ops::Deref for Stamped {
    type Target = Event;

    fn deref(&self) -> &Event {
        &self.0
    }
}

impl std::ops::DerefMut for Stamped {
    fn deref_mut(&mut self) -> &mut Event {
        &mut self.0
    }
}

/// What [`EventBus::fire`] delivers: an [`Event`], which gets its envelope on the way, or a
/// [`Stamped`] event, which has it already.
pub trait Fireable {
    /// The event with its envelope.
    fn stamped(self, bus: &EventBus) -> Event;
}

impl Fireable for Event {
    fn stamped(self, bus: &EventBus) -> Event {
        bus.envelope(self)
    }
}

impl Fireable for Stamped {
    fn stamped(self, _bus: &EventBus) -> Event {
        self.0
    }
}

/// The bus.
pub struct EventBus {
    /// Borrowed by every event's `Core-UUID` header (kept for the life of the process, as
    /// the bus is).
    core_uuid: &'static str,
    /// Borrowed by every event's `FreeSWITCH-Hostname` and `FreeSWITCH-Switchname`.
    hostname: &'static str,
    sequence: AtomicU64,
    subscribers: RwLock<Arc<Subscribers>>,
    /// Modules whose handlers have nobody to pass events to just now.
    inactive: Mutex<HashSet<ModuleId>>,
}

impl EventBus {
    /// An empty bus.
    pub fn new(core_uuid: String, hostname: String) -> Self {
        Self {
            core_uuid: Box::leak(core_uuid.into_boxed_str()),
            hostname: Box::leak(hostname.into_boxed_str()),
            sequence: AtomicU64::new(0),
            subscribers: RwLock::default(),
            inactive: Mutex::default(),
        }
    }

    fn snapshot(&self) -> Arc<Subscribers> {
        Arc::clone(
            &self
                .subscribers
                .read()
                .unwrap_or_else(|poison| poison.into_inner()),
        )
    }

    /// Rebuilds the subscriber list after modules registered or dropped event handlers.
    pub fn interfaces_changed(&self, core: Core) {
        let handlers = core.inner().registry.read().event_handlers.clone();
        let registered = handlers
            .into_iter()
            .map(|handler| Arc::new(Subscriber::new(handler)))
            .collect();
        let inactive = self.inactive();
        *self.write_subscribers() = Arc::new(Subscribers::new(registered, &inactive));
    }

    /// Counts `module`'s handlers in (`active`) or out of delivery: a module says it has
    /// nobody to pass events to, so that events only it would take are not built.
    pub fn set_module_active(&self, module: ModuleId, active: bool) {
        let mut inactive = self.inactive();
        let changed = if active {
            inactive.remove(&module)
        } else {
            inactive.insert(module)
        };
        if changed {
            let mut subscribers = self.write_subscribers();
            *subscribers = Arc::new(subscribers.with_inactive(&inactive));
        }
    }

    /// The inactive modules, locked (before the subscriber list, always in that order).
    fn inactive(&self) -> std::sync::MutexGuard<'_, HashSet<ModuleId>> {
        self.inactive
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    fn write_subscribers(&self) -> std::sync::RwLockWriteGuard<'_, Arc<Subscribers>> {
        self.subscribers
            .write()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Whether anyone wants events named `name`: callers skip building events nobody reads.
    pub fn wanted(&self, name: &str) -> bool {
        self.subscribers
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .wants(name)
    }

    /// Stamps the envelope headers on `event` (unless it is [`Stamped`] already) and
    /// delivers it.
    pub fn fire(&self, core: Core, event: impl Fireable) {
        let subscribers = self.snapshot();
        if subscribers.active.is_empty() {
            return;
        }
        let event = event.stamped(self);
        for subscriber in &subscribers.active {
            if !subscriber.takes(event.name.as_str()) {
                continue;
            }
            if let Err(error) = subscriber
                .handler
                .record
                .object
                .on_event(&event)
                .into_result()
            {
                core.inner().logging.log(
                    &core,
                    LogLevel::Err,
                    &subscriber.handler.module.name,
                    "",
                    &format!(
                        "event handler {} failed on {}: {error}",
                        subscriber.handler.record.desc.name, event.name
                    ),
                );
            }
        }
        pool::recycle(event.headers);
    }

    /// A new event named `name` carrying the envelope headers, with room for `capacity`
    /// headers of its own after them. The envelope is stamped now, so the event's own
    /// headers never have to move behind it.
    pub fn stamp(&self, name: &str, capacity: usize) -> Stamped {
        let mut event = Event {
            name: name.into(),
            subclass: RString::new(),
            headers: pool::header_list(ENVELOPE_HEADERS + capacity),
            body: RString::new(),
        };
        self.push_envelope(&mut event);
        Stamped(event)
    }

    /// The event with FreeSWITCH's envelope headers in front of its own.
    pub fn envelope(&self, event: Event) -> Event {
        let mut event = event;
        // Headers the event brought that the envelope writes itself.
        let replaced = |header: &ferroswitch_abi::EventHeader| {
            header.name.eq_ignore_ascii_case("Event-Name")
                || header.name.eq_ignore_ascii_case("Event-Subclass")
        };
        if event.headers.iter().any(replaced) {
            event.headers.retain(|header| !replaced(header));
        }
        // The envelope is appended, then rotated to the front: the event's own headers move
        // once, in one block, inside the allocation they already have.
        let own = event.headers.len();
        event.headers.reserve(ENVELOPE_HEADERS);
        self.push_envelope(&mut event);
        let envelope = event.headers.len() - own;
        event.headers.rotate_right(envelope);
        event
    }

    /// Appends the envelope headers to `event`.
    fn push_envelope(&self, event: &mut Event) {
        let now_us = micros_since_epoch();
        let sequence = self.sequence.fetch_add(1, Ordering::Relaxed) + 1;
        let dates = clock::event_dates(now_us);
        let name = event_name(&event.name);
        event.push_header("Event-Name", name);
        if !event.subclass.is_empty() {
            let subclass = event_name(&event.subclass);
            event.push_header("Event-Subclass", subclass);
        }
        event
            .push_header("Core-UUID", self.core_uuid)
            .push_header("FreeSWITCH-Hostname", self.hostname)
            .push_header("FreeSWITCH-Switchname", self.hostname)
            .push_header("FreeSWITCH-IPv4", "127.0.0.1")
            .push_header("FreeSWITCH-IPv6", "::1")
            .push_header("Event-Date-Local", dates.local)
            .push_header("Event-Date-GMT", dates.utc)
            .push_header("Event-Date-Timestamp", number(now_us))
            .push_header("Event-Calling-File", "ferroswitch")
            .push_header("Event-Calling-Function", "core")
            .push_header("Event-Calling-Line-Number", "0")
            .push_header("Event-Sequence", number(sequence));
    }
}

/// How many headers [`EventBus::envelope`] puts in front, at most.
const ENVELOPE_HEADERS: usize = 14;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_comes_first_and_replaces_the_events_own_name_headers() {
        let bus = EventBus::new("core-1".into(), "host".into());
        let mut event = Event::custom("sofia::register");
        event
            .add_header("A", "1")
            .add_header("event-name", "stale")
            .push_header("B", "2");
        event.body = "body".into();
        let stamped = bus.envelope(event);
        let names: Vec<&str> = stamped.headers.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Event-Name",
                "Event-Subclass",
                "Core-UUID",
                "FreeSWITCH-Hostname",
                "FreeSWITCH-Switchname",
                "FreeSWITCH-IPv4",
                "FreeSWITCH-IPv6",
                "Event-Date-Local",
                "Event-Date-GMT",
                "Event-Date-Timestamp",
                "Event-Calling-File",
                "Event-Calling-Function",
                "Event-Calling-Line-Number",
                "Event-Sequence",
                "A",
                "B",
            ]
        );
        assert_eq!(stamped.header("Event-Name"), Some("CUSTOM"));
        assert_eq!(stamped.header("Event-Subclass"), Some("sofia::register"));
        assert_eq!(stamped.header("Event-Sequence"), Some("1"));
        assert_eq!(stamped.body.as_str(), "body");
        assert_eq!(stamped.name.as_str(), "CUSTOM");
    }
}
