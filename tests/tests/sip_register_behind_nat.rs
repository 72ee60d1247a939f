//! A phone behind NAT registers (with digest) a Contact naming its private address, which is
//! not where its packets come from. The switch shows it as FreeSWITCH does: the Contact
//! gains `fs_nat=yes` and an `fs_path` (URL-encoded) to the address the REGISTER came from,
//! the status says `Registered(UDP-NAT)`, and `sofia_contact` dials through that path. A call
//! to `user/1000` then reaches the phone at that address, with the private Contact as its
//! Request-URI, and the ACK and BYE follow the same path although the phone's 200 names the
//! private address again.

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
      </user>
    </users>
  </domain>
</include>
"#;

#[test]
fn a_natted_registration_is_dialled_where_it_came_from() {
    let conf =
        TestConf::new().modules(&["mod_commands", "mod_dialplan_xml", "mod_dptools", "mod_sip"]);
    conf.dialplan(&[]);
    conf.directory(&[("example.xml", DIRECTORY)]);
    let port = sip_profile(&conf, "");
    let mut switch = start(&conf);

    let phone = free_sip_port();
    let register = scenario("register_behind_nat.xml");
    let registered = Sipp::uac(
        port,
        &[
            "-sf",
            register.to_str().expect("a UTF-8 path"),
            "-p",
            &phone.to_string(),
            "-s",
            "1000",
            "-au",
            "1000",
            "-ap",
            "1234",
            "-key",
            "expires",
            "300",
        ],
    )
    .run();
    assert!(
        registered.success,
        "the phone behind NAT registers and the 200 finds it: {}",
        registered.report
    );

    let path = format!("fs_path=sip%3A1000%40127.0.0.1%3A{phone}");
    let contact = format!("sip:1000@192.168.1.50:5060;fs_nat=yes;{path}");
    assert_eq!(
        switch.api("sofia_contact */1000@example.org"),
        format!("sofia/test/{contact}")
    );
    let listing = switch.api("sofia status profile test reg");
    for line in [
        format!("Contact:    \t\"\" <{contact}>"),
        "Status:     \tRegistered(UDP-NAT)".to_owned(),
        "IP:         \t127.0.0.1".to_owned(),
        format!("Port:       \t{phone}"),
        "Total items returned: 1".to_owned(),
    ] {
        assert!(listing.contains(&line), "`{line}` missing from:\n{listing}");
    }

    let uas = scenario("uas_behind_nat.xml");
    let answering = Sipp::uas(phone, &["-sf", uas.to_str().expect("a UTF-8 path")]).spawn();
    let output = switch.api("originate user/1000@example.org &park()");
    let uuid = output
        .strip_prefix("+OK ")
        .map(|uuid| uuid.trim().to_owned())
        .unwrap_or_else(|| panic!("the call to user/1000 is answered: {output}"));
    assert_eq!(switch.api(&format!("uuid_kill {uuid}")), "+OK");
    let answered = answering.wait();
    assert!(
        answered.success,
        "the phone gets the INVITE, ACK and BYE at the address it registered from: {}",
        answered.report
    );
    wait_until("the call to go away", || !switch.has_channel(&uuid));
}
