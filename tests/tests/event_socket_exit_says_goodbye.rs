//! `exit` is answered `+OK bye`, followed by the disconnect notice, and the connection
//! closes.

use ferroswitch_tests::{module_file, EslClient, Switch, TestConf};

#[test]
fn exit_closes_with_a_notice() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_event_socket"]);
    let port = conf.event_socket("");
    let _switch = Switch::start(&conf);

    let mut client = EslClient::connect_authed(port, "ClueCon");
    client.send("exit");
    let raw: Vec<String> = client
        .read_until_closed()
        .into_iter()
        .map(|message| message.raw)
        .collect();
    assert_eq!(
        raw,
        vec![
            "Content-Type: command/reply\nReply-Text: +OK bye\n\n".to_owned(),
            "Content-Type: text/disconnect-notice\nContent-Length: 67\n\n\
             Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
                .to_owned(),
        ]
    );
}
