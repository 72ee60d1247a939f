//! Channel variables: `set`, `unset`, `multiset` and `export`.

use ferroswitch_abi::prelude::*;

use super::{usage, INLINE_OK};
use crate::args::{parse_assignment, separate};

/// The channel variable listing the variables a channel hands to the legs it originates
/// (FreeSWITCH's `SWITCH_EXPORT_VARS_VARIABLE`).
pub const EXPORT_VARS: &str = "export_vars";

/// The prefixes that make an export remote only: the variable is not set on this channel
/// under its own name (FreeSWITCH's `nolocal:` and its older spelling `_nolocal_`).
const NOLOCAL_PREFIXES: [&str; 2] = ["nolocal:", "_nolocal_"];

const EXPORT_SYNTAX: &str = "[nolocal:]<varname>=<value>";
const MULTISET_SYNTAX: &str = "[^^<delim>]<varname>=<value> <var2>=<val2>";

/// Registers `set`, `unset`, `multiset` and `export`.
pub fn register(registrar: &mut Registrar<'_>) -> Result<(), Error> {
    registrar.add_application(
        ApplicationDesc::new("set", "Set a channel variable", "<varname>=<value>")
            .with_flags(INLINE_OK),
        Set,
    )?;
    registrar.add_application(
        ApplicationDesc::new("unset", "Unset a channel variable", "<varname>")
            .with_flags(INLINE_OK),
        Unset,
    )?;
    registrar.add_application(
        ApplicationDesc::new("multiset", "Set many channel variables", MULTISET_SYNTAX)
            .with_flags(INLINE_OK),
        Multiset,
    )?;
    registrar.add_application(
        ApplicationDesc::new(
            "export",
            "Set a channel variable and export it to the legs this channel originates",
            EXPORT_SYNTAX,
        )
        .with_flags(INLINE_OK),
        Export,
    )
}

/// `set name=value`; an empty value (`set name=`) unsets, as in FreeSWITCH.
struct Set;

impl Application for Set {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let (name, value) = arg
            .split_once('=')
            .ok_or_else(|| usage("set", "<varname>=<value>"))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(usage("set", "<varname>=<value>"));
        }
        session.set_variable(name, Some(value).filter(|value| !value.is_empty()))?;
        session.log(LogLevel::Debug, &format!("SET [{name}]=[{value}]"));
        Ok(())
    }
}

struct Unset;

impl Application for Unset {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let name = arg.trim();
        if name.is_empty() {
            return Err(usage("unset", "<varname>"));
        }
        session.set_variable(name, None)
    }
}

/// `multiset a=1 b=2`, or with `^^|` first, `|` as the separator instead of the space.
struct Multiset;

impl Application for Multiset {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let assignments = parse_multiset(arg);
        if assignments.is_empty() {
            return Err(usage("multiset", MULTISET_SYNTAX));
        }
        for (name, value) in assignments {
            session.set_variable(&name, value.as_deref())?;
            session.log(
                LogLevel::Debug,
                &format!("SET [{name}]=[{}]", value.as_deref().unwrap_or("UNDEF")),
            );
        }
        Ok(())
    }
}

/// The assignments `multiset`'s argument lists, in order: each `name=value` (or
/// `name,value`) with `None` for an empty value (unset). Fields without a name are skipped.
pub fn parse_multiset(arg: &str) -> Vec<(String, Option<String>)> {
    let (separator, list) = match arg.strip_prefix("^^") {
        Some(rest) => match rest.chars().next() {
            Some(separator) => (separator, &rest[separator.len_utf8()..]),
            None => (' ', ""),
        },
        None => (' ', arg),
    };
    separate(list, separator)
        .iter()
        .map(|field| parse_assignment(field))
        .filter(|(name, _)| !name.is_empty())
        .map(|(name, value)| (name.to_owned(), value.map(str::to_owned)))
        .collect()
}

/// `export name=value`: sets the variable and lists it in `export_vars`, so that the core
/// copies it to every leg this channel originates. With `nolocal:name=value` the variable is
/// kept under the prefixed name, so only the new legs see `name`.
struct Export;

impl Application for Export {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let export = parse_export(arg).ok_or_else(|| usage("export", EXPORT_SYNTAX))?;
        session.log(
            LogLevel::Debug,
            &format!(
                "EXPORT ({EXPORT_VARS}) {}[{}]=[{}]",
                if export.local { "" } else { "(REMOTE ONLY) " },
                export.exported_name(),
                export.value.unwrap_or("UNDEF"),
            ),
        );
        session.set_variable(export.name, export.value)?;
        // As in FreeSWITCH, an export without a value unsets and lists nothing.
        if export.value.is_some() {
            let current = session.variable(EXPORT_VARS);
            if let Some(list) = with_export(current.as_deref(), export.name) {
                session.set_variable(EXPORT_VARS, Some(&list))?;
            }
        }
        Ok(())
    }
}

