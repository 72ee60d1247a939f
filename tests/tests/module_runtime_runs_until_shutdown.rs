//! A module's runtime runs on its own thread from load, and returns once the module's
//! shutdown is called (here by unloading it).

use ferroswitch_tests::{wait_until, Switch, TestConf};

#[test]
fn runtime_starts_after_load_and_stops_at_unload() {
    let conf = TestConf::new().modules(&["mod_fixture_probe"]);
    let mut switch = Switch::start(&conf);
    wait_until("the runtime to start", || {
        conf.log().contains("fixture runtime started")
    });
    assert!(!conf.log().contains("fixture runtime stopped"));
    assert_eq!(switch.api("unload mod_fixture_probe"), "+OK");
    wait_until("the runtime to stop", || {
        conf.log().contains("fixture runtime stopped")
    });
}
