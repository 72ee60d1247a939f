//! Modules and configuration: `load`, `unload`, `reload`, `reloadxml`.

use ferroswitch_abi::{Error, Host};

use crate::{usage, CommandSpec};

const LOAD_SYNTAX: &str = "<mod_name>";
const UNLOAD_SYNTAX: &str = "[-f] <mod_name>";

/// This family's commands.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "load",
        description: "Load Module",
        syntax: LOAD_SYNTAX,
        run: load,
    },
    CommandSpec {
        name: "unload",
        description: "Unload module",
        syntax: UNLOAD_SYNTAX,
        run: unload,
    },
    CommandSpec {
        name: "reload",
        description: "Reload module",
        syntax: UNLOAD_SYNTAX,
        run: reload,
    },
    CommandSpec {
        name: "reloadxml",
        description: "Reload XML",
        syntax: "",
        run: reloadxml,
    },
];

fn load(host: Host, args: &str) -> Result<String, Error> {
    if args.is_empty() || args.contains(char::is_whitespace) {
        return Err(usage(LOAD_SYNTAX));
    }
    Ok(format_module_result(host.load_module(args)))
}

fn unload(host: Host, args: &str) -> Result<String, Error> {
    let name = parse_module_args(args).ok_or_else(|| usage(UNLOAD_SYNTAX))?;
    Ok(format_module_result(host.unload_module(&name.module)))
}

fn reload(host: Host, args: &str) -> Result<String, Error> {
    let name = parse_module_args(args).ok_or_else(|| usage(UNLOAD_SYNTAX))?;
    Ok(format_module_result(host.reload_module(&name.module)))
}

fn reloadxml(host: Host, _args: &str) -> Result<String, Error> {
    Ok(match host.reload_xml() {
        Ok(message) => format!("+OK [{message}]\n"),
        Err(error) => format!("-ERR [{error}]\n"),
    })
}

/// The arguments of `unload` and `reload`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleArgs {
    /// `-f`: FreeSWITCH's "even if it says it cannot be unloaded". The core has no such
    /// override (it refuses while calls use a module, and says so), so it is accepted and
    /// has no effect.
    pub force: bool,
    pub module: String,
}

/// `[-flags] <mod_name>`; `None` when no single module name is given.
pub fn parse_module_args(text: &str) -> Option<ModuleArgs> {
    let mut words = text.split_whitespace().peekable();
    let mut force = false;
    while let Some(flags) = words.next_if(|word| word.starts_with('-')) {
        force |= flags.contains('f');
    }
    let module = words.next()?.to_owned();
    if words.next().is_some() {
        return None;
    }
    Some(ModuleArgs { force, module })
}

/// FreeSWITCH's reply to `load`, `unload` and `reload`: `+OK`, or `-ERR [reason]` with the
/// core's message, which names the module and what went wrong.
pub fn format_module_result(result: Result<String, Error>) -> String {
    match result {
        Ok(_) => "+OK\n".to_owned(),
        Err(error) => format!("-ERR [{error}]\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_name_with_and_without_force() {
        assert_eq!(
            parse_module_args("mod_g711"),
            Some(ModuleArgs {
                force: false,
                module: "mod_g711".to_owned()
            })
        );
        assert_eq!(
            parse_module_args("-f  mod_g711"),
            Some(ModuleArgs {
                force: true,
                module: "mod_g711".to_owned()
            })
        );
    }

    #[test]
    fn missing_or_extra_names_are_refused() {
        assert_eq!(parse_module_args(""), None);
        assert_eq!(parse_module_args("-f"), None);
        assert_eq!(parse_module_args("mod_a mod_b"), None);
    }

    #[test]
    fn results_print_ok_or_the_reason_in_brackets() {
        assert_eq!(format_module_result(Ok("loaded".into())), "+OK\n");
        assert_eq!(
            format_module_result(Err(Error::new(
                ferroswitch_abi::ErrorKind::IN_USE,
                "mod_g711 is in use by 2 calls"
            ))),
            "-ERR [mod_g711 is in use by 2 calls]\n"
        );
    }
}
