//! A broken configuration names its file, line and reason: at start-up the switch refuses to
//! start; at `reloadxml` the running configuration stays in force.

use std::process::Command;

use ferroswitch_tests::{build_dir, Switch, TestConf};

#[test]
fn start_up_with_a_broken_file_fails_naming_file_and_line() {
    let conf = TestConf::new();
    conf.write_modules();
    conf.write("autoload_configs/broken.conf.xml", "<configuration name=\"broken.conf\">\n  <settings>\n    <param name=\"a\" value=\"1\">\n  </settings>\n</configuration>\n");
    let output = Command::new(build_dir().join("ferroswitch"))
        .arg("--conf")
        .arg(conf.path())
        .output()
        .expect("ferroswitch runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("broken.conf.xml:4:"),
        "file and line of the mismatched tag: {stderr}"
    );
    assert!(
        stderr.contains("</settings>"),
        "the reason names the tag: {stderr}"
    );
}

#[test]
fn reloadxml_keeps_the_running_tree_when_the_new_one_is_broken() {
    let conf = TestConf::new();
    conf.write(
        "autoload_configs/marker.xml",
        "<include>\n  <X-PRE-PROCESS cmd=\"set\" data=\"test_marker=one\"/>\n</include>\n",
    );
    let mut switch = Switch::start(&conf);
    assert_eq!(switch.api("global_getvar test_marker"), "one");

    conf.write("autoload_configs/marker.xml", "<include>\n  <X-PRE-PROCESS cmd=\"set\" data=\"test_marker=two\"/>\n  <oops>\n</include>\n");
    let refused = switch.api("reloadxml");
    assert!(refused.starts_with("-ERR"), "{refused}");
    assert!(
        refused.contains("marker.xml:4:"),
        "names the file and line: {refused}"
    );
    assert_eq!(
        switch.api("global_getvar test_marker"),
        "one",
        "the old tree stays in force"
    );

    conf.write(
        "autoload_configs/marker.xml",
        "<include>\n  <X-PRE-PROCESS cmd=\"set\" data=\"test_marker=two\"/>\n</include>\n",
    );
    assert_eq!(switch.api("reloadxml"), "+OK [Success]");
    assert_eq!(switch.api("global_getvar test_marker"), "two");
}
