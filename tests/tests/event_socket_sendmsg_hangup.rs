//! `sendmsg <uuid>` with `call-command: hangup` hangs the channel up with `hangup-cause`.

use ferroswitch_tests::{module_file, wait_until, EslClient, Switch, TestConf};

const DIAL: &str = "loopback/^^;answer;park/default/inline";

#[test]
fn sendmsg_hangs_up_with_the_cause() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_event_socket"]);
    let port = conf.event_socket("");
    let mut switch = Switch::start(&conf);

    let uuid = switch.originate(DIAL, "&park()");
    let mut client = EslClient::connect_authed(port, "ClueCon");
    client.command("event plain CHANNEL_HANGUP");
    let reply = client.command(&format!(
        "sendmsg {uuid}\ncall-command: hangup\nhangup-cause: USER_BUSY"
    ));
    assert_eq!(reply.header("Reply-Text"), Some("+OK"));
    let hangup = client.next_event("the CHANNEL_HANGUP", |event| {
        event.header("Unique-ID") == Some(uuid.as_str())
    });
    assert_eq!(hangup.header("Hangup-Cause"), Some("USER_BUSY"));
    wait_until("the channel to go", || !switch.has_channel(&uuid));
}
