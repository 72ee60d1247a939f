//! Where things are: the workspace root, cargo's target directory and the built binaries.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A build profile whose output we look for under the target directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    Debug,
    Release,
}

impl Profile {
    /// The sub-directory of the target directory that holds this profile's output.
    pub fn directory(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Release => "release",
        }
    }
}

/// The ferroswitch workspace this xtask belongs to.
#[derive(Debug)]
pub struct Workspace {
    root: PathBuf,
    target_dir: PathBuf,
}

impl Workspace {
    /// The workspace is the parent of xtask's own manifest directory, fixed at compile time so
    /// the commands work from any current directory. The target directory is `$CARGO_TARGET_DIR`
    /// when set (made absolute, because every cargo we start runs from the workspace root), and
    /// `target/` under the root otherwise.
    pub fn locate() -> Workspace {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        // xtask/Cargo.toml is always one level below the workspace's Cargo.toml.
        let root = manifest_dir
            .parent()
            .expect("xtask's manifest directory has a parent")
            .to_path_buf();
        let target_dir = match env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if !dir.is_empty() => absolute(dir),
            _ => root.join("target"),
        };
        Workspace { root, target_dir }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A `cargo` command run from the workspace root, with the same cargo that started us and
    /// the same target directory.
    pub fn cargo(&self) -> Command {
        let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        let mut command = Command::new(cargo);
        command
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", &self.target_dir);
        command
    }

    /// The `ferroswitch` binary (package `ferroswitch-core`) as built in `profile`.
    pub fn ferroswitch(&self, profile: Profile) -> PathBuf {
        self.target_dir
            .join(profile.directory())
            .join(format!("ferroswitch{}", env::consts::EXE_SUFFIX))
    }
}

/// Cargo reads a relative `CARGO_TARGET_DIR` against its current directory; ours is where the
/// user typed the command.
fn absolute(dir: OsString) -> PathBuf {
    let dir = PathBuf::from(dir);
    std::path::absolute(&dir).unwrap_or(dir)
}
