//! `playback` stops early on a digit listed in `playback_terminators`, records it in
//! `playback_terminator_used`, and says how much it played in `playback_ms`; a digit not
//! listed does not stop it.

use ferroswitch_tests::{wait_until, Recorded, Switch, TestConf};

#[test]
fn a_listed_digit_stops_the_playback_and_is_recorded() {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_fixture_probe",
    ]);
    conf.dialplan(&[(
        "default.xml",
        r#"<include>
  <context name="default">
    <extension name="play">
      <condition field="destination_number" expression="^play$">
        <action application="answer"/>
        <action application="set" data="playback_terminators=#"/>
        <action application="playback" data="tone_stream://%(30000,0,440)"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#,
    )]);
    let mut switch = Switch::start(&conf);

    let a = switch.originate("loopback/play", "&park()");
    let b = switch.far_leg(&a);
    wait_until("the playback to start", || {
        Recorded::events_of(&Recorded::read_all(&conf.event_file()), &b)
            .iter()
            .any(|event| event.name == "PLAYBACK_START")
    });
    // `*` is the default terminator, but this channel listens for `#` only.
    assert_eq!(switch.api(&format!("uuid_send_dtmf {a} *")), "+OK Success");
    assert_eq!(switch.api(&format!("uuid_send_dtmf {a} #")), "+OK Success");
    switch.wait_for_application(&b, "park");
    assert_eq!(switch.var(&b, "playback_terminator_used"), "#");
    assert_eq!(
        switch.var(&b, "current_application_response"),
        "FILE PLAYED"
    );
    let played: u64 = switch
        .api(&format!("uuid_getvar {b} playback_ms"))
        .parse()
        .expect("playback_ms is a number");
    assert!(played < 30_000, "played {played} ms of a 30 s tone");
    let samples: u64 = switch
        .api(&format!("uuid_getvar {b} playback_samples"))
        .parse()
        .expect("playback_samples is a number");
    assert_eq!(samples, played * 8, "8 kHz samples for the ms played");
}
