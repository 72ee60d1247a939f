//! A `sendmsg`'s `event-uuid` as the `Application-UUID` of the application it ran.
//!
//! FreeSWITCH runs a `sendmsg execute` with the client's `event-uuid` as the application's
//! UUID, so that its CHANNEL_EXECUTE and CHANNEL_EXECUTE_COMPLETE carry it; clients such as
//! modesl wait for the CHANNEL_EXECUTE_COMPLETE with their UUID. The module ABI queues an
//! application without a UUID (the core makes its own), so this module keeps the link
//! itself: before queueing, it records (channel, application, client UUID); when the
//! channel's next CHANNEL_EXECUTE of that application arrives, the core's UUID is mapped to
//! the client's, and both events are delivered with the client's. Queued applications run
//! one at a time, in order, on the channel's thread, which is what makes the first match
//! the right one. When the ABI can queue an application with a UUID, this goes.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use ferroswitch_abi::Event;

/// The links between the core's application UUIDs and the clients'.
#[derive(Default)]
pub struct ApplicationUuids {
    links: Mutex<Links>,
    /// Entries in `links`: the event path skips the lock while there are none.
    count: AtomicUsize,
}

#[derive(Default)]
struct Links {
    /// Per channel, the applications queued with a client UUID, in queue order.
    expected: HashMap<String, VecDeque<(String, String)>>,
    /// The core's UUID of a running application → (channel, the client's UUID).
    running: HashMap<String, (String, String)>,
}

impl ApplicationUuids {
    /// Records that `app`, about to be queued on `channel`, should carry `client_uuid`.
    pub fn expect(&self, channel: &str, app: &str, client_uuid: &str) {
        let mut links = self.lock();
        links
            .expected
            .entry(channel.to_owned())
            .or_default()
            .push_back((app.to_owned(), client_uuid.to_owned()));
        self.count.fetch_add(1, Ordering::AcqRel);
    }

    /// Undoes the last [`expect`](Self::expect) on `channel` (its queueing failed).
    pub fn forget_last(&self, channel: &str) {
        let mut links = self.lock();
        if let Some(queue) = links.expected.get_mut(channel) {
            if queue.pop_back().is_some() {
                self.count.fetch_sub(1, Ordering::AcqRel);
            }
            if queue.is_empty() {
                links.expected.remove(channel);
            }
        }
    }

    /// `event` with the client's UUID in place of the core's, if it is the execution of an
    /// expected application; `None` when it is delivered as it is.
    pub fn rewrite(&self, event: &Event) -> Option<Event> {
        if self.count.load(Ordering::Acquire) == 0 {
            return None;
        }
        let channel = event.header("Unique-ID")?;
        let mut links = self.lock();
        if event.name.as_str() == "CHANNEL_DESTROY" {
            self.forget_channel(&mut links, channel);
            return None;
        }
        let core_uuid = event.header("Application-UUID")?;
        let client_uuid = match event.name.as_str() {
            "CHANNEL_EXECUTE" => {
                let app = event.header("Application")?;
                let queue = links.expected.get_mut(channel)?;
                let (expected_app, _) = queue.front()?;
                if !expected_app.eq_ignore_ascii_case(app) {
                    return None;
                }
                let (_, client_uuid) = queue.pop_front()?;
                if queue.is_empty() {
                    links.expected.remove(channel);
                }
                links.running.insert(
                    core_uuid.to_owned(),
                    (channel.to_owned(), client_uuid.clone()),
                );
                client_uuid
            }
            "CHANNEL_EXECUTE_COMPLETE" => {
                let (_, client_uuid) = links.running.remove(core_uuid)?;
                self.count.fetch_sub(1, Ordering::AcqRel);
                client_uuid
            }
            _ => return None,
        };
        let mut rewritten = event.clone();
        rewritten.set_header("Application-UUID", &client_uuid);
        Some(rewritten)
    }

    fn forget_channel(&self, links: &mut Links, channel: &str) {
        let mut forgotten = links
            .expected
            .remove(channel)
            .map_or(0, |queue| queue.len());
        let before = links.running.len();
        links.running.retain(|_, (owner, _)| owner != channel);
        forgotten += before - links.running.len();
        self.count.fetch_sub(forgotten, Ordering::AcqRel);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Links> {
        self.links
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn execute(name: &str, channel: &str, app: &str, core_uuid: &str) -> Event {
        let mut event = Event::new(name);
        event
            .add_header("Unique-ID", channel)
            .add_header("Application", app)
            .add_header("Application-UUID", core_uuid);
        event
    }

    #[test]
    fn both_events_of_the_expected_application_carry_the_client_uuid() {
        let links = ApplicationUuids::default();
        links.expect("c1", "set", "client-1");
        let started = links
            .rewrite(&execute("CHANNEL_EXECUTE", "c1", "set", "core-1"))
            .expect("rewritten");
        assert_eq!(started.header("Application-UUID"), Some("client-1"));
        let done = links
            .rewrite(&execute("CHANNEL_EXECUTE_COMPLETE", "c1", "set", "core-1"))
            .expect("rewritten");
        assert_eq!(done.header("Application-UUID"), Some("client-1"));
        assert_eq!(links.count.load(Ordering::Acquire), 0);
    }

    #[test]
    fn other_channels_and_applications_are_left_alone() {
        let links = ApplicationUuids::default();
        links.expect("c1", "set", "client-1");
        assert!(links
            .rewrite(&execute("CHANNEL_EXECUTE", "c2", "set", "x"))
            .is_none());
        assert!(links
            .rewrite(&execute("CHANNEL_EXECUTE", "c1", "park", "y"))
            .is_none());
        assert!(links
            .rewrite(&execute("CHANNEL_EXECUTE", "c1", "set", "z"))
            .is_some());
    }

    #[test]
    fn repeated_applications_are_matched_in_queue_order() {
        let links = ApplicationUuids::default();
        links.expect("c1", "log", "first");
        links.expect("c1", "log", "second");
        let one = links
            .rewrite(&execute("CHANNEL_EXECUTE", "c1", "log", "k1"))
            .unwrap();
        let two = links
            .rewrite(&execute("CHANNEL_EXECUTE", "c1", "log", "k2"))
            .unwrap();
        assert_eq!(one.header("Application-UUID"), Some("first"));
        assert_eq!(two.header("Application-UUID"), Some("second"));
    }

    #[test]
    fn a_failed_queue_and_a_destroyed_channel_leave_nothing_behind() {
        let links = ApplicationUuids::default();
        links.expect("c1", "set", "a");
        links.forget_last("c1");
        assert_eq!(links.count.load(Ordering::Acquire), 0);
        links.expect("c1", "set", "b");
        links.expect("c1", "park", "c");
        links.rewrite(&execute("CHANNEL_EXECUTE", "c1", "set", "k"));
        let mut destroy = Event::new("CHANNEL_DESTROY");
        destroy.add_header("Unique-ID", "c1");
        links.rewrite(&destroy);
        assert_eq!(links.count.load(Ordering::Acquire), 0);
        assert!(links
            .rewrite(&execute("CHANNEL_EXECUTE_COMPLETE", "c1", "set", "k"))
            .is_none());
    }
}
