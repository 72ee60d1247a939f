//! Loading a configuration file tree with FreeSWITCH's `X-PRE-PROCESS`
//! semantics: `set`, `env-set`, `include`, and `$${name}` expansion.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{ConfigError, ConfigWarning};
use crate::globals::{ExpandIssue, Globals};
use crate::node::{Origin, XmlNode};
use crate::parse::{decode_utf8, is_xml_whitespace, parse_document, Preprocess, DIRECTIVE};
use crate::MAX_INCLUDE_DEPTH;

/// The result of [`load_config`]: the tree and what was noticed on the way.
#[derive(Clone, Debug)]
pub struct LoadedConfig {
    /// The root element of the root file, includes spliced in.
    pub root: XmlNode,
    /// Things FreeSWITCH accepts silently but an operator wants to know
    /// about (undefined `$${name}`, glob includes matching nothing...), in
    /// document order.
    pub warnings: Vec<ConfigWarning>,
}

/// Loads the root configuration file (e.g. `conf/ferroswitch.xml`) with
/// preprocessing, reading `$${}` values from and recording `set`s into
/// `globals`. Environment variables for `env-set` come from the process.
///
/// See [`ConfigLoader`] to supply the environment another way.
pub fn load_config(path: &Path, globals: &mut Globals) -> Result<LoadedConfig, ConfigError> {
    ConfigLoader::new(globals).load(path)
}

/// Looks up an environment variable for `env-set`.
type EnvLookup<'g> = Box<dyn Fn(&str) -> Option<String> + 'g>;

/// Configures a load; [`load_config`] is `ConfigLoader::new(globals).load(path)`.
///
/// ```no_run
/// # use ferroswitch_xml::{ConfigLoader, Globals};
/// let mut globals = Globals::new();
/// globals.set("conf_dir", "/etc/ferroswitch");
/// let loaded = ConfigLoader::new(&mut globals)
///     .env(|name| (name == "SIP_PORT").then(|| "5080".to_string()))
///     .load("/etc/ferroswitch/ferroswitch.xml".as_ref())?;
/// for warning in &loaded.warnings {
///     eprintln!("warning: {warning}");
/// }
/// # Ok::<(), ferroswitch_xml::ConfigError>(())
/// ```
pub struct ConfigLoader<'g> {
    globals: &'g mut Globals,
    env: EnvLookup<'g>,
}

impl<'g> ConfigLoader<'g> {
    /// A loader reading and updating `globals`, with the process environment.
    pub fn new(globals: &'g mut Globals) -> Self {
        Self {
            globals,
            env: Box::new(|name| {
                std::env::var_os(name).map(|value| value.to_string_lossy().into_owned())
            }),
        }
    }

    /// Replaces the environment `env-set` reads from.
    pub fn env(mut self, lookup: impl Fn(&str) -> Option<String> + 'g) -> Self {
        self.env = Box::new(lookup);
        self
    }

    /// Loads `path` and everything it includes.
    ///
    /// The root file must yield exactly one element (usually `<document>`);
    /// `X-PRE-PROCESS` directives may stand beside it at top level.
    pub fn load(self, path: &Path) -> Result<LoadedConfig, ConfigError> {
        let bytes = fs::read(path).map_err(|error| ConfigError::Read {
            path: path.to_path_buf(),
            error,
        })?;
        let text = decode_utf8(&bytes, path)?;
        let mut session = Session {
            globals: self.globals,
            env: &*self.env,
            warnings: Vec::new(),
            includes: vec![IncludedFile {
                // Only used to detect cycles: a path that cannot be
                // canonicalized is compared as given.
                canonical: fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
                shown: path.to_path_buf(),
            }],
        };
        let file: Arc<Path> = Arc::from(path);
        let mut nodes = parse_document(text, &file, 0, Some(&mut session))?;
        if nodes.len() > 1 {
            let second = &nodes[1];
            return Err(ConfigError::syntax(
                &second.origin.file,
                second.origin.line,
                format!(
                    "<{}> would be a second root element: the root file must yield exactly one",
                    second.name
                ),
            ));
        }
        let root = nodes.pop().ok_or_else(|| {
            ConfigError::syntax(path, 1, "no root element, only X-PRE-PROCESS directives")
        })?;
        Ok(LoadedConfig {
            root,
            warnings: session.warnings,
        })
    }
}

/// A file on the include stack.
struct IncludedFile {
    canonical: PathBuf,
    shown: PathBuf,
}

/// State of one load, handed to the parser as its preprocessor.
struct Session<'s> {
    globals: &'s mut Globals,
    env: &'s dyn Fn(&str) -> Option<String>,
    warnings: Vec<ConfigWarning>,
    /// The root file, then each file being included inside the previous one.
    includes: Vec<IncludedFile>,
}

