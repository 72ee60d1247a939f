//! Choosing what a client receives: `event`, `nixevent`, `noevents`, `myevents`, `filter`,
//! `log` and `nolog`.

use ferroswitch_abi::LogLevel;

use crate::event_names::lookup;
use crate::format::EventFormat;
use crate::messages::level_number;
use crate::switch::Switch;

use super::{Interpreter, Output};

impl Interpreter {
    /// `event [plain|json|xml] <name...|ALL> [CUSTOM <subclass...>]`.
    pub(super) fn event(&mut self, rest: &str) -> String {
        let mut state = self.state();
        let subscription = &mut state.subscription;
        let mut known = 0;
        let mut custom = false;
        for (index, word) in words(rest).enumerate() {
            if index == 0 {
                if let Some(format) = EventFormat::parse(word) {
                    subscription.format = format;
                    continue;
                }
            }
            if custom {
                subscription.custom.insert(word.to_owned());
            } else if let Some(name) = lookup(word) {
                known += 1;
                subscription.add(name);
                custom |= name == "CUSTOM";
            }
        }
        if known == 0 {
            return "-ERR no keywords supplied".to_owned();
        }
        subscription.enabled = true;
        format!("+OK event listener enabled {}", subscription.format.name())
    }

    /// `nixevent <name...|ALL> [CUSTOM <subclass...>]`.
    pub(super) fn nixevent(&mut self, rest: &str) -> String {
        let mut state = self.state();
        let subscription = &mut state.subscription;
        let mut known = 0;
        let mut custom = false;
        for word in words(rest) {
            if custom {
                subscription.custom.remove(word);
            } else if let Some(name) = lookup(word) {
                known += 1;
                if name == "CUSTOM" {
                    custom = true;
                } else {
                    subscription.remove(name);
                }
            }
        }
        if known == 0 {
            return "-ERR no keywords supplied".to_owned();
        }
        subscription.enabled = true;
        "+OK events nixed".to_owned()
    }

    /// `noevents`.
    pub(super) fn noevents(&mut self) -> String {
        let mut state = self.state();
        if !state.subscription.enabled {
            return "-ERR not listening for events".to_owned();
        }
        state.subscription.clear();
        "+OK no longer listening for events".to_owned()
    }

    /// `myevents` (outbound: the call's events) or `myevents <uuid> [format]` (inbound:
    /// follow that channel as an outbound connection would).
    pub(super) fn myevents(&mut self, line: &str, switch: &dyn Switch, out: &mut Vec<Output>) {
        if self.state().subscription.myevents {
            out.push(super::reply("-ERR aready enabled."));
            return;
        }
        let mut format = None;
        let mut follow = None;
        if self.controlled().is_none() {
            // "myevents " was matched, so the line is long enough.
            let rest = line.get(9..).unwrap_or_default();
            let (uuid, word) = match rest.split_once(' ') {
                Some((uuid, word)) => (uuid, Some(word)),
                None => (rest, None),
            };
            // FreeSWITCH goes on without a channel when the UUID is unknown and no format
            // follows, then sends every channel's events: a typo should not do that.
            if !switch.exists(uuid) {
                out.push(super::reply("-ERR invalid uuid"));
                return;
            }
            format = word.and_then(EventFormat::parse);
            follow = Some(uuid.to_owned());
            self.asynchronous = true;
        }
        if line.contains("xml") || line.contains("XML") {
            format = Some(EventFormat::Xml);
        }
        if line.contains("json") || line.contains("JSON") {
            format = Some(EventFormat::Json);
        }
        // Asked before taking the lock: the switch is never called with it held.
        let already_down = follow.as_deref().is_some_and(|uuid| !switch.is_ready(uuid));
        let mut state = self.state();
        if let Some(uuid) = follow {
            state.controlled = Some(uuid);
        }
        state.subscription.add_myevents();
        if let Some(format) = format {
            state.subscription.format = format;
        }
        if already_down {
            state.channel_down = true;
        }
        drop(state);
        out.push(super::reply("+OK Events Enabled"));
        if already_down {
            out.push(Output::ChannelDown);
        }
    }

