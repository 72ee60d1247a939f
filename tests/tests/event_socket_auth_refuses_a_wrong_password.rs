//! A wrong password is refused and the connection closed with FreeSWITCH's goodbye notice.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

#[test]
fn wrong_password_is_refused_and_disconnected() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_event_socket"]);
    let port = conf.event_socket("");
    let _switch = Switch::start(&conf);

    let mut client = EslClient::connect(port);
    assert_eq!(client.read_message().raw, "Content-Type: auth/request\n\n");
    client.send("auth cluecon");
    let rest = client.read_until_closed();
    let raw: Vec<&str> = rest.iter().map(|message| message.raw.as_str()).collect();
    assert_eq!(
        raw,
        vec![
            "Content-Type: command/reply\nReply-Text: -ERR invalid\n\n",
            "Content-Type: text/disconnect-notice\nContent-Length: 67\n\n\
             Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n",
        ]
    );
}
