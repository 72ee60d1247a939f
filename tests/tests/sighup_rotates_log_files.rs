//! SIGHUP becomes FreeSWITCH's TRAP event, on which mod_logfile rotates its file.

use ferroswitch_tests::{wait_until, Switch, TestConf};

#[test]
fn sighup_rotates_the_log_file() {
    let conf = TestConf::new();
    let mut switch = Switch::start(&conf);
    assert!(switch.api("status").contains("is ready"));
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(
        unsafe { libc::kill(switch.pid() as libc::pid_t, libc::SIGHUP) },
        0
    );
    let rotated = conf.log_file().with_extension("log.1");
    wait_until("the log file to be rotated", || rotated.is_file());
    assert!(
        switch.api("status").contains("is ready"),
        "the switch goes on after SIGHUP"
    );
}
