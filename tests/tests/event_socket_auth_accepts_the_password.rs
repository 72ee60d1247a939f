//! An inbound client is asked to authenticate, may do nothing else first, and is accepted
//! with the configured password — byte for byte as FreeSWITCH answers.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

#[test]
fn auth_request_then_accepted() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_event_socket"]);
    let port = conf.event_socket("");
    let _switch = Switch::start(&conf);

    let mut client = EslClient::connect(port);
    assert_eq!(client.read_message().raw, "Content-Type: auth/request\n\n");

    client.send("api status");
    assert_eq!(
        client.read_message().raw,
        "Content-Type: command/reply\nReply-Text: -ERR command not found\n\n"
    );

    client.send("auth ClueCon");
    assert_eq!(
        client.read_message().raw,
        "Content-Type: command/reply\nReply-Text: +OK accepted\n\n"
    );
    let status = client.command("api status");
    assert_eq!(status.content_type(), "api/response");
    assert!(status.body.starts_with("UP "), "{}", status.raw);
}
