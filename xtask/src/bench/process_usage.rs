//! CPU time and resident memory of any process, from /proc: the switch's and sipp's alike.

use std::fs;

use crate::error::Error;

use super::switch_process::bench_error;

/// CPU time (user + system) process `pid` used so far, in seconds.
pub fn cpu_seconds(pid: u32) -> Result<f64, Error> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|error| bench_error(format!("reading /proc/{pid}/stat: {error}")))?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after ')'.
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|value| value.parse::<f64>().ok())
    };
    match (ticks(11), ticks(12)) {
        // The kernel reports clock ticks of 1/100 s (USER_HZ) on Linux.
        (Some(user), Some(system)) => Ok((user + system) / 100.0),
        _ => Err(bench_error(format!(
            "cannot read CPU times from /proc/{pid}/stat: {stat}"
        ))),
    }
}

/// Resident memory of process `pid`, in KiB.
pub fn resident_kib(pid: u32) -> Result<u64, Error> {
    let status = fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|error| bench_error(format!("reading /proc/{pid}/status: {error}")))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .ok_or_else(|| bench_error(format!("no VmRSS in /proc/{pid}/status")))
}

/// The one-minute load average, for printing next to a figure measured on a shared machine.
pub fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}