/// One `export` argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportArg<'a> {
    /// The channel variable set and listed in `export_vars`, with its `nolocal:` prefix if
    /// written with one.
    pub name: &'a str,
    /// The value; `None` when empty or left out (the variable is unset).
    pub value: Option<&'a str>,
    /// Whether the variable is set on this channel under its own name (no `nolocal:`).
    pub local: bool,
}

impl ExportArg<'_> {
    /// The name the originated legs see: without the `nolocal:` prefix.
    pub fn exported_name(&self) -> &str {
        strip_nolocal(self.name).unwrap_or(self.name)
    }
}

/// Parses `[nolocal:]name[=value]`; `None` without a name.
pub fn parse_export(arg: &str) -> Option<ExportArg<'_>> {
    let (name, value) = match arg.split_once('=') {
        Some((name, value)) => (name.trim(), Some(value).filter(|value| !value.is_empty())),
        None => (arg.trim(), None),
    };
    let local = strip_nolocal(name).is_none();
    let bare = strip_nolocal(name).unwrap_or(name);
    if bare.trim().is_empty() {
        return None;
    }
    Some(ExportArg { name, value, local })
}

/// `name` without a `nolocal:` or `_nolocal_` prefix (compared without case, as FreeSWITCH
/// does), or `None` if it has neither.
pub fn strip_nolocal(name: &str) -> Option<&str> {
    NOLOCAL_PREFIXES.iter().find_map(|prefix| {
        name.get(..prefix.len())
            .filter(|head| head.eq_ignore_ascii_case(prefix))
            .map(|_| &name[prefix.len()..])
    })
}

/// The `export_vars` list with `name` appended, or `None` when it is already listed.
pub fn with_export(current: Option<&str>, name: &str) -> Option<String> {
    let current = current.unwrap_or("").trim();
    if current.split(',').any(|listed| listed.trim() == name) {
        return None;
    }
    Some(if current.is_empty() {
        name.to_owned()
    } else {
        format!("{current},{name}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(pairs: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.map(str::to_owned)))
            .collect()
    }

    #[test]
    fn multiset_splits_on_spaces_by_default() {
        assert_eq!(
            parse_multiset("a=1  b='two words' c= d"),
            owned(&[
                ("a", Some("1")),
                ("b", Some("two words")),
                ("c", None),
                ("d", None)
            ])
        );
        assert!(parse_multiset("").is_empty());
        assert!(parse_multiset("   ").is_empty());
    }

    #[test]
    fn multiset_takes_a_custom_separator() {
        assert_eq!(
            parse_multiset("^^|a=x y|b=k=v||=z"),
            owned(&[("a", Some("x y")), ("b", Some("k=v"))])
        );
        assert!(parse_multiset("^^").is_empty());
        assert!(parse_multiset("^^,").is_empty());
    }

    #[test]
    fn export_keeps_the_nolocal_prefix_on_the_stored_name() {
        assert_eq!(
            parse_export("foo=bar=baz"),
            Some(ExportArg {
                name: "foo",
                value: Some("bar=baz"),
                local: true
            })
        );
        let remote = parse_export("nolocal:foo=bar").expect("a name");
        assert_eq!((remote.name, remote.local), ("nolocal:foo", false));
        assert_eq!(remote.exported_name(), "foo");
        let old_spelling = parse_export("_NOLOCAL_foo=bar").expect("a name");
        assert_eq!(
            (old_spelling.exported_name(), old_spelling.local),
            ("foo", false)
        );
    }

    #[test]
    fn export_without_value_or_name() {
        assert_eq!(
            parse_export("foo="),
            Some(ExportArg {
                name: "foo",
                value: None,
                local: true
            })
        );
        assert_eq!(parse_export("foo").map(|export| export.value), Some(None));
        assert_eq!(parse_export(""), None);
        assert_eq!(parse_export("=x"), None);
        assert_eq!(parse_export("nolocal:=x"), None);
    }

    #[test]
    fn export_vars_grows_without_duplicates() {
        assert_eq!(with_export(None, "a").as_deref(), Some("a"));
        assert_eq!(with_export(Some(""), "a").as_deref(), Some("a"));
        assert_eq!(with_export(Some("a"), "b").as_deref(), Some("a,b"));
        assert_eq!(with_export(Some("a,b"), "a"), None);
        assert_eq!(
            with_export(Some("a,b"), "nolocal:a").as_deref(),
            Some("a,b,nolocal:a")
        );
    }
}
