//! The product's point: two phones register, and one calls the other by extension. The
//! caller's INVITE is challenged (407) and, once authenticated, routed in the user's
//! `user_context` (the public context has no route); the dialplan bridges `user/1001`, whose
//! directory dial-string asks `sofia_contact` for the registered contact, which answers.

use ferroswitch_tests::sip::{free_sip_port, scenario, sip_profile, start, Sipp};
use ferroswitch_tests::{wait_until, TestConf};

const DIRECTORY: &str = r#"<include>
  <domain name="example.org">
    <params>
      <param name="dial-string" value="${sofia_contact(*/${dialed_user}@${dialed_domain})}"/>
    </params>
    <users>
      <user id="1000">
        <params><param name="password" value="1234"/></params>
        <variables><variable name="user_context" value="default"/></variables>
      </user>
      <user id="1001">
        <params><param name="password" value="1234"/></params>
        <variables><variable name="user_context" value="default"/></variables>
      </user>
    </users>
  </domain>
</include>
"#;

const DIALPLAN: &str = r#"<include>
  <context name="public"/>
  <context name="default">
    <extension name="local">
      <condition field="destination_number" expression="^(10[01][0-9])$">
        <action application="bridge" data="user/$1@example.org"/>
      </condition>
    </extension>
  </context>
</include>
"#;

#[test]
fn a_registered_phone_reaches_another_by_extension() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[("contexts.xml", DIALPLAN)]);
    conf.directory(&[("example.xml", DIRECTORY)]);
    let port = sip_profile(&conf, "");
    let mut switch = start(&conf);

    let phone_1001 = free_sip_port().to_string();
    let register = scenario("register.xml");
    let registered = Sipp::uac(
        port,
        &[
            "-sf",
            register.to_str().expect("a UTF-8 path"),
            "-p",
            &phone_1001,
            "-s",
            "1001",
            "-au",
            "1001",
            "-ap",
            "1234",
            "-key",
            "expires",
            "300",
        ],
    )
    .run();
    assert!(registered.success, "1001 registers: {}", registered.report);
    let phone = Sipp::uas(phone_1001.parse().expect("a port"), &["-sn", "uas"]).spawn();

    let call = scenario("uac_auth.xml");
    let caller = Sipp::uac(
        port,
        &[
            "-sf",
            call.to_str().expect("a UTF-8 path"),
            "-s",
            "1001",
            "-key",
            "caller",
            "1000",
            "-au",
            "1000",
            "-ap",
            "1234",
        ],
    )
    .run();
    let callee = phone.wait();
    assert!(caller.success, "1000's call completes: {}", caller.report);
    assert!(
        callee.success,
        "1001's phone rings, answers and gets BYE: {}",
        callee.report
    );
    wait_until("both SIP channels to go away", || {
        !switch.api("show channels").contains("sofia/")
    });
}
