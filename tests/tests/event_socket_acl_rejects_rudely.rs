//! A client the inbound ACL does not allow reads FreeSWITCH's `text/rude-rejection`, then the
//! disconnect notice, and is disconnected; the refusal is logged.

use ferroswitch_tests::{module_file, wait_until, EslClient, Switch, TestConf};

#[test]
fn refused_clients_are_told_and_closed() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_event_socket"]);
    let port = conf.event_socket(r#"<param name="apply-inbound-acl" value="10.0.0.0/8"/>"#);
    let _switch = Switch::start(&conf);

    let mut client = EslClient::connect(port);
    let raw: Vec<String> = client
        .read_until_closed()
        .into_iter()
        .map(|message| message.raw)
        .collect();
    assert_eq!(
        raw,
        vec![
            "Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n"
                .to_owned(),
            "Content-Type: text/disconnect-notice\nContent-Length: 67\n\n\
             Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
                .to_owned(),
        ]
    );
    wait_until("the refusal in the log", || {
        conf.log()
            .contains("IP 127.0.0.1 Rejected by acl \"10.0.0.0/8\"")
    });
}
