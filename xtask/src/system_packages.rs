//! Debian packages the build and the tests need, and making sure they are installed.
//!
//! [`SYSTEM_PACKAGES`] is the table: one row per Debian package, saying what needs it and how to
//! tell it is present. [`ensure`] finds the rows a command needs that are missing; if there are
//! none it does nothing. Otherwise, as root, it runs `apt-get update` once and one
//! `apt-get install` for all of them, then checks again; as anyone else it stops with an error
//! naming each package, what needs it, and the `sudo apt-get install` command to run.
//!
//! The decision is [`plan`], a pure function, and the machine is behind the [`System`] trait, so
//! the whole mechanism is tested without running apt.

use std::env;
use std::fmt;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::Error;
use crate::step;

/// Every system package any command needs. Commands ask only for the [`Need`]s they have.
///
/// When adding a row whose detection is [`Detect::PkgConfig`], make sure `pkg-config` itself is
/// present too (a row for the `pkg-config` package detected by the command `pkg-config`).
pub const SYSTEM_PACKAGES: &[SystemPackage] = &[
    SystemPackage {
        debian: "pkg-config",
        needed_by: Need::Build,
        purpose: "mod_opus's build finds libopus with it, and so does the check for libopus-dev",
        detect: Detect::Command("pkg-config"),
    },
    SystemPackage {
        debian: "libopus-dev",
        needed_by: Need::Build,
        purpose: "mod_opus links libopus (through audiopus)",
        detect: Detect::PkgConfig("opus"),
    },
    SystemPackage {
        debian: "nodejs",
        needed_by: Need::Tests,
        purpose: "the event-socket tests run the npm client library modesl under Node.js",
        detect: Detect::Command("node"),
    },
    SystemPackage {
        debian: "npm",
        needed_by: Need::Tests,
        purpose: "`npm ci` installs the event-socket tests' Node.js clients (tests/node)",
        detect: Detect::Command("npm"),
    },
    SystemPackage {
        debian: "sip-tester",
        needed_by: Need::Tests,
        purpose: "the SIP tests (tests/tests/sip_*.rs) drive calls and registrations with sipp",
        detect: Detect::Command("sipp"),
    },
];

/// What needs a package.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Building the workspace (a `-sys` crate linking a C library, say).
    Build,
    /// Running the tests or benches (a peer such as `sipp`).
    Tests,
}

impl fmt::Display for Need {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Need::Build => "the build",
            Need::Tests => "the tests",
        })
    }
}

/// How to tell that a package is installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "no row detects by dpkg yet; the tests use every variant"
)]
pub enum Detect {
    /// An executable of this name on `PATH` (`sipp` from `sip-tester`).
    Command(&'static str),
    /// `pkg-config --exists NAME` succeeds (`opus` from `libopus-dev`).
    PkgConfig(&'static str),
    /// `dpkg-query -W -f '${Status}' PACKAGE` reports `install ok installed`.
    Dpkg,
}

/// One row of [`SYSTEM_PACKAGES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SystemPackage {
    /// The Debian package name, as given to `apt-get install`.
    pub debian: &'static str,
    /// What needs it.
    pub needed_by: Need,
    /// Who needs it and why, for the error message: "mod_opus links libopus".
    pub purpose: &'static str,
    /// How to tell it is installed.
    pub detect: Detect,
}

impl fmt::Display for SystemPackage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (needed by {}: {})",
            self.debian, self.needed_by, self.purpose
        )
    }
}

/// What [`ensure`] will do about the missing packages.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// Everything needed is present.
    Nothing,
    /// Install these with apt-get: we are root.
    Install(Vec<SystemPackage>),
    /// Stop and tell the user how to install these: we are not root.
    Refuse(Vec<SystemPackage>),
}

/// The decision, given what is missing and whether we may install.
pub fn plan(missing: Vec<SystemPackage>, is_root: bool) -> Plan {
    if missing.is_empty() {
        Plan::Nothing
    } else if is_root {
        Plan::Install(missing)
    } else {
        Plan::Refuse(missing)
    }
}

/// An apt-get invocation, as data so tests can see what would run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AptCommand {
    Update,
    Install(Vec<&'static str>),
}

