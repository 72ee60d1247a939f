use super::*;
use ferroswitch_abi::xml::XmlNode;

fn spec(attributes: &str) -> TimeSpec {
    let node =
        XmlNode::parse_str(&format!("<condition {attributes}/>"), "test.xml").expect("well-formed");
    TimeSpec::from_node(&node)
        .expect("valid")
        .expect("has time attributes")
}

fn error(attributes: &str) -> String {
    let node =
        XmlNode::parse_str(&format!("<condition {attributes}/>"), "test.xml").expect("well-formed");
    TimeSpec::from_node(&node)
        .expect_err(attributes)
        .to_string()
}

/// `now` at a UTC wall-clock time, in a zone `offset` hours east of UTC.
fn at(system: &TimeZone, year: i64, month: u32, day: u32, hour: u32, minute: u32) -> Now<'_> {
    let utc = seconds_from_civil(year, month, day, hour, minute, 0);
    let (local, kind) = system.local_time(utc);
    Now {
        utc,
        local,
        offset_hours: kind.utc_offset / 3600,
        system_dst: kind.is_dst,
        system,
    }
}

#[test]
fn no_time_attributes_is_none() {
    let node = XmlNode::parse_str(r#"<condition field="x" expression="y"/>"#, "t.xml")
        .expect("well-formed");
    assert_eq!(TimeSpec::from_node(&node), Ok(None));
}

#[test]
fn calendar_fields() {
    let utc = TimeZone::utc();
    // Monday 23 November 2026, 15:56.
    let now = at(&utc, 2026, 11, 23, 15, 56);
    for (attributes, expected) in [
        (r#"year="2026""#, true),
        (r#"year="2025,2027""#, false),
        (r#"yday="327""#, true),
        (r#"mon="11""#, true),
        (r#"mon="10-2""#, true),
        (r#"mon="12-2""#, false),
        (r#"mday="20-25""#, true),
        (r#"week="47""#, true),
        (r#"mweek="4""#, true),
        (r#"wday="2""#, true),
        (r#"wday="mon-fri""#, true),
        (r#"wday="sat,sun""#, false),
        (r#"wday="Monday""#, true),
        (r#"hour="9-17""#, true),
        (r#"hour="18-8""#, false),
        (r#"minute="56""#, true),
        (r#"minute-of-day="957""#, true),
        (r#"time-of-day="08:00-15:56""#, true),
        (r#"time-of-day="08:00-15:55:59""#, false),
        (r#"time-of-day="08:00-12:00,13:00-17:00""#, true),
        (r#"time-of-day="22:00-07:00""#, false),
        (r#"wday="2" hour="16-17""#, false),
        (r#"wday="2" hour="15""#, true),
    ] {
        assert_eq!(spec(attributes).matches(&now), expected, "{attributes}");
    }
}

#[test]
fn minute_of_day_counts_midnight_as_one() {
    let utc = TimeZone::utc();
    assert!(spec(r#"minute-of-day="1""#).matches(&at(&utc, 2026, 1, 1, 0, 0)));
    assert!(spec(r#"minute-of-day="1440""#).matches(&at(&utc, 2026, 1, 1, 23, 59)));
}

#[test]
fn wrapping_time_of_day_spans_midnight() {
    let utc = TimeZone::utc();
    let night = spec(r#"time-of-day="17:00:00-07:00:00""#);
    assert!(night.matches(&at(&utc, 2026, 1, 1, 23, 0)));
    assert!(night.matches(&at(&utc, 2026, 1, 2, 6, 59)));
    assert!(!night.matches(&at(&utc, 2026, 1, 2, 12, 0)));
}

#[test]
fn week_of_month_starts_on_sunday() {
    let utc = TimeZone::utc();
    // November 2026 starts on a Sunday: the 1st-7th are week 1, the 29th-30th week 5.
    assert!(spec(r#"mweek="1""#).matches(&at(&utc, 2026, 11, 7, 12, 0)));
    assert!(spec(r#"mweek="2""#).matches(&at(&utc, 2026, 11, 8, 12, 0)));
    assert!(spec(r#"mweek="5""#).matches(&at(&utc, 2026, 11, 30, 12, 0)));
    // May 2026 starts on a Friday: the 1st-2nd are week 1, the 31st (a Sunday) week 6.
    assert!(spec(r#"mweek="1""#).matches(&at(&utc, 2026, 5, 2, 12, 0)));
    assert!(spec(r#"mweek="2""#).matches(&at(&utc, 2026, 5, 3, 12, 0)));
    assert!(spec(r#"mweek="6""#).matches(&at(&utc, 2026, 5, 31, 12, 0)));
}

#[test]
fn date_time_ranges_exclude_their_end() {
    let utc = TimeZone::utc();
    let holiday =
        spec(r#"date-time="2026-12-24 18:00~2026-12-26 08:00,2026-12-31~2027-01-01 12:00:30""#);
    assert!(holiday.matches(&at(&utc, 2026, 12, 25, 9, 0)));
    assert!(!holiday.matches(&at(&utc, 2026, 12, 26, 8, 0)));
    assert!(holiday.matches(&at(&utc, 2026, 12, 31, 0, 0)));
    assert!(!holiday.matches(&at(&utc, 2026, 12, 30, 0, 0)));
    assert!(
        spec(r#"date-time="20261225000000~20261226000000""#).matches(&at(&utc, 2026, 12, 25, 9, 0))
    );
}

#[test]
fn date_time_is_read_in_the_system_zone() {
    let new_york = TimeZone::from_posix("EST5EDT,M3.2.0,M11.1.0").expect("parses");
    let range = spec(r#"date-time="2026-07-04 09:00~2026-07-04 10:00""#);
    // 09:30 in New York in July is 13:30 UTC.
    assert!(range.matches(&at(&new_york, 2026, 7, 4, 13, 30)));
    assert!(!range.matches(&at(&new_york, 2026, 7, 4, 9, 30)));
}

#[test]
fn local_fields_follow_the_zone() {
    let tokyo = TimeZone::fixed(9 * 3600);
    // 20:00 UTC on Monday is 05:00 on Tuesday in Tokyo.
    let now = at(&tokyo, 2026, 11, 23, 20, 0);
    assert!(spec(r#"wday="tue" hour="5""#).matches(&now));
    assert!(spec(r#"tz-offset="9""#).matches(&now));
    assert!(!spec(r#"tz-offset="-5""#).matches(&now));
}

#[test]
fn dst_compares_the_system_zone() {
    let new_york = TimeZone::from_posix("EST5EDT,M3.2.0,M11.1.0").expect("parses");
    assert!(spec(r#"dst="true""#).matches(&at(&new_york, 2026, 7, 1, 12, 0)));
    assert!(spec(r#"dst="false""#).matches(&at(&new_york, 2026, 1, 1, 12, 0)));
    assert!(!spec(r#"dst="true""#).matches(&at(&new_york, 2026, 1, 1, 12, 0)));
}

#[test]
fn malformed_values_are_errors_naming_the_attribute() {
    for (attributes, expected) in [
        (
            r#"hour="9-17h""#,
            "hour: \"9-17h\" is not a number or a range",
        ),
        (r#"hour="24""#, "numbers from 0 to 23"),
        (r#"mon="""#, "mon: \"\" is not"),
        (r#"wday="mon, tu""#, "wday: \"tu\" is not a day"),
        (r#"wday="8""#, "wday"),
        (
            r#"time-of-day="8-17""#,
            "time-of-day: \"8-17\" is not a range",
        ),
        (r#"date-time="2026-12-24 18:00-2026-12-26""#, "note the ~"),
        (r#"date-time="2026-02-30~2026-03-01""#, "date-time"),
        (r#"tz-offset="EST""#, "whole number of hours"),
        (r#"dst="maybe""#, "not a boolean"),
    ] {
        let message = error(attributes);
        assert!(message.contains(expected), "{attributes}: {message}");
        assert!(message.starts_with("test.xml:1: <condition"), "{message}");
    }
}

#[test]
fn text_shows_the_attributes_as_written() {
    assert_eq!(
        spec(r#"hour="9-17" wday="mon-fri""#).text(),
        r#"wday="mon-fri" hour="9-17""#
    );
}
