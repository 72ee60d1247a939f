//! Concurrent SIP calls with RTP both ways through the switch: a sipp caller sets up N calls
//! to `bridge` (100 calls/s), each streaming PCMA at 50 packets/s for a 30 s hold; the sipp
//! callee echoes every packet back, so each call carries 50 packets/s each way on both legs.
//! Over the window where all N calls are up, the switch's CPU (and sipp's: it shares the two
//! cores) and resident memory; after hangup, delivery from the legs' own counters
//! (CHANNEL_HANGUP_COMPLETE's `rtp_audio_in/out_packet_count`): packets the switch sent on
//! towards a peer / packets it received from the other one.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::workspace::{Profile, Workspace};

use super::hangup_counters::{HangupCounters, Totals};
use super::process_usage::{self, load_average};
use super::sip_switch::{SipSwitch, EVENT_SOCKET_PASSWORD};
use super::sipp::{caller_scenario, free_udp_port, CallerMedia, Sipp, UAS_PCMA};
use super::switch_process::bench_error;

const CALLS: &[u64] = &[200, 500, 1_000];
const SETUP_RATE: u64 = 100;
const HOLD: Duration = Duration::from_secs(30);
const PACKETS_PER_SECOND: u64 = 50;
/// The aim at 1,000 calls.
const DELIVERY_AIM: f64 = 0.99;

