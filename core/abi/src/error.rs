//! The one error type that crosses the module boundary.

use std::fmt;

use abi_stable::{std_types::RString, StableAbi};

use crate::types::HangupCause;

/// What kind of failure an [`Error`] reports. A transparent number rather than an enum, so a
/// newer core or module may add kinds without breaking the layout check.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ErrorKind(pub u8);

impl ErrorKind {
    /// A generic failure; the message says what.
    pub const FAILED: ErrorKind = ErrorKind(0);
    /// The code behind the boundary panicked; the message carries the panic's text.
    pub const PANICKED: ErrorKind = ErrorKind(1);
    /// The named thing (session, module, interface, file) does not exist.
    pub const NOT_FOUND: ErrorKind = ErrorKind(2);
    /// An argument was malformed or out of range.
    pub const INVALID_ARGUMENT: ErrorKind = ErrorKind(3);
    /// The thing is in use and cannot be changed now (e.g. unloading a module during a call).
    pub const IN_USE: ErrorKind = ErrorKind(4);
    /// The channel hung up, or the object was closed, while the call waited.
    pub const HUNG_UP: ErrorKind = ErrorKind(5);
    /// Nothing arrived within the time allowed.
    pub const TIMEOUT: ErrorKind = ErrorKind(6);
    /// The operation is not supported by this interface.
    pub const UNSUPPORTED: ErrorKind = ErrorKind(7);
    /// A name is already taken (two modules registering the same interface name).
    pub const DUPLICATE: ErrorKind = ErrorKind(8);
    /// The wait was interrupted on purpose (a break, a transfer, a queued message).
    pub const INTERRUPTED: ErrorKind = ErrorKind(9);

    /// A lower-case name for logs and messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::FAILED => "failed",
            Self::PANICKED => "panicked",
            Self::NOT_FOUND => "not found",
            Self::INVALID_ARGUMENT => "invalid argument",
            Self::IN_USE => "in use",
            Self::HUNG_UP => "hung up",
            Self::TIMEOUT => "timeout",
            Self::UNSUPPORTED => "unsupported",
            Self::DUPLICATE => "duplicate",
            Self::INTERRUPTED => "interrupted",
            _ => "unknown error kind",
        }
    }
}

/// An error from either side of the boundary: a kind, an optional hangup cause (for failures
/// that end a call, such as an endpoint refusing an outgoing leg), and a message saying what
/// went wrong.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// What kind of failure this is.
    pub kind: ErrorKind,
    /// The hangup cause to use when this error ends a call; [`HangupCause::NONE`] if none.
    pub cause: HangupCause,
    /// What went wrong, for a person to read.
    pub message: RString,
}

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            cause: HangupCause::NONE,
            message: RString::from(message.into()),
        }
    }

    /// A generic failure.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::FAILED, message)
    }

    /// A malformed or out-of-range argument.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::INVALID_ARGUMENT, message)
    }

    /// Something named does not exist.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NOT_FOUND, message)
    }

    /// The channel is gone or hanging up.
    pub fn hung_up(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::HUNG_UP, message)
    }

    /// Nothing arrived in time. Carries no message, so it costs no allocation on media paths.
    pub fn timeout() -> Self {
        Self {
            kind: ErrorKind::TIMEOUT,
            cause: HangupCause::NONE,
            message: RString::new(),
        }
    }

    /// Attaches the hangup cause that this failure should end a call with.
    #[must_use]
    pub fn with_cause(mut self, cause: HangupCause) -> Self {
        self.cause = cause;
        self
    }

    /// The message, as text.
    pub fn message(&self) -> &str {
        self.message.as_str()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            f.write_str(self.kind.name())
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Self::failed(message)
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Self {
        Self::failed(message)
    }
}
