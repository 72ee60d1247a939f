//! `record_session` records both directions of a channel mixed while other applications
//! run: the far leg of a loopback call plays a 440 Hz tone while the near leg plays it a
//! 1 kHz tone, and the recording holds both at once.

use ferroswitch_tests::audio::{frames_with_tone, read_wav};
use ferroswitch_tests::{Switch, TestConf};

#[test]
fn what_the_leg_hears_and_what_it_says_are_both_recorded() {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_wav",
    ]);
    let file = conf.path().join("both.wav");
    let file = file.display().to_string();
    conf.dialplan(&[(
        "default.xml",
        &format!(
            r#"<include>
  <context name="default">
    <extension name="talker">
      <condition field="destination_number" expression="^talk$">
        <action application="answer"/>
        <action application="record_session" data="{file}"/>
        <action application="playback" data="tone_stream://%(1000,0,440)"/>
        <action application="stop_record_session" data="{file}"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="other_side">
      <condition field="destination_number" expression="^other_side$">
        <action application="playback" data="tone_stream://%(3000,0,1000)"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#
        ),
    )]);
    let mut switch = Switch::start(&conf);

    let a = switch.originate("loopback/talk", "other_side XML default");
    let b = switch.far_leg(&a);
    assert_eq!(b.len(), 36, "the A leg names its B leg: {b}");
    switch.wait_for_application(&b, "park");

    let (_, _, samples) = read_wav(std::path::Path::new(&file));
    let record_ms: usize = switch
        .api(&format!("uuid_getvar {b} record_ms"))
        .parse()
        .expect("record_ms is a number");
    assert_eq!(
        samples.len(),
        record_ms * 8,
        "record_ms says the file's length"
    );
    let said = frames_with_tone(&samples, 8000, 440.0, 160);
    let heard = frames_with_tone(&samples, 8000, 1000.0, 160);
    assert!(
        said >= 40,
        "{said} frames carry what the leg played (440 Hz)"
    );
    assert!(
        heard >= 40,
        "{heard} frames carry what the leg heard (1 kHz)"
    );
}
