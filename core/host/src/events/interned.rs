//! Header text that recurs in event after event — `variable_<name>` header names, event names
//! — kept once for the life of the process and borrowed by every event that carries it.
//!
//! A channel event names each of the channel's ~25 variables, and a call fires ~32 channel
//! events: copying `variable_` and the name into a fresh string per header was a third of the
//! allocations an event cost its call thread. The set of names is small and stable in
//! practice (the same variables on every call), so each is leaked once and looked up after
//! that in a per-thread table without a lock. Names arrive from the network and from
//! dialplans, though, so the total kept is capped: past [`MAX_KEPT_BYTES`], new text is copied
//! per event as before.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Mutex, PoisonError};

use abi_stable::std_types::RCow;
use ferroswitch_abi::HeaderText;

/// The most bytes of text kept for ever, over all tables.
pub const MAX_KEPT_BYTES: usize = 1 << 20;

/// Text longer than this is never kept (it is unlikely to recur).
const MAX_KEPT_TEXT: usize = 256;

/// `variable_<name>` for a channel variable `name`, borrowed once it has been seen before.
pub fn variable_header(name: &str) -> HeaderText {
    VARIABLES.text(name)
}

/// `variable_<name>` for the name of each of `items`, in order, handed to `each` with its
/// item. A thread fires event after event for the same channel, so the names nearly always
/// come in the order of its last call: each is first compared with the one kept in its place
/// then, which costs less than hashing it.
pub fn variable_headers<'a, T>(
    items: &'a [T],
    name: impl Fn(&T) -> &str,
    mut each: impl FnMut(&'a T, HeaderText),
) {
    LAST_VARIABLES.with(|last| {
        let mut last = last.borrow_mut();
        for (index, item) in items.iter().enumerate() {
            let name = name(item);
            if let Some(kept) = last.get(index) {
                if kept.get(VARIABLES.prefix.len()..) == Some(name) {
                    each(item, RCow::Borrowed((*kept).into()));
                    continue;
                }
            }
            let header = VARIABLES.text(name);
            if let RCow::Borrowed(kept) = &header {
                let kept = kept.as_str();
                if index < last.len() {
                    last[index] = kept;
                } else if index == last.len() {
                    last.push(kept);
                }
            }
            each(item, header);
        }
    });
}

/// `text` (an event name or subclass), borrowed once it has been seen before.
pub fn event_name(text: &str) -> HeaderText {
    NAMES.text(text)
}

/// Text kept with a fixed prefix, keyed by what follows the prefix.
struct Table {
    /// Its place in [`Shared::tables`].
    index: usize,
    prefix: &'static str,
    local: &'static std::thread::LocalKey<RefCell<Kept>>,
}

/// Key: the text after the prefix (a suffix of the value); value: prefix and text.
type Kept = HashMap<&'static str, &'static str, BuildHasherDefault<Fx>>;

static VARIABLES: Table = Table {
    index: 0,
    prefix: "variable_",
    local: &LOCAL_VARIABLES,
};

static NAMES: Table = Table {
    index: 1,
    prefix: "",
    local: &LOCAL_NAMES,
};

thread_local! {
    /// The `variable_<name>` headers of this thread's last [`variable_headers`], in order.
    static LAST_VARIABLES: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
    static LOCAL_VARIABLES: RefCell<Kept> = RefCell::default();
    static LOCAL_NAMES: RefCell<Kept> = RefCell::default();
}

/// Every table's text as the threads share it, and how many bytes were leaked for it.
#[derive(Default)]
struct Shared {
    tables: [Kept; 2],
    bytes: usize,
}

static SHARED: Mutex<Option<Shared>> = Mutex::new(None);

impl Table {
    fn text(&self, key: &str) -> HeaderText {
        let local = self
            .local
            .with(|local| local.borrow().get(key).copied())
            .or_else(|| self.shared(key));
        match local {
            Some(text) => RCow::Borrowed(text.into()),
            None => {
                let mut text =
                    abi_stable::std_types::RString::with_capacity(self.prefix.len() + key.len());
                text.push_str(self.prefix);
                text.push_str(key);
                RCow::Owned(text)
            }
        }
    }

    /// Finds or keeps `key` in the shared table and remembers it in this thread's.
    fn shared(&self, key: &str) -> Option<&'static str> {
        if key.len() > MAX_KEPT_TEXT {
            return None;
        }
        let kept = {
            let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
            let shared = shared.get_or_insert_with(Shared::default);
            match shared.tables[self.index].get(key) {
                Some(kept) => *kept,
                None => {
                    let length = self.prefix.len() + key.len();
                    if shared.bytes + length > MAX_KEPT_BYTES {
                        return None;
                    }
                    let kept: &'static str =
                        Box::leak(format!("{}{key}", self.prefix).into_boxed_str());
                    shared.bytes += length;
                    shared.tables[self.index].insert(&kept[self.prefix.len()..], kept);
                    kept
                }
            }
        };
        self.local
            .with(|local| local.borrow_mut().insert(&kept[self.prefix.len()..], kept));
        Some(kept)
    }
}

/// A word-at-a-time multiplicative hash (rustc's FxHash): header names are short, and
/// SipHash, or even a byte-at-a-time hash, costs as much as the allocation this table saves.
#[derive(Default)]
struct Fx(u64);

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_headers_are_prefixed_and_kept_after_the_first() {
        let first = variable_header("interned_test_name");
        assert_eq!(first.as_str(), "variable_interned_test_name");
        let again = variable_header("interned_test_name");
        assert!(matches!(again, RCow::Borrowed(_)));
        assert_eq!(again.as_str(), "variable_interned_test_name");
    }

    #[test]
    fn threads_share_what_was_kept() {
        let here = variable_header("interned_shared_name");
        let there = std::thread::spawn(|| variable_header("interned_shared_name"))
            .join()
            .expect("no panic");
        assert_eq!(here.as_str(), there.as_str());
        assert!(matches!(there, RCow::Borrowed(_)));
    }

    #[test]
    fn tables_do_not_mix() {
        assert_eq!(event_name("interned_mix").as_str(), "interned_mix");
        assert_eq!(
            variable_header("interned_mix").as_str(),
            "variable_interned_mix"
        );
        assert_eq!(event_name("interned_mix").as_str(), "interned_mix");
    }

    #[test]
    fn names_in_a_changed_order_still_get_their_own_header() {
        let names = |list: &[&'static str]| {
            let mut headers = Vec::new();
            variable_headers(
                list,
                |name| name,
                |name, header| {
                    assert!(matches!(header, RCow::Borrowed(_)) || !name.is_empty());
                    headers.push(header.as_str().to_owned());
                },
            );
            headers
        };
        assert_eq!(names(&["ia", "ib"]), ["variable_ia", "variable_ib"]);
        assert_eq!(names(&["ia", "ib"]), ["variable_ia", "variable_ib"]);
        assert_eq!(
            names(&["ib", "ic", "ia"]),
            ["variable_ib", "variable_ic", "variable_ia"]
        );
        assert_eq!(names(&["ia"]), ["variable_ia"]);
    }

    #[test]
    fn long_text_is_copied_not_kept() {
        let long = "x".repeat(MAX_KEPT_TEXT + 1);
        assert!(matches!(variable_header(&long), RCow::Owned(_)));
        assert!(matches!(variable_header(&long), RCow::Owned(_)));
    }
}
