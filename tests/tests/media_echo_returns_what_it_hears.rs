//! `echo` returns what the channel reads: the far leg of a loopback call plays a 1 kHz tone
//! to the near leg, which runs `echo`, and records what comes back (`record_session` with
//! `RECORD_READ_ONLY`): about a second of the same tone, on linear audio as on PCMU (whose
//! frames `echo` returns without transcoding).

use ferroswitch_tests::audio::{frames_with_tone, read_wav};
use ferroswitch_tests::{Switch, TestConf};

/// Calls the listening extension over `dial`; the 20 ms frames of the returned tone in the
/// recording, and the codec the echoing leg read.
fn returned_tone_frames(dial: &str) -> (usize, String) {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_g711",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_wav",
    ]);
    let path = conf.path().join("returned.wav");
    let file = path.display();
    conf.dialplan(&[(
        "default.xml",
        &format!(
            r#"<include>
  <context name="default">
    <extension name="listen">
      <condition field="destination_number" expression="^listen$">
        <action application="answer"/>
        <action application="set" data="RECORD_READ_ONLY=true"/>
        <action application="record_session" data="{file}"/>
        <action application="playback" data="tone_stream://%(1000,0,1000)"/>
        <action application="playback" data="silence_stream://200"/>
        <action application="stop_record_session" data="{file}"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#
        ),
    )]);
    let mut switch = Switch::start(&conf);

    let a = switch.originate(dial, "&echo()");
    let b = switch.far_leg(&a);
    assert_eq!(b.len(), 36, "the A leg names its B leg: {b}");
    switch.wait_for_application(&b, "park");
    assert_eq!(
        switch.var(&a, "current_application"),
        "echo",
        "the near leg still echoes"
    );

    let (_, _, samples) = read_wav(&path);
    let record_ms: usize = switch
        .api(&format!("uuid_getvar {b} record_ms"))
        .parse()
        .expect("record_ms is a number");
    assert_eq!(
        samples.len(),
        record_ms * 8,
        "record_ms says the file's length"
    );
    let codec = switch.var(&a, "read_codec");
    (frames_with_tone(&samples, 8000, 1000.0, 160), codec)
}

#[test]
fn the_tone_played_to_an_echoing_leg_comes_back() {
    let (frames, _) = returned_tone_frames("loopback/listen");
    // The recording runs from before the tone to after it; the tone fills about a second.
    assert!(
        (45..=52).contains(&frames),
        "{frames} frames of 20 ms carry the returned tone, expected about 50"
    );
}

#[test]
fn pcmu_frames_come_back_too() {
    let (frames, codec) = returned_tone_frames("{absolute_codec_string=PCMU}loopback/listen");
    assert_eq!(codec, "PCMU");
    assert!(
        (45..=52).contains(&frames),
        "{frames} frames of 20 ms carry the returned PCMU tone, expected about 50"
    );
}
