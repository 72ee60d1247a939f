//! Handles: sessions and modules are named by ids, never by references across layers.

use std::fmt;

use abi_stable::StableAbi;

/// A session (one channel) inside the core. Ids are never reused while the process runs, so a
/// stale id finds nothing rather than the wrong call.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u64);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "session#{}", self.0)
    }
}

/// A loaded module instance. A reloaded module gets a new id; the old id keeps naming the old
/// build for as long as its calls last.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleId(pub u32);

impl ModuleId {
    /// The core itself, for log lines and events it originates.
    pub const CORE: ModuleId = ModuleId(0);
}
