//! Header lists reused from one event to the next on the same thread.
//!
//! A channel event's header list holds ~90 headers (~7 KiB): a request that size is not
//! served from glibc's small bins, so every one made malloc consolidate its fast bins first,
//! which was the largest single cost of building an event. Events are delivered synchronously
//! and dropped on the thread that built them, and session threads come from a pool, so a
//! thread keeps the lists of the events it fired and fills them again.

use std::cell::RefCell;

use abi_stable::std_types::RVec;
use ferroswitch_abi::EventHeader;

/// Lists kept per thread: one per event being built at once (a handler firing an event
/// while another is delivered is the only nesting). Session threads outnumber cores by far
/// (one per call), so each keeps little: one ~7 KiB list, what glibc would have kept in the
/// thread's arena after freeing it anyway.
const KEPT_LISTS: usize = 2;

/// A list grown past this many headers by an unusual event is not kept.
const MAX_KEPT_HEADERS: usize = 1024;

thread_local! {
    static SPARE: RefCell<Vec<RVec<EventHeader>>> = const { RefCell::new(Vec::new()) };
}

/// An empty header list with room for at least `capacity` headers.
pub fn header_list(capacity: usize) -> RVec<EventHeader> {
    let spare = SPARE.with(|spare| spare.borrow_mut().pop());
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

/// Takes `list` back for a later event (its headers are dropped now).
pub fn recycle(mut list: RVec<EventHeader>) {
    if list.capacity() == 0 || list.capacity() > MAX_KEPT_HEADERS {
        return;
    }
    list.clear();
    // A thread being torn down has no table left to put it in: the list is simply freed.
    let _ = SPARE.try_with(|spare| {
        let mut spare = spare.borrow_mut();
        if spare.len() < KEPT_LISTS {
            spare.push(list);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recycled_list_comes_back_empty_with_its_room() {
        let mut list = header_list(100);
        list.push(EventHeader {
            name: "A".into(),
            value: "1".into(),
        });
        let address = list.as_ptr();
        recycle(list);
        let again = header_list(50);
        assert!(again.is_empty());
        assert!(again.capacity() >= 100);
        assert_eq!(again.as_ptr(), address);
    }

    #[test]
    fn a_short_list_grows_to_what_is_asked() {
        recycle(RVec::with_capacity(2));
        assert!(header_list(64).capacity() >= 64);
    }
}
