//! `reload` while a call runs: the old call finishes on the old build, a new call uses the new
//! build, and the old build is shut down when its last call ends.

use std::os::unix::fs::symlink;

use ferroswitch_tests::{module_file, wait_until, Switch, TestConf};

const PARKED_PEER: &str = "loopback/^^;answer;park/default/inline";

#[test]
fn reload_keeps_old_calls_on_the_old_build() {
    let mod_dir = tempfile::tempdir().expect("module dir");
    for name in ["mod_logfile", "mod_commands", "mod_loopback", "mod_dptools"] {
        symlink(module_file(name), mod_dir.path().join(format!("{name}.so"))).expect("link module");
    }
    let fixture = mod_dir.path().join("mod_fixture_reload.so");
    std::fs::copy(module_file("mod_fixture_reload_v1"), &fixture).expect("install v1");
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_fixture_reload"]);
    let mut switch = Switch::start_with_mod_dir(&conf, mod_dir.path());

    let old_call = switch.originate(PARKED_PEER, "&fixture_build()");
    wait_until("v1 to serve the first call", || {
        switch.var(&old_call, "fixture_build") == "v1"
    });

    // Install the new build over the file the switch loaded (it maps a private copy).
    std::fs::copy(module_file("mod_fixture_reload_v2"), &fixture).expect("install v2");
    assert_eq!(switch.api("reload mod_fixture_reload"), "+OK");

    let new_call = switch.originate(PARKED_PEER, "&fixture_build()");
    wait_until("v2 to serve the new call", || {
        switch.var(&new_call, "fixture_build") == "v2"
    });
    assert_eq!(switch.var(&old_call, "fixture_build"), "v1");
    assert!(
        !conf.log().contains("fixture_build v1 shut down"),
        "v1 stays while its call runs"
    );

    assert_eq!(switch.api(&format!("uuid_kill {old_call}")), "+OK");
    wait_until("v1 to finish its call and shut down", || {
        let log = conf.log();
        log.contains(&format!("fixture_build v1 finished {old_call}"))
            && log.contains("fixture_build v1 shut down")
    });
    assert!(switch.has_channel(&new_call), "the new call is untouched");
    assert_eq!(switch.api(&format!("uuid_kill {new_call}")), "+OK");
    wait_until("v2 to finish its call", || {
        conf.log()
            .contains(&format!("fixture_build v2 finished {new_call}"))
    });
}
