//! Where time zones come from: the system's (`TZ`, else `/etc/localtime`) and those a
//! `timezone` channel variable names (files under `TZDIR`, else `/usr/share/zoneinfo`, or a
//! POSIX TZ string). The only file reading of the time code; parsing is in [`crate::time::tz`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::time::tz::TimeZone;

/// How many named zones are kept once read; more are read each time they are asked for.
const MAX_CACHED: usize = 256;

/// The system zone and a cache of named ones.
pub struct Zones {
    directory: PathBuf,
    system: Arc<TimeZone>,
    named: Mutex<HashMap<String, Option<Arc<TimeZone>>>>,
}

impl Zones {
    /// Reads the system zone as the C library would: `TZ` if set, else `/etc/localtime`,
    /// else UTC.
    pub fn from_environment() -> Zones {
        let directory = std::env::var_os("TZDIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/share/zoneinfo"));
        let system = match std::env::var("TZ") {
            Ok(value) => {
                let value = value.strip_prefix(':').unwrap_or(&value);
                if value.starts_with('/') {
                    read_tzif(Path::new(value))
                } else {
                    lookup(&directory, value)
                }
            }
            Err(_) => read_tzif(Path::new("/etc/localtime")),
        }
        .unwrap_or_else(TimeZone::utc);
        Zones {
            directory,
            system: Arc::new(system),
            named: Mutex::new(HashMap::new()),
        }
    }

    /// The system's local time zone.
    pub fn system(&self) -> Arc<TimeZone> {
        Arc::clone(&self.system)
    }

    /// The zone `name` stands for (`America/New_York`, or a POSIX TZ string).
    pub fn named(&self, name: &str) -> Option<Arc<TimeZone>> {
        // A poisoned lock only means another hunt panicked mid-insert; the map is still valid.
        let mut named = self.named.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(zone) = named.get(name) {
            return zone.clone();
        }
        let zone = lookup(&self.directory, name).map(Arc::new);
        if named.len() < MAX_CACHED {
            named.insert(name.to_owned(), zone.clone());
        }
        zone
    }
}

/// A zone file under `directory`, else a POSIX TZ string.
fn lookup(directory: &Path, name: &str) -> Option<TimeZone> {
    let safe = !name.is_empty()
        && !name.starts_with('/')
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"/_-+".contains(&byte));
    if safe {
        if let Some(zone) = read_tzif(&directory.join(name)) {
            return Some(zone);
        }
    }
    TimeZone::from_posix(name).ok()
}

fn read_tzif(path: &Path) -> Option<TimeZone> {
    let bytes = std::fs::read(path).ok()?;
    TimeZone::from_tzif(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_leave_the_zone_directory() {
        let directory = Path::new("/usr/share/zoneinfo");
        for name in ["../../etc/passwd", "/etc/localtime", "a//b", "x y"] {
            assert!(lookup(directory, name).is_none(), "{name}");
        }
    }

    #[test]
    fn posix_strings_are_zones_too() {
        let zones = Zones::from_environment();
        let zone = zones
            .named("EST5EDT,M3.2.0,M11.1.0")
            .expect("a POSIX TZ string");
        assert_eq!(zone.local_type(0).utc_offset, -5 * 3600);
        assert!(zones.named("Not/A_Zone").is_none());
    }

    #[test]
    fn installed_zone_files_are_read_when_present() {
        let zones = Zones::from_environment();
        if !Path::new("/usr/share/zoneinfo/America/New_York").exists() {
            return;
        }
        let zone = zones.named("America/New_York").expect("installed");
        // 2026-07-01 12:00 UTC: daylight saving time, UTC-4.
        let summer = zone.local_type(1_782_907_200);
        assert_eq!((summer.utc_offset, summer.is_dst), (-4 * 3600, true));
    }
}
