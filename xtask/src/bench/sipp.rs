//! sipp runs for the SIP benches: bounded (`-m`, `-timeout`, `-timeout_error`), each in its own
//! temporary directory, killed if still running when dropped, and read back from sipp's
//! `-trace_stat` file rather than its screen.

use std::fs;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::error::Error;

use super::process_usage;
use super::switch_process::bench_error;

/// The caller's scenario; `@PORT@` and `@MEDIA@` are filled in by [`caller_scenario`].
const UAC_CALL: &str = include_str!("sipp/uac_call.xml");
/// The callee's scenario: answers PCMA at `-mp`.
pub const UAS_PCMA: &str = include_str!("sipp/uas_pcma.xml");

/// What the caller sends once the call is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallerMedia {
    /// Signalling only.
    None,
    /// `file` (raw A-law) in a loop, 50 packets/s until the call ends, on sipp's RTP stream
    /// threads, from ordinary sockets: cheaper than `play_pcap_audio`'s thread and raw socket per
    /// call, so it scales to 1,000 calls and does not tax every UDP packet on the machine.
    Stream,
}

/// The caller's scenario for `media`; `stream_file` is the A-law file [`CallerMedia::Stream`]
/// loops.
pub fn caller_scenario(media: CallerMedia, stream_file: &Path) -> String {
    let (port, action) = match media {
        CallerMedia::None => ("[media_port]", String::new()),
        // -1 loops until the call ends; payload type 8 is PCMA, 160 bytes every 20 ms.
        CallerMedia::Stream => (
            "[rtpstream_audio_port]",
            format!(
                r#"<nop><action><exec rtp_stream="{},-1,8"/></action></nop>"#,
                stream_file.display()
            ),
        ),
    };
    UAC_CALL.replace("@PORT@", port).replace("@MEDIA@", &action)
}

/// A sipp process started by [`Sipp::spawn`].
pub struct Sipp {
    child: Child,
    dir: PathBuf,
    started: Instant,
}

/// How a sipp run ended, from its exit status and the last row of its statistics file.
#[derive(Debug, Clone)]
pub struct SippOutcome {
    pub status: Option<ExitStatus>,
    pub successful: u64,
    pub failed: u64,
    pub elapsed: Duration,
    /// CPU seconds sipp used.
    pub cpu_seconds: f64,
    /// The tail of sipp's error trace, when there is one.
    pub errors: String,
}

impl SippOutcome {
    /// Exit status 0 and no failed call.
    pub fn clean(&self) -> bool {
        self.failed == 0 && self.status.is_some_and(|status| status.success())
    }
}

