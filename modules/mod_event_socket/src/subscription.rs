//! What one client has asked for: which events, in which format, through which filters,
//! which log lines, and which channel it follows. Shared between the connection (which
//! changes it as commands arrive) and the event bus threads (which ask it about each event),
//! so it is plain data behind one short-held lock.

use std::collections::{BTreeSet, HashSet};

use ferroswitch_abi::{Event, LogLevel};

use crate::event_names::{canonical, EVENT_NAMES, MYEVENTS};
use crate::filter::Filters;
use crate::format::EventFormat;

/// The events a client subscribed to.
#[derive(Clone, Debug, Default)]
pub struct Subscription {
    /// Events are delivered at all (`event` or `myevents` was accepted, `noevents` undoes it).
    pub enabled: bool,
    /// `event ALL`: every event, whatever its name.
    pub all: bool,
    /// The named events (canonical names).
    pub names: BTreeSet<&'static str>,
    /// The `CUSTOM` subclasses wanted.
    pub custom: HashSet<String>,
    /// The format events are written in.
    pub format: EventFormat,
    /// `filter` entries.
    pub filters: Filters,
    /// `myevents`: only events about the controlled channel.
    pub myevents: bool,
}

impl Subscription {
    /// Subscribes to `name` (canonical); `ALL` means every event.
    pub fn add(&mut self, name: &'static str) {
        if name == "ALL" {
            self.all = true;
            self.names.extend(EVENT_NAMES.iter().copied());
        } else {
            self.names.insert(name);
        }
    }

    /// Unsubscribes from `name` (canonical), as `nixevent` does: `ALL` drops everything;
    /// one name out of `ALL` keeps every other.
    pub fn remove(&mut self, name: &'static str) {
        if name == "ALL" {
            self.all = false;
            self.names.clear();
        } else {
            // `names` already holds every name while `all` is set.
            self.all = false;
            self.names.remove(name);
        }
    }

    /// `noevents`: nothing any more (filters stay).
    pub fn clear(&mut self) {
        self.enabled = false;
        self.all = false;
        self.names.clear();
        self.custom.clear();
    }

    /// `myevents`: the events about one channel.
    pub fn add_myevents(&mut self) {
        self.names.extend(MYEVENTS.iter().copied());
        self.myevents = true;
        self.enabled = true;
    }

    /// Whether `event` is delivered; `controlled` is the channel the client follows.
    pub fn wants(&self, event: &Event, controlled: Option<&str>) -> bool {
        if !self.enabled || !self.by_name(event) {
            return false;
        }
        if !self.filters.allows(|name| event.header(name)) {
            return false;
        }
        if self.myevents {
            return about_channel(event, controlled);
        }
        true
    }

    fn by_name(&self, event: &Event) -> bool {
        if self.all {
            return true;
        }
        let Some(name) = canonical(&event.name) else {
            return false;
        };
        if !self.names.contains(name) {
            return false;
        }
        name != "CUSTOM"
            || event.subclass.is_empty()
            || self.custom.contains(event.subclass.as_str())
    }
}

/// Whether `event` concerns the channel `controlled` (its `Unique-ID`, or a background job it
/// started). Without a channel, FreeSWITCH lets every event that has a `Unique-ID` through.
fn about_channel(event: &Event, controlled: Option<&str>) -> bool {
    let Some(uuid) = event.header("Unique-ID") else {
        return controlled
            .is_some_and(|controlled| event.header("Job-Owner-UUID") == Some(controlled));
    };
    match controlled {
        Some(controlled) => {
            uuid == controlled || event.header("Job-Owner-UUID") == Some(controlled)
        }
        None => true,
    }
}

/// How long a client stays connected after its channel hangs up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Linger {
    /// This many seconds.
    Seconds(u32),
    /// Until the client leaves (FreeSWITCH's `linger` without a time).
    Forever,
}

impl Linger {
    /// FreeSWITCH's `Linger-Time`: seconds, or -1 for ever.
    pub fn seconds(self) -> i64 {
        match self {
            Self::Seconds(seconds) => i64::from(seconds),
            Self::Forever => -1,
        }
    }
}

/// Everything about one client the event bus needs to know.
#[derive(Clone, Debug, Default)]
pub struct ListenerState {
    /// The events it wants.
    pub subscription: Subscription,
    /// The channel it follows: the call of an outbound `socket`, or `myevents <uuid>`.
    pub controlled: Option<String>,
    /// `log <level>`: log lines up to this level.
    pub log_level: Option<LogLevel>,
    /// `linger`: stay after the channel hangs up.
    pub linger: Option<Linger>,
    /// The client was told its channel went down (once only).
    pub channel_down: bool,
}

/// What one event means for one client.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Route {
    /// Deliver it, in this format.
    pub deliver: Option<EventFormat>,
    /// It says the controlled channel hung up: after it, linger or disconnect.
    pub channel_down: bool,
}

impl ListenerState {
    /// Routes `event`.
    pub fn route(&mut self, event: &Event) -> Route {
        let controlled = self.controlled.as_deref();
        let deliver = self
            .subscription
            .wants(event, controlled)
            .then_some(self.subscription.format);
        let channel_down =
            !self.channel_down && controlled.is_some_and(|uuid| is_hangup_of(event, uuid));
        if channel_down {
            self.channel_down = true;
        }
        Route {
            deliver,
            channel_down,
        }
    }

    /// Whether a log line at `level` is for this client.
    pub fn wants_log(&self, level: LogLevel) -> bool {
        self.log_level.is_some_and(|wanted| level <= wanted)
    }
}

