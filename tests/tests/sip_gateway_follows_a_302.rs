//! An outbound leg whose far end answers 302 ACKs it and sends the INVITE again to the
//! Contact; the call is answered there. A Contact given by host name is looked up first
//! (off the SIP driver's task).

use ferroswitch_tests::sip::{
    bridge_out_to, free_sip_port, scenario, start, trusted_profile_with_gateways, Sipp,
};
use ferroswitch_tests::{wait_until, TestConf};

#[test]
fn a_302_is_followed_to_its_contact() {
    follow_a_302_to("127.0.0.1");
}

#[test]
fn a_302_to_a_host_name_is_followed_once_the_name_is_looked_up() {
    follow_a_302_to("localhost");
}

fn follow_a_302_to(redirect_host: &str) {
    let redirecting_port = free_sip_port();
    let target_port = free_sip_port();
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    bridge_out_to(&conf, "sofia/gateway/provider/5551234");
    let port = trusted_profile_with_gateways(
        &conf,
        &format!(
            r#"<gateway name="provider">
  <param name="proxy" value="127.0.0.1:{redirecting_port}"/>
</gateway>"#
        ),
    );
    let mut switch = start(&conf);
    let redirecting = Sipp::uas(
        redirecting_port,
        &[
            "-sf",
            scenario("uas_302.xml").to_str().expect("a UTF-8 path"),
            "-key",
            "redirect_port",
            &target_port.to_string(),
            "-key",
            "redirect_host",
            redirect_host,
        ],
    )
    .spawn();
    let target = Sipp::uas(target_port, &["-sn", "uas"]).spawn();

    let caller = Sipp::uac(port, &["-sn", "uac", "-s", "out"]).run();
    let redirecting = redirecting.wait();
    let target = target.wait();
    assert!(
        caller.success,
        "the call is answered after the redirect: {}",
        caller.report
    );
    assert!(
        redirecting.success,
        "the 302 is ACKed: {}",
        redirecting.report
    );
    assert!(
        target.success,
        "the Contact gets the call: {}",
        target.report
    );
    wait_until("both SIP channels to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
}
