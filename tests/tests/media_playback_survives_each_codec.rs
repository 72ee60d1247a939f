//! A WAV played to a loopback call and recorded on the far leg comes back matching the
//! source (normalised correlation against it) when the legs speak PCMU, PCMA, L16 or Opus,
//! and through a bridge that transcodes PCMU to Opus. The waveform codecs keep the samples
//! (correlation ~0.9999 measured); Opus is perceptual, at 30 kbit/s it keeps the sound but
//! not every phase (~0.88 measured), so its bar is lower.

use ferroswitch_tests::audio::{best_correlation, read_wav, write_test_signal_wav};
use ferroswitch_tests::{wait_until, Switch, TestConf};

fn start() -> (TestConf, Switch, Vec<i16>, std::path::PathBuf) {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_g711",
        "mod_l16",
        "mod_opus",
        "mod_wav",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
    ]);
    let source_path = conf.path().join("source.wav");
    let source = write_test_signal_wav(&source_path, 8000, 1.5);
    let dir = conf.path().display().to_string();
    conf.dialplan(&[(
        "default.xml",
        &format!(
            r#"<include>
  <context name="default">
    <extension name="record">
      <condition field="destination_number" expression="^rec_(\w+)$">
        <action application="answer"/>
        <action application="set" data="record_sample_rate=8000"/>
        <action application="record" data="{dir}/heard_$1.wav 6"/>
      </condition>
    </extension>
    <extension name="repacketize">
      <condition field="destination_number" expression="^via_30ms$">
        <action application="bridge" data="{{absolute_codec_string=PCMU@30i}}loopback/rec_ptime"/>
      </condition>
    </extension>
    <extension name="transcode">
      <condition field="destination_number" expression="^via_opus$">
        <action application="bridge" data="{{absolute_codec_string=opus}}loopback/rec_bridged"/>
      </condition>
    </extension>
  </context>
</include>
"#
        ),
    )]);
    let switch = Switch::start(&conf);
    (conf, switch, source, source_path)
}

/// Plays the source on a call to `destination` with `codecs`, waits for the recording to
/// end, and returns it.
fn play_and_record(
    switch: &mut Switch,
    conf: &TestConf,
    source: &std::path::Path,
    codecs: &str,
    destination: &str,
    recording: &str,
) -> Vec<i16> {
    let a = switch.originate(
        &format!("{{absolute_codec_string={codecs}}}loopback/{destination}"),
        &format!("&playback({})", source.display()),
    );
    wait_until("the call to end after the playback", || {
        switch.api("show channels count").trim() == "0 total."
    });
    assert!(!a.is_empty());
    let (rate, channels, samples) = read_wav(&conf.path().join(recording));
    assert_eq!((rate, channels), (8000, 1), "{recording} at 8 kHz mono");
    samples
}

#[test]
fn each_codec_carries_the_file_faithfully() {
    let (conf, mut switch, source, source_path) = start();
    for (codec, threshold) in [("PCMU", 0.97), ("PCMA", 0.97), ("L16", 0.99), ("opus", 0.8)] {
        let name = codec.to_ascii_lowercase();
        let recorded = play_and_record(
            &mut switch,
            &conf,
            &source_path,
            codec,
            &format!("rec_{name}"),
            &format!("heard_{name}.wav"),
        );
        let correlation = best_correlation(&source, &recorded, 1600);
        eprintln!("{codec}: correlation {correlation:.4}");
        assert!(
            correlation >= threshold,
            "{codec}: correlation {correlation:.3} with the source (want >= {threshold}), \
             {} samples recorded",
            recorded.len()
        );
    }
}

#[test]
fn a_pcmu_caller_bridged_to_an_opus_leg_is_transcoded_faithfully() {
    let (conf, mut switch, source, source_path) = start();
    let recorded = play_and_record(
        &mut switch,
        &conf,
        &source_path,
        "PCMU",
        "via_opus",
        "heard_bridged.wav",
    );
    let correlation = best_correlation(&source, &recorded, 1600);
    eprintln!("PCMU->opus: correlation {correlation:.4}");
    // A wrong recording must not pass: the source against itself reversed scores low.
    let reversed: Vec<i16> = source.iter().rev().copied().collect();
    assert!(best_correlation(&source, &reversed, 1600) < 0.5);
    assert!(
        correlation >= 0.8,
        "PCMU->opus: correlation {correlation:.3} with the source, {} samples recorded",
        recorded.len()
    );
}

#[test]
fn a_20_ms_caller_bridged_to_a_30_ms_leg_is_reframed_faithfully() {
    let (conf, mut switch, source, source_path) = start();
    let recorded = play_and_record(
        &mut switch,
        &conf,
        &source_path,
        "PCMU@20i",
        "via_30ms",
        "heard_ptime.wav",
    );
    let correlation = best_correlation(&source, &recorded, 1600);
    assert!(
        correlation >= 0.97,
        "PCMU 20 ms -> 30 ms: correlation {correlation:.3} with the source, {} samples recorded",
        recorded.len()
    );
}
