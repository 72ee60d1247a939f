//! ferroswitch configuration: FreeSWITCH-style XML files loaded into an
//! owned tree of [`XmlNode`]s.
//!
//! The core loads the root file with [`load_config`], which runs
//! FreeSWITCH's preprocessor while each file is parsed:
//!
//! - `<X-PRE-PROCESS cmd="set" data="name=value"/>` sets a global variable;
//! - `<X-PRE-PROCESS cmd="env-set" data="name=ENV_VAR"/>` sets one from the
//!   environment;
//! - `<X-PRE-PROCESS cmd="include" data="sip_profiles/*.xml"/>` splices in
//!   other files (relative to the including file; a glob includes every
//!   match in sorted order; an included `<include>` root contributes its
//!   children);
//! - `$${name}` in attribute values and text is replaced by the global's
//!   value as it stands at that point of the document. `${name}` is left
//!   alone: it is a channel variable, expanded at run time.
//!
//! Every node remembers its [`Origin`] (file and line), every
//! [`ConfigError`] names the file, the line and the reason, and things
//! FreeSWITCH tolerates silently (an undefined `$${name}`) come back as
//! [`ConfigWarning`]s.
//!
//! Modules receive their configuration subtree as XML text
//! ([`XmlNode::to_xml_string`]) and read it back with
//! [`XmlNode::parse_str`], which does no preprocessing. A value a module
//! refuses is reported as an [`InvalidValue`] (file, line, the element as
//! written, the reason); [`settings_params`] walks `<settings><param>` and
//! [`parse_bool`] reads FreeSWITCH's booleans.
//!
//! ```
//! use ferroswitch_xml::XmlNode;
//!
//! let root = XmlNode::parse_str(
//!     r#"<document type="freeswitch/xml">
//!          <section name="configuration">
//!            <configuration name="modules.conf">
//!              <settings><param name="autoload" value="true"/></settings>
//!            </configuration>
//!          </section>
//!        </document>"#,
//!     "example.xml",
//! )?;
//! let modules = root.find_configuration("modules.conf").expect("present");
//! let settings: Vec<_> = modules.child("settings").into_iter().flat_map(XmlNode::params).collect();
//! assert_eq!(settings, [("autoload", "true")]);
//! assert_eq!(modules.origin.line, 3);
//! # Ok::<(), ferroswitch_xml::ConfigError>(())
//! ```
//!
//! No input panics: malformed XML, invalid UTF-8 and nesting deeper than
//! [`MAX_DEPTH`] are errors.

mod error;
mod globals;
mod load;
mod node;
mod origins;
mod parse;
mod values;
mod write;

pub use error::{ConfigError, ConfigWarning};
pub use globals::Globals;
pub use load::{load_config, ConfigLoader, LoadedConfig};
pub use node::{Origin, XmlNode};
pub use origins::ORIGIN_ATTRIBUTE;
pub use values::{describe, parse_bool, settings_params, InvalidValue};

/// Deepest element nesting accepted, includes counted: deeper input is an
/// error rather than a risk to the stack of code walking the tree.
pub const MAX_DEPTH: usize = 256;

/// Deepest chain of files including one another.
pub const MAX_INCLUDE_DEPTH: usize = 32;
