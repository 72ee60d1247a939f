//! The `logfile` logger: every profile's filter and file.
//!
//! Called on whatever thread logged, so it only formats the line and appends it to a
//! buffered file under the profile's lock; the buffer goes out when it fills, after records
//! of level `err` or worse, on [`LogfileLogger::flush`] (which the module calls every second
//! and at shutdown), and when the file rotates.

use std::io;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use ferroswitch_abi::{LogLevel, LogRecord};

use crate::config::{LogfileConfig, ProfileConfig};
use crate::file::{RotatingFile, WriteError};
use crate::levels::Mappings;
use crate::line::write_line;

/// A profile's file could not be opened at load.
#[derive(Debug, thiserror::Error)]
#[error("logfile profile \"{profile}\": cannot open {}: {error}", path.display())]
pub struct OpenError {
    /// The profile.
    pub profile: String,
    /// Its file.
    pub path: PathBuf,
    /// What the file system said.
    pub error: io::Error,
}

/// The logger registered as `logfile`.
#[derive(Debug)]
pub struct LogfileLogger {
    rotate_on_hup: bool,
    profiles: Vec<Profile>,
}

#[derive(Debug)]
struct Profile {
    name: String,
    uuid: bool,
    loglevel: LogLevel,
    mappings: Mappings,
    state: Mutex<ProfileState>,
}

#[derive(Debug)]
struct ProfileState {
    file: RotatingFile,
    /// Lines lost since writing last failed, and why, reported in the file once it works.
    lost: u64,
    last_error: Option<String>,
}

impl LogfileLogger {
    /// Opens every profile's file (creating directories as needed).
    pub fn open(config: LogfileConfig) -> Result<Self, OpenError> {
        let profiles = config
            .profiles
            .into_iter()
            .map(Profile::open)
            .collect::<Result<_, _>>()?;
        Ok(Self {
            rotate_on_hup: config.rotate_on_hup,
            profiles,
        })
    }

    /// The files written, by profile name.
    pub fn files(&self) -> Vec<(String, PathBuf)> {
        self.profiles
            .iter()
            .map(|profile| (profile.name.clone(), profile.lock().file.path().to_owned()))
            .collect()
    }

    /// Writes `record` to every profile that takes it.
    pub fn log(&self, record: &LogRecord<'_>) {
        for profile in &self.profiles {
            profile.log(record);
        }
    }

    /// Writes every buffered line out.
    pub fn flush(&self) {
        for profile in &self.profiles {
            // A failed flush keeps the lines buffered; the next write or flush retries.
            let _ = profile.lock().file.flush();
        }
    }

    /// What SIGHUP does: rotate every file, or with `rotate-on-hup` false only reopen it.
    /// Returns what happened, for the caller to log (this logger cannot log about itself
    /// while holding a profile's lock).
    pub fn handle_hangup(&self) -> Vec<(LogLevel, String)> {
        self.profiles
            .iter()
            .map(|profile| {
                let mut state = profile.lock();
                let (action, result) = if self.rotate_on_hup {
                    ("rotate", state.file.rotate())
                } else {
                    ("reopen", state.file.reopen())
                };
                let path = state.file.path().display().to_string();
                match result {
                    Ok(()) if self.rotate_on_hup => {
                        (LogLevel::Notice, format!("New log started: {path}"))
                    }
                    Ok(()) => (LogLevel::Notice, format!("Log reopened: {path}")),
                    Err(error) => (
                        LogLevel::Crit,
                        format!(
                            "logfile profile {}: cannot {action} {path}: {error}",
                            profile.name
                        ),
                    ),
                }
            })
            .collect()
    }
}

