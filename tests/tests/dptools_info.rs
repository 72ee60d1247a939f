//! `info` logs the channel's data at INFO: `CHANNEL_DATA:` then one `Name: value` line per
//! header, variables included.

use ferroswitch_tests::{wait_until, Switch, TestConf};

#[test]
fn channel_data_is_logged_at_info() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools"]);
    let mut switch = Switch::start(&conf);
    let a = switch.originate(
        "loopback/^^;answer;set:greeting=hello;info;park/default/inline",
        "&park()",
    );
    let b = switch.far_leg(&a);
    switch.wait_for_application(&b, "park");

    wait_until("the channel data in the log", || {
        let log = conf.log();
        let Some(start) = log.find("[INFO] mod_dptools: CHANNEL_DATA:") else {
            return false;
        };
        let data = &log[start..];
        data.contains(&format!("\nUnique-ID: {b}\n"))
            && data.contains("\nvariable_greeting: hello\n")
    });
}
