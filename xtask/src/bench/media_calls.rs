//! How many concurrent loopback calls playing a WAV file and recording it the switch carries
//! with its media frames on time.
//!
//! Each call: `{absolute_codec_string=PCMU}loopback/...`; the A leg plays a 60 s 8 kHz file
//! (decoded from WAV, encoded to PCMU, paced by the soft timer), the B leg records what it
//! reads (decoded from PCMU) to a WAV file. Both legs read one frame per 20 ms tick. At each
//! step the calls are set up, then the soft timer's counters (`soft_timer_stats`) are read
//! over 10 s: a tick handed out more than half a frame after it was due is a late frame.
//! The figure reported is the most calls whose late-frame ratio stayed under 0.1%.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::workspace::{Profile, Workspace};

use super::switch_process::{bench_error, SwitchProcess};

const MODULES: &[&str] = &[
    "mod_commands",
    "mod_soft_timer",
    "mod_g711",
    "mod_wav",
    "mod_dptools",
    "mod_dialplan_xml",
    "mod_loopback",
];
const STEPS: &[u64] = &[100, 250, 500, 750, 1_000, 1_250, 1_500, 2_000];
const MEASURE: Duration = Duration::from_secs(10);
const LATE_LIMIT: f64 = 0.001;

pub fn run(workspace: &Workspace) -> Result<(), Error> {
    let binary = workspace.ferroswitch(Profile::Release);
    let params = [
        ("max-sessions", "100000"),
        ("sessions-per-second", "0"),
        ("loglevel", "err"),
    ];
    let mut best = None;
    for &calls in STEPS {
        let dir =
            std::env::temp_dir().join(format!("ferroswitch-media-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|error| bench_error(format!("{}: {error}", dir.display())))?;
        let source = dir.join("source.wav");
        write_source(&source)?;
        // A fresh switch per step, so one overloaded step does not leave stragglers behind.
        let mut switch = SwitchProcess::start_with_configs(
            &binary,
            MODULES,
            &params,
            &[("dialplan/default.xml", dialplan(&dir, &source))],
        )?;
        let outcome = measure(&mut switch, calls);
        drop(switch);
        let _ = std::fs::remove_dir_all(&dir);
        let (ticks, late, cpu) = outcome?;
        let ratio = late as f64 / ticks.max(1) as f64;
        println!(
            "media calls: {calls} calls ({} legs playing/recording PCMU): {ticks} frames in {} s, {late} late ({:.3}%), switch CPU {cpu:.0}%",
            calls * 2,
            MEASURE.as_secs(),
            ratio * 100.0
        );
        if ratio >= LATE_LIMIT {
            break;
        }
        best = Some(calls);
    }
    match best {
        Some(calls) => println!("media calls: {calls} concurrent calls with < 0.1% late frames"),
        None => println!(
            "media calls: even {} calls had >= 0.1% late frames",
            STEPS[0]
        ),
    }
    Ok(())
}

/// Sets `calls` calls up, then counts ticks and late ticks over [`MEASURE`]; also the
/// switch's CPU use over that time, in percent of one core.
fn measure(switch: &mut SwitchProcess, calls: u64) -> Result<(u64, u64, f64), Error> {
    for _ in 0..calls {
        switch
            .send("bgapi originate {absolute_codec_string=PCMU}loopback/record play XML default")?;
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, alive) = switch.session_counts()?;
        if alive >= calls * 2 {
            break;
        }
        if Instant::now() > deadline {
            return Err(bench_error(format!(
                "only {alive} of {} legs came up",
                calls * 2
            )));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    // Let the calls settle into their steady state before counting.
    std::thread::sleep(Duration::from_secs(2));
    let (ticks_before, late_before) = stats(switch)?;
    let cpu_before = switch.cpu_seconds()?;
    std::thread::sleep(MEASURE);
    let (ticks_after, late_after) = stats(switch)?;
    let cpu = (switch.cpu_seconds()? - cpu_before) / MEASURE.as_secs_f64() * 100.0;
    Ok((ticks_after - ticks_before, late_after - late_before, cpu))
}

/// `record` answers and records on the far leg; `play` plays the file on the near one.
fn dialplan(dir: &Path, source: &Path) -> String {
    format!(
        r#"<include><context name="default">
  <extension name="record"><condition field="destination_number" expression="^record$">
    <action application="answer"/>
    <action application="record" data="{}/rec_${{uuid}}.wav 120"/>
  </condition></extension>
  <extension name="play"><condition field="destination_number" expression="^play$">
    <action application="playback" data="{}"/>
  </condition></extension>
</context></include>"#,
        dir.display(),
        source.display()
    )
}

fn stats(switch: &mut SwitchProcess) -> Result<(u64, u64), Error> {
    let text = switch.api("soft_timer_stats")?;
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|value| value.trim().parse::<u64>().ok())
    };
    match (field("ticks:"), field("late:")) {
        (Some(ticks), Some(late)) => Ok((ticks, late)),
        _ => Err(bench_error(format!("cannot read soft_timer_stats: {text}"))),
    }
}

/// A 60 s, 8 kHz mono file of a slowly changing tone.
fn write_source(path: &Path) -> Result<(), Error> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let fail = |error: hound::Error| bench_error(format!("{}: {error}", path.display()));
    let mut writer = hound::WavWriter::create(path, spec).map_err(fail)?;
    for n in 0..8000 * 60 {
        let t = f64::from(n) / 8000.0;
        let frequency = 400.0 + 200.0 * (t * 0.5).sin();
        writer
            .write_sample((6000.0 * (2.0 * std::f64::consts::PI * frequency * t).sin()) as i16)
            .map_err(fail)?;
    }
    writer.finalize().map_err(fail)
}
