//! `api <command> <args>` answers with an `api/response` whose body is the command's output.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

#[test]
fn api_output_is_the_body() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_event_socket"]);
    let port = conf.event_socket("");
    let _switch = Switch::start(&conf);

    let mut client = EslClient::connect_authed(port, "ClueCon");
    client.send("api echo hello event socket");
    assert_eq!(
        client.read_message().raw,
        "Content-Type: api/response\nContent-Length: 18\n\nhello event socket"
    );
}
