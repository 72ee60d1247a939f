//! `play_and_get_digits` on the far leg of a loopback call collects digits the near leg
//! sends with `uuid_send_dtmf`: a try that times out plays the invalid-input file and the
//! next try collects the digits; digits the regular expression refuses go to
//! `<var>_invalid`, and when every try failed `read_result` says so.

use ferroswitch_tests::{wait_until, Recorded, Switch, TestConf};

const PROMPT: &str = "tone_stream://%(200,0,440)";
const INVALID: &str = "tone_stream://%(1000,0,620)";

fn start() -> (TestConf, Switch) {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_fixture_probe",
    ]);
    conf.dialplan(&[(
        "default.xml",
        &format!(
            r#"<include>
  <context name="default">
    <extension name="collect">
      <condition field="destination_number" expression="^pagd$">
        <action application="answer"/>
        <action application="play_and_get_digits" data="2 4 2 2000 # {PROMPT} {INVALID} entered ^1\d+$"/>
        <action application="park"/>
      </condition>
    </extension>
  </context>
</include>
"#
        ),
    )]);
    let switch = Switch::start(&conf);
    (conf, switch)
}

/// Calls the collecting extension; returns the near (A) and far (B) legs.
fn call(switch: &mut Switch) -> (String, String) {
    let a = switch.originate("loopback/pagd", "&park()");
    let b = switch.far_leg(&a);
    assert_eq!(b.len(), 36, "the A leg names its B leg: {b}");
    (a, b)
}

/// How many playbacks channel `uuid` started (each try's prompt and each invalid-input
/// file, in turn).
fn playbacks(conf: &TestConf, uuid: &str) -> usize {
    Recorded::events_of(&Recorded::read_all(&conf.event_file()), uuid)
        .iter()
        .filter(|event| event.name == "PLAYBACK_START")
        .count()
}

#[test]
fn a_try_that_times_out_is_retried_and_the_retry_collects_the_digits() {
    let (conf, mut switch) = start();
    let (a, b) = call(&mut switch);
    // The second playback is the invalid-input file: the first try has timed out.
    wait_until("the first try to time out", || playbacks(&conf, &b) >= 2);
    assert_eq!(
        switch.api(&format!("uuid_send_dtmf {a} 123#")),
        "+OK Success"
    );
    switch.wait_for_application(&b, "park");
    assert_eq!(switch.var(&b, "entered"), "123");
    assert_eq!(switch.var(&b, "read_result"), "success");
    assert_eq!(switch.var(&b, "read_terminator_used"), "#");
    assert_eq!(switch.var(&b, "entered_invalid"), "_undef_");
    // First prompt, invalid-input file, second prompt.
    assert_eq!(playbacks(&conf, &b), 3);
}

#[test]
fn digits_the_pattern_refuses_are_invalid_and_every_try_failing_is_a_failure() {
    let (conf, mut switch) = start();
    let (a, b) = call(&mut switch);
    wait_until("the first prompt", || playbacks(&conf, &b) >= 1);
    assert_eq!(
        switch.api(&format!("uuid_send_dtmf {a} 99#")),
        "+OK Success"
    );
    switch.wait_for_application(&b, "park");
    assert_eq!(switch.var(&b, "entered"), "_undef_");
    assert_eq!(switch.var(&b, "entered_invalid"), "99");
    // The second try heard nothing.
    assert_eq!(switch.var(&b, "read_result"), "failure");
    // Each try's prompt, each followed by the invalid-input file.
    assert_eq!(playbacks(&conf, &b), 4);
}
