//! A registered gateway sends its registrar an unregister (REGISTER with Expires: 0) when
//! the switch shuts down, so the provider stops sending calls to an address nobody serves.

use ferroswitch_tests::sip::{free_sip_port, scenario, sip_profile_with_gateways, start, Sipp};
use ferroswitch_tests::{wait_until, TestConf};

#[test]
fn shutdown_unregisters_a_registered_gateway() {
    let registrar_port = free_sip_port();
    let conf = TestConf::new().modules(&["mod_sip"]);
    let registrar = Sipp::uas(
        registrar_port,
        &[
            "-sf",
            scenario("registrar_then_unregister.xml")
                .to_str()
                .expect("a UTF-8 path"),
        ],
    )
    .spawn();
    sip_profile_with_gateways(
        &conf,
        "",
        &format!(
            r#"<gateway name="provider">
  <param name="username" value="gw-user"/>
  <param name="password" value="secret"/>
  <param name="proxy" value="127.0.0.1:{registrar_port}"/>
  <param name="register" value="true"/>
</gateway>"#
        ),
    );
    let mut switch = start(&conf);
    wait_until("the gateway to be REGED", || {
        switch.api("sofia status gateway").contains("\tREGED\t")
    });
    switch.send("shutdown");
    let status = switch.wait_exit();
    assert!(status.success(), "a clean exit: {status:?}");
    let registrar = registrar.wait();
    assert!(
        registrar.success,
        "the registrar got the unregister: {}\nswitch: {}",
        registrar.report,
        switch.stderr()
    );
}
