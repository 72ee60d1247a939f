//! ferroswitch-cli against the real event socket: `-x` runs one API command (exit 0, or 1 on
//! `-ERR` and on a wrong password), and at the prompt `/event plain` shows events as calls
//! make them.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::thread;
use std::time::Instant;

use ferroswitch_tests::{build_dir, module_file, wait_until, Switch, TestConf, WAIT_LIMIT};

fn switch_with_event_socket() -> (TestConf, Switch, u16) {
    module_file("mod_event_socket");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port();
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_event_socket"]);
    conf.write(
        "autoload_configs/event_socket.conf.xml",
        &format!(
            r#"<configuration name="event_socket.conf"><settings><param name="listen-ip" value="127.0.0.1"/><param name="listen-port" value="{port}"/><param name="password" value="ClueCon"/></settings></configuration>"#
        ),
    );
    let mut switch = Switch::start(&conf);
    switch.api("status");
    wait_until("the event socket to listen", || {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    (conf, switch, port)
}

fn cli() -> Command {
    let mut command = Command::new(build_dir().join("ferroswitch-cli"));
    command.env_remove("HOME");
    command
}

fn execute(port: u16, extra: &[&str]) -> Output {
    cli()
        .args(["-P", &port.to_string(), "-t", "10000"])
        .args(extra)
        .output()
        .expect("ferroswitch-cli runs (build the workspace first: cargo xtask test)")
}

#[test]
fn execute_runs_one_command_and_reports_failures() {
    let (_conf, _switch, port) = switch_with_event_socket();

    let output = execute(port, &["-x", "status"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.starts_with("UP "), "{stdout}");
    assert!(stdout.contains("session(s) since startup"), "{stdout}");

    let output = execute(
        port,
        &["-x", "uuid_kill 00000000-0000-0000-0000-000000000000"],
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("-ERR"));

    let output = execute(port, &["-p", "not-the-password", "-x", "status"]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "ferroswitch-cli: 127.0.0.1:{port}: authentication failed: -ERR"
        )),
        "{stderr}"
    );
}

#[test]
fn the_prompt_shows_subscribed_events() {
    let (_conf, _switch, port) = switch_with_event_socket();
    let mut child = cli()
        .args(["-P", &port.to_string(), "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ferroswitch-cli starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let (sender, lines) = channel();
    let stdout = child.stdout.take().expect("stdout");
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    writeln!(
        stdin,
        "/event plain CHANNEL_ANSWER\noriginate loopback/^^;answer;park/default/inline &park()"
    )
    .expect("commands written");
    stdin.flush().expect("commands written");

    let deadline = Instant::now() + WAIT_LIMIT;
    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|line: &String| line == "Event-Name: CHANNEL_ANSWER")
    {
        match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => seen.push(line),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                panic!("no CHANNEL_ANSWER event shown; output so far: {seen:#?}")
            }
        }
    }
    assert!(seen.iter().any(|line| line == "RECV EVENT"), "{seen:#?}");
    assert!(
        seen.iter().any(|line| line.starts_with("+OK")),
        "the replies are shown: {seen:#?}"
    );

    writeln!(stdin, "hupall\n/exit").expect("commands written");
    drop(stdin);
    let deadline = Instant::now() + WAIT_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("process status") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("ferroswitch-cli did not exit after /exit");
        }
        thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
}