impl Session<'_> {
    fn warn(&mut self, file: &Path, line: u32, message: String) {
        self.warnings.push(ConfigWarning {
            file: file.to_path_buf(),
            line,
            message,
        });
    }

    fn set(&mut self, data: Option<&str>, origin: &Origin) -> Result<Vec<XmlNode>, ConfigError> {
        let (name, value) = split_assignment(data, "set", origin)?;
        self.globals.set(name, value);
        Ok(Vec::new())
    }

    /// `env-set data="name=VAR"`: global `name` gets environment variable
    /// `VAR` (also written `$VAR`).
    fn env_set(
        &mut self,
        data: Option<&str>,
        origin: &Origin,
    ) -> Result<Vec<XmlNode>, ConfigError> {
        let (name, variable) = split_assignment(data, "env-set", origin)?;
        let variable = variable.trim_matches(is_xml_whitespace);
        let variable = variable.strip_prefix('$').unwrap_or(variable);
        let value = (self.env)(variable).unwrap_or_else(|| {
            self.warnings.push(ConfigWarning {
                file: origin.file.to_path_buf(),
                line: origin.line,
                message: format!(
                    "{DIRECTIVE} env-set: environment variable {variable} is not set, \
                     $${{{name}}} is set to an empty string"
                ),
            });
            String::new()
        });
        self.globals.set(name, value);
        Ok(Vec::new())
    }

    fn include(
        &mut self,
        data: Option<&str>,
        origin: &Origin,
        depth: usize,
    ) -> Result<Vec<XmlNode>, ConfigError> {
        let pattern = data.unwrap_or("").trim_matches(is_xml_whitespace);
        if pattern.is_empty() {
            return Err(ConfigError::directive(
                &origin.file,
                origin.line,
                format!("{DIRECTIVE} include needs a file name or pattern in its data attribute"),
            ));
        }
        if self.includes.len() > MAX_INCLUDE_DEPTH {
            return Err(ConfigError::IncludeTooDeep {
                file: origin.file.to_path_buf(),
                line: origin.line,
                pattern: pattern.to_owned(),
                limit: MAX_INCLUDE_DEPTH,
            });
        }
        let directory = origin.file.parent().unwrap_or(Path::new(""));
        let literal = !pattern.contains(['*', '?', '[']);
        let paths = if literal {
            vec![directory.join(pattern)]
        } else {
            self.glob(directory, pattern, origin)?
        };
        let mut nodes = Vec::new();
        for path in paths {
            nodes.extend(self.include_file(&path, pattern, literal, origin, depth)?);
        }
        Ok(nodes)
    }

    /// Files matching `pattern` (relative to `directory` unless absolute),
    /// sorted; `*` does not match a leading dot, as with glob(3).
    fn glob(
        &mut self,
        directory: &Path,
        pattern: &str,
        origin: &Origin,
    ) -> Result<Vec<PathBuf>, ConfigError> {
        let full = if Path::new(pattern).is_absolute() || directory.as_os_str().is_empty() {
            pattern.to_owned()
        } else {
            let directory = directory.to_str().ok_or_else(|| {
                ConfigError::directive(
                    &origin.file,
                    origin.line,
                    format!(
                        "{DIRECTIVE} include \"{pattern}\": the directory of this file is not \
                         valid UTF-8, which glob patterns need"
                    ),
                )
            })?;
            // The directory is literal: its own `*` or `[` must not match.
            Path::new(&glob::Pattern::escape(directory))
                .join(pattern)
                .to_string_lossy()
                .into_owned()
        };
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: true,
        };
        let entries = glob::glob_with(&full, options).map_err(|error| {
            ConfigError::directive(
                &origin.file,
                origin.line,
                format!("{DIRECTIVE} include \"{pattern}\" is not a valid glob pattern: {error}"),
            )
        })?;
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(path) if path.is_dir() => {}
                Ok(path) => paths.push(path),
                Err(error) => {
                    let path = error.path().to_path_buf();
                    return Err(ConfigError::IncludeRead {
                        file: origin.file.to_path_buf(),
                        line: origin.line,
                        pattern: pattern.to_owned(),
                        path,
                        error: error.into(),
                    });
                }
            }
        }
        paths.sort();
        if paths.is_empty() {
            self.warn(
                &origin.file,
                origin.line,
                format!("{DIRECTIVE} include \"{pattern}\" matched no file"),
            );
        }
        Ok(paths)
    }

    fn include_file(
        &mut self,
        path: &Path,
        pattern: &str,
        literal: bool,
        origin: &Origin,
        depth: usize,
    ) -> Result<Vec<XmlNode>, ConfigError> {
        let io_error = |error: io::Error| {
            if literal && error.kind() == io::ErrorKind::NotFound {
                ConfigError::IncludeNotFound {
                    file: origin.file.to_path_buf(),
                    line: origin.line,
                    pattern: pattern.to_owned(),
                    path: path.to_path_buf(),
                }
            } else {
                ConfigError::IncludeRead {
                    file: origin.file.to_path_buf(),
                    line: origin.line,
                    pattern: pattern.to_owned(),
                    path: path.to_path_buf(),
                    error,
                }
            }
        };
        let canonical = fs::canonicalize(path).map_err(io_error)?;
        if let Some(first) = self
            .includes
            .iter()
            .position(|file| file.canonical == canonical)
        {
            let mut chain: Vec<PathBuf> = self.includes[first..]
                .iter()
                .map(|file| file.shown.clone())
                .collect();
            chain.push(path.to_path_buf());
            return Err(ConfigError::IncludeCycle {
                file: origin.file.to_path_buf(),
                line: origin.line,
                pattern: pattern.to_owned(),
                chain,
            });
        }
        let bytes = fs::read(path).map_err(io_error)?;
        let text = decode_utf8(&bytes, path)?;
        let file: Arc<Path> = Arc::from(path);
        self.includes.push(IncludedFile {
            canonical,
            shown: path.to_path_buf(),
        });
        let parsed = parse_document(text, &file, depth, Some(self));
        self.includes.pop();
        // A top-level <include> is only a wrapper making the file well-formed.
        Ok(parsed?
            .into_iter()
            .flat_map(|node| {
                if node.name == "include" {
                    node.children
                } else {
                    vec![node]
                }
            })
            .collect())
    }
}

