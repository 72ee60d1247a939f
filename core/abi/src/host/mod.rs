//! What the core offers modules: an ABI-stable table of host functions ([`HostTable`]) and the
//! safe handles modules use instead ([`Host`], [`Session`]).

mod handle;
mod session;
mod table;
pub mod task;

pub use handle::{Host, HostCtx};
pub use session::Session;
pub use table::{HostTable, HostTableRef};
