//! A panicking application hangs up its own call with a cause and an error naming the
//! module; the process and the other calls go on.

use ferroswitch_tests::{wait_until, Recorded, Switch, TestConf};

const PARKED: &str = "loopback/^^;answer;park/default/inline";

#[test]
fn panic_hangs_up_only_the_call_that_ran_it() {
    let conf = TestConf::new().modules(&["mod_loopback", "mod_dptools", "mod_fixture_probe"]);
    let mut switch = Switch::start(&conf);

    let survivor = switch.originate(PARKED, "&park()");
    let victim = switch.originate(PARKED, "&fixture_panic(boom)");

    wait_until("the panicking call to end", || !switch.has_channel(&victim));
    let records = Recorded::read_all(&conf.event_file());
    let hangup = Recorded::events_of(&records, &victim)
        .into_iter()
        .find(|event| event.name == "CHANNEL_HANGUP")
        .expect("the panicking call fired CHANNEL_HANGUP");
    assert_eq!(hangup.cause, "CRASH");

    // The error names the application, the module and the panic (mod_logfile flushes errors
    // at once, but the wait is bounded rather than assumed).
    wait_until("the panic to be logged", || {
        conf.log().lines().any(|line| {
            line.contains("fixture_panic of mod_fixture_probe")
                && line.contains("deliberate fixture panic boom")
        })
    });
    assert!(switch.has_channel(&survivor), "the other call is still up");
    assert!(switch.api("status").contains("is ready"));
    let third = switch.originate(PARKED, "&park()");
    assert!(switch.has_channel(&third), "new calls still work");
}
