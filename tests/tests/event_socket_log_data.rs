//! `log <level>` forwards log lines up to that level as `log/data` messages with
//! FreeSWITCH's headers; `nolog` stops them.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

#[test]
fn log_lines_arrive_as_log_data() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_event_socket"]);
    let port = conf.event_socket("");
    let _switch = Switch::start(&conf);

    let mut client = EslClient::connect_authed(port, "ClueCon");
    let reply = client.command("log info");
    assert_eq!(reply.header("Reply-Text"), Some("+OK log level info [6]"));
    // Every command is logged at INFO (command-log-level): this one reaches the client.
    client.command("api echo marker-for-the-log");
    let line = client.next_matching("the command's log line", |message| {
        message.content_type() == "log/data" && message.body.contains("marker-for-the-log")
    });
    let names: Vec<&str> = line.headers.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "Content-Type",
            "Content-Length",
            "Log-Level",
            "Text-Channel",
            "Log-File",
            "Log-Func",
            "Log-Line",
            "User-Data"
        ]
    );
    assert_eq!(line.header("Log-Level"), Some("6"));
    assert_eq!(line.header("Log-File"), Some("mod_event_socket"));
    assert!(
        line.body
            .contains(" [INFO] mod_event_socket: Event Socket Command from 127.0.0.1:"),
        "{}",
        line.body
    );
    assert!(
        line.body.ends_with(": api echo marker-for-the-log\n"),
        "{}",
        line.body
    );

    assert_eq!(
        client.command("nolog").header("Reply-Text"),
        Some("+OK no longer logging")
    );
}
