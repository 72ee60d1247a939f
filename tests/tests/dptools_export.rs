//! `export` sets a variable on the channel and lists it in `export_vars` (once), so that
//! legs the channel originates inherit it; `nolocal:` keeps it off the channel under its own
//! name.

use ferroswitch_tests::{Switch, TestConf};

#[test]
fn export_sets_the_variable_and_lists_it_once() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools"]);
    let mut switch = Switch::start(&conf);
    let a = switch.originate(
        "loopback/^^;answer;export:greeting=hi;export:nolocal:secret=s3;export:greeting=again;park/default/inline",
        "&park()",
    );
    let b = switch.far_leg(&a);
    switch.wait_for_application(&b, "park");

    assert_eq!(switch.var(&b, "greeting"), "again");
    // Remote only: kept under the prefixed name, for originate to strip.
    assert_eq!(switch.var(&b, "secret"), "_undef_");
    assert_eq!(switch.api(&format!("uuid_getvar {b} nolocal:secret")), "s3");
    assert_eq!(switch.var(&b, "export_vars"), "greeting,nolocal:secret");
}
