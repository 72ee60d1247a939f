//! A gateway with `ping` sends its proxy an OPTIONS every interval. A 503 (or no answer)
//! takes it DOWN, so calls through it fail with GATEWAY_DOWN; the next answered ping brings
//! it back UP. `sofia status gateway <name>` shows the pinging (`PingFreq`, `PingState`).
//! mod_sofia allows no interval under 5 s, so this test takes two of them.

use ferroswitch_tests::sip::{
    free_sip_port, scenario, sip_profile_with_gateways, start, trusted_profile_with_gateways, Sipp,
};
use ferroswitch_tests::{wait_until, Switch, TestConf};

/// The provider at `port` answering the next ping with `status`, then gone. sipp reads a
/// response's code when it loads the scenario, so the code is written into a copy of it.
fn answer_one_ping(port: u16, status: &str) {
    let template =
        std::fs::read_to_string(scenario("uas_answers_a_ping.xml")).expect("the scenario file");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("answers_a_ping.xml");
    std::fs::write(&file, template.replace("[status]", status)).expect("the scenario copy");
    let provider = Sipp::uas(port, &["-sf", file.to_str().expect("a UTF-8 path")]).run();
    assert!(provider.success, "a ping came: {}", provider.report);
}

fn details(switch: &mut Switch) -> String {
    switch.api("sofia status gateway pinged")
}

#[test]
fn a_refused_ping_takes_the_gateway_down_and_an_answered_one_up() {
    let provider = free_sip_port();
    let conf = TestConf::new().modules(&["mod_dptools", "mod_sip"]);
    let _port = trusted_profile_with_gateways(
        &conf,
        &format!(
            r#"<gateway name="pinged">
  <param name="proxy" value="127.0.0.1:{provider}"/>
  <param name="ping" value="5"/>
</gateway>"#
        ),
    );
    let mut switch = start(&conf);
    let before = details(&mut switch);
    assert!(before.contains("Status  \tUP"), "{before}");
    assert!(before.contains("PingFreq\t5"), "{before}");
    assert!(before.contains("PingState\t1/0/1"), "{before}");

    answer_one_ping(provider, "503");
    wait_until("the gateway to go down", || {
        details(&mut switch).contains("Status  \tDOWN")
    });
    assert_eq!(
        switch.api("originate sofia/gateway/pinged/1000 &park()"),
        "-ERR GATEWAY_DOWN"
    );

    answer_one_ping(provider, "200");
    wait_until("the gateway to come back up", || {
        details(&mut switch).contains("Status  \tUP")
    });
    assert!(details(&mut switch).contains("PingState\t1/1/1"));
}

#[test]
fn an_unanswered_ping_takes_the_gateway_down() {
    let nobody = free_sip_port();
    let conf = TestConf::new().modules(&["mod_dptools", "mod_sip"]);
    // A short T1, so the unanswered OPTIONS gives up after 64 × 50 ms.
    sip_profile_with_gateways(
        &conf,
        r#"<param name="apply-inbound-acl" value="loopback.auto"/>
<param name="timer-T1" value="50"/>"#,
        &format!(
            r#"<gateway name="pinged">
  <param name="proxy" value="127.0.0.1:{nobody}"/>
  <param name="ping" value="5"/>
</gateway>"#
        ),
    );
    let mut switch = start(&conf);
    wait_until("the ping to go unanswered", || {
        details(&mut switch).contains("Status  \tDOWN")
    });
    wait_until("the change to be logged", || {
        conf.log()
            .contains("gateway pinged is down: its ping got no answer")
    });
}
