//! The text of one log line: `[<uuid> ]2026-11-23 15:09:24.123456 [INFO] mod_x: message`,
//! in local time.

use std::fmt::Write;

use ferroswitch_abi::LogRecord;

/// Appends `record` to `out` as one line, without the newline: the session UUID first when
/// `with_uuid` is set and the record has one, then the local time to the microsecond, the
/// level, the module and the message.
pub fn write_line(out: &mut String, record: &LogRecord<'_>, with_uuid: bool) {
    if with_uuid && !record.session_uuid.is_empty() {
        out.push_str(record.session_uuid.as_str());
        out.push(' ');
    }
    write_local_time(out, record.timestamp_us);
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        " [{}] {}: {}",
        record.level,
        record.module.as_str(),
        record.message.as_str()
    );
}

/// Appends `2026-11-23 15:09:24.123456`, the local time of `micros` since the Unix epoch.
pub fn write_local_time(out: &mut String, micros: u64) {
    let tm = local_time(micros / 1_000_000);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:06}",
        i64::from(tm.tm_year) + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        micros % 1_000_000
    );
}

fn local_time(seconds: u64) -> libc::tm {
    let seconds = libc::time_t::try_from(seconds).unwrap_or(libc::time_t::MAX);
    // SAFETY: tm is plain data, for which all zeroes is a valid value; localtime_r overwrites
    // it, or leaves it zeroed (1900-01-00) if the time cannot be represented.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the call; localtime_r is the thread-safe variant.
    unsafe { libc::localtime_r(&seconds, &mut tm) };
    tm
}

#[cfg(test)]
mod tests {
    use ferroswitch_abi::LogLevel;

    use super::*;

    fn record<'a>(uuid: &'a str, micros: u64) -> LogRecord<'a> {
        LogRecord {
            level: LogLevel::Info,
            timestamp_us: micros,
            module: "mod_x".into(),
            session_uuid: uuid.into(),
            message: "hello there".into(),
        }
    }

    /// Checks the shape `YYYY-MM-DD HH:MM:SS.uuuuuu` (the digits depend on the time zone).
    fn assert_timestamp_shape(text: &str) {
        assert_eq!(text.len(), 26, "{text:?}");
        for (index, byte) in text.bytes().enumerate() {
            let expected = match index {
                4 | 7 => Some(b'-'),
                10 => Some(b' '),
                13 | 16 => Some(b':'),
                19 => Some(b'.'),
                _ => None,
            };
            match expected {
                Some(separator) => assert_eq!(byte, separator, "{text:?} at {index}"),
                None => assert!(byte.is_ascii_digit(), "{text:?} at {index}"),
            }
        }
    }

    #[test]
    fn line_without_uuid() {
        let mut out = String::new();
        write_line(&mut out, &record("", 1_795_000_000_000_042), true);
        let (time, rest) = out.split_at(26);
        assert_timestamp_shape(time);
        assert!(time.ends_with(".000042"), "{time}");
        assert_eq!(rest, " [INFO] mod_x: hello there");
    }

    #[test]
    fn uuid_comes_first_when_wanted() {
        let uuid = "5b1c9f6e-3c1a-4c55-9d7e-0b6f1d2a3e4f";
        let mut out = String::new();
        write_line(&mut out, &record(uuid, 1_795_000_000_123_456), true);
        assert!(out.starts_with(&format!("{uuid} ")), "{out}");
        assert_timestamp_shape(&out[uuid.len() + 1..uuid.len() + 27]);

        let mut out = String::new();
        write_line(&mut out, &record(uuid, 1_795_000_000_123_456), false);
        assert!(!out.contains(uuid), "{out}");
    }
}
