//! A module built against another ABI, a file that is not a library and a missing module are
//! each refused with a message naming the file and the reason; the other modules load.

use std::os::unix::fs::symlink;

use ferroswitch_tests::{build_dir, module_file, wait_until, Switch, TestConf};

#[test]
fn foreign_abi_garbage_and_missing_modules_are_refused_and_the_rest_start() {
    let mod_dir = tempfile::tempdir().expect("module dir");
    for name in [
        "mod_logfile",
        "mod_commands",
        "mod_loopback",
        "mod_fixture_foreign_abi",
    ] {
        symlink(module_file(name), mod_dir.path().join(format!("{name}.so"))).expect("link module");
    }
    std::fs::write(
        mod_dir.path().join("mod_garbage.so"),
        b"this is not an ELF file",
    )
    .expect("garbage module");
    assert!(build_dir().join("ferroswitch").is_file());

    let conf = TestConf::new().modules(&[
        "mod_fixture_foreign_abi",
        "mod_garbage",
        "mod_missing",
        "mod_loopback",
    ]);
    let mut switch = Switch::start_with_mod_dir(&conf, mod_dir.path());

    let modules = switch.api("show modules");
    assert!(
        modules.contains("endpoint,loopback,mod_loopback"),
        "later modules still load:\n{modules}"
    );
    assert!(!modules.contains("mod_fixture_foreign_abi"), "{modules}");
    assert!(switch.api("status").contains("is ready"));

    wait_until("the refusals to be logged", || {
        conf.log().contains("mod_missing")
    });
    let log = conf.log();
    let foreign = log
        .lines()
        .find(|line| line.contains("mod_fixture_foreign_abi.so"))
        .unwrap_or_else(|| panic!("no line about the foreign module:\n{log}"));
    assert!(
        foreign.contains("refused, built against an incompatible module ABI"),
        "{foreign}"
    );
    assert!(
        foreign.contains("expected ferroswitch-abi, found mod_fixture_foreign_abi"),
        "expected and found are named: {foreign}"
    );
    assert!(
        log.contains("mod_garbage.so: not a loadable library"),
        "{log}"
    );
    assert!(log.contains("module mod_missing: file not found"), "{log}");
}