impl AptCommand {
    /// The arguments after `apt-get`.
    pub fn args(&self) -> Vec<&'static str> {
        match self {
            AptCommand::Update => vec!["update"],
            AptCommand::Install(packages) => {
                let mut args = vec!["install", "-y", "--no-install-recommends"];
                args.extend(packages);
                args
            }
        }
    }
}

/// What [`ensure`] needs from the machine.
pub trait System {
    fn is_installed(&self, package: &SystemPackage) -> bool;
    fn is_root(&self) -> bool;
    fn run_apt(&mut self, command: &AptCommand) -> Result<(), Error>;
}

/// Why packages are still missing after [`ensure`].
#[derive(Debug)]
#[non_exhaustive]
pub enum PackageError {
    /// Packages are missing and we are not root, so we did not install them.
    NotRoot(Vec<SystemPackage>),
    /// apt-get installed these but they are still not detected: the table's detection rule is
    /// wrong, or the package does not provide what the rule looks for.
    StillMissing(Vec<SystemPackage>),
}

impl fmt::Display for PackageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PackageError::NotRoot(missing) => {
                writeln!(f, "missing system packages:")?;
                for package in missing {
                    writeln!(f, "  {package}")?;
                }
                write!(f, "install them with:\n  {}", sudo_install_command(missing))
            }
            PackageError::StillMissing(missing) => {
                write!(
                    f,
                    "apt-get installed these but they are still not detected:"
                )?;
                for package in missing {
                    write!(f, "\n  {package}, looked for as {:?}", package.detect)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PackageError {}

/// Makes sure every package of `SYSTEM_PACKAGES` needed for `needs` is installed.
pub fn ensure(needs: &[Need]) -> Result<(), Error> {
    ensure_in(SYSTEM_PACKAGES, needs, &mut Machine)
}

/// [`ensure`] against any table and any [`System`].
pub fn ensure_in(
    table: &[SystemPackage],
    needs: &[Need],
    system: &mut impl System,
) -> Result<(), Error> {
    let wanted: Vec<SystemPackage> = table
        .iter()
        .filter(|package| needs.contains(&package.needed_by))
        .copied()
        .collect();
    let missing = not_installed(&wanted, system);
    match plan(missing, system.is_root()) {
        Plan::Nothing => Ok(()),
        Plan::Refuse(missing) => Err(PackageError::NotRoot(missing).into()),
        Plan::Install(missing) => {
            system.run_apt(&AptCommand::Update)?;
            system.run_apt(&AptCommand::Install(debian_names(&missing)))?;
            let still_missing = not_installed(&missing, system);
            if still_missing.is_empty() {
                Ok(())
            } else {
                Err(PackageError::StillMissing(still_missing).into())
            }
        }
    }
}

fn not_installed(packages: &[SystemPackage], system: &impl System) -> Vec<SystemPackage> {
    packages
        .iter()
        .filter(|package| !system.is_installed(package))
        .copied()
        .collect()
}

/// The command a non-root user should run.
pub fn sudo_install_command(missing: &[SystemPackage]) -> String {
    let install = AptCommand::Install(debian_names(missing));
    format!("sudo apt-get {}", install.args().join(" "))
}

/// Each package's Debian name once, in table order (two rows may name one package).
fn debian_names(packages: &[SystemPackage]) -> Vec<&'static str> {
    let mut names = Vec::new();
    for package in packages {
        if !names.contains(&package.debian) {
            names.push(package.debian);
        }
    }
    names
}

/// The real machine: probes with `PATH`, pkg-config and dpkg-query; installs with apt-get.
struct Machine;

impl System for Machine {
    fn is_installed(&self, package: &SystemPackage) -> bool {
        match package.detect {
            Detect::Command(name) => on_path(name),
            Detect::PkgConfig(name) => {
                succeeds(Command::new("pkg-config").args(["--exists", name]))
            }
            Detect::Dpkg => Command::new("dpkg-query")
                .args(["-W", "-f", "${Status}", package.debian])
                .stderr(Stdio::null())
                .output()
                .is_ok_and(|output| dpkg_status_is_installed(&output.stdout)),
        }
    }

    fn is_root(&self) -> bool {
        match fs::read_to_string("/proc/self/status") {
            Ok(status) => effective_uid(&status) == Some(0),
            Err(_) => Command::new("id")
                .arg("-u")
                .output()
                .is_ok_and(|output| output.stdout.trim_ascii() == b"0"),
        }
    }

    fn run_apt(&mut self, command: &AptCommand) -> Result<(), Error> {
        let what = match command {
            AptCommand::Update => "updating apt's package lists",
            AptCommand::Install(_) => "installing missing system packages",
        };
        step::run(
            what,
            Command::new("apt-get")
                .args(command.args())
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )
    }
}

fn succeeds(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn on_path(program: &str) -> bool {
    env::var_os("PATH")
        .is_some_and(|path| env::split_paths(&path).any(|dir| is_executable(&dir.join(program))))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// `dpkg-query -W -f '${Status}'` prints `install ok installed` for an installed package, and
/// e.g. `deinstall ok config-files` for one removed but not purged.
fn dpkg_status_is_installed(stdout: &[u8]) -> bool {
    stdout.trim_ascii() == b"install ok installed"
}

/// The effective uid from `/proc/self/status`, whose line reads `Uid:\treal\teffective\t...`.
fn effective_uid(status: &str) -> Option<u32> {
    let line = status.lines().find(|line| line.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPUS: SystemPackage = SystemPackage {
        debian: "libopus-dev",
        needed_by: Need::Build,
        purpose: "mod_opus links libopus",
        detect: Detect::PkgConfig("opus"),
    };
    const SIPP: SystemPackage = SystemPackage {
        debian: "sip-tester",
        needed_by: Need::Tests,
        purpose: "end-to-end SIP tests drive sipp",
        detect: Detect::Command("sipp"),
    };
    const NPM: SystemPackage = SystemPackage {
        debian: "npm",
        needed_by: Need::Tests,
        purpose: "installs the Node.js test clients",
        detect: Detect::Dpkg,
    };
    const TABLE: &[SystemPackage] = &[OPUS, SIPP, NPM];

    /// A machine where `present` packages are installed and apt-get installs whatever it is
    /// asked to, unless `apt_installs_nothing`.
    struct FakeSystem {
        present: Vec<&'static str>,
        root: bool,
        apt_installs_nothing: bool,
        apt_runs: Vec<AptCommand>,
    }

    impl FakeSystem {
        fn new(present: &[&'static str], root: bool) -> Self {
            FakeSystem {
                present: present.to_vec(),
                root,
                apt_installs_nothing: false,
                apt_runs: Vec::new(),
            }
        }
    }

    impl System for FakeSystem {
        fn is_installed(&self, package: &SystemPackage) -> bool {
            self.present.contains(&package.debian)
        }

        fn is_root(&self) -> bool {
            self.root
        }

        fn run_apt(&mut self, command: &AptCommand) -> Result<(), Error> {
            self.apt_runs.push(command.clone());
            if let (AptCommand::Install(names), false) = (command, self.apt_installs_nothing) {
                self.present.extend(names);
            }
            Ok(())
        }
    }

    #[test]
    fn pkg_config_is_installed_wherever_a_row_detects_by_it() {
        let pkg_config_row = |need: Need| {
            SYSTEM_PACKAGES.iter().any(|row| {
                row.detect == Detect::Command("pkg-config")
                    && (row.needed_by == need || row.needed_by == Need::Build)
            })
        };
        for row in SYSTEM_PACKAGES {
            if let Detect::PkgConfig(_) = row.detect {
                assert!(
                    pkg_config_row(row.needed_by),
                    "{row} needs a pkg-config row"
                );
            }
        }
    }

    #[test]
    fn plan_does_nothing_when_nothing_is_missing() {
        assert_eq!(plan(vec![], true), Plan::Nothing);
        assert_eq!(plan(vec![], false), Plan::Nothing);
    }

    #[test]
    fn plan_installs_as_root_and_refuses_otherwise() {
        assert_eq!(
            plan(vec![OPUS, SIPP], true),
            Plan::Install(vec![OPUS, SIPP])
        );
        assert_eq!(plan(vec![OPUS], false), Plan::Refuse(vec![OPUS]));
    }

    #[test]
    fn nothing_runs_when_everything_is_present() {
        let mut system = FakeSystem::new(&["libopus-dev", "sip-tester", "npm"], true);
        ensure_in(TABLE, &[Need::Build, Need::Tests], &mut system).unwrap();
        assert!(system.apt_runs.is_empty());
    }

    #[test]
    fn an_empty_table_needs_nothing() {
        let mut system = FakeSystem::new(&[], false);
        ensure_in(&[], &[Need::Build, Need::Tests], &mut system).unwrap();
        assert!(system.apt_runs.is_empty());
    }

    #[test]
    fn only_the_requested_needs_are_checked() {
        let mut system = FakeSystem::new(&["libopus-dev"], false);
        ensure_in(TABLE, &[Need::Build], &mut system).unwrap();
        assert!(system.apt_runs.is_empty());
    }

    #[test]
    fn root_updates_once_then_installs_all_missing_in_one_command() {
        let mut system = FakeSystem::new(&["libopus-dev"], true);
        ensure_in(TABLE, &[Need::Build, Need::Tests], &mut system).unwrap();
        assert_eq!(
            system.apt_runs,
            vec![
                AptCommand::Update,
                AptCommand::Install(vec!["sip-tester", "npm"])
            ]
        );
    }

    #[test]
    fn root_reports_packages_still_missing_after_install() {
        let mut system = FakeSystem::new(&[], true);
        system.apt_installs_nothing = true;
        let error = ensure_in(TABLE, &[Need::Tests], &mut system).unwrap_err();
        match error {
            Error::Packages(PackageError::StillMissing(missing)) => {
                assert_eq!(missing, vec![SIPP, NPM]);
            }
            other => panic!("expected StillMissing, got {other:?}"),
        }
    }

    #[test]
    fn non_root_refuses_without_running_apt_and_says_what_to_run() {
        let mut system = FakeSystem::new(&["npm"], false);
        let error = ensure_in(TABLE, &[Need::Build, Need::Tests], &mut system).unwrap_err();
        assert!(system.apt_runs.is_empty());
        let message = error.to_string();
        assert!(
            message.contains("libopus-dev (needed by the build: mod_opus links libopus)"),
            "{message}"
        );
        assert!(
            message.contains("sip-tester (needed by the tests: end-to-end SIP tests drive sipp)"),
            "{message}"
        );
        assert!(
            message.ends_with(
                "sudo apt-get install -y --no-install-recommends libopus-dev sip-tester"
            ),
            "{message}"
        );
    }

    #[test]
    fn sudo_command_names_each_package_once() {
        let opus_for_tests = SystemPackage {
            needed_by: Need::Tests,
            ..OPUS
        };
        assert_eq!(
            sudo_install_command(&[OPUS, opus_for_tests, SIPP]),
            "sudo apt-get install -y --no-install-recommends libopus-dev sip-tester"
        );
    }

    #[test]
    fn apt_install_is_non_interactive_and_lean() {
        assert_eq!(
            AptCommand::Install(vec!["a", "b"]).args(),
            ["install", "-y", "--no-install-recommends", "a", "b"]
        );
        assert_eq!(AptCommand::Update.args(), ["update"]);
    }

    #[test]
    fn dpkg_status_must_be_fully_installed() {
        assert!(dpkg_status_is_installed(b"install ok installed"));
        assert!(dpkg_status_is_installed(b"install ok installed\n"));
        assert!(!dpkg_status_is_installed(b"deinstall ok config-files"));
        assert!(!dpkg_status_is_installed(b""));
    }

    #[test]
    fn effective_uid_is_the_second_uid_field() {
        let status = "Name:\tcat\nUid:\t1000\t0\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\n";
        assert_eq!(effective_uid(status), Some(0));
        assert_eq!(effective_uid("Uid:\t0\t1000\t0\t0\n"), Some(1000));
        assert_eq!(effective_uid("Name:\tcat\n"), None);
    }
}
