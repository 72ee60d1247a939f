//! `unload` of a module whose interfaces a call is using is refused with the reason; once the
//! call ends it succeeds, and the module's interfaces are gone.

use std::os::unix::fs::symlink;

use ferroswitch_tests::{module_file, wait_until, Recorded, Switch, TestConf};

#[test]
fn unload_waits_for_the_calls_using_the_module() {
    let mod_dir = tempfile::tempdir().expect("module dir");
    for name in ["mod_logfile", "mod_commands", "mod_loopback", "mod_dptools"] {
        symlink(module_file(name), mod_dir.path().join(format!("{name}.so"))).expect("link module");
    }
    symlink(
        module_file("mod_fixture_reload_v1"),
        mod_dir.path().join("mod_fixture_reload.so"),
    )
    .expect("link fixture");
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_fixture_reload"]);
    let mut switch = Switch::start_with_mod_dir(&conf, mod_dir.path());

    let call = switch.originate("loopback/^^;answer;park/default/inline", "&fixture_build()");
    wait_until("the fixture application to run", || {
        switch.var(&call, "fixture_build") == "v1"
    });

    let refused = switch.api("unload mod_fixture_reload");
    assert!(refused.starts_with("-ERR"), "{refused}");
    assert!(
        refused.contains("mod_fixture_reload is in use by 1 session(s)"),
        "the reason is given: {refused}"
    );
    assert!(
        switch.api("show application").contains("fixture_build"),
        "still registered after the refusal"
    );

    assert_eq!(switch.api(&format!("uuid_kill {call}")), "+OK");
    wait_until("the call to end", || !switch.has_channel(&call));
    assert_eq!(switch.api("unload mod_fixture_reload"), "+OK");
    assert!(
        !switch.api("show application").contains("fixture_build"),
        "gone after unload"
    );
    wait_until("the module's shutdown to run", || {
        conf.log().contains("fixture_build v1 shut down")
    });
}

#[test]
fn an_unloaded_logger_receives_nothing_more() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_fixture_probe"]);
    let mut switch = Switch::start(&conf);
    let logged = |conf: &TestConf, message: &str| {
        Recorded::read_all(&conf.event_file())
            .iter()
            .filter(|record| matches!(record, Recorded::Log(line) if line == message))
            .count()
    };
    let uuid = switch.originate(
        "loopback/^^;log:[probe]before;answer;park/default/inline",
        "&hangup()",
    );
    wait_until("the call to end", || !switch.has_channel(&uuid));
    wait_until("the probe's logger to see the line", || {
        logged(&conf, "[probe]before") == 1
    });

    assert_eq!(switch.api("unload mod_fixture_probe"), "+OK");
    let uuid = switch.originate(
        "loopback/^^;log:[probe]after;answer;park/default/inline",
        "&hangup()",
    );
    wait_until("the call to end", || !switch.has_channel(&uuid));
    wait_until("mod_logfile to show the line was logged", || {
        conf.log().contains("[probe]after")
    });
    assert_eq!(
        logged(&conf, "[probe]after"),
        0,
        "the unloaded logger was not called again"
    );
}
