//! A value a SIP profile cannot take stops mod_sip from loading, with the file, the line, the
//! element and the reason in the log; so does a port another program holds.

use ferroswitch_tests::sip::sip_profile_at;
use ferroswitch_tests::{module_file, wait_until, Switch, TestConf};

#[test]
fn a_bad_value_names_file_line_and_reason() {
    module_file("mod_sip");
    let conf = TestConf::new().modules(&["mod_sip"]);
    conf.write(
        "autoload_configs/sip.conf.xml",
        "<configuration name=\"sip.conf\">\n  <profiles>\n    <profile name=\"internal\">\n      \
         <settings>\n        <param name=\"sip-ip\" value=\"127.0.0.1\"/>\n        \
         <param name=\"codec-prefs\" value=\",,\"/>\n      </settings>\n    </profile>\n  \
         </profiles>\n</configuration>\n",
    );
    let mut switch = Switch::start(&conf);
    wait_until("the refusal to be logged", || {
        conf.log().contains("mod_sip failed to load")
    });
    let log = conf.log();
    assert!(
        log.contains("sip.conf.xml:6: <param name=\"codec-prefs\" value=\",,\"/>: no codec named"),
        "{log}"
    );
    assert!(!switch.api("show modules").contains("mod_sip"));
}

#[test]
fn a_port_in_use_names_the_profile_and_the_address() {
    let conf = TestConf::new().modules(&["mod_sip"]);
    // The kernel picks a port and it stays held: no other test can take it in between.
    let holder = std::net::UdpSocket::bind(("127.0.0.1", 0)).expect("a free loopback port");
    let port = holder.local_addr().expect("a bound socket").port();
    sip_profile_at(&conf, port, "", "");
    let _switch = Switch::start(&conf);
    wait_until("the refusal to be logged", || {
        conf.log().contains("mod_sip failed to load")
    });
    let log = conf.log();
    assert!(
        log.contains(&format!(
            "sofia profile test: cannot listen on udp 127.0.0.1:{port}"
        )),
        "{log}"
    );
}
