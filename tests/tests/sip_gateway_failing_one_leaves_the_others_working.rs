//! A gateway whose registrar refuses (403) waits in FAIL_WAIT and refuses calls with
//! GATEWAY_DOWN, an unknown gateway fails with INVALID_GATEWAY, and meanwhile calls through
//! another gateway of the same profile go through.

use ferroswitch_tests::sip::{
    bridge_out_to, free_sip_port, scenario, start, trusted_profile_with_gateways, Sipp,
};
use ferroswitch_tests::{wait_until, TestConf};

#[test]
fn one_failed_gateway_does_not_affect_the_other() {
    let registrar_port = free_sip_port();
    let provider_port = free_sip_port();
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    bridge_out_to(&conf, "sofia/gateway/working/1000");
    // The refusing registrar listens before the switch starts, so the first REGISTER fails.
    let refusing = Sipp::uas(
        registrar_port,
        &[
            "-sf",
            scenario("registrar_refuses.xml")
                .to_str()
                .expect("a UTF-8 path"),
        ],
    )
    .spawn();
    let port = trusted_profile_with_gateways(
        &conf,
        &format!(
            r#"<gateway name="broken">
  <param name="username" value="nobody"/>
  <param name="password" value="wrong"/>
  <param name="proxy" value="127.0.0.1:{registrar_port}"/>
  <param name="register" value="true"/>
  <param name="retry-seconds" value="60"/>
</gateway>
<gateway name="working">
  <param name="proxy" value="127.0.0.1:{provider_port}"/>
</gateway>"#
        ),
    );
    let mut switch = start(&conf);
    let refusing = refusing.wait();
    assert!(refusing.success, "the REGISTER came: {}", refusing.report);
    wait_until("the broken gateway to wait in FAIL_WAIT", || {
        switch.api("sofia status gateway").contains("FAIL_WAIT")
    });
    let table = switch.api("sofia status gateway");
    let broken = table
        .lines()
        .find(|line| line.contains("test::broken"))
        .unwrap_or_else(|| panic!("a row for the broken gateway: {table}"));
    assert!(
        broken.contains("FAIL_WAIT") && broken.contains("(retry: "),
        "{broken}"
    );
    assert!(
        switch
            .api("sofia status gateway broken")
            .contains("Status  \tDOWN"),
        "a failed registration takes the gateway down"
    );

    assert_eq!(
        switch.api("originate sofia/gateway/broken/1000 &park()"),
        "-ERR GATEWAY_DOWN"
    );
    assert_eq!(
        switch.api("originate sofia/gateway/nosuch/1000 &park()"),
        "-ERR INVALID_GATEWAY"
    );
    wait_until("the unknown gateway to be named in the log", || {
        conf.log().contains("Invalid Gateway 'nosuch'")
    });

    let provider = Sipp::uas(provider_port, &["-sn", "uas"]).spawn();
    let caller = Sipp::uac(port, &["-sn", "uac", "-s", "out"]).run();
    let provider = provider.wait();
    assert!(
        caller.success,
        "the call through the working gateway goes through: {}",
        caller.report
    );
    assert!(provider.success, "{}", provider.report);
    assert!(
        switch.api("sofia status gateway").contains("FAIL_WAIT"),
        "the broken gateway still waits"
    );
}
