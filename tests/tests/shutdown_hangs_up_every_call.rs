//! `shutdown` and SIGTERM hang up every call with SYSTEM_SHUTDOWN, flush the loggers and exit 0.

use ferroswitch_tests::{Recorded, Switch, TestConf};

const PARKED: &str = "loopback/^^;answer;park/default/inline";

fn assert_hung_up_for_shutdown(conf: &TestConf, uuid: &str) {
    let records = Recorded::read_all(&conf.event_file());
    let events = Recorded::events_of(&records, uuid);
    let complete = events
        .iter()
        .find(|event| event.name == "CHANNEL_HANGUP_COMPLETE")
        .unwrap_or_else(|| panic!("{uuid} was not hung up: {events:?}"));
    assert_eq!(complete.cause, "SYSTEM_SHUTDOWN");
}

#[test]
fn shutdown_command_hangs_up_calls_and_exits_zero() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_fixture_probe"]);
    let mut switch = Switch::start(&conf);
    let call = switch.originate(PARKED, "&park()");
    switch.send("shutdown");
    assert!(switch.wait_exit().success());
    assert_hung_up_for_shutdown(&conf, &call);
    assert!(
        conf.log().contains("Shutting down"),
        "the log file was flushed to the end"
    );
}

#[test]
fn sigterm_hangs_up_calls_and_exits_zero() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_fixture_probe"]);
    let mut switch = Switch::start(&conf);
    let call = switch.originate(PARKED, "&park()");
    // SAFETY: kill(2) on our own child's pid.
    let sent = unsafe { libc::kill(switch.pid() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(sent, 0);
    assert!(switch.wait_exit().success());
    assert_hung_up_for_shutdown(&conf, &call);
}
