//! `playback` plays a WAV file whatever its rate and channels: a 16 kHz stereo file of a
//! 1 kHz tone, played on an 8 kHz loopback leg, is resampled by the core and downmixed, and
//! the far leg records one second of the same tone. `playback_samples` counts the file's
//! own samples.

use ferroswitch_tests::audio::{crossing_frequency, frames_with_tone, read_wav, write_tone_wav};
use ferroswitch_tests::{Switch, TestConf};

#[test]
fn a_16_khz_stereo_file_is_heard_as_the_same_tone() {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_wav",
    ]);
    let played = conf.path().join("tone-16k-stereo.wav");
    write_tone_wav(&played, 16000, 2, 1000.0, 1.0);
    let heard = conf.path().join("heard.wav");
    conf.dialplan(&[(
        "default.xml",
        &format!(
            r#"<include>
  <context name="default">
    <extension name="recorder">
      <condition field="destination_number" expression="^rec$">
        <action application="answer"/>
        <action application="record" data="{} 10 200 1"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="player">
      <condition field="destination_number" expression="^player$">
        <action application="playback" data="{}"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#,
            heard.display(),
            played.display()
        ),
    )]);
    let mut switch = Switch::start(&conf);

    let a = switch.originate("loopback/rec", "player XML default");
    let b = switch.far_leg(&a);
    assert_eq!(b.len(), 36, "the A leg names its B leg: {b}");
    switch.wait_for_application(&a, "park");
    assert_eq!(
        switch.var(&a, "current_application_response"),
        "FILE PLAYED"
    );
    assert_eq!(switch.var(&a, "playback_samples"), "16000");
    assert_eq!(switch.var(&a, "playback_ms"), "1000");
    switch.wait_for_application(&b, "park");

    let (rate, channels, samples) = read_wav(&heard);
    assert_eq!((rate, channels), (8000, 1));
    let tone_frames = frames_with_tone(&samples, 8000, 1000.0, 160);
    assert!(
        tone_frames >= 45,
        "only {tone_frames} of {} frames carry the 1 kHz tone",
        samples.len() / 160
    );
    let frequency = crossing_frequency(&samples, 8000);
    assert!(
        (frequency - 1000.0).abs() < 30.0,
        "the recording's tone is {frequency} Hz"
    );
}
