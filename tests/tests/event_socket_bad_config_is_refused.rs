//! A value event_socket.conf cannot take stops the module from loading, with the file, the
//! line, the element and the reason in the log.

use ferroswitch_tests::{module_file, wait_until, Switch, TestConf};

#[test]
fn bad_port_names_file_line_and_reason() {
    module_file("mod_event_socket");
    let conf = TestConf::new().modules(&["mod_event_socket"]);
    conf.write(
        "autoload_configs/event_socket.conf.xml",
        "<configuration name=\"event_socket.conf\">\n  <settings>\n    \
         <param name=\"listen-port\" value=\"80211\"/>\n  </settings>\n</configuration>\n",
    );
    let mut switch = Switch::start(&conf);
    wait_until("the refusal to be logged", || {
        conf.log().contains("mod_event_socket failed to load")
    });
    let log = conf.log();
    assert!(
        log.contains(
            "event_socket.conf.xml:3: <param name=\"listen-port\" value=\"80211\"/>: \"80211\" is not a port (1 to 65535)"
        ),
        "{log}"
    );
    assert!(!switch.api("show modules").contains("mod_event_socket"));
}