impl Preprocess for Session<'_> {
    fn expand(&mut self, value: &str, file: &Arc<Path>, line: u32) -> String {
        if !value.contains("$${") {
            return value.to_owned();
        }
        let warnings = &mut self.warnings;
        self.globals.expand(value, |issue| {
            let (offset, message) = match issue {
                ExpandIssue::Undefined { name, offset } => (
                    offset,
                    format!("$${{{name}}} is not defined: expanded to an empty string"),
                ),
                ExpandIssue::Unterminated { offset } => {
                    (offset, "unterminated $${ left as is".to_owned())
                }
            };
            let newlines = value[..offset].matches('\n').count();
            warnings.push(ConfigWarning {
                file: file.to_path_buf(),
                line: line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX)),
                message,
            });
        })
    }

    fn run_directive(
        &mut self,
        attributes: &[(String, String)],
        origin: &Origin,
        depth: usize,
    ) -> Result<Vec<XmlNode>, ConfigError> {
        let attr = |name: &str| {
            attributes
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        let Some(cmd) = attr("cmd") else {
            return Err(ConfigError::directive(
                &origin.file,
                origin.line,
                format!("{DIRECTIVE} without a cmd attribute"),
            ));
        };
        let data = attr("data");
        match cmd.to_ascii_lowercase().as_str() {
            "set" => self.set(data, origin),
            "env-set" => self.env_set(data, origin),
            "include" => self.include(data, origin, depth),
            "exec" | "exec-set" | "stun-set" => Err(ConfigError::directive(
                &origin.file,
                origin.line,
                format!(
                    "{DIRECTIVE} cmd \"{cmd}\" is not supported: ferroswitch does not run \
                     commands or network queries while loading configuration"
                ),
            )),
            _ => Err(ConfigError::directive(
                &origin.file,
                origin.line,
                format!("unknown {DIRECTIVE} cmd \"{cmd}\" (known: set, env-set, include)"),
            )),
        }
    }
}

/// Splits `name=value` as FreeSWITCH does: spaces around the name and
/// before the value are dropped.
fn split_assignment<'d>(
    data: Option<&'d str>,
    cmd: &str,
    origin: &Origin,
) -> Result<(&'d str, &'d str), ConfigError> {
    let bad = |reason: &str| {
        ConfigError::directive(
            &origin.file,
            origin.line,
            format!("{DIRECTIVE} {cmd}: {reason}"),
        )
    };
    let data = data.ok_or_else(|| bad("missing data=\"name=value\""))?;
    let (name, value) = data
        .split_once('=')
        .ok_or_else(|| bad(&format!("data \"{data}\" is not of the form name=value")))?;
    let name = name.trim_matches(is_xml_whitespace);
    if name.is_empty() {
        return Err(bad(&format!("data \"{data}\" has an empty name")));
    }
    Ok((name, value.trim_start_matches(' ')))
}
