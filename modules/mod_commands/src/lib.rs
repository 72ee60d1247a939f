//! mod_commands: the API commands operators type at the console and clients send over the
//! event socket, with FreeSWITCH's names, arguments and output texts.
//!
//! | family | commands |
//! |---|---|
//! | [`status`] | `status`, `version`, `shutdown`, `echo` |
//! | [`show`] | `show ...`, `help` |
//! | [`uuid`] | `uuid_kill`, `uuid_getvar`, `uuid_setvar`, `uuid_dump`, `hupall` |
//! | [`originate`] | `originate` |
//! | [`modules`] | `load`, `unload`, `reload`, `reloadxml` |
//! | [`background`] | `bgapi`, `global_getvar` |
//! | [`broadcast`] | `uuid_broadcast` |
//! | [`dtmf`] | `uuid_send_dtmf` |
//!
//! Parsing and formatting are plain functions, unit-tested without a host; a command's body
//! only fetches from the host and hands the data to them.
//!
//! Output follows FreeSWITCH so that scripts and event-socket clients written for it keep
//! working: a result is printed as FreeSWITCH prints it (`+OK <uuid>`, a listing), and so are
//! the failures FreeSWITCH prints as a command's output (`-ERR No such channel!`,
//! `-ERR NO_ANSWER`). A command line that does not parse is an `Err` whose message is
//! `-USAGE: <syntax>` or says what is wrong.

pub mod args;
pub mod background;
pub mod broadcast;
pub mod dtmf;
pub mod hold;
pub mod modules;
pub mod originate;
pub mod show;
pub mod status;
pub mod table;
pub mod transfer;
pub mod uuid;

use ferroswitch_abi::{Api, ApiDesc, Error, Host, Registrar, Session};

/// A command's body: the host, and the text after the command name (trimmed), to its output.
pub type Run = fn(Host, &str) -> Result<String, Error>;

/// One API command as registered: `show api` lists the name, description and syntax.
#[derive(Clone, Copy)]
pub struct CommandSpec {
    /// What the operator types (`uuid_kill`).
    pub name: &'static str,
    /// One line for `show api` and `help`; never empty (FreeSWITCH hides those).
    pub description: &'static str,
    /// The arguments, as the usage error prints them.
    pub syntax: &'static str,
    /// The body.
    pub run: Run,
}

/// Every command of this module, family by family.
pub fn commands() -> impl Iterator<Item = &'static CommandSpec> {
    [
        status::COMMANDS,
        show::COMMANDS,
        uuid::COMMANDS,
        originate::COMMANDS,
        modules::COMMANDS,
        background::COMMANDS,
        broadcast::COMMANDS,
        dtmf::COMMANDS,
        hold::COMMANDS,
        transfer::COMMANDS,
    ]
    .into_iter()
    .flatten()
}

/// The error for a command line that does not match `syntax`.
pub fn usage(syntax: &str) -> Error {
    Error::invalid_argument(format!("-USAGE: {syntax}"))
}

/// Adapts a [`Run`] to the [`Api`] trait.
struct Command(Run);

impl Api for Command {
    fn execute(&self, host: Host, args: &str, _session: Option<Session>) -> Result<String, Error> {
        (self.0)(host, args.trim())
    }
}

fn load(_host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
    // A failed registration fails `load`, and the core then drops what was registered.
    for spec in commands() {
        registrar.add_api(
            ApiDesc::new(spec.name, spec.description, spec.syntax),
            Command(spec.run),
        )?;
    }
    Ok(())
}

ferroswitch_abi::export_module!(
    name: "mod_commands",
    description: "API commands: status, show, uuid_*, originate, load/unload/reload",
    load: load,
);

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn command_names_are_unique_and_described() {
        let mut names = HashSet::new();
        for spec in commands() {
            assert!(names.insert(spec.name), "{} registered twice", spec.name);
            // `show api` hides commands without a description, as FreeSWITCH does.
            assert!(
                !spec.description.is_empty(),
                "{} has no description",
                spec.name
            );
        }
        for name in [
            "status",
            "version",
            "shutdown",
            "echo",
            "show",
            "help",
            "uuid_kill",
            "uuid_getvar",
            "uuid_setvar",
            "uuid_dump",
            "hupall",
            "originate",
            "load",
            "unload",
            "reload",
            "reloadxml",
        ] {
            assert!(names.contains(name), "{name} is missing");
        }
    }

    #[test]
    fn usage_errors_carry_the_syntax() {
        let error = usage("<uuid> [cause]");
        assert_eq!(error.message(), "-USAGE: <uuid> [cause]");
        assert_eq!(error.kind, ferroswitch_abi::ErrorKind::INVALID_ARGUMENT);
    }
}
