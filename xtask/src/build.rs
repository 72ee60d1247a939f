//! Building the whole workspace: the `ferroswitch` binary and every module cdylib, in one cargo
//! invocation so features are unified once.

use crate::error::Error;
use crate::step;
use crate::workspace::{Profile, Workspace};

/// `cargo build --workspace`, with `--release` for [`Profile::Release`].
pub fn build_workspace(workspace: &Workspace, profile: Profile) -> Result<(), Error> {
    let mut cargo = workspace.cargo();
    cargo.args(["build", "--workspace"]);
    if profile == Profile::Release {
        cargo.arg("--release");
    }
    step::run(
        &format!(
            "{} build of the switch and every module",
            profile.directory()
        ),
        &mut cargo,
    )
}
