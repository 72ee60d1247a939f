//! The real module files load from disk and every interface kind registers and is listed.

use ferroswitch_tests::{Switch, TestConf};

#[test]
fn every_kind_registers_and_is_listed() {
    let conf = TestConf::new().modules(&[
        "mod_soft_timer",
        "mod_loopback",
        "mod_dptools",
        "mod_fixture_probe",
    ]);
    let mut switch = Switch::start(&conf);

    let interfaces = switch.api("show interfaces");
    for (kind, name, module) in [
        ("endpoint", "loopback", "mod_loopback"),
        ("application", "park", "mod_dptools"),
        ("api", "status", "mod_commands"),
        ("codec", "FIXTURE-L16", "mod_fixture_probe"),
        ("dialplan", "inline", "mod_dptools"),
        ("file", "fixture_raw", "mod_fixture_probe"),
        ("logger", "logfile", "mod_logfile"),
        ("timer", "soft", "mod_soft_timer"),
        ("state_handler", "fixture_state_probe", "mod_fixture_probe"),
        ("event_handler", "fixture_recorder", "mod_fixture_probe"),
    ] {
        let row = format!("{kind},{name},{module}");
        assert!(
            interfaces.lines().any(|line| line == row),
            "`show interfaces` lacks {row}:\n{interfaces}"
        );
    }
    assert!(interfaces.trim_end().ends_with("total."), "{interfaces}");

    let modules = switch.api("show modules");
    assert!(
        modules.contains("libmod_loopback.so"),
        "`show modules` names the files:\n{modules}"
    );
    let codecs = switch.api("show codec");
    assert!(
        codecs.contains("codec,FIXTURE-L16,mod_fixture_probe"),
        "{codecs}"
    );
    assert!(codecs.contains("1 total."), "{codecs}");
}
