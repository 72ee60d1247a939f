//! Hunts per second on a dialplan of 1,000 extensions, each a regex condition on the
//! destination (issue 4's measure; compiled once, as the module does per configuration).
//! The first, middle and last extension matching bound the cost: a hunt tests every regex
//! before the one that matches.

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use ferroswitch_abi::xml::XmlNode;
use ferroswitch_abi::CallerProfile;
use mod_dialplan_xml::dialplan::Dialplan;
use mod_dialplan_xml::hunt::trace::InlineOutcome;
use mod_dialplan_xml::hunt::{hunt, Channel, Clock};
use mod_dialplan_xml::time::tz::TimeZone;

const EXTENSIONS: usize = 1_000;

/// Extension `n` matches `2<nnn>` followed by two digits, capturing them.
fn dialplan() -> Dialplan {
    let mut text = String::from("<section name=\"dialplan\"><context name=\"default\">");
    for n in 0..EXTENSIONS {
        text.push_str(&format!(
            "<extension name=\"e{n}\"><condition field=\"destination_number\" expression=\"^2{n:03}(\\d\\d)$\">\
             <action application=\"set\" data=\"matched=$1\"/><action application=\"park\"/></condition></extension>"
        ));
    }
    text.push_str("</context></section>");
    let section = XmlNode::parse_str(&text, "bench.xml").expect("the generated dialplan parses");
    Dialplan::compile(&section)
}

#[derive(Default)]
struct Variables(HashMap<String, String>);

impl Channel for Variables {
    fn variable(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
    fn set_variable(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(value) => self.0.insert(name.to_owned(), value.to_owned()),
            None => self.0.remove(name),
        };
    }
    fn unset_variables_with_prefix(&mut self, prefix: &str) {
        self.0.retain(|name, _| !name.starts_with(prefix));
    }
    fn execute_inline(&mut self, _application: &str, _data: &str) -> InlineOutcome {
        InlineOutcome::Ran
    }
}

fn hunts(c: &mut Criterion) {
    let dialplan = dialplan();
    let utc = TimeZone::utc();
    let no_zone = |_: &str| -> Option<Arc<TimeZone>> { None };
    let clock = Clock {
        now: 1_795_000_000,
        system: &utc,
        zone: &no_zone,
    };
    for (label, n) in [
        ("first", 0),
        ("middle", EXTENSIONS / 2),
        ("last", EXTENSIONS - 1),
    ] {
        let profile = CallerProfile {
            destination_number: format!("2{n:03}42").into(),
            context: "default".into(),
            ..CallerProfile::default()
        };
        let found = hunt(&dialplan, &profile, &mut Variables::default(), &clock, None)
            .expect("hunts")
            .expect("matches");
        assert_eq!(
            found.applications[0],
            ("set".to_owned(), "matched=42".to_owned())
        );
        c.bench_function(
            &format!("hunt 1,000 regex extensions, {label} matches"),
            |b| {
                b.iter(|| {
                    hunt(
                        black_box(&dialplan),
                        black_box(&profile),
                        &mut Variables::default(),
                        &clock,
                        None,
                    )
                })
            },
        );
    }
}

criterion_group!(benches, hunts);
criterion_main!(benches);
