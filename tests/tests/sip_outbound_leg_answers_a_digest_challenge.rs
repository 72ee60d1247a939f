//! An outbound leg whose far end challenges (401) answers with the leg's
//! `sip_auth_username` / `sip_auth_password`, and the call goes through; the gateway (sipp)
//! verifies the digest itself.

use ferroswitch_tests::sip::{
    bridge_out_to, free_sip_port, scenario, start, trusted_profile, Sipp,
};
use ferroswitch_tests::{wait_until, TestConf};

#[test]
fn a_challenged_outbound_invite_is_sent_again_with_credentials() {
    let gateway_port = free_sip_port();
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    bridge_out_to(
        &conf,
        &format!("{{sip_auth_username=gw-user,sip_auth_password=secret}}sofia/test/gw@127.0.0.1:{gateway_port}"),
    );
    let port = trusted_profile(&conf);
    let mut switch = start(&conf);
    let challenging = scenario("uas_challenge.xml");
    let gateway = Sipp::uas(
        gateway_port,
        &["-sf", challenging.to_str().expect("a UTF-8 path")],
    )
    .spawn();

    let caller = Sipp::uac(port, &["-sn", "uac", "-s", "out"]).run();
    let gateway = gateway.wait();
    assert!(caller.success, "the call goes through: {}", caller.report);
    assert!(
        gateway.success,
        "the gateway accepts the digest: {}",
        gateway.report
    );
    wait_until("both SIP channels to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
}
