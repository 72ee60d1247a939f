//! The Node.js packages the end-to-end tests drive (tests/node: npm's event-socket client
//! modesl), installed with `npm ci` from tests/node/package-lock.json.
//!
//! `npm ci` runs only when tests/node/node_modules is missing or older than the lock file, so
//! an unchanged tree costs two `stat` calls. "Older" is judged by npm's own record of what it
//! installed, `node_modules/.package-lock.json`, which npm writes last: an install that was
//! interrupted leaves none, and counts as missing.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use crate::error::Error;
use crate::step;
use crate::workspace::Workspace;

/// Where the Node.js test clients live, relative to the workspace root.
pub const DIRECTORY: &str = "tests/node";

/// Whether node_modules matches the lock file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    UpToDate,
    /// Never installed, or an install did not finish.
    Missing,
    /// The lock file changed since the last install.
    Stale,
}

impl Freshness {
    /// The decision, from the modification times of the lock file and of npm's record of the
    /// last install.
    pub fn of(lock: SystemTime, installed: Option<SystemTime>) -> Freshness {
        match installed {
            None => Freshness::Missing,
            Some(installed) if installed < lock => Freshness::Stale,
            Some(_) => Freshness::UpToDate,
        }
    }

    /// Why `npm ci` runs, for the `==>` line.
    fn reason(self) -> &'static str {
        match self {
            Freshness::UpToDate => "up to date",
            Freshness::Missing => "node_modules is missing",
            Freshness::Stale => "node_modules is older than package-lock.json",
        }
    }
}

/// Runs `npm ci` in tests/node unless node_modules is up to date.
pub fn ensure(workspace: &Workspace) -> Result<(), Error> {
    let dir = workspace.root().join(DIRECTORY);
    let lock = dir.join("package-lock.json");
    let lock_time = modified(&lock).ok_or_else(|| Error::NodeClients {
        dir: dir.clone(),
        reason: format!("{} is missing", lock.display()),
    })?;
    let freshness = Freshness::of(
        lock_time,
        modified(&dir.join("node_modules").join(".package-lock.json")),
    );
    if freshness == Freshness::UpToDate {
        return Ok(());
    }
    let mut npm = Command::new("npm");
    npm.args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir);
    step::run(
        &format!(
            "installing the Node.js test clients in {DIRECTORY}: {}",
            freshness.reason()
        ),
        &mut npm,
    )
    .map_err(|error| Error::NodeClients {
        dir,
        reason: format!("{error}; npm's output above says why"),
    })
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|meta| meta.modified()).ok()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn installs_when_missing_or_older_than_the_lock() {
        let lock = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(Freshness::of(lock, None), Freshness::Missing);
        assert_eq!(
            Freshness::of(lock, Some(lock - Duration::from_secs(1))),
            Freshness::Stale
        );
        assert_eq!(Freshness::of(lock, Some(lock)), Freshness::UpToDate);
        assert_eq!(
            Freshness::of(lock, Some(lock + Duration::from_millis(4))),
            Freshness::UpToDate
        );
    }

    #[test]
    fn the_lock_file_and_the_script_are_in_the_repository() {
        let dir = Workspace::locate().root().join(DIRECTORY);
        for file in ["package.json", "package-lock.json", "esl_scenario.js"] {
            assert!(dir.join(file).is_file(), "{}/{file}", dir.display());
        }
        let package = fs::read_to_string(dir.join("package.json")).expect("package.json");
        assert!(
            package.contains("\"modesl\": \"1.2.1\""),
            "modesl is pinned: {package}"
        );
    }
}
