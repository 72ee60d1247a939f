//! Which leg each live transaction belongs to, indexed both ways: a transaction's event finds
//! its leg by id, and a leg that ends drops only its own entries. (A scan of every binding per
//! hangup compared Call-IDs by the thousand on each BYE at high call rates.)

use std::collections::HashMap;
use std::hash::Hash;

/// Transactions (ids of type `T`) by leg (Call-ID), and legs by transaction.
pub struct TransactionIndex<T> {
    leg_of: HashMap<T, String>,
    transactions_of: HashMap<String, Vec<T>>,
}

impl<T> Default for TransactionIndex<T> {
    fn default() -> Self {
        Self {
            leg_of: HashMap::new(),
            transactions_of: HashMap::new(),
        }
    }
}

impl<T: Copy + Eq + Hash> TransactionIndex<T> {
    /// Ties `tx` to leg `call_id` (moving it if it was another leg's).
    pub fn bind(&mut self, tx: T, call_id: &str) {
        if let Some(previous) = self.leg_of.insert(tx, call_id.to_owned()) {
            self.unlist(&previous, tx);
        }
        self.transactions_of
            .entry(call_id.to_owned())
            .or_default()
            .push(tx);
    }

    /// The leg `tx` belongs to.
    pub fn leg_of(&self, tx: T) -> Option<&str> {
        self.leg_of.get(&tx).map(String::as_str)
    }

    /// `tx` ended.
    pub fn forget(&mut self, tx: T) {
        if let Some(call_id) = self.leg_of.remove(&tx) {
            self.unlist(&call_id, tx);
        }
    }

    /// Leg `call_id` ended: every transaction of it is forgotten.
    pub fn forget_leg(&mut self, call_id: &str) {
        for tx in self.transactions_of.remove(call_id).unwrap_or_default() {
            self.leg_of.remove(&tx);
        }
    }

    fn unlist(&mut self, call_id: &str, tx: T) {
        if let Some(list) = self.transactions_of.get_mut(call_id) {
            list.retain(|listed| *listed != tx);
            if list.is_empty() {
                self.transactions_of.remove(call_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leg_that_ends_takes_only_its_own_transactions() {
        let mut index = TransactionIndex::<u32>::default();
        index.bind(1u32, "a");
        index.bind(2u32, "a");
        index.bind(3u32, "b");
        index.forget_leg("a");
        assert_eq!(index.leg_of(1u32), None);
        assert_eq!(index.leg_of(2u32), None);
        assert_eq!(index.leg_of(3u32), Some("b"));
        assert!(!index.transactions_of.contains_key("a"));
    }

    #[test]
    fn a_transaction_moved_or_ended_leaves_no_stale_entry() {
        let mut index = TransactionIndex::<u32>::default();
        index.bind(1u32, "a");
        index.bind(1u32, "b");
        assert_eq!(index.leg_of(1u32), Some("b"));
        // "a" no longer lists it: ending "a" must not take "b"'s transaction.
        index.forget_leg("a");
        assert_eq!(index.leg_of(1u32), Some("b"));
        index.forget(1u32);
        assert_eq!(index.leg_of(1u32), None);
        assert!(index.transactions_of.is_empty());
    }
}
