//! Events: FreeSWITCH's named events with their header lists.

use abi_stable::{
    std_types::{RString, RVec},
    StableAbi,
};

/// One event header.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq, Eq)]
pub struct EventHeader {
    /// The header name, e.g. `Unique-ID`.
    pub name: RString,
    /// Its value, unencoded.
    pub value: RString,
}

/// An event as FreeSWITCH shapes it: a name (`CHANNEL_ANSWER`, or `CUSTOM` with a subclass),
/// ordered headers with FreeSWITCH's names, and an optional body.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The event name, e.g. `CHANNEL_CREATE`; `CUSTOM` for custom events.
    pub name: RString,
    /// The subclass of a `CUSTOM` event (e.g. `sofia::register`), else empty.
    pub subclass: RString,
    /// Headers in the order they were added.
    pub headers: RVec<EventHeader>,
    /// The body, empty if none.
    pub body: RString,
}

impl Event {
    /// An event named `name` with no headers yet.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.into(),
            subclass: RString::new(),
            headers: RVec::new(),
            body: RString::new(),
        }
    }

    /// A `CUSTOM` event with `subclass`.
    pub fn custom(subclass: &str) -> Self {
        let mut event = Self::new("CUSTOM");
        event.subclass = subclass.into();
        event
    }

    /// Appends a header.
    pub fn add_header(&mut self, name: &str, value: &str) -> &mut Self {
        self.headers.push(EventHeader {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// The first header named `name` (header names compare case-insensitively, as in
    /// FreeSWITCH).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|header| header.name.eq_ignore_ascii_case(name))
            .map(|header| header.value.as_str())
    }

    /// Replaces the value of `name`, or appends it when absent.
    pub fn set_header(&mut self, name: &str, value: &str) -> &mut Self {
        match self
            .headers
            .iter_mut()
            .find(|header| header.name.eq_ignore_ascii_case(name))
        {
            Some(header) => header.value = value.into(),
            None => {
                self.add_header(name, value);
            }
        }
        self
    }
}
