//! REGISTER with digest authentication against the directory: the right password gets
//! 200 and a binding that `sofia status profile <name> reg` lists and `sofia_contact` turns
//! into a dial string; a wrong password gets 403 and no binding; Expires: 0 removes it.

use ferroswitch_tests::sip::{free_sip_port, scenario, sip_profile, start, Sipp, SippResult};
use ferroswitch_tests::TestConf;

const DIRECTORY: &str = r#"<include>
  <domain name="example.org">
    <users>
      <user id="1000">
        <params><param name="password" value="1234"/></params>
        <variables><variable name="user_context" value="default"/></variables>
      </user>
    </users>
  </domain>
</include>
"#;

/// Registers from local port `phone` (the Contact), so a later un-REGISTER names the same
/// contact.
fn register(port: u16, phone: u16, password: &str, expires: &str, file: &str) -> SippResult {
    let scenario = scenario(file);
    let phone = phone.to_string();
    Sipp::uac(
        port,
        &[
            "-p",
            &phone,
            "-sf",
            scenario.to_str().expect("a UTF-8 path"),
            "-s",
            "1000",
            "-au",
            "1000",
            "-ap",
            password,
            "-key",
            "expires",
            expires,
        ],
    )
    .run()
}

#[test]
fn the_right_password_registers_and_a_wrong_one_is_refused() {
    let conf = TestConf::new().modules(&["mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[]);
    conf.directory(&[("example.xml", DIRECTORY)]);
    let port = sip_profile(&conf, "");
    let mut switch = start(&conf);
    let phone = free_sip_port();

    let refused = register(port, phone, "wrong", "300", "register_refused.xml");
    assert!(
        refused.success,
        "a wrong password must get 403: {}",
        refused.report
    );
    assert_eq!(
        switch.api("sofia_contact */1000@example.org"),
        "error/user_not_registered"
    );

    let registered = register(port, phone, "1234", "300", "register.xml");
    assert!(
        registered.success,
        "the right password must get 200: {}",
        registered.report
    );
    let contact = switch.api("sofia_contact */1000@example.org");
    assert!(
        contact.starts_with("sofia/test/sip:1000@127.0.0.1:"),
        "sofia_contact gives the registered contact: {contact}"
    );
    let listing = switch.api("sofia status profile test reg");
    assert!(
        listing.contains("User:       \t1000@example.org"),
        "{listing}"
    );
    assert!(listing.contains("Total items returned: 1"), "{listing}");
    let status = switch.api("sofia status");
    assert!(
        status.contains("test") && status.contains("RUNNING"),
        "{status}"
    );

    let unregistered = register(port, phone, "1234", "0", "register.xml");
    assert!(
        unregistered.success,
        "un-REGISTER must get 200: {}",
        unregistered.report
    );
    assert_eq!(
        switch.api("sofia_contact */1000@example.org"),
        "error/user_not_registered"
    );
}
