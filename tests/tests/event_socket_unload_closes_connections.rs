//! Unloading mod_event_socket tells every client the system is shutting down, closes the
//! connections and the listening socket; loading it again listens again.

use std::net::TcpStream;

use ferroswitch_tests::{module_file, wait_until, EslClient, Switch, TestConf};

#[test]
fn unload_says_goodbye_and_stops_listening() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_event_socket"]);
    let port = conf.event_socket("");
    let mut switch = Switch::start(&conf);

    let mut client = EslClient::connect_authed(port, "ClueCon");
    assert_eq!(switch.api("unload mod_event_socket"), "+OK");
    let messages = client.read_until_closed();
    let notice = messages.last().expect("a notice");
    assert_eq!(
        notice.raw,
        "Content-Type: text/disconnect-notice\nContent-Length: 31\n\nThe system is being shut down.\n"
    );
    wait_until("the port to close", || {
        TcpStream::connect(("127.0.0.1", port)).is_err()
    });

    assert_eq!(switch.api("load mod_event_socket"), "+OK");
    let mut again = EslClient::connect_authed(port, "ClueCon");
    assert!(again.command("api status").body.starts_with("UP "));
}
