//! Keeping hound's panics inside this module.
//!
//! hound reports bad files as errors, but it also has asserts (its sample writer's) and
//! arithmetic on header fields; a panic there must not reach the core. The ABI's adapter
//! catches panics in calls the core makes, but not in `Drop`, which runs when the core frees
//! a reader or writer: a panic there would abort the process. So every call into hound goes
//! through [`contain`].

use std::panic::{catch_unwind, AssertUnwindSafe};

use ferroswitch_abi::Error;

/// Runs `body`, turning a panic into an error that names `path` and what was being done.
pub fn contain<T>(path: &str, doing: &str, body: impl FnOnce() -> T) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(body))
        .map_err(|_| Error::failed(format!("{path}: the WAV library panicked while {doing}")))
}
