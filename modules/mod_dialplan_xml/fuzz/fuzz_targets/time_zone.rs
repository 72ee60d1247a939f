//! Any bytes as a TZif file or a POSIX TZ string: reading never panics, and neither does
//! asking the zone for the time at extreme instants.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mod_dialplan_xml::time::tz::TimeZone;

fuzz_target!(|data: &[u8]| {
    let zones = [
        TimeZone::from_tzif(data).ok(),
        std::str::from_utf8(data)
            .ok()
            .and_then(|text| TimeZone::from_posix(text).ok()),
    ];
    for zone in zones.into_iter().flatten() {
        for instant in [i64::MIN / 4, -1, 0, 1_795_449_392, i64::MAX / 4] {
            let _ = zone.local_time(instant);
            let _ = zone.to_utc(instant);
        }
    }
});