impl Profile {
    fn open(config: ProfileConfig) -> Result<Self, OpenError> {
        let file = RotatingFile::open(&config.path, config.rollover, config.maximum_rotate)
            .map_err(|error| OpenError {
                profile: config.name.clone(),
                path: config.path.clone(),
                error,
            })?;
        Ok(Self {
            name: config.name,
            uuid: config.uuid,
            loglevel: config.loglevel,
            mappings: config.mappings,
            state: Mutex::new(ProfileState {
                file,
                lost: 0,
                last_error: None,
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, ProfileState> {
        // A panic mid-write leaves at worst a partial line in the buffer; keep logging.
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    fn takes(&self, level: LogLevel, module: &str) -> bool {
        level <= self.loglevel && self.mappings.allows(module, level)
    }

    fn log(&self, record: &LogRecord<'_>) {
        if !self.takes(record.level, record.module.as_str()) {
            return;
        }
        // Format before taking the lock: callers on other threads wait only for the copy.
        let mut line = String::with_capacity(96 + record.message.len());
        write_line(&mut line, record, self.uuid);
        line.push('\n');

        let mut state = self.lock();
        if state.lost > 0 {
            state.report_lost(record.timestamp_us);
        }
        match state.file.write_line(line.as_bytes()) {
            Ok(()) => {}
            Err(error @ WriteError::Rotate { .. }) => {
                // The line is written; only the rotation failed. Loggers have nowhere to
                // report their own trouble but standard error.
                eprintln!("mod_logfile: profile {}: {error}", self.name);
            }
            Err(error) => {
                if state.lost == 0 {
                    eprintln!(
                        "mod_logfile: profile {}: {error}; log lines are lost until it works again",
                        self.name
                    );
                }
                state.lost += 1;
                state.last_error = Some(error.to_string());
            }
        }
        if record.level <= LogLevel::Err {
            let _ = state.file.flush();
        }
    }
}

impl ProfileState {
    /// Writes a line saying how many lines were lost, once the file takes lines again.
    fn report_lost(&mut self, timestamp_us: u64) {
        let message = format!(
            "{} log line(s) were lost: {}",
            self.lost,
            self.last_error.as_deref().unwrap_or("write failed")
        );
        let notice = LogRecord {
            level: LogLevel::Warning,
            timestamp_us,
            module: "mod_logfile".into(),
            session_uuid: "".into(),
            message: message.as_str().into(),
        };
        let mut line = String::new();
        write_line(&mut line, &notice, false);
        line.push('\n');
        if self.file.write_line(line.as_bytes()).is_ok() {
            self.lost = 0;
            self.last_error = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    use crate::file::rotated_path;
    use crate::levels::LevelSet;

    use super::*;

    fn record<'a>(level: LogLevel, module: &'a str, message: &'a str) -> LogRecord<'a> {
        LogRecord {
            level,
            timestamp_us: 1_795_000_000_000_000,
            module: module.into(),
            session_uuid: "".into(),
            message: message.into(),
        }
    }

    fn one_profile(dir: &Path, change: impl FnOnce(&mut ProfileConfig)) -> LogfileLogger {
        let mut profile = ProfileConfig::with_defaults("default", dir);
        change(&mut profile);
        LogfileLogger::open(LogfileConfig {
            rotate_on_hup: true,
            profiles: vec![profile],
        })
        .expect("open")
    }

    fn contents(dir: &Path) -> String {
        fs::read_to_string(dir.join("ferroswitch.log")).expect("the log file exists")
    }

    #[test]
    fn filters_by_loglevel_and_mappings() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let logger = one_profile(dir.path(), |profile| {
            profile.loglevel = LogLevel::Info;
            let mut mappings = Mappings::default();
            mappings.add(
                "all",
                LevelSet::parse("info,notice,warning,err").expect("valid"),
            );
            mappings.add("mod_sip", LevelSet::parse("debug").expect("valid"));
            profile.mappings = mappings;
        });
        logger.log(&record(LogLevel::Info, "mod_x", "written info"));
        logger.log(&record(LogLevel::Debug, "mod_x", "dropped debug"));
        // The map adds debug for mod_sip, but loglevel info still caps it.
        logger.log(&record(LogLevel::Debug, "mod_sip", "capped debug"));
        logger.log(&record(LogLevel::Console, "core", "console not mapped"));
        logger.log(&record(LogLevel::Err, "mod_x", "written err"));
        logger.flush();
        let text = contents(dir.path());
        assert!(text.contains(" [INFO] mod_x: written info\n"), "{text}");
        assert!(text.contains(" [ERR] mod_x: written err\n"), "{text}");
        assert!(!text.contains("dropped"), "{text}");
        assert!(!text.contains("capped"), "{text}");
        assert!(!text.contains("console not mapped"), "{text}");
    }

    #[test]
    fn errors_reach_the_file_without_a_flush() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let logger = one_profile(dir.path(), |_| {});
        logger.log(&record(LogLevel::Info, "mod_x", "buffered"));
        assert_eq!(contents(dir.path()), "", "info stays buffered");
        logger.log(&record(LogLevel::Err, "mod_x", "urgent"));
        let text = contents(dir.path());
        assert!(text.contains("buffered"), "{text}");
        assert!(text.contains("urgent"), "{text}");
    }

    #[test]
    fn uuid_prefix_follows_the_profile() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let logger = one_profile(dir.path(), |profile| profile.uuid = true);
        let mut in_call = record(LogLevel::Info, "mod_x", "in a call");
        in_call.session_uuid = "a1b2c3".into();
        logger.log(&in_call);
        logger.flush();
        assert!(contents(dir.path()).starts_with("a1b2c3 "));

        let dir = tempfile::tempdir().expect("temporary directory");
        let logger = one_profile(dir.path(), |profile| profile.uuid = false);
        logger.log(&in_call);
        logger.flush();
        assert!(!contents(dir.path()).contains("a1b2c3"));
    }

    #[test]
    fn two_profiles_two_files() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let everything = ProfileConfig::with_defaults("everything", dir.path());
        let mut errors = ProfileConfig::with_defaults("errors", dir.path());
        errors.path = dir.path().join("errors.log");
        errors.loglevel = LogLevel::Err;
        let logger = LogfileLogger::open(LogfileConfig {
            rotate_on_hup: true,
            profiles: vec![everything, errors],
        })
        .expect("open");
        logger.log(&record(LogLevel::Info, "mod_x", "routine"));
        logger.log(&record(LogLevel::Crit, "mod_x", "serious"));
        logger.flush();
        let all = contents(dir.path());
        let errors = fs::read_to_string(dir.path().join("errors.log")).expect("exists");
        assert!(all.contains("routine") && all.contains("serious"), "{all}");
        assert!(
            !errors.contains("routine") && errors.contains("serious"),
            "{errors}"
        );
    }

    #[test]
    fn hangup_rotates_or_reopens() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let logger = one_profile(dir.path(), |_| {});
        logger.log(&record(LogLevel::Info, "mod_x", "before"));
        let outcome = logger.handle_hangup();
        assert_eq!(outcome.len(), 1);
        assert_eq!(outcome[0].0, LogLevel::Notice, "{outcome:?}");
        logger.log(&record(LogLevel::Info, "mod_x", "after"));
        logger.flush();
        let path = dir.path().join("ferroswitch.log");
        let rotated = fs::read_to_string(rotated_path(&path, 1)).expect("rotated");
        assert!(
            rotated.contains("before") && !rotated.contains("after"),
            "{rotated}"
        );
        assert!(contents(dir.path()).contains("after"));

        let dir = tempfile::tempdir().expect("temporary directory");
        let mut profile = ProfileConfig::with_defaults("default", dir.path());
        profile.rollover = 0;
        let logger = LogfileLogger::open(LogfileConfig {
            rotate_on_hup: false,
            profiles: vec![profile],
        })
        .expect("open");
        logger.log(&record(LogLevel::Info, "mod_x", "before"));
        logger.flush();
        let path = dir.path().join("ferroswitch.log");
        fs::rename(&path, dir.path().join("moved.log")).expect("outside rotation");
        logger.handle_hangup();
        logger.log(&record(LogLevel::Info, "mod_x", "after"));
        logger.flush();
        assert!(!rotated_path(&path, 1).exists());
        assert!(contents(dir.path()).contains("after"));
    }

    #[test]
    fn an_unopenable_file_names_profile_and_path() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let blocker = dir.path().join("file");
        fs::write(&blocker, "").expect("create a file");
        let mut profile = ProfileConfig::with_defaults("calls", dir.path());
        profile.path = blocker.join("calls.log");
        let error = LogfileLogger::open(LogfileConfig {
            rotate_on_hup: true,
            profiles: vec![profile],
        })
        .expect_err("a file is in the way");
        let text = error.to_string();
        assert!(text.contains("\"calls\""), "{text}");
        assert!(text.contains("calls.log"), "{text}");
    }
}
