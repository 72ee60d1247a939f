//! The dialplan shipped in `conf/dialplan` compiles, and its 9196 answers and parks a call.

use std::path::Path;

use ferroswitch_tests::{Switch, TestConf};

#[test]
fn the_shipped_default_context_answers_9196() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dialplan_xml", "mod_dptools"]);
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../conf/dialplan");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&shipped).expect("conf/dialplan exists") {
        let path = entry.expect("a directory entry").path();
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .expect("a UTF-8 file name")
            .to_owned();
        files.push((name, std::fs::read_to_string(&path).expect("readable")));
    }
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    conf.dialplan(&borrowed);
    let mut switch = Switch::start(&conf);

    let output = switch.api("route_test default 9196");
    assert!(
        output.ends_with(
            "result: extension echo, number 9196, 2 application(s)\n  1. answer\n  2. park"
        ),
        "{output}"
    );
    let output = switch.api("route_test public 9196");
    assert!(
        output.ends_with("result: no route (NO_ROUTE_DESTINATION)"),
        "{output}"
    );

    let a = switch.originate("loopback/9196/default/XML", "&park()");
    let b = switch.api(&format!("uuid_getvar {a} other_loopback_leg_uuid"));
    switch.wait_for_application(&b, "park");
    assert!(
        !conf.log().contains("dialplan:"),
        "no warnings: {}",
        conf.log()
    );
}
