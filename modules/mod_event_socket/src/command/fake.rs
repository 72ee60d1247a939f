//! A recording [`Switch`] for the interpreter's unit tests.

use std::cell::RefCell;
use std::collections::HashMap;

use ferroswitch_abi::{Error, ErrorKind, Event, HangupCause, LogLevel};

use crate::switch::Switch;

use super::Output;

/// One fake channel.
#[derive(Default)]
struct Channel {
    ready: bool,
    variables: HashMap<String, String>,
}

/// Channels by UUID, and every call made.
#[derive(Default)]
pub struct FakeSwitch {
    channels: RefCell<HashMap<String, Channel>>,
    calls: RefCell<Vec<String>>,
    fired: RefCell<Vec<Event>>,
}

impl FakeSwitch {
    /// A switch with one ready channel.
    pub fn with_channel(uuid: &str) -> Self {
        let switch = Self::default();
        switch.channels.borrow_mut().insert(
            uuid.to_owned(),
            Channel {
                ready: true,
                ..Channel::default()
            },
        );
        switch
    }

    /// Marks the channel as hanging up.
    pub fn hang_up(&self, uuid: &str) {
        if let Some(channel) = self.channels.borrow_mut().get_mut(uuid) {
            channel.ready = false;
        }
    }

    /// Sets a variable directly.
    pub fn set(&self, uuid: &str, name: &str, value: &str) {
        if let Some(channel) = self.channels.borrow_mut().get_mut(uuid) {
            channel.variables.insert(name.to_owned(), value.to_owned());
        }
    }

    /// The calls that change something, in order.
    pub fn calls(&self) -> Vec<String> {
        self.calls.borrow().clone()
    }

    /// The events fired.
    pub fn fired(&self) -> Vec<Event> {
        self.fired.borrow().clone()
    }

    fn record(&self, call: String) {
        self.calls.borrow_mut().push(call);
    }
}

impl Switch for FakeSwitch {
    fn api(&self, command: &str, args: &str) -> Result<String, Error> {
        self.record(format!("api {command} {args}").trim_end().to_owned());
        match command {
            "echo" => Ok(format!("{args}\n")),
            "silent" => Ok(String::new()),
            _ => Err(Error::new(
                ErrorKind::NOT_FOUND,
                format!("{command} Command not found"),
            )),
        }
    }

    fn exists(&self, uuid: &str) -> bool {
        self.channels.borrow().contains_key(uuid)
    }

    fn is_ready(&self, uuid: &str) -> bool {
        self.channels
            .borrow()
            .get(uuid)
            .is_some_and(|channel| channel.ready)
    }

    fn channel_data(&self, uuid: &str) -> Option<Event> {
        self.exists(uuid).then(|| {
            let mut event = Event::new("CHANNEL_DATA");
            event
                .add_header("Caller-Unique-ID", uuid)
                .add_header("Unique-ID", uuid);
            event
        })
    }

    fn variable(&self, uuid: &str, name: &str) -> Option<String> {
        self.channels
            .borrow()
            .get(uuid)
            .and_then(|channel| channel.variables.get(name).cloned())
    }

    fn set_variable(&self, uuid: &str, name: &str, value: &str) -> Result<(), Error> {
        self.set(uuid, name, value);
        Ok(())
    }

    fn queue_application(
        &self,
        uuid: &str,
        name: &str,
        arg: &str,
        _event_uuid: Option<&str>,
    ) -> Result<(), Error> {
        if !self.is_ready(uuid) {
            return Err(Error::hung_up(format!("channel {uuid} is hanging up")));
        }
        self.record(format!("queue {uuid} {name} {arg}"));
        Ok(())
    }

    fn execute(
        &self,
        uuid: &str,
        name: &str,
        arg: &str,
        _event_uuid: Option<&str>,
    ) -> Result<(), Error> {
        self.record(format!("execute {uuid} {name} {arg}"));
        Ok(())
    }

    fn hangup(&self, uuid: &str, cause: HangupCause) -> Result<(), Error> {
        self.record(format!("hangup {uuid} {}", cause.0));
        self.hang_up(uuid);
        Ok(())
    }

    fn fire(&self, event: Event) {
        self.fired.borrow_mut().push(event);
    }

    fn new_uuid(&self) -> String {
        "00000000-0000-4000-8000-000000000001".to_owned()
    }

    fn log(&self, _level: LogLevel, _message: &str) {}
}

/// Everything the outputs send, concatenated.
pub fn sent(outputs: &[Output]) -> String {
    outputs
        .iter()
        .filter_map(|output| match output {
            Output::Send(text) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}
