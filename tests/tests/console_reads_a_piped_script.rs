//! The shipped configuration runs as documented: a script piped to the console runs each
//! command and `shutdown` exits 0 (`printf 'show modules\nshutdown\n' | ferroswitch --conf conf`).

use std::io::Write;
use std::process::{Command, Stdio};

use ferroswitch_tests::build_dir;

#[test]
fn piped_commands_run_and_shutdown_exits_zero() {
    let conf = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../conf");
    let log_dir = tempfile::tempdir().expect("log dir");
    let mut child = Command::new(build_dir().join("ferroswitch"))
        .arg("--conf")
        .arg(&conf)
        .arg("--mod-dir")
        .arg(build_dir())
        .arg("--log-dir")
        .arg(log_dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ferroswitch starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"show modules\nstatus\nshutdown\n")
        .expect("script written");
    let output = child.wait_with_output().expect("ferroswitch exits");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "exit status {:?}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    for module in [
        "mod_console",
        "mod_logfile",
        "mod_soft_timer",
        "mod_loopback",
        "mod_commands",
        "mod_dialplan_xml",
        "mod_dptools",
        "mod_event_socket",
        "mod_sip",
    ] {
        assert!(
            stdout.contains(module),
            "`show modules` lists {module}:\n{stdout}"
        );
    }
    assert!(stdout.contains("is ready"), "{stdout}");
}
