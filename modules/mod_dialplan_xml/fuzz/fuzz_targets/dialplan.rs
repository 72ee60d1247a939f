//! Any text as a dialplan section: compiling never panics, and neither does a hunt through
//! every context it compiled, on a simulated channel.

#![no_main]

use ferroswitch_abi::xml::XmlNode;
use ferroswitch_abi::CallerProfile;
use libfuzzer_sys::fuzz_target;
use mod_dialplan_xml::dialplan::Dialplan;
use mod_dialplan_xml::hunt::{hunt, Clock};
use mod_dialplan_xml::route_test::Simulated;
use mod_dialplan_xml::time::tz::TimeZone;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(section) = XmlNode::parse_str(text, "fuzz.xml") else {
        return;
    };
    let dialplan = Dialplan::compile(&section);
    let system = TimeZone::fixed(3600);
    let zone = |_: &str| None;
    let clock = Clock {
        now: 1_795_449_392,
        system: &system,
        zone: &zone,
    };
    for context in dialplan.contexts() {
        let profile = CallerProfile {
            context: context.name.as_str().into(),
            destination_number: "1234".into(),
            caller_id_number: "1000".into(),
            ..CallerProfile::default()
        };
        let mut channel = Simulated {
            profile: &profile,
            variables: vec![("x".into(), "(".into())],
        };
        let mut trace = Vec::new();
        let _ = hunt(&dialplan, &profile, &mut channel, &clock, Some(&mut trace));
    }
});
