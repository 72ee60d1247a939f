//! A call the provider sends to a gateway's registered Contact (`gw+<name>`) is routed to
//! the gateway's `extension` in its `context`, not to the user part of the Request-URI.

use ferroswitch_tests::sip::{free_sip_port, start, trusted_profile_with_gateways, Sipp};
use ferroswitch_tests::TestConf;

#[test]
fn a_call_to_the_gateway_contact_reaches_the_gateway_extension() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[(
        "provider.xml",
        r#"<include>
  <context name="from-provider">
    <extension name="the gateway's extension">
      <condition field="destination_number" expression="^5000$">
        <action application="respond" data="486 Busy Here"/>
      </condition>
    </extension>
  </context>
</include>
"#,
    )]);
    let port = trusted_profile_with_gateways(
        &conf,
        &format!(
            r#"<gateway name="provider">
  <param name="proxy" value="127.0.0.1:{}"/>
  <param name="extension" value="5000"/>
  <param name="context" value="from-provider"/>
</gateway>"#,
            free_sip_port()
        ),
    );
    let mut switch = start(&conf);
    let caller = Sipp::uac_scenario(port, "uac_486.xml", "gw+provider").run();
    assert!(
        caller.success,
        "routed to 5000 in from-provider, which answers 486: {}\nswitch: {}",
        caller.report,
        switch.stderr()
    );
    let details = switch.api("sofia status gateway provider");
    assert!(details.contains("CallsIN \t1"), "{details}");
}
