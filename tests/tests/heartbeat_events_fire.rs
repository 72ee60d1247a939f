//! HEARTBEAT events fire at the configured interval, with the core's counters.

use ferroswitch_tests::{wait_until, Recorded, Switch, TestConf};

#[test]
fn heartbeat_fires_every_interval() {
    let conf = TestConf::new().modules(&["mod_fixture_probe"]);
    conf.write(
        "autoload_configs/switch.conf.xml",
        r#"<configuration name="switch.conf"><settings><param name="event-heartbeat-interval" value="1"/></settings></configuration>"#,
    );
    let _switch = Switch::start(&conf);
    wait_until("two HEARTBEAT events", || {
        Recorded::read_all(&conf.event_file())
            .iter()
            .filter(|record| matches!(record, Recorded::Event(event) if event.name == "HEARTBEAT"))
            .count()
            >= 2
    });
}
