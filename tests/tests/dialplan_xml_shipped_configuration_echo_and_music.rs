//! The dialplan shipped in `conf/dialplan` compiles; its 9196 is an echo test and its 9664
//! plays music on hold (a generated tune): a caller recording what 9664 plays hears it.
//! Outside numbers route to the default gateway.

use std::path::Path;

use ferroswitch_tests::audio::{frames_with_tone, read_wav};
use ferroswitch_tests::{wait_until, Switch, TestConf};

#[test]
fn the_shipped_default_context_echoes_on_9196_and_plays_music_on_9664() {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_wav",
        "mod_loopback",
        "mod_dialplan_xml",
        "mod_dptools",
    ]);
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../conf/dialplan");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&shipped).expect("conf/dialplan exists") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .expect("a UTF-8 file name")
            .to_owned();
        files.push((name, std::fs::read_to_string(&path).expect("readable")));
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    conf.dialplan(&borrowed);
    let mut switch = Switch::start(&conf);

    let output = switch.api("route_test default 9196");
    assert!(
        output.ends_with(
            "result: extension echo, number 9196, 2 application(s)\n  1. answer\n  2. echo"
        ),
        "{output}"
    );
    // Outside numbers go to the caller's default gateway.
    let output = switch.api("route_test default 12125550123");
    assert!(
        output.ends_with(
            "result: extension outbound_via_gateway, number 12125550123, 2 application(s)\n  1. set hangup_after_bridge=true\n  2. bridge sofia/gateway/${default_gateway}/12125550123"
        ),
        "{output}"
    );
    let output = switch.api("route_test public 9196");
    assert!(
        output.ends_with("result: no route (NO_ROUTE_DESTINATION)"),
        "{output}"
    );

    let a = switch.originate("loopback/9196/default/XML", "&park()");
    let b = switch.far_leg(&a);
    switch.wait_for_application(&b, "echo");

    let heard = conf.path().join("hold.wav");
    let a = switch.originate(
        "loopback/9664/default/XML",
        &format!("&record({} 2)", heard.display()),
    );
    let b = switch.far_leg(&a);
    switch.wait_for_application(&b, "playback");
    wait_until("the two-second recording to finish", || {
        !switch.has_channel(&a)
    });
    let (rate, _, samples) = read_wav(&heard);
    // The tune opens on C5 (523 Hz) and E5 (659 Hz).
    for note in [523.0, 659.0] {
        assert!(
            frames_with_tone(&samples, rate, note, rate as usize / 50) >= 5,
            "the music's {note} Hz note is heard"
        );
    }
    assert!(
        !conf.log().contains("dialplan:"),
        "no warnings: {}",
        conf.log()
    );
}
