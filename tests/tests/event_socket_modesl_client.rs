//! An unmodified third-party event-socket client, npm's modesl (pinned in tests/node), runs a
//! call through mod_event_socket under Node.js: auth, `api status`, `event plain`, `bgapi
//! originate` and its BACKGROUND_JOB, `filter Unique-ID`, `sendmsg` executing `set` (and the
//! CHANNEL_EXECUTE_COMPLETE modesl waits for), `api uuid_getvar`, `api uuid_kill` and the
//! hangup event. The scenario is tests/node/esl_scenario.js; it prints what modesl parsed as
//! JSON, and this test checks it.
//!
//! Needs `node` and `npm ci` run in tests/node: `cargo xtask test` sees to both.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use ferroswitch_tests::{module_file, wait_until, Switch, TestConf};
use serde_json::Value;

/// The scenario bounds itself at 20 s; this is the backstop if Node.js itself hangs.
const SCENARIO_LIMIT: Duration = Duration::from_secs(40);
const DIAL: &str = "loopback/^^;answer;park/default/inline";

#[test]
fn modesl_drives_a_call_through_the_event_socket() {
    let node_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("node");
    assert!(
        node_dir.join("node_modules/modesl").is_dir(),
        "{} has no node_modules/modesl: run `cargo xtask test`, which runs `npm ci` there",
        node_dir.display()
    );
    module_file("mod_event_socket");

    let port = free_port();
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

    let run = run_scenario(&node_dir, port);
    let context = || {
        format!(
            "scenario exit {:?}\nstderr: {}\nstdout: {}\nswitch log:\n{}",
            run.status,
            run.stderr,
            run.stdout,
            conf.log()
        )
    };
    assert_eq!(run.status, Some(0), "{}", context());
    let report: Value = serde_json::from_str(run.stdout.trim())
        .unwrap_or_else(|error| panic!("the scenario's JSON: {error}\n{}", context()));
    let text = |pointer: &str| {
        report
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{pointer} is not a string\n{}", context()))
            .to_owned()
    };

    assert_eq!(text("/auth"), "+OK accepted", "{}", context());
    assert!(text("/status").starts_with("UP "), "{}", context());
    assert!(text("/eventsReply").starts_with("+OK"), "{}", context());

    // bgapi: the server used the Job-UUID modesl sent, and the job's output is originate's.
    assert_eq!(
        text("/job/jobUuid"),
        text("/job/requested"),
        "{}",
        context()
    );
    assert_eq!(text("/job/eventName"), "BACKGROUND_JOB", "{}", context());
    let call = text("/callUuid");
    assert_eq!(
        text("/job/body").trim(),
        format!("+OK {call}"),
        "{}",
        context()
    );
    assert!(
        report["commandReplies"]
            .as_array()
            .is_some_and(|replies| replies.iter().any(|reply| {
                reply.as_str().is_some_and(|reply| {
                    reply == format!("+OK Job-UUID: {}", text("/job/requested"))
                })
            })),
        "bgapi's command/reply names the job: {}",
        context()
    );

    let events: Vec<&Value> = report["events"]
        .as_array()
        .unwrap_or_else(|| panic!("events is a list\n{}", context()))
        .iter()
        .collect();
    let field = |event: &Value, name: &str| event[name].as_str().unwrap_or_default().to_owned();
    assert!(
        events
            .iter()
            .any(|event| field(event, "name") == "CHANNEL_ANSWER"
                && field(event, "uniqueId") == call
                && field(event, "contentType") == "text/event-plain"),
        "the A leg's CHANNEL_ANSWER arrived as text/event-plain: {}",
        context()
    );

    // The filter: once set, only the A leg's events come through (not the B leg's hangup).
    assert!(text("/filterReply").starts_with("+OK"), "{}", context());
    let after_filter: Vec<&&Value> = events
        .iter()
        .filter(|event| event["afterFilter"] == Value::Bool(true))
        .collect();
    assert!(
        after_filter
            .iter()
            .all(|event| field(event, "uniqueId") == call),
        "events after `filter Unique-ID {call}` are all the A leg's: {}",
        context()
    );
    assert!(
        after_filter
            .iter()
            .any(|event| field(event, "name") == "CHANNEL_HANGUP"
                && !field(event, "hangupCause").is_empty()),
        "the A leg's CHANNEL_HANGUP, with its cause: {}",
        context()
    );

    // sendmsg execute: modesl matched CHANNEL_EXECUTE_COMPLETE by the Event-UUID it sent.
    assert_eq!(
        text("/execute/eventName"),
        "CHANNEL_EXECUTE_COMPLETE",
        "{}",
        context()
    );
    assert_eq!(text("/execute/uniqueId"), call, "{}", context());
    assert_eq!(text("/execute/application"), "set", "{}", context());
    assert_eq!(
        text("/execute/applicationUuid"),
        text("/execute/eventUuidSent"),
        "{}",
        context()
    );
    assert_eq!(text("/variable"), "deep blue", "{}", context());
    assert!(text("/killReply").starts_with("+OK"), "{}", context());
}

/// What the scenario printed and how it ended (`None`: killed at the backstop).
struct ScenarioRun {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run_scenario(node_dir: &Path, port: u16) -> ScenarioRun {
    let mut child = Command::new("node")
        .current_dir(node_dir)
        .arg("esl_scenario.js")
        .args(["127.0.0.1", &port.to_string(), "ClueCon", DIAL])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| {
            panic!("cannot start `node` ({error}): cargo xtask test installs Node.js")
        });
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_bounded(&mut child, SCENARIO_LIMIT);
    ScenarioRun {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

/// The exit code, or `None` after killing a child that outlived `limit`.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}
