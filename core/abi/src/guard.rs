//! Panic containment for every function that crosses the boundary.
//!
//! Each cdylib links its own copy of std, so a panic cannot unwind from a module into the core:
//! it would abort the process. Everything the module side runs on behalf of the core goes
//! through [`guard`], which runs inside the module's own binary (this crate is compiled into
//! each module) and turns a panic into an [`Error`].

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use abi_stable::std_types::RResult;

use crate::error::{Error, ErrorKind};

/// Runs `body`, turning its `Result` into an `RResult` and a panic into an error that names
/// `what` (e.g. "application park") and carries the panic message.
#[inline]
pub fn guard<T>(what: &str, body: impl FnOnce() -> Result<T, Error>) -> RResult<T, Error> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result.into(),
        Err(payload) => RResult::RErr(panic_error(what, payload.as_ref())),
    }
}

/// The error that reports a caught panic.
pub fn panic_error(what: &str, payload: &(dyn Any + Send)) -> Error {
    let text = if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a non-text payload".to_owned()
    };
    Error::new(ErrorKind::PANICKED, format!("{what} panicked: {text}"))
}