    /// `filter <header> <value>`, `filter add <header> <value>`,
    /// `filter delete <header> [value]`, `filter delete all`.
    pub(super) fn filter(&mut self, rest: &str) -> String {
        let rest = rest.trim_start_matches(' ');
        let (first, value) = match rest.split_once(' ') {
            Some((first, value)) => (first, Some(value)),
            None => (rest, None),
        };
        let mut state = self.state();
        let filters = &mut state.subscription.filters;
        match value {
            Some(value) if first.eq_ignore_ascii_case("delete") => {
                let (header, value) = match value.split_once(' ') {
                    Some((header, value)) => (header, Some(value)),
                    None => (value, None),
                };
                if header.eq_ignore_ascii_case("all") {
                    filters.clear();
                } else {
                    filters.delete(header, value);
                }
                format!(
                    "+OK filter deleted. [{header}][{}]",
                    value.unwrap_or_default()
                )
            }
            Some(value) => {
                let (header, value) = if first.eq_ignore_ascii_case("add") {
                    match value.split_once(' ') {
                        Some((header, value)) => (header, value),
                        None => return "-ERR invalid syntax".to_owned(),
                    }
                } else {
                    (first, value)
                };
                filters.add(header, value);
                format!("+OK filter added. [{header}]=[{value}]")
            }
            None => "-ERR invalid syntax".to_owned(),
        }
    }

    /// `log [level]`: log lines up to `level` (default `debug`).
    pub(super) fn log(&mut self, rest: &str) -> String {
        let word = rest.trim_start_matches(' ');
        let word = word.split(' ').next().unwrap_or_default();
        let level = if word.is_empty() {
            Some(LogLevel::Debug)
        } else {
            LogLevel::parse(word)
        };
        match level {
            Some(level) => {
                self.state().log_level = Some(level);
                format!("+OK log level {word} [{}]", level_number(level))
            }
            None => "-ERR invalid log level".to_owned(),
        }
    }

    /// `nolog`.
    pub(super) fn nolog(&mut self) -> String {
        match self.state().log_level.take() {
            Some(_) => "+OK no longer logging".to_owned(),
            None => "-ERR not loging".to_owned(),
        }
    }
}

/// The words after the first space of `rest`, split at single spaces as FreeSWITCH splits
/// them (two spaces make an empty word, which names nothing).
fn words(rest: &str) -> impl Iterator<Item = &str> {
    rest.split_once(' ')
        .map(|(_, words)| words)
        .into_iter()
        .flat_map(|words| words.split(' '))
}

#[cfg(test)]
mod tests {
    use super::super::fake::{sent, FakeSwitch};
    use super::super::tests::inbound;
    use super::*;
    use crate::framer::Command;
    use ferroswitch_abi::Event;

    fn run(interpreter: &mut Interpreter, line: &str) -> String {
        let switch = FakeSwitch::default();
        let text = sent(&interpreter.handle(&Command::new(line), &switch));
        text.strip_prefix("Content-Type: command/reply\nReply-Text: ")
            .and_then(|rest| rest.strip_suffix("\n\n"))
            .unwrap_or(&text)
            .to_owned()
    }

    fn named(name: &str) -> Event {
        let mut event = Event::new(name);
        event
            .add_header("Event-Name", name)
            .add_header("Unique-ID", "u1");
        event
    }

    #[test]
    fn event_sets_format_and_names() {
        let (mut interpreter, state) = inbound();
        assert_eq!(
            run(&mut interpreter, "event json CHANNEL_ANSWER channel_hangup"),
            "+OK event listener enabled json"
        );
        let state = state.lock().unwrap();
        assert_eq!(state.subscription.format, EventFormat::Json);
        assert!(state.subscription.wants(&named("CHANNEL_HANGUP"), None));
        assert!(!state.subscription.wants(&named("CHANNEL_CREATE"), None));
    }

    #[test]
    fn event_without_known_names_is_refused() {
        let (mut interpreter, state) = inbound();
        assert_eq!(run(&mut interpreter, "event"), "-ERR no keywords supplied");
        assert_eq!(
            run(&mut interpreter, "event plain"),
            "-ERR no keywords supplied"
        );
        assert_eq!(
            run(&mut interpreter, "event plain NOPE"),
            "-ERR no keywords supplied"
        );
        // The format word is only a format in the first place.
        assert_eq!(
            run(&mut interpreter, "event ALL json"),
            "+OK event listener enabled plain"
        );
        assert!(state.lock().unwrap().subscription.all);
    }

    #[test]
    fn custom_subclasses_follow_custom() {
        let (mut interpreter, state) = inbound();
        run(
            &mut interpreter,
            "event plain CUSTOM sofia::register HEARTBEAT",
        );
        let state = state.lock().unwrap();
        assert!(state.subscription.custom.contains("sofia::register"));
        // After CUSTOM every word is a subclass, even an event name.
        assert!(state.subscription.custom.contains("HEARTBEAT"));
        assert!(!state.subscription.names.contains("HEARTBEAT"));
    }

