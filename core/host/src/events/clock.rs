//! Wall-clock formatting for event headers and listings, in FreeSWITCH's formats.

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

use abi_stable::std_types::RString;

/// Microseconds since the Unix epoch.
pub fn micros_since_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_micros() as u64)
        .unwrap_or(0)
}

fn broken_down(micros: u64, local: bool) -> libc::tm {
    let seconds = (micros / 1_000_000) as libc::time_t;
    // SAFETY: tm is plain data; zeroed is a valid value that the calls below overwrite.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the duration of the call; the _r variants are
    // thread-safe.
    unsafe {
        if local {
            libc::localtime_r(&seconds, &mut tm);
        } else {
            libc::gmtime_r(&seconds, &mut tm);
        }
    }
    tm
}

/// `2026-11-23 15:09:24` in local time (FreeSWITCH's `Event-Date-Local` and `created`).
pub fn format_local(micros: u64) -> String {
    let tm = broken_down(micros, true);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

/// `Mon, 23 Nov 2026 15:09:24 GMT` (FreeSWITCH's `Event-Date-GMT`).
pub fn format_utc(micros: u64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let tm = broken_down(micros, false);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS.get(tm.tm_wday as usize).unwrap_or(&"Sun"),
        tm.tm_mday,
        MONTHS.get(tm.tm_mon as usize).unwrap_or(&"Jan"),
        tm.tm_year + 1900,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

/// An event's `Event-Date-Local` and `Event-Date-GMT`.
pub struct EventDates {
    pub local: RString,
    pub utc: RString,
}

thread_local! {
    /// The dates of the last second this thread stamped an event in: thousands of events
    /// share a second, and `localtime_r` takes a process-wide lock.
    static DATES: RefCell<Option<(u64, RString, RString)>> = const { RefCell::new(None) };
}

/// The dates for an event stamped at `micros`.
pub fn event_dates(micros: u64) -> EventDates {
    let second = micros / 1_000_000;
    DATES.with(|cache| {
        let mut cache = cache.borrow_mut();
        let (local, utc) = match &*cache {
            Some((cached, local, utc)) if *cached == second => (local.clone(), utc.clone()),
            _ => {
                let local = RString::from(format_local(micros));
                let utc = RString::from(format_utc(micros));
                *cache = Some((second, local.clone(), utc.clone()));
                (local, utc)
            }
        };
        EventDates { local, utc }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_dates_are_those_of_their_second() {
        let first = 1_700_000_000_000_000;
        for micros in [first, first + 999_999, first + 1_000_000, first] {
            let dates = event_dates(micros);
            assert_eq!(dates.local.as_str(), format_local(micros));
            assert_eq!(dates.utc.as_str(), format_utc(micros));
        }
    }
}
