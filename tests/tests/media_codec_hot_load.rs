//! Codecs load, unload and reload while calls run: without mod_opus an Opus-only leg cannot
//! be set up and says why, and a leg preferring Opus then PCMU gets PCMU; `load mod_opus` makes the next one work; `unload` is refused while
//! a call holds an Opus encoder and succeeds once it ends; `reload` serves new calls from the
//! new build while the old call keeps its encoder.

use ferroswitch_tests::{wait_until, Switch, TestConf};

const OPUS_CALL: &str =
    "originate {absolute_codec_string=opus}loopback/^^;answer;park/default/inline &park()";

fn uuid_of(output: &str) -> String {
    output
        .strip_prefix("+OK ")
        .unwrap_or_else(|| panic!("originate failed: {output}"))
        .trim()
        .to_owned()
}

#[test]
fn opus_hot_loads_unloads_and_reloads_around_live_calls() {
    let conf =
        TestConf::new().modules(&["mod_soft_timer", "mod_g711", "mod_loopback", "mod_dptools"]);
    let mut switch = Switch::start(&conf);

    assert_eq!(switch.api(OPUS_CALL), "-ERR INCOMPATIBLE_DESTINATION");
    wait_until("the reason to be logged", || {
        conf.log().contains("no codec named opus is loaded")
    });

    // With a preference list, the first codec that is loaded is used: Opus is skipped.
    let fallback = uuid_of(&switch.api(
        "originate {absolute_codec_string='opus,PCMU'}loopback/^^;answer;park/default/inline &park()",
    ));
    assert_eq!(switch.var(&fallback, "read_codec"), "PCMU");
    assert_eq!(switch.api(&format!("uuid_kill {fallback}")), "+OK");

    assert!(switch.api("load mod_opus").starts_with("+OK"));
    let first = uuid_of(&switch.api(OPUS_CALL));
    assert_eq!(switch.var(&first, "read_codec"), "opus");
    assert_eq!(switch.var(&first, "read_rate"), "48000");
    let far = switch.far_leg(&first);
    assert_eq!(switch.var(&far, "write_codec"), "opus");

    let refused = switch.api("unload mod_opus");
    assert!(
        refused.starts_with("-ERR") && refused.contains("in use"),
        "unload refused while a call encodes Opus: {refused}"
    );

    assert!(switch.api("reload mod_opus").starts_with("+OK"));
    wait_until("the reload to keep the old build for the old call", || {
        conf.log()
            .contains("Reloaded module mod_opus (old build kept for")
    });
    let second = uuid_of(&switch.api(OPUS_CALL));
    assert_eq!(switch.var(&second, "read_codec"), "opus");
    // The old call still runs on its encoder from the old build.
    assert!(switch.has_channel(&first));

    for call in [&first, &second] {
        assert_eq!(switch.api(&format!("uuid_kill {call}")), "+OK");
    }
    wait_until("every call to end", || {
        switch.api("show channels count").trim() == "0 total."
    });
    assert_eq!(switch.api("unload mod_opus"), "+OK");
    assert_eq!(switch.api(OPUS_CALL), "-ERR INCOMPATIBLE_DESTINATION");
}
