//! `record` on the far leg of a loopback call writes what it hears: the near leg plays a
//! 1 kHz tone for one second; the recording stops after a second of silence, and the file
//! holds about one second of that tone (frames the near leg left empty are not recorded),
//! as `record_ms` says.

use ferroswitch_tests::audio::{crossing_frequency, frames_with_tone, read_wav};
use ferroswitch_tests::{Switch, TestConf};

#[test]
fn the_recording_holds_the_tone_played_to_the_leg() {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_wav",
    ]);
    let file = conf.path().join("heard.wav");
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
        <action application="playback" data="tone_stream://%(1000,0,1000)"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#,
            file.display()
        ),
    )]);
    let mut switch = Switch::start(&conf);

    let a = switch.originate("loopback/rec", "player XML default");
    let b = switch.far_leg(&a);
    assert_eq!(b.len(), 36, "the A leg names its B leg: {b}");
    switch.wait_for_application(&b, "park");
    assert_eq!(switch.var(&b, "silence_hits_exhausted"), "true");
    let record_ms: u32 = switch
        .api(&format!("uuid_getvar {b} record_ms"))
        .parse()
        .expect("record_ms is a number");
    assert!(
        (900..=1100).contains(&record_ms),
        "record_ms {record_ms}, expected about 1000"
    );

    let (rate, channels, samples) = read_wav(&file);
    assert_eq!(
        (rate, channels),
        (8000, 1),
        "recorded at the channel's rate, mono"
    );
    assert_eq!(
        samples.len() as u32,
        record_ms * 8,
        "the file holds record_ms"
    );
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
