//! Message buffers that go round: an event's message is written into one on the thread that
//! fired the event, the clients' writers copy it out, and the last one hands it back.
//!
//! A plain channel event is ~2 KiB. A fresh string that size per event, allocated on a call's
//! thread and freed on a writer's, is too big for glibc's per-thread caches: every one took
//! the arena lock on both sides and made malloc consolidate its fast bins, more than writing
//! the message cost. Buffers are taken a few at a time into a per-thread stash so that the
//! shared pool's lock is not taken per event.

use std::cell::RefCell;
use std::sync::{Mutex, PoisonError};

/// Buffers the pool keeps, at most (a burst beyond this is freed as before).
const MAX_POOLED: usize = 1024;

/// Buffers a firing thread takes from the pool at once, and keeps at most: every call has a
/// thread of its own, so one idle call holds at most one spare buffer.
const STASH: usize = 2;

/// A buffer grown past this by one huge event is not kept.
const MAX_KEPT_CAPACITY: usize = 64 * 1024;

/// Room a new buffer starts with: a channel event's plain message fits.
const FIRST_CAPACITY: usize = 4096;

thread_local! {
    static STASHED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The buffers writers handed back, for the firing threads.
#[derive(Default)]
pub struct BufferPool {
    spare: Mutex<Vec<String>>,
}

impl BufferPool {
    /// An empty buffer: one this thread stashed, else a few from the pool, else a new one.
    pub fn take(&self) -> String {
        STASHED
            .try_with(|stash| {
                let mut stash = stash.borrow_mut();
                if stash.is_empty() {
                    let mut spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner);
                    let keep = spare.len().saturating_sub(STASH);
                    stash.extend(spare.drain(keep..));
                }
                stash.pop()
            })
            .ok()
            .flatten()
            .unwrap_or_else(|| String::with_capacity(FIRST_CAPACITY))
    }

    /// Takes `buffers` back (emptied here) for later messages.
    pub fn give(&self, buffers: &mut Vec<String>) {
        if buffers.is_empty() {
            return;
        }
        buffers.retain(|buffer| buffer.capacity() <= MAX_KEPT_CAPACITY);
        for buffer in buffers.iter_mut() {
            buffer.clear();
        }
        let mut spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner);
        let room = MAX_POOLED.saturating_sub(spare.len());
        let kept = buffers.len().min(room);
        spare.extend(buffers.drain(..kept));
        drop(spare);
        buffers.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_given_back_are_taken_again_empty() {
        let pool = BufferPool::default();
        let mut first = pool.take();
        first.push_str("used");
        let address = first.as_ptr();
        // Whatever this thread stashed before is used up first.
        STASHED.with(|stash| stash.borrow_mut().clear());
        pool.give(&mut vec![first]);
        let again = pool.take();
        assert!(again.is_empty());
        assert_eq!(again.as_ptr(), address);
    }

    #[test]
    fn the_pool_keeps_a_bounded_number_of_ordinary_buffers() {
        let pool = BufferPool::default();
        let mut buffers: Vec<String> = (0..MAX_POOLED + 10)
            .map(|_| String::with_capacity(16))
            .collect();
        buffers.push(String::with_capacity(MAX_KEPT_CAPACITY + 1));
        pool.give(&mut buffers);
        assert!(buffers.is_empty());
        let spare = pool.spare.lock().expect("not poisoned");
        assert_eq!(spare.len(), MAX_POOLED);
        assert!(spare
            .iter()
            .all(|buffer| buffer.capacity() <= MAX_KEPT_CAPACITY));
    }
}
