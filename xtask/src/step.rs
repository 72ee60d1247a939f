//! Running one step of a command: a short header line, inherited output, success or an error.

use std::path::Path;
use std::process::Command;

use crate::error::Error;

/// Prints `==> what (command line)`, runs `command` with the terminal inherited, and returns an
/// error unless it exits successfully.
pub fn run(what: &str, command: &mut Command) -> Result<(), Error> {
    let line = command_line(command);
    println!("==> {what} ({line})");
    let status = command.status().map_err(|source| Error::Spawn {
        program: program_name(command),
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::StepFailed {
            command: line,
            status,
        })
    }
}

/// The command as a person would type it: `cargo build --workspace`, not `/root/.cargo/bin/cargo
/// build --workspace` (cargo hands us an absolute path in `$CARGO`).
pub fn command_line(command: &Command) -> String {
    let mut words = vec![program_name(command)];
    words.extend(
        command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned()),
    );
    words.join(" ")
}

fn program_name(command: &Command) -> String {
    let program = Path::new(command.get_program());
    let name = program.file_name().unwrap_or(program.as_os_str());
    name.to_string_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_shows_the_program_name_without_its_directory() {
        let mut command = Command::new("/root/.cargo/bin/cargo");
        command.args(["build", "--workspace"]);
        assert_eq!(command_line(&command), "cargo build --workspace");
    }
}
