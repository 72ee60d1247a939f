//! While `bridge` rings a leg that presents early media (pre-answers and plays, never
//! answers), the caller hears it, as FreeSWITCH relays early media; with
//! `ignore_early_media=true` it hears nothing.

use ferroswitch_tests::audio::{frames_with_tone, read_wav};
use ferroswitch_tests::{wait_until, Switch, TestConf};

fn heard_while_ringing(ignore_early_media: bool) -> usize {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_wav",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
    ]);
    let file = conf.path().join("early.wav");
    conf.dialplan(&[(
        "default.xml",
        &format!(
            r#"<include>
  <context name="default">
    <extension name="early">
      <condition field="destination_number" expression="^early$">
        <action application="pre_answer"/>
        <action application="playback" data="tone_stream://%(3000,0,700)"/>
        <action application="park"/>
      </condition>
    </extension>
    <extension name="caller">
      <condition field="destination_number" expression="^caller$">
        <action application="answer"/>
        <action application="set" data="continue_on_fail=true"/>
        <action application="record_session" data="{}"/>
        <action application="bridge" data="{{ignore_early_media={ignore_early_media}}}[leg_timeout=2]loopback/early"/>
        <action application="stop_record_session" data="all"/>
        <action application="set" data="done=yes"/>
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
    let a = switch.originate("loopback/caller", "&park()");
    let caller = switch.far_leg(&a);
    wait_until("the ringing to time out", || {
        switch.var(&caller, "done") == "yes"
    });
    assert_eq!(switch.var(&caller, "originate_disposition"), "NO_ANSWER");
    let (rate, channels, samples) = read_wav(&file);
    let mono: Vec<i16> = samples
        .iter()
        .step_by(usize::from(channels))
        .copied()
        .collect();
    frames_with_tone(&mono, rate, 700.0, rate as usize / 50)
}

#[test]
fn the_caller_hears_early_media_while_the_leg_rings() {
    let frames = heard_while_ringing(false);
    assert!(
        frames >= 25,
        "only {frames} frames of the 700 Hz early media heard"
    );
}

#[test]
fn ignore_early_media_keeps_it_away() {
    let frames = heard_while_ringing(true);
    assert!(
        frames <= 2,
        "{frames} frames of early media heard despite ignore_early_media"
    );
}