pub fn run(workspace: &Workspace) -> Result<(), Error> {
    let binary = workspace.ferroswitch(Profile::Release);
    let dir = std::env::temp_dir().join(format!("ferroswitch-sip-media-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|error| bench_error(format!("{}: {error}", dir.display())))?;
    let tone = dir.join("tone.alaw");
    std::fs::write(&tone, alaw_tone(10))
        .map_err(|error| bench_error(format!("{}: {error}", tone.display())))?;
    let outcome = CALLS
        .iter()
        .try_for_each(|&calls| step(&binary, &tone, calls));
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

/// One fresh switch carrying `calls` calls.
fn step(binary: &Path, tone: &Path, calls: u64) -> Result<(), Error> {
    let callee_port = free_udp_port()?;
    let mut switch = SipSwitch::start(binary, callee_port)?;
    let counters = HangupCounters::subscribe(switch.event_socket_port, EVENT_SOCKET_PASSWORD)?;
    let ramp = Duration::from_secs(calls / SETUP_RATE);
    let timeout = ramp + HOLD + Duration::from_secs(60);
    let callee_args = [
        "-p".to_owned(),
        callee_port.to_string(),
        "-mp".into(),
        free_udp_port()?.to_string(),
        "-m".into(),
        calls.to_string(),
        "-rtp_echo".into(),
    ];
    let callee = Sipp::spawn(UAS_PCMA, &callee_args, timeout + Duration::from_secs(10))?;
    let caller_args = [
        format!("127.0.0.1:{}", switch.sip_port),
        "-p".into(),
        free_udp_port()?.to_string(),
        // The RTP stream ports are taken upwards from here, two per call.
        "-mp".into(),
        "50000".into(),
        "-s".into(),
        "bridge".into(),
        "-r".into(),
        SETUP_RATE.to_string(),
        "-m".into(),
        calls.to_string(),
        "-l".into(),
        calls.to_string(),
        "-d".into(),
        HOLD.as_millis().to_string(),
    ];
    let started = Instant::now();
    let caller = Sipp::spawn(
        &caller_scenario(CallerMedia::Stream, tone),
        &caller_args,
        timeout,
    )?;

    // All calls are up a little after the ramp; the first hangs up at HOLD after its answer.
    std::thread::sleep(ramp + Duration::from_secs(3));
    let (_, legs_up) = switch.process.session_counts()?;
    let pids = [switch.process.pid(), caller.pid(), callee.pid()];
    let cpu_before = pids.map(|pid| process_usage::cpu_seconds(pid).unwrap_or(0.0));
    let window_start = Instant::now();
    let window_end = started + HOLD - Duration::from_secs(1);
    std::thread::sleep(window_end.saturating_duration_since(window_start));
    let window = window_start.elapsed().as_secs_f64();
    let cpu_after = pids.map(|pid| process_usage::cpu_seconds(pid).unwrap_or(0.0));
    let resident = switch.process.resident_kib()?;
    let load = load_average();
    let cpu = |index: usize| (cpu_after[index] - cpu_before[index]) / window * 100.0;

    let caller = caller.finish(timeout + Duration::from_secs(10))?;
    let callee = callee.finish(Duration::from_secs(10))?;
    let totals = wait_for_hangups(&counters, calls * 2)?;
    println!(
        "sip media concurrency: {calls} calls ({legs_up} legs up in the window of {window:.0} s): CPU switch {:.0}%, sipp caller {:.0}%, sipp callee {:.0}%; switch resident {} KiB; load {load}",
        cpu(0),
        cpu(1),
        cpu(2),
        resident
    );
    print_delivery(calls, &totals);
    println!(
        "  sipp: caller {} ok / {} failed, callee {} ok / {} failed",
        caller.successful, caller.failed, callee.successful, callee.failed
    );
    if !caller.errors.is_empty() {
        println!("  sipp caller errors (tail):\n{}", caller.errors);
    }
    Ok(())
}

fn print_delivery(calls: u64, totals: &Totals) {
    let ratio = |delivered: u64, offered: u64| delivered as f64 / offered.max(1) as f64;
    let (a, b) = (totals.inbound, totals.outbound);
    let forward = ratio(b.sent, a.received);
    let back = ratio(a.sent, b.received);
    let overall = ratio(a.sent + b.sent, a.received + b.received);
    let expected = calls * HOLD.as_secs() * PACKETS_PER_SECOND;
    println!(
        "  delivery: caller→callee {} of {} ({:.2}%), callee→caller {} of {} ({:.2}%), overall {:.2}% ({}); caller sent ~{expected} expected, switch received {} ({:.1}%); echo returned {:.2}% of what the switch sent the callee; {} + {} legs reported",
        b.sent,
        a.received,
        forward * 100.0,
        a.sent,
        b.received,
        back * 100.0,
        overall * 100.0,
        if overall >= DELIVERY_AIM { "meets the 99% aim" } else { "below the 99% aim" },
        a.received,
        ratio(a.received, expected) * 100.0,
        ratio(b.received, b.sent) * 100.0,
        a.legs,
        b.legs
    );
}

/// Waits (bounded) until `legs` legs reported their counters.
fn wait_for_hangups(counters: &HangupCounters, legs: u64) -> Result<Totals, Error> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let totals = counters.totals();
        if totals.inbound.legs + totals.outbound.legs >= legs {
            return Ok(totals);
        }
        if Instant::now() > deadline {
            // Report what arrived: a partial figure still says something.
            println!(
                "  only {} of {legs} legs reported their RTP counters in time",
                totals.inbound.legs + totals.outbound.legs
            );
            return Ok(totals);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `seconds` of a 440 Hz tone, 8 kHz A-law (raw, no header), for sipp's `rtp_stream`.
fn alaw_tone(seconds: u32) -> Vec<u8> {
    (0..8000 * seconds)
        .map(|n| {
            let t = f64::from(n) / 8000.0;
            linear_to_alaw((8000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16)
        })
        .collect()
}

/// ITU-T G.711 A-law.
fn linear_to_alaw(sample: i16) -> u8 {
    let sign: u8 = if sample >= 0 { 0x80 } else { 0x00 };
    let magnitude = (i32::from(sample).unsigned_abs() >> 3).min(0xFFF);
    let code = if magnitude < 32 {
        (magnitude >> 1) as u8
    } else {
        let exponent = 31 - magnitude.leading_zeros() - 4;
        ((exponent << 4) as u8) | ((magnitude >> exponent) & 0x0F) as u8
    };
    (sign | code) ^ 0x55
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alaw_matches_known_codes() {
        // Silence, and the extremes, from the G.711 tables.
        assert_eq!(linear_to_alaw(0), 0xD5);
        assert_eq!(linear_to_alaw(i16::MAX), 0xAA);
        assert_eq!(linear_to_alaw(i16::MIN), 0x2A);
    }
}