    #[test]
    fn nixevent_and_noevents() {
        let (mut interpreter, state) = inbound();
        run(&mut interpreter, "event plain ALL");
        assert_eq!(
            run(&mut interpreter, "nixevent CHANNEL_STATE"),
            "+OK events nixed"
        );
        assert!(!state
            .lock()
            .unwrap()
            .subscription
            .wants(&named("CHANNEL_STATE"), None));
        assert_eq!(
            run(&mut interpreter, "nixevent"),
            "-ERR no keywords supplied"
        );
        assert_eq!(
            run(&mut interpreter, "noevents"),
            "+OK no longer listening for events"
        );
        assert_eq!(
            run(&mut interpreter, "noevents"),
            "-ERR not listening for events"
        );
        assert!(!state
            .lock()
            .unwrap()
            .subscription
            .wants(&named("CHANNEL_ANSWER"), None));
    }

    #[test]
    fn filter_replies_as_freeswitch() {
        let (mut interpreter, _) = inbound();
        assert_eq!(
            run(&mut interpreter, "filter Unique-ID abc def"),
            "+OK filter added. [Unique-ID]=[abc def]"
        );
        assert_eq!(
            run(&mut interpreter, "filter add Event-Name HEARTBEAT"),
            "+OK filter added. [Event-Name]=[HEARTBEAT]"
        );
        assert_eq!(
            run(&mut interpreter, "filter delete Unique-ID"),
            "+OK filter deleted. [Unique-ID][]"
        );
        assert_eq!(
            run(&mut interpreter, "filter delete Event-Name HEARTBEAT"),
            "+OK filter deleted. [Event-Name][HEARTBEAT]"
        );
        assert_eq!(
            run(&mut interpreter, "filter delete all"),
            "+OK filter deleted. [all][]"
        );
        assert_eq!(
            run(&mut interpreter, "filter Unique-ID"),
            "-ERR invalid syntax"
        );
        assert_eq!(
            run(&mut interpreter, "filter delete"),
            "-ERR invalid syntax"
        );
        assert_eq!(run(&mut interpreter, "filter add X"), "-ERR invalid syntax");
    }

    #[test]
    fn filters_restrict_delivery() {
        let (mut interpreter, state) = inbound();
        run(&mut interpreter, "event plain ALL");
        run(&mut interpreter, "filter Unique-ID u2");
        assert!(!state
            .lock()
            .unwrap()
            .subscription
            .wants(&named("CHANNEL_ANSWER"), None));
        run(&mut interpreter, "filter delete all");
        assert!(state
            .lock()
            .unwrap()
            .subscription
            .wants(&named("CHANNEL_ANSWER"), None));
    }

    #[test]
    fn myevents_follows_an_existing_channel() {
        let (mut interpreter, state) = inbound();
        let switch = FakeSwitch::with_channel("u1");
        let out = interpreter.handle(&Command::new("myevents u1 json"), &switch);
        assert_eq!(out, vec![super::super::reply("+OK Events Enabled")]);
        {
            let state = state.lock().unwrap();
            assert_eq!(state.controlled.as_deref(), Some("u1"));
            assert_eq!(state.subscription.format, EventFormat::Json);
            assert!(state
                .subscription
                .wants(&named("CHANNEL_ANSWER"), Some("u1")));
        }
        assert_eq!(
            sent(&interpreter.handle(&Command::new("myevents u1"), &switch)),
            crate::messages::reply("-ERR aready enabled.")
        );
        let (mut other, _) = inbound();
        assert_eq!(
            sent(&other.handle(&Command::new("myevents nope"), &switch)),
            crate::messages::reply("-ERR invalid uuid")
        );
    }

    #[test]
    fn myevents_on_a_channel_already_hanging_up() {
        let (mut interpreter, _) = inbound();
        let switch = FakeSwitch::with_channel("u1");
        switch.hang_up("u1");
        let out = interpreter.handle(&Command::new("myevents u1"), &switch);
        assert_eq!(out.last(), Some(&Output::ChannelDown));
    }

    #[test]
    fn log_levels() {
        let (mut interpreter, state) = inbound();
        assert_eq!(run(&mut interpreter, "log"), "+OK log level  [7]");
        assert_eq!(run(&mut interpreter, "log info"), "+OK log level info [6]");
        assert_eq!(run(&mut interpreter, "log  3 extra"), "+OK log level 3 [3]");
        assert_eq!(state.lock().unwrap().log_level, Some(LogLevel::Err));
        assert_eq!(run(&mut interpreter, "log loud"), "-ERR invalid log level");
        assert_eq!(run(&mut interpreter, "nolog"), "+OK no longer logging");
        assert_eq!(run(&mut interpreter, "nolog"), "-ERR not loging");
    }

    #[test]
    fn words_split_like_freeswitch() {
        assert_eq!(
            words(" plain ALL").collect::<Vec<_>>(),
            vec!["plain", "ALL"]
        );
        assert_eq!(words("s  a").collect::<Vec<_>>(), vec!["", "a"]);
        assert_eq!(words("").count(), 0);
    }
}