impl Sipp {
    /// Starts sipp on 127.0.0.1 with `scenario` (written to its directory) and `args`; it
    /// gives up after `timeout` and counts that as a failure.
    pub fn spawn(scenario: &str, args: &[String], timeout: Duration) -> Result<Sipp, Error> {
        let dir = std::env::temp_dir().join(format!(
            "ferroswitch-sipp-{}-{}",
            std::process::id(),
            free_udp_port()?
        ));
        fs::create_dir_all(&dir)
            .map_err(|error| bench_error(format!("{}: {error}", dir.display())))?;
        let scenario_path = dir.join("scenario.xml");
        fs::write(&scenario_path, scenario)
            .map_err(|error| bench_error(format!("{}: {error}", scenario_path.display())))?;
        let child = Command::new("sipp")
            .current_dir(&dir)
            .arg("-sf")
            .arg(&scenario_path)
            .args(["-i", "127.0.0.1", "-nostdin", "-trace_err", "-trace_stat"])
            .args(["-fd", "1", "-timeout_error", "-timeout"])
            .arg(format!("{}s", timeout.as_secs()))
            // Scheduling more calls per loop keeps sipp from being the bottleneck at high rates.
            .args(["-max_recv_loops", "5000", "-max_sched_loops", "5000"])
            // sipp's default 64 kB socket buffers overflow in a burst at 1,000+ calls/s; a lost
            // ACK then makes the callee abort the call on the BYE that follows, a failure that is
            // sipp's, not the switch's. The kernel caps the size at net.core.rmem_max.
            .args(["-buff_size", "4194304"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| Error::Spawn {
                program: "sipp (Debian's sip-tester)".into(),
                source,
            })?;
        Ok(Sipp {
            child,
            dir,
            started: Instant::now(),
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `limit` for sipp to end by itself, then stops it (SIGKILL), and reads what it
    /// recorded.
    pub fn finish(mut self, limit: Duration) -> Result<SippOutcome, Error> {
        let deadline = Instant::now() + limit;
        let mut status = None;
        let mut cpu_seconds = 0.0;
        while Instant::now() < deadline {
            // Read before it is reaped: afterwards /proc no longer has it.
            cpu_seconds = process_usage::cpu_seconds(self.pid()).unwrap_or(cpu_seconds);
            if let Ok(Some(exit)) = self.child.try_wait() {
                status = Some(exit);
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let elapsed = self.started.elapsed();
        if status.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let (successful, failed) = read_counts(&self.dir)?;
        Ok(SippOutcome {
            status,
            successful,
            failed,
            elapsed,
            cpu_seconds,
            errors: error_trace_tail(&self.dir),
        })
    }
}

impl Drop for Sipp {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// (successful, failed) calls from the last row of the `-trace_stat` file in `dir`.
fn read_counts(dir: &Path) -> Result<(u64, u64), Error> {
    let csv = fs::read_dir(dir)
        .map_err(|error| bench_error(format!("{}: {error}", dir.display())))?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "csv"))
        .ok_or_else(|| bench_error(format!("sipp left no statistics file in {}", dir.display())))?;
    let text = fs::read_to_string(&csv)
        .map_err(|error| bench_error(format!("{}: {error}", csv.display())))?;
    parse_counts(&text).ok_or_else(|| {
        bench_error(format!(
            "no SuccessfulCall(C)/FailedCall(C) in {}",
            csv.display()
        ))
    })
}

/// The cumulative successful and failed call counts in sipp's statistics CSV: a header row,
/// then one row per `-fd` period, `;`-separated.
fn parse_counts(text: &str) -> Option<(u64, u64)> {
    let mut lines = text.lines().filter(|line| !line.trim().is_empty());
    let header: Vec<&str> = lines.next()?.split(';').collect();
    let last: Vec<&str> = lines.next_back()?.split(';').collect();
    let column = |name: &str| {
        let index = header.iter().position(|field| *field == name)?;
        last.get(index)?.trim().parse::<u64>().ok()
    };
    Some((column("SuccessfulCall(C)")?, column("FailedCall(C)")?))
}

fn error_trace_tail(dir: &Path) -> String {
    let Ok(entries) = fs::read_dir(dir) else {
        return String::new();
    };
    entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with("_errors.log"))
        .filter_map(|path| fs::read_to_string(path).ok())
        .map(|text| {
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(20)..].join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A loopback UDP port free at the time of the call.
pub fn free_udp_port() -> Result<u16, Error> {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|socket| socket.local_addr())
        .map(|address| address.port())
        .map_err(|error| bench_error(format!("no free UDP port: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_come_from_the_last_row() {
        let csv = "StartTime;SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);\n\
                   a;1;1;0;0;\n\
                   b;5;6;1;2;\n";
        assert_eq!(parse_counts(csv), Some((6, 2)));
    }

    #[test]
    fn a_statistics_file_without_rows_has_no_counts() {
        assert_eq!(parse_counts("SuccessfulCall(C);FailedCall(C)\n"), None);
    }

    #[test]
    fn the_caller_scenario_carries_the_chosen_media() {
        let file = Path::new("/tmp/tone.alaw");
        assert!(!caller_scenario(CallerMedia::None, file).contains("exec"));
        let stream = caller_scenario(CallerMedia::Stream, file);
        assert!(stream.contains("rtp_stream=\"/tmp/tone.alaw,-1,8\""));
        assert!(stream.contains("m=audio [rtpstream_audio_port]"));
    }
}
