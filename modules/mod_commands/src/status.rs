//! The core's status and control: `status`, `version`, `shutdown`, `echo`.

use ferroswitch_abi::{CoreStatus, Error, Host};

use crate::{usage, CommandSpec};

/// This family's commands.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "status",
        description: "Show current status",
        syntax: "",
        run: status,
    },
    CommandSpec {
        name: "version",
        description: "Version",
        syntax: "[short]",
        run: version,
    },
    CommandSpec {
        name: "shutdown",
        description: "Shutdown",
        syntax: "",
        run: shutdown,
    },
    CommandSpec {
        name: "echo",
        description: "Echo",
        syntax: "<data>",
        run: echo,
    },
];

fn status(host: Host, _args: &str) -> Result<String, Error> {
    Ok(format_status(&host.status()))
}

fn version(host: Host, args: &str) -> Result<String, Error> {
    let status = host.status();
    match args {
        "" => Ok(format!("ferroswitch Version {}\n", status.version)),
        "short" => Ok(format!("{}\n", status.version)),
        _ => Err(usage("[short]")),
    }
}

fn shutdown(host: Host, _args: &str) -> Result<String, Error> {
    host.shutdown();
    Ok("+OK\n".to_owned())
}

fn echo(_host: Host, args: &str) -> Result<String, Error> {
    Ok(args.to_owned())
}

/// FreeSWITCH's `status` text for `status`.
///
/// The core keeps no peak of sessions per second over the last five minutes, so the
/// `per Sec` line shows the peak since start-up there (never lower than the real value).
/// FreeSWITCH's `min idle cpu` and stack-size lines are left out: the core does not measure
/// them.
pub fn format_status(status: &CoreStatus) -> String {
    format!(
        "{}\n\
         ferroswitch (Version {}) is {}\n\
         {} session(s) since startup\n\
         {} session(s) - peak {}, last 5min {} \n\
         {} session(s) per Sec out of max {}, peak {}, last 5min {} \n\
         {} session(s) max\n",
        format_uptime(status.uptime_us),
        status.version,
        if status.accepting_calls {
            "ready"
        } else {
            "not ready"
        },
        status.sessions_since_startup,
        status.sessions_now,
        status.sessions_peak,
        status.sessions_peak_5min,
        status.sessions_per_second_now,
        status.max_sessions_per_second,
        status.sessions_per_second_peak,
        status.sessions_per_second_peak,
        status.max_sessions,
    )
}

/// `UP 0 years, 0 days, 0 hours, 1 minute, 2 seconds, 3 milliseconds, 4 microseconds`: the
/// uptime split as FreeSWITCH splits it (a year is 365 days), singular for exactly one.
pub fn format_uptime(uptime_us: u64) -> String {
    let microseconds = uptime_us % 1000;
    let milliseconds = uptime_us / 1000 % 1000;
    let total_seconds = uptime_us / 1_000_000;
    let seconds = total_seconds % 60;
    let minutes = total_seconds / 60 % 60;
    let hours = total_seconds / 3600 % 24;
    let total_days = total_seconds / 86_400;
    let days = total_days % 365;
    let years = total_days / 365;
    let part =
        |count: u64, unit: &str| format!("{count} {unit}{}", if count == 1 { "" } else { "s" });
    format!(
        "UP {}, {}, {}, {}, {}, {}, {}",
        part(years, "year"),
        part(days, "day"),
        part(hours, "hour"),
        part(minutes, "minute"),
        part(seconds, "second"),
        part(milliseconds, "millisecond"),
        part(microseconds, "microsecond"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_uses_singular_for_one_and_plural_otherwise() {
        let us = ((60 + 2) * 1000 + 3) * 1000 + 4;
        assert_eq!(
            format_uptime(us),
            "UP 0 years, 0 days, 0 hours, 1 minute, 2 seconds, 3 milliseconds, 4 microseconds"
        );
        assert_eq!(
            format_uptime(0),
            "UP 0 years, 0 days, 0 hours, 0 minutes, 0 seconds, 0 milliseconds, 0 microseconds"
        );
    }

    #[test]
    fn uptime_carries_into_days_and_years() {
        let day = 86_400 * 1_000_000u64;
        let us = 366 * day + 25 * 3600 * 1_000_000 + 1001;
        assert_eq!(
            format_uptime(us),
            "UP 1 year, 2 days, 1 hour, 0 minutes, 0 seconds, 1 millisecond, 1 microsecond"
        );
    }

    fn sample_status() -> CoreStatus {
        CoreStatus {
            version: "0.1.0".into(),
            uptime_us: 62_003_004,
            sessions_since_startup: 18,
            sessions_now: 2,
            sessions_peak: 5,
            sessions_peak_5min: 3,
            sessions_per_second_now: 1,
            sessions_per_second_peak: 4,
            max_sessions: 1000,
            max_sessions_per_second: 30,
            accepting_calls: true,
        }
    }

    #[test]
    fn status_text_has_freeswitch_lines() {
        assert_eq!(
            format_status(&sample_status()),
            "UP 0 years, 0 days, 0 hours, 1 minute, 2 seconds, 3 milliseconds, 4 microseconds\n\
             ferroswitch (Version 0.1.0) is ready\n\
             18 session(s) since startup\n\
             2 session(s) - peak 5, last 5min 3 \n\
             1 session(s) per Sec out of max 30, peak 4, last 5min 4 \n\
             1000 session(s) max\n"
        );
    }

    #[test]
    fn status_says_not_ready_while_refusing_calls() {
        let mut status = sample_status();
        status.accepting_calls = false;
        assert!(format_status(&status).contains("ferroswitch (Version 0.1.0) is not ready\n"));
    }
}
