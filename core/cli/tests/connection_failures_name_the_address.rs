//! A refused connection, a wrong password and a server that is not an event socket each exit
//! 1 with a message naming host:port and the reason.

mod support;

use std::io::Write;
use std::net::TcpListener;
use std::process::{Command, Output};

use support::{cli, FakeServer};

fn run(args: &[&str]) -> Output {
    Command::new(cli())
        .args(args)
        .output()
        .expect("ferroswitch-cli runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn refused_connection() {
    // A port that was free a moment ago: nothing listens there now.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let output = run(&["-P", &port.to_string(), "-x", "status"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.starts_with(&format!(
            "ferroswitch-cli: 127.0.0.1:{port}: cannot connect: "
        )),
        "{message}"
    );
}

#[test]
fn wrong_password() {
    let server = FakeServer::start(|_| Vec::new());
    let output = run(&["-P", &server.port.to_string(), "-p", "nope", "-x", "status"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!(
            "ferroswitch-cli: 127.0.0.1:{}: authentication failed: -ERR invalid\n",
            server.port
        )
    );
    assert_eq!(server.commands(), ["auth nope"]);
}

#[test]
fn not_an_event_socket() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("bound").port();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\nContent-Length: 0\n\n");
        }
    });
    let output = run(&["-P", &port.to_string(), "-x", "status"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("127.0.0.1:{port}: ")),
        "{message}"
    );
    assert!(
        message.contains("bad message from the server") || message.contains("auth/request"),
        "{message}"
    );
}

#[test]
fn silent_server_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("bound").port();
    // Accepted by the kernel's backlog, never greeted.
    let output = run(&["-P", &port.to_string(), "-t", "300", "-x", "status"]);
    drop(listener);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains(&format!("127.0.0.1:{port}: no answer within 300ms")),
        "{message}"
    );
}