/// Whether `event` says channel `uuid` is going down.
fn is_hangup_of(event: &Event, uuid: &str) -> bool {
    matches!(
        event.name.as_str(),
        "CHANNEL_HANGUP" | "CHANNEL_HANGUP_COMPLETE" | "CHANNEL_DESTROY"
    ) && event.header("Unique-ID") == Some(uuid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: &str, uuid: &str) -> Event {
        let mut event = Event::new(name);
        event
            .add_header("Event-Name", name)
            .add_header("Unique-ID", uuid);
        event
    }

    fn subscribed(names: &[&'static str]) -> Subscription {
        let mut subscription = Subscription {
            enabled: true,
            ..Subscription::default()
        };
        for name in names {
            subscription.add(name);
        }
        subscription
    }

    #[test]
    fn named_events_only() {
        let subscription = subscribed(&["CHANNEL_ANSWER"]);
        assert!(subscription.wants(&event("CHANNEL_ANSWER", "u1"), None));
        assert!(!subscription.wants(&event("CHANNEL_HANGUP", "u1"), None));
        assert!(!subscription.wants(&event("SOMETHING_NEW", "u1"), None));
    }

    #[test]
    fn all_includes_names_freeswitch_does_not_know() {
        let subscription = subscribed(&["ALL"]);
        assert!(subscription.wants(&event("SOMETHING_NEW", "u1"), None));
    }

    #[test]
    fn nothing_until_enabled() {
        let mut subscription = subscribed(&["ALL"]);
        subscription.clear();
        assert!(!subscription.wants(&event("CHANNEL_ANSWER", "u1"), None));
    }

    #[test]
    fn custom_events_by_subclass() {
        let mut subscription = subscribed(&["CUSTOM"]);
        subscription.custom.insert("sofia::register".into());
        let mut register = Event::custom("sofia::register");
        register.add_header("Event-Name", "CUSTOM");
        let other = Event::custom("conference::maintenance");
        assert!(subscription.wants(&register, None));
        assert!(!subscription.wants(&other, None));
        assert!(subscription.wants(&Event::new("CUSTOM"), None));
    }

    #[test]
    fn nixevent_out_of_all_keeps_the_rest() {
        let mut subscription = subscribed(&["ALL"]);
        subscription.remove("CHANNEL_STATE");
        assert!(!subscription.wants(&event("CHANNEL_STATE", "u1"), None));
        assert!(subscription.wants(&event("CHANNEL_ANSWER", "u1"), None));
        subscription.remove("ALL");
        assert!(!subscription.wants(&event("CHANNEL_ANSWER", "u1"), None));
    }

    #[test]
    fn myevents_follow_one_channel_and_its_jobs() {
        let mut subscription = Subscription::default();
        subscription.add_myevents();
        assert!(subscription.wants(&event("CHANNEL_ANSWER", "u1"), Some("u1")));
        assert!(!subscription.wants(&event("CHANNEL_ANSWER", "u2"), Some("u1")));
        assert!(!subscription.wants(&event("HEARTBEAT", "u1"), Some("u1")));
        subscription.add("BACKGROUND_JOB");
        let mut job = Event::new("BACKGROUND_JOB");
        job.add_header("Job-Owner-UUID", "u1");
        assert!(subscription.wants(&job, Some("u1")));
        assert!(!subscription.wants(&job, Some("u2")));
    }

    #[test]
    fn filters_apply_after_names() {
        let mut subscription = subscribed(&["CHANNEL_ANSWER", "CHANNEL_HANGUP"]);
        subscription.filters.add("Unique-ID", "u1");
        assert!(subscription.wants(&event("CHANNEL_ANSWER", "u1"), None));
        assert!(!subscription.wants(&event("CHANNEL_ANSWER", "u2"), None));
    }

    #[test]
    fn the_controlled_channel_going_down_is_reported_once() {
        let mut state = ListenerState {
            controlled: Some("u1".into()),
            ..ListenerState::default()
        };
        assert_eq!(
            state.route(&event("CHANNEL_HANGUP", "u2")),
            Route::default()
        );
        let route = state.route(&event("CHANNEL_HANGUP", "u1"));
        assert_eq!(
            route,
            Route {
                deliver: None,
                channel_down: true
            }
        );
        assert!(
            !state
                .route(&event("CHANNEL_HANGUP_COMPLETE", "u1"))
                .channel_down
        );
    }

    #[test]
    fn delivery_carries_the_current_format() {
        let mut state = ListenerState {
            subscription: subscribed(&["CHANNEL_ANSWER"]),
            ..ListenerState::default()
        };
        state.subscription.format = EventFormat::Json;
        assert_eq!(
            state.route(&event("CHANNEL_ANSWER", "u1")).deliver,
            Some(EventFormat::Json)
        );
    }

    #[test]
    fn log_levels_up_to_the_one_asked() {
        let state = ListenerState {
            log_level: Some(LogLevel::Notice),
            ..ListenerState::default()
        };
        assert!(state.wants_log(LogLevel::Err));
        assert!(state.wants_log(LogLevel::Notice));
        assert!(!state.wants_log(LogLevel::Debug));
        assert!(!ListenerState::default().wants_log(LogLevel::Console));
    }

    #[test]
    fn linger_seconds_as_freeswitch_writes_them() {
        assert_eq!(Linger::Seconds(30).seconds(), 30);
        assert_eq!(Linger::Forever.seconds(), -1);
    }
}
