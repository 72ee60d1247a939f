//! `cargo xtask test`: every test of the workspace, against modules built on disk.

use crate::build::build_workspace;
use crate::error::Error;
use crate::node_clients;
use crate::step;
use crate::system_packages::{self, Need};
use crate::workspace::{Profile, Workspace};

/// Installs what the tests need (system packages, then the Node.js test clients), builds the
/// workspace (the tests load the real module `.so` files, which `cargo test` alone does not
/// build), then runs `cargo test` with `extra` appended.
pub fn test(workspace: &Workspace, extra: &[String]) -> Result<(), Error> {
    system_packages::ensure(&[Need::Build, Need::Tests])?;
    node_clients::ensure(workspace)?;
    build_workspace(workspace, Profile::Debug)?;
    let mut cargo = workspace.cargo();
    cargo.arg("test");
    // Cargo silently ignores `-p` next to `--workspace`, so a package selection must replace it.
    if !selects_packages(extra) {
        cargo.arg("--workspace");
    }
    cargo.args(extra);
    step::run("running the tests", &mut cargo)
}

/// Whether cargo arguments choose packages themselves (`-p NAME`, `-pNAME`, `--package[=NAME]`),
/// looking only before a `--` (what follows goes to the test binaries).
fn selects_packages(args: &[String]) -> bool {
    args.iter()
        .take_while(|arg| *arg != "--")
        .any(|arg| arg.starts_with("-p") || arg == "--package" || arg.starts_with("--package="))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|word| word.to_string()).collect()
    }

    #[test]
    fn package_selections_are_recognised() {
        assert!(selects_packages(&args(&["-p", "ferroswitch-core"])));
        assert!(selects_packages(&args(&["-pferroswitch-core"])));
        assert!(selects_packages(&args(&["--package", "tests"])));
        assert!(selects_packages(&args(&["--package=tests"])));
    }

    #[test]
    fn other_arguments_keep_the_whole_workspace() {
        assert!(!selects_packages(&[]));
        assert!(!selects_packages(&args(&[
            "loads_modules",
            "--exclude",
            "xtask"
        ])));
        assert!(!selects_packages(&args(&["--", "-p", "--nocapture"])));
    }
}
