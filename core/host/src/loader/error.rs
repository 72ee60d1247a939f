//! What can go wrong loading a module; every message names the module or file and the reason.

use ferroswitch_abi::{Error, ErrorKind};

/// A module could not be loaded, unloaded or reloaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoaderError {
    /// No file for the module.
    #[error("module {name}: file not found (looked for {tried})")]
    NotFound { name: String, tried: String },
    /// Copying the file to its private mapping path failed.
    #[error("{path}: cannot copy for loading to {copy}: {reason}")]
    Copy {
        path: String,
        copy: String,
        reason: String,
    },
    /// The file is not a shared library the dynamic loader accepts.
    #[error("{path}: not a loadable library: {reason}")]
    NotALibrary { path: String, reason: String },
    /// A library, but not a ferroswitch module.
    #[error("{path}: not a ferroswitch module: {reason}")]
    NotAModule { path: String, reason: String },
    /// A ferroswitch module built against another ABI: refused before any of its code ran.
    #[error("{path}: refused, built against an incompatible module ABI: {reason}")]
    IncompatibleAbi { path: String, reason: String },
    /// The module's own `load` failed (or a name it registered was taken).
    #[error("{path}: {name} failed to load: {reason}")]
    LoadFailed {
        path: String,
        name: String,
        reason: String,
    },
    #[error("module {name} is already loaded")]
    AlreadyLoaded { name: String },
    #[error("module {name} is not loaded")]
    NotLoaded { name: String },
    /// Unload refused: calls are using the module.
    #[error("module {name} is in use by {users} session(s); unload it after they end")]
    InUse { name: String, users: u32 },
}

impl From<LoaderError> for Error {
    fn from(error: LoaderError) -> Self {
        let kind = match &error {
            LoaderError::NotFound { .. } | LoaderError::NotLoaded { .. } => ErrorKind::NOT_FOUND,
            LoaderError::InUse { .. } => ErrorKind::IN_USE,
            LoaderError::AlreadyLoaded { .. } => ErrorKind::DUPLICATE,
            _ => ErrorKind::FAILED,
        };
        Error::new(kind, error.to_string())
    }
}
