//! Header lists and header texts reused from one event to the next on the same thread.
//!
//! A channel event's header list holds ~90 headers (~7 KiB): a request that size is not
//! served from glibc's small bins, so every one made malloc consolidate its fast bins first,
//! which was the largest single cost of building an event. The ~40 values it copies from the
//! channel (UUIDs, names, times, variables) were each a small allocation more, and more than
//! glibc's per-thread cache holds, so most went through its slower paths too.
//!
//! Events are delivered synchronously and dropped on the thread that built them, and session
//! threads come from a pool, so a thread keeps the list and the owned texts of the events it
//! fired and fills them again. Texts are kept in the reverse of the order they were written,
//! so the next event of the same channel (nearly always the next one this thread builds) gets
//! back, value by value, a string already the right size.

use std::cell::RefCell;

use abi_stable::std_types::{RCow, RString, RVec};
use ferroswitch_abi::{Event, EventHeader, HeaderText};

/// Lists kept per thread: one per event being built at once (a handler firing an event
/// while another is delivered is the only nesting). Session threads outnumber cores by far
/// (one per call), so what each keeps stays small: one list and the texts of ~2 events,
/// ~12 KiB, what glibc would have kept in the thread's arena after freeing them anyway.
const KEPT_LISTS: usize = 2;

/// A list grown past this many headers by an unusual event is not kept.
const MAX_KEPT_HEADERS: usize = 1024;

/// Texts kept per thread: enough for two channel events (~45 owned texts each).
const KEPT_TEXTS: usize = 128;

/// A text longer than this (a large variable) is not kept.
const MAX_KEPT_TEXT: usize = 1024;

thread_local! {
    static SPARE_LISTS: RefCell<Vec<RVec<EventHeader>>> = const { RefCell::new(Vec::new()) };
    /// Emptied strings, the one to hand out next on top.
    static SPARE_TEXTS: RefCell<Vec<RString>> = const { RefCell::new(Vec::new()) };
}

/// An empty header list with room for at least `capacity` headers.
pub fn header_list(capacity: usize) -> RVec<EventHeader> {
    let spare = SPARE_LISTS.with(|spare| spare.borrow_mut().pop());
    match spare {
        Some(mut list) => {
            if list.capacity() < capacity {
                list.reserve(capacity);
            }
            list
        }
        None => RVec::with_capacity(capacity),
    }
}

/// `value` in a string of its own, reusing one this thread kept when it has one.
pub fn owned_text(value: &str) -> RString {
    let spare = SPARE_TEXTS
        .try_with(|spare| spare.borrow_mut().pop())
        .ok()
        .flatten();
    match spare {
        Some(mut text) => {
            text.push_str(value);
            text
        }
        None => RString::from(value),
    }
}

/// Takes `event` back once delivered: its header list and its owned texts are kept for the
/// next event this thread builds, the rest dropped.
pub fn recycle(event: Event) {
    let Event {
        name,
        subclass,
        mut headers,
        body,
    } = event;
    // A thread being torn down has no tables left: everything is simply freed.
    let _ = SPARE_TEXTS.try_with(|spare| {
        let mut spare = spare.borrow_mut();
        // From the last text written back to the first (the name), so the first is handed out
        // first again.
        while let Some(header) = headers.pop() {
            keep(&mut spare, header.value);
            keep(&mut spare, header.name);
        }
        for text in [body, subclass, name] {
            if !text.is_empty() {
                keep(&mut spare, RCow::Owned(text));
            }
        }
    });
    if headers.capacity() == 0 || headers.capacity() > MAX_KEPT_HEADERS {
        return;
    }
    let _ = SPARE_LISTS.try_with(|spare| {
        let mut spare = spare.borrow_mut();
        if spare.len() < KEPT_LISTS {
            spare.push(headers);
        }
    });
}

fn keep(spare: &mut Vec<RString>, text: HeaderText) {
    if let RCow::Owned(mut text) = text {
        if spare.len() < KEPT_TEXTS && text.capacity() <= MAX_KEPT_TEXT {
            text.clear();
            spare.push(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event_with(headers: RVec<EventHeader>) -> Event {
        let mut event = Event::new("");
        event.headers = headers;
        event
    }

    #[test]
    fn a_recycled_list_comes_back_empty_with_its_room() {
        let mut list = header_list(100);
        list.push(EventHeader {
            name: "A".into(),
            value: "1".into(),
        });
        let address = list.as_ptr();
        recycle(event_with(list));
        let again = header_list(50);
        assert!(again.is_empty());
        assert!(again.capacity() >= 100);
        assert_eq!(again.as_ptr(), address);
    }

    #[test]
    fn a_short_list_grows_to_what_is_asked() {
        recycle(event_with(RVec::with_capacity(2)));
        assert!(header_list(64).capacity() >= 64);
    }

    #[test]
    fn texts_come_back_in_the_order_they_were_written() {
        SPARE_TEXTS.with(|spare| spare.borrow_mut().clear());
        let mut list = header_list(4);
        for (name, value) in [("A", "first value"), ("B", "2nd"), ("C", "")] {
            list.push(EventHeader {
                name: RCow::Borrowed(name.into()),
                value: RCow::Owned(owned_text(value)),
            });
        }
        let first = list[0].value.as_str().as_ptr();
        let mut event = event_with(list);
        event.name = owned_text("NAME");
        let name = event.name.as_str().as_ptr();
        recycle(event);
        assert_eq!(owned_text("OTHER").as_str().as_ptr(), name);
        let again = owned_text("next value");
        assert_eq!(again.as_str(), "next value");
        assert_eq!(again.as_str().as_ptr(), first);
        assert_eq!(owned_text("x").as_str(), "x");
        assert_eq!(owned_text("").as_str(), "");
        assert_eq!(owned_text("fresh").as_str(), "fresh");
    }
}
