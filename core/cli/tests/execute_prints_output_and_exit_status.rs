//! `-x COMMAND` sends `api COMMAND`, prints the output and exits 0, or 1 when the output
//! starts with `-ERR`.

mod support;

use std::process::Command;

use support::{api_response, cli, FakeServer};

#[test]
fn output_is_printed_and_minus_err_fails() {
    let server = FakeServer::start(|command| match command {
        "api status" => api_response("UP 0 years, 0 days\n1 session(s) since startup\n"),
        _ => api_response("-ERR no such command\n"),
    });
    let port = server.port.to_string();

    let output = Command::new(cli())
        .args(["-P", &port, "-x", "status"])
        .output()
        .expect("ferroswitch-cli runs");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "UP 0 years, 0 days\n1 session(s) since startup\n"
    );

    let output = Command::new(cli())
        .args([
            "-H",
            "localhost",
            "-P",
            &port,
            "-p",
            "ClueCon",
            "--execute=frob",
        ])
        .output()
        .expect("ferroswitch-cli runs");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "-ERR no such command\n"
    );

    assert_eq!(
        server.commands(),
        ["auth ClueCon", "api status", "auth ClueCon", "api frob"]
    );
}
