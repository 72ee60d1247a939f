//! `cargo xtask run`: build everything and start the switch on the shipped configuration.

use std::process::{Command, ExitCode};

use crate::build::build_workspace;
use crate::error::Error;
use crate::step;
use crate::system_packages::{self, Need};
use crate::workspace::{Profile, Workspace};

/// Builds the workspace, then runs `ferroswitch --conf conf <extra>` from the workspace root with
/// the terminal inherited. On Unix the switch replaces this process, so signals (Ctrl-C) and the
/// exit status are the switch's own; elsewhere we wait and pass its exit code on.
pub fn run(workspace: &Workspace, extra: &[String]) -> Result<ExitCode, Error> {
    system_packages::ensure(&[Need::Build])?;
    build_workspace(workspace, Profile::Debug)?;
    let binary = workspace.ferroswitch(Profile::Debug);
    if !binary.is_file() {
        return Err(Error::MissingBinary(binary));
    }
    let mut switch = Command::new(&binary);
    switch
        .args(["--conf", "conf"])
        .args(extra)
        .current_dir(workspace.root());
    println!("==> starting the switch ({})", step::command_line(&switch));
    start(switch, &binary.display().to_string())
}

#[cfg(unix)]
fn start(mut switch: Command, program: &str) -> Result<ExitCode, Error> {
    use std::os::unix::process::CommandExt;
    // `exec` returns only if it failed.
    let source = switch.exec();
    Err(Error::Spawn {
        program: program.to_owned(),
        source,
    })
}

#[cfg(not(unix))]
fn start(mut switch: Command, program: &str) -> Result<ExitCode, Error> {
    let status = switch.status().map_err(|source| Error::Spawn {
        program: program.to_owned(),
        source,
    })?;
    let code = status.code().and_then(|code| u8::try_from(code).ok());
    Ok(ExitCode::from(code.unwrap_or(1)))
}
