//! A module whose `load` fails, and a module registering a name another module already has,
//! are refused with messages naming the modules; nothing of theirs stays registered and the
//! other modules run.

use std::os::unix::fs::symlink;

use ferroswitch_tests::{module_file, wait_until, Switch, TestConf};

#[test]
fn failed_load_and_duplicate_names_are_refused_naming_both_modules() {
    let mod_dir = tempfile::tempdir().expect("module dir");
    for name in ["mod_logfile", "mod_commands", "mod_fixture_probe"] {
        symlink(module_file(name), mod_dir.path().join(format!("{name}.so"))).expect("link module");
    }
    // Two builds of one module under two names: both register the application fixture_build.
    symlink(
        module_file("mod_fixture_reload_v1"),
        mod_dir.path().join("mod_first.so"),
    )
    .expect("link");
    symlink(
        module_file("mod_fixture_reload_v2"),
        mod_dir.path().join("mod_second.so"),
    )
    .expect("link");

    let conf = TestConf::new().modules(&["mod_first", "mod_second", "mod_fixture_probe"]);
    // The probe cannot open its event log: its load fails.
    conf.write(
        "autoload_configs/fixture_probe.conf.xml",
        r#"<configuration name="fixture_probe.conf"><settings><param name="event-log" value="/nonexistent-dir/events.log"/></settings></configuration>"#,
    );
    let mut switch = Switch::start_with_mod_dir(&conf, mod_dir.path());

    wait_until("the refusals to be logged", || {
        conf.log().contains("mod_fixture_probe failed to load")
    });
    let log = conf.log();
    assert!(
        log.contains("mod_second failed to load: application 'fixture_build' of mod_second is already registered by mod_first"),
        "both modules are named:\n{log}"
    );
    assert!(
        log.contains("/nonexistent-dir/events.log"),
        "the failing load says why:\n{log}"
    );

    let interfaces = switch.api("show interfaces");
    assert!(
        interfaces.contains("application,fixture_build,mod_first"),
        "{interfaces}"
    );
    assert!(
        !interfaces.contains("mod_second"),
        "nothing of the refused module stays:\n{interfaces}"
    );
    assert!(
        !interfaces.contains("mod_fixture_probe"),
        "nothing of the failed load stays:\n{interfaces}"
    );
    assert!(!switch.api("show modules").contains("mod_second"));
}
