//! A gateway with `register=true` registers at its provider (sipp as a registrar that
//! challenges with 401 and checks the digest with verifyauth), reaches REGED with the
//! expiry the registrar granted, shows so in `sofia status`, `sofia status gateway` and
//! `sofia status gateway <name>`, and fires `CUSTOM sofia::gateway_state` on the way.

use ferroswitch_tests::sip::{free_sip_port, sip_profile_with_gateways, start, Sipp};
use ferroswitch_tests::{module_file, wait_until, EslClient, TestConf};

#[test]
fn a_challenged_registration_reaches_reged() {
    module_file("mod_event_socket");
    let registrar_port = free_sip_port();
    let conf = TestConf::new().modules(&["mod_sip", "mod_event_socket"]);
    let esl_port = conf.event_socket("");
    registering_gateway(
        &conf,
        "provider",
        &format!("127.0.0.1:{registrar_port}"),
        r#"<param name="expire-seconds" value="3600"/>"#,
    );
    let mut switch = start(&conf);
    let mut events = EslClient::connect_authed(esl_port, "ClueCon");
    events.command("event plain CUSTOM sofia::gateway_state");

    // The first REGISTER went out at load; its retransmissions reach the registrar once it
    // listens.
    run_challenging_registrar(registrar_port, "the registrar accepts the digest");

    let reged = events.next_event("sofia::gateway_state REGED", |event| {
        event.header("Event-Subclass") == Some("sofia::gateway_state")
            && event.header("State") == Some("REGED")
    });
    assert_eq!(reged.header("Gateway"), Some("provider"));
    assert_eq!(reged.header("Ping-Status"), Some("UP"));

    wait_until("the gateway to be REGED", || {
        switch.api("sofia status gateway").contains("REGED")
    });
    let table = switch.api("sofia status gateway");
    let row = table
        .lines()
        .find(|line| line.contains("test::provider"))
        .unwrap_or_else(|| panic!("a row for test::provider: {table}"));
    assert!(row.contains("sip:gw-user@far.example"), "{row}");
    assert!(row.contains("\tREGED\t"), "{row}");
    assert!(
        table.ends_with("1 gateway: Inbound(Failed/Total): 0/0,Outbound(Failed/Total):0/0"),
        "{table}"
    );

    let details = switch.api("sofia status gateway provider");
    for expected in [
        "Name    \tprovider",
        "Profile \ttest",
        "Realm   \tfar.example",
        "Username\tgw-user",
        "Password\tyes",
        "Expires \t3600",
        "Freq    \t600",
        "State   \tREGED",
        "Status  \tUP",
    ] {
        assert!(details.contains(expected), "{expected:?} in {details}");
    }
    assert!(
        details.contains(";gw=provider>"),
        "the registered Contact names the gateway: {details}"
    );
    let status = switch.api("sofia status");
    assert!(
        status.lines().any(|line| line.contains("test::provider")
            && line.contains("gateway")
            && line.ends_with("REGED")),
        "{status}"
    );
    assert!(
        switch
            .api("sofia status gateway nosuch")
            .contains("Invalid Gateway"),
        "an unknown gateway is named as such"
    );
}

/// A register-proxy given by host name is looked up (on a pool thread, not the driver's
/// task) and the REGISTER waiting for it goes out.
#[test]
fn a_registrar_named_by_host_name_is_looked_up() {
    let registrar_port = free_sip_port();
    let conf = TestConf::new().modules(&["mod_sip"]);
    registering_gateway(&conf, "named", &format!("localhost:{registrar_port}"), "");
    let mut switch = start(&conf);
    run_challenging_registrar(registrar_port, "the REGISTER reached localhost");
    wait_until("the gateway to be REGED", || {
        switch.api("sofia status gateway named").contains("REGED")
    });
}

/// A profile with one gateway `name` registering as gw-user/secret in realm far.example at
/// `proxy`, plus `extra` parameters.
fn registering_gateway(conf: &TestConf, name: &str, proxy: &str, extra: &str) {
    sip_profile_with_gateways(
        conf,
        "",
        &format!(
            r#"<gateway name="{name}">
  <param name="username" value="gw-user"/>
  <param name="password" value="secret"/>
  <param name="realm" value="far.example"/>
  <param name="proxy" value="{proxy}"/>
  <param name="register" value="true"/>
  {extra}
</gateway>"#
        ),
    );
}

/// sipp as a registrar on `port` that challenges once and checks the digest; asserts it
/// accepted.
fn run_challenging_registrar(port: u16, what: &str) {
    let registrar = Sipp::uas(
        port,
        &[
            "-sf",
            ferroswitch_tests::sip::scenario("registrar_challenge.xml")
                .to_str()
                .expect("a UTF-8 path"),
        ],
    )
    .run();
    assert!(registrar.success, "{what}: {}", registrar.report);
}
