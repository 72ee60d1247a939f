//! An unknown API command answers FreeSWITCH's `-ERR <command> Command not found!`.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

#[test]
fn unknown_api_command() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_event_socket"]);
    let port = conf.event_socket("");
    let _switch = Switch::start(&conf);

    let mut client = EslClient::connect_authed(port, "ClueCon");
    client.send("api no_such_command with args");
    assert_eq!(
        client.read_message().raw,
        "Content-Type: api/response\nContent-Length: 40\n\n-ERR no_such_command Command not found!\n"
    );
}
