//! Events: FreeSWITCH's named events with their header lists.

use abi_stable::{
    std_types::{RCow, RCowStr, RString, RVec},
    StableAbi,
};

/// The text of a header name or value: borrowed when it is a constant (most names and many
/// values, such as `Channel-State` and `CS_EXECUTE`), owned otherwise. A channel event has
/// ~60 headers and is fired ~32 times per call, so a copy of each constant was most of the
/// allocations on a call's thread.
pub type HeaderText = RCowStr<'static>;

/// One event header.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq, Eq)]
pub struct EventHeader {
    /// The header name, e.g. `Unique-ID`.
    pub name: HeaderText,
    /// Its value, unencoded.
    pub value: HeaderText,
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

    /// Appends a header, copying its name and value.
    pub fn add_header(&mut self, name: &str, value: &str) -> &mut Self {
        self.push_header(owned(name), owned(value))
    }

    /// Appends a header without copying: a `&'static str` is borrowed, a `String` or
    /// `RString` moved in.
    pub fn push_header(
        &mut self,
        name: impl Into<HeaderText>,
        value: impl Into<HeaderText>,
    ) -> &mut Self {
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
            Some(header) => header.value = owned(value),
            None => {
                self.add_header(name, value);
            }
        }
        self
    }
}

/// `text`, copied into an owned header text.
fn owned(text: &str) -> HeaderText {
    RCow::Owned(text.into())
}
