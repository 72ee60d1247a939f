//! `playback` of a file that does not exist logs the file and the reason, sets
//! `current_application_response` to `FILE NOT FOUND`, and the call goes on to the next
//! application.

use ferroswitch_tests::{wait_until, Switch, TestConf};

#[test]
fn the_next_application_runs_after_a_missing_file() {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_wav",
    ]);
    let missing = conf.path().join("no-such-dir/missing.wav");
    conf.dialplan(&[(
        "default.xml",
        &format!(
            r#"<include>
  <context name="default">
    <extension name="play">
      <condition field="destination_number" expression="^play$">
        <action application="answer"/>
        <action application="playback" data="{}"/>
        <action application="set" data="after_playback=ran"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#,
            missing.display()
        ),
    )]);
    let mut switch = Switch::start(&conf);

    let a = switch.originate("loopback/play", "&park()");
    let b = switch.far_leg(&a);
    switch.wait_for_application(&b, "park");
    assert_eq!(switch.var(&b, "after_playback"), "ran");
    assert_eq!(
        switch.var(&b, "current_application_response"),
        "FILE NOT FOUND"
    );
    assert!(switch.has_channel(&b), "the call is still up");
    wait_until(
        "the failure to be logged with the file and the reason",
        || {
            conf.log().lines().any(|line| {
                line.contains("[ERR]")
                    && line.contains("cannot play")
                    && line.contains("missing.wav")
                    && line.contains("no such file")
            })
        },
    );
}
