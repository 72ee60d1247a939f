//! The error every xtask command returns: one variant per reason a command stops.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;

use crate::system_packages::PackageError;

/// Why an xtask command stopped.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The command line was not understood; `main` prints the usage text after it.
    Usage(String),
    /// A program could not be started at all (not installed, not executable).
    Spawn { program: String, source: io::Error },
    /// A step ran and reported failure; its own output already said why.
    StepFailed { command: String, status: ExitStatus },
    /// Some of several independent checks failed (`lint` runs them all before reporting).
    ChecksFailed(Vec<String>),
    /// System packages are missing and could not be installed.
    Packages(PackageError),
    /// The build succeeded but the `ferroswitch` binary is not where it should be.
    MissingBinary(PathBuf),
    /// `cargo xtask bench -- NAME` named no registered system bench.
    UnknownBench {
        name: String,
        available: Vec<&'static str>,
    },
    /// A system bench could not measure what it set out to.
    Bench(String),
    /// These system benches ran and failed.
    BenchesFailed(Vec<&'static str>),
    /// The Node.js packages of the end-to-end tests (tests/node) could not be installed.
    NodeClients { dir: PathBuf, reason: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(message) => f.write_str(message),
            Error::Bench(message) => write!(f, "bench: {message}"),
            Error::Spawn { program, source } => write!(f, "could not start `{program}`: {source}"),
            Error::StepFailed { command, status } => write!(f, "`{command}` failed ({status})"),
            Error::ChecksFailed(checks) => write!(f, "failed: {}", checks.join(", ")),
            Error::Packages(error) => error.fmt(f),
            Error::MissingBinary(path) => write!(
                f,
                "the build succeeded but {} does not exist; if cargo's target directory was \
                 moved in a cargo config file, set CARGO_TARGET_DIR instead",
                path.display()
            ),
            Error::UnknownBench { name, available } if available.is_empty() => {
                write!(f, "no system bench is named `{name}` (none are registered)")
            }
            Error::UnknownBench { name, available } => write!(
                f,
                "no system bench is named `{name}`; registered: {}",
                available.join(", ")
            ),
            Error::BenchesFailed(names) => {
                write!(f, "system benches failed: {}", names.join(", "))
            }
            Error::NodeClients { dir, reason } => write!(
                f,
                "could not install the Node.js test clients in {}: {reason} (the event-socket \
                 tests drive the npm package modesl installed there)",
                dir.display()
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Spawn { source, .. } => Some(source),
            Error::Packages(error) => Some(error),
            _ => None,
        }
    }
}

impl From<PackageError> for Error {
    fn from(error: PackageError) -> Self {
        Error::Packages(error)
    }
}
