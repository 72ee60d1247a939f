//! `cargo xtask lint`: formatting and clippy over the whole workspace.

use crate::error::Error;
use crate::step;
use crate::system_packages::{self, Need};
use crate::workspace::Workspace;

/// Runs `cargo fmt --all -- --check` and `cargo clippy --workspace --all-targets -- -D warnings`,
/// both even when the first fails, and fails if either did.
pub fn lint(workspace: &Workspace) -> Result<(), Error> {
    // Clippy compiles build scripts, which may link system libraries.
    system_packages::ensure(&[Need::Build])?;
    let checks: [(&str, &[&str]); 2] = [
        ("checking formatting", &["fmt", "--all", "--", "--check"]),
        (
            "running clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
    ];
    let mut failed = Vec::new();
    for (what, args) in checks {
        if let Err(error) = step::run(what, workspace.cargo().args(args)) {
            eprintln!("xtask: {error}");
            failed.push(format!("cargo {}", args[0]));
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::ChecksFailed(failed))
    }
}
