//! Waking several waiters: originate waits on all its legs at once through a [`Notifier`]
//! that each leg signals on every change.

use std::sync::{Condvar, Mutex};
use std::time::Instant;

/// A counter and a condition variable: `wait_past` returns once the counter moved.
#[derive(Default)]
pub struct Notifier {
    generation: Mutex<u64>,
    signal: Condvar,
}

impl Notifier {
    /// Bumps the counter and wakes waiters.
    pub fn notify(&self) {
        let mut generation = self
            .generation
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        *generation += 1;
        self.signal.notify_all();
    }

    /// The current counter.
    pub fn generation(&self) -> u64 {
        *self
            .generation
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Waits until the counter is past `seen` or `deadline` passes; the counter then.
    pub fn wait_past(&self, seen: u64, deadline: Instant) -> u64 {
        let mut generation = self
            .generation
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        while *generation == seen {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            generation = self
                .signal
                .wait_timeout(generation, deadline - now)
                .unwrap_or_else(|poison| poison.into_inner())
                .0;
        }
        *generation
    }
}
