//! Errors and warnings produced while loading configuration.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Why a configuration file (or text) could not be turned into a tree.
///
/// The `Display` form always starts with `file:line: ` (just `file: ` for a
/// root file that cannot be read at all, since there is no line to point at)
/// followed by the reason, so it can be shown to an operator as is:
///
/// ```text
/// conf/dialplan/default.xml:12: mismatched closing tag: expected </extension>, found </condition>
/// ```
///
/// Errors caused by an `X-PRE-PROCESS` directive point at the directive (the
/// file and line containing it); errors inside an included file point into
/// that file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The root configuration file could not be read.
    #[error("{}: cannot read configuration file: {error}", path.display())]
    Read {
        /// The path as given to the loader.
        path: PathBuf,
        /// The underlying I/O error.
        error: io::Error,
    },

    /// The text is not well-formed XML (or not UTF-8, or nested too deeply).
    #[error("{}:{line}: {reason}", file.display())]
    Syntax {
        /// File (or label, for text parsed with [`XmlNode::parse_str`](crate::XmlNode::parse_str)).
        file: PathBuf,
        /// 1-based line of the offending markup.
        line: u32,
        /// What is wrong.
        reason: String,
    },

    /// An `X-PRE-PROCESS` directive is malformed: unknown or unsupported
    /// `cmd`, missing `data`, `set` without `=`, invalid glob...
    #[error("{}:{line}: {reason}", file.display())]
    Directive {
        /// File containing the directive.
        file: PathBuf,
        /// 1-based line of the directive.
        line: u32,
        /// What is wrong.
        reason: String,
    },

    /// An `include` without glob characters names a file that does not exist.
    #[error(
        "{}:{line}: X-PRE-PROCESS include \"{pattern}\" matched no file: {} does not exist",
        file.display(),
        path.display()
    )]
    IncludeNotFound {
        /// File containing the directive.
        file: PathBuf,
        /// 1-based line of the directive.
        line: u32,
        /// The `data` of the directive, after `$${}` expansion.
        pattern: String,
        /// The path that was looked for.
        path: PathBuf,
    },

    /// An included file exists (or a glob matched it) but cannot be read.
    #[error(
        "{}:{line}: X-PRE-PROCESS include \"{pattern}\" matched a file that cannot be read: {}: {error}",
        file.display(),
        path.display()
    )]
    IncludeRead {
        /// File containing the directive.
        file: PathBuf,
        /// 1-based line of the directive.
        line: u32,
        /// The `data` of the directive, after `$${}` expansion.
        pattern: String,
        /// The file that could not be read.
        path: PathBuf,
        /// The underlying I/O error.
        error: io::Error,
    },

    /// A file includes itself, directly or through other files.
    #[error(
        "{}:{line}: X-PRE-PROCESS include \"{pattern}\" creates an include cycle: {}",
        file.display(),
        DisplayChain(chain)
    )]
    IncludeCycle {
        /// File containing the directive that closes the cycle.
        file: PathBuf,
        /// 1-based line of that directive.
        line: u32,
        /// The `data` of the directive, after `$${}` expansion.
        pattern: String,
        /// The files of the cycle, from the outermost one back to the file
        /// included again.
        chain: Vec<PathBuf>,
    },

    /// Includes are nested deeper than [`MAX_INCLUDE_DEPTH`](crate::MAX_INCLUDE_DEPTH).
    #[error(
        "{}:{line}: X-PRE-PROCESS include \"{pattern}\" nests includes deeper than {limit} levels",
        file.display()
    )]
    IncludeTooDeep {
        /// File containing the directive.
        file: PathBuf,
        /// 1-based line of the directive.
        line: u32,
        /// The `data` of the directive, after `$${}` expansion.
        pattern: String,
        /// The limit that was exceeded.
        limit: usize,
    },
}

impl ConfigError {
    /// The file the error points into: the file with the bad markup, the
    /// file containing the bad directive, or the unreadable root file.
    pub fn file(&self) -> &Path {
        match self {
            Self::Read { path, .. } => path,
            Self::Syntax { file, .. }
            | Self::Directive { file, .. }
            | Self::IncludeNotFound { file, .. }
            | Self::IncludeRead { file, .. }
            | Self::IncludeCycle { file, .. }
            | Self::IncludeTooDeep { file, .. } => file,
        }
    }

    /// The 1-based line the error points at; `None` only for a root file
    /// that cannot be read at all.
    pub fn line(&self) -> Option<u32> {
        match self {
            Self::Read { .. } => None,
            Self::Syntax { line, .. }
            | Self::Directive { line, .. }
            | Self::IncludeNotFound { line, .. }
            | Self::IncludeRead { line, .. }
            | Self::IncludeCycle { line, .. }
            | Self::IncludeTooDeep { line, .. } => Some(*line),
        }
    }

    /// The I/O error behind this error, if any.
    ///
    /// It is part of the `Display` text already, so it is deliberately not
    /// exposed as `source()` (reporters would print it twice).
    pub fn io_error(&self) -> Option<&io::Error> {
        match self {
            Self::Read { error, .. } | Self::IncludeRead { error, .. } => Some(error),
            _ => None,
        }
    }

    pub(crate) fn syntax(file: &Path, line: u32, reason: impl Into<String>) -> Self {
        Self::Syntax {
            file: file.to_path_buf(),
            line,
            reason: reason.into(),
        }
    }

    pub(crate) fn directive(file: &Path, line: u32, reason: impl Into<String>) -> Self {
        Self::Directive {
            file: file.to_path_buf(),
            line,
            reason: reason.into(),
        }
    }
}

/// Something suspicious that FreeSWITCH accepts silently, so loading goes on:
/// an undefined `$${name}`, a glob include matching nothing...
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigWarning {
    /// File the warning points into.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u32,
    /// What was noticed.
    pub message: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// Formats an include chain as `a.xml -> b.xml -> a.xml`.
struct DisplayChain<'a>(&'a [PathBuf]);

impl fmt::Display for DisplayChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, path) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(" -> ")?;
            }
            write!(f, "{}", path.display())?;
        }
        Ok(())
    }
}
