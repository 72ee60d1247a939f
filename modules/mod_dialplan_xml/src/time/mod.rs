//! Time conditions: the `year`, `yday`, `mon`, `mday`, `week`, `mweek`, `wday`, `hour`,
//! `minute`, `minute-of-day`, `time-of-day`, `date-time`, `tz-offset` and `dst` attributes of
//! a `<condition>` or `<regex>`, as FreeSWITCH's `switch_xml_std_datetime_check` reads them.
//!
//! Every attribute present must match (they are ANDed). Values are lists of numbers or ranges,
//! `1-5,7`; a range whose start is above its end wraps (`hour="22-6"`, `mon="10-2"`). `wday`
//! counts from Sunday = 1 and takes day names (`mon-fri`). `minute-of-day` counts from
//! midnight = 1. `time-of-day` takes `hh:mm[:ss]-hh:mm[:ss]` ranges, both ends included;
//! `date-time` takes `YYYY-MM-DD hh:mm[:ss]~YYYY-MM-DD hh:mm[:ss]` ranges (end excluded), in the
//! system's local time. `tz-offset="-5"` matches when the time zone in use is that many whole
//! hours from UTC, `dst="true"` while the system's local time is daylight saving time.
//!
//! Which zone: the channel variable `tod_tz_offset` (whole hours from UTC), else the channel
//! variable `timezone` (a zone name such as `America/New_York`), else the system's local time.
//! The clock and the zones are inputs ([`Now`]): nothing here reads the system time.

pub mod civil;
pub mod tz;

use ferroswitch_abi::xml::{parse_bool, InvalidValue, XmlNode};

use civil::{seconds_from_civil, BrokenDown};
use tz::TimeZone;

/// The time attributes, in the order FreeSWITCH tests them.
pub const ATTRIBUTES: [&str; 14] = [
    "tz-offset",
    "dst",
    "date-time",
    "year",
    "yday",
    "mon",
    "mday",
    "week",
    "mweek",
    "wday",
    "hour",
    "minute",
    "minute-of-day",
    "time-of-day",
];

/// The time attributes of one element, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeSpec {
    checks: Vec<Check>,
    /// The attributes as written, for traces: `wday="2-6" hour="9-17"`.
    text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Check {
    TzOffset(i32),
    Dst(bool),
    /// Ranges of local wall-clock seconds since the epoch, end excluded.
    DateTime(Vec<(i64, i64)>),
    Year(Numbers),
    Yday(Numbers),
    Month(Numbers),
    Mday(Numbers),
    Week(Numbers),
    Mweek(Numbers),
    Wday(Numbers),
    Hour(Numbers),
    Minute(Numbers),
    MinuteOfDay(Numbers),
    /// Ranges of seconds since midnight, both ends included.
    TimeOfDay(Numbers),
}

/// The time a condition is tested against.
#[derive(Clone, Copy, Debug)]
pub struct Now<'a> {
    /// Seconds since the epoch.
    pub utc: i64,
    /// The local time in the zone the condition uses.
    pub local: BrokenDown,
    /// That zone's whole hours east of UTC (what `tz-offset` compares).
    pub offset_hours: i32,
    /// Whether the system's local time is in daylight saving time (what `dst` compares).
    pub system_dst: bool,
    /// The system's zone, in which `date-time` values are read.
    pub system: &'a TimeZone,
}

impl TimeSpec {
    /// The time attributes of `node`; `None` if it has none.
    pub fn from_node(node: &XmlNode) -> Result<Option<TimeSpec>, InvalidValue> {
        let mut checks = Vec::new();
        let mut text = Vec::new();
        for name in ATTRIBUTES {
            let Some(value) = node.attr(name) else {
                continue;
            };
            let invalid = |reason: String| InvalidValue::new(node, format!("{name}: {reason}"));
            let check =
                match name {
                    "tz-offset" => Check::TzOffset(value.trim().parse().map_err(|_| {
                        invalid(format!("\"{value}\" is not a whole number of hours"))
                    })?),
                    "dst" => Check::Dst(parse_bool(node, value.trim())?),
                    "date-time" => Check::DateTime(parse_date_times(value).map_err(invalid)?),
                    "wday" => Check::Wday(parse_weekdays(value).map_err(invalid)?),
                    "time-of-day" => Check::TimeOfDay(parse_times_of_day(value).map_err(invalid)?),
                    _ => {
                        let (min, max) = match name {
                            "year" => (0, 9999),
                            "yday" => (1, 366),
                            "mon" => (1, 12),
                            "mday" => (1, 31),
                            "week" => (1, 53),
                            "mweek" => (1, 6),
                            "hour" => (0, 23),
                            "minute" => (0, 59),
                            _ => (1, 1440),
                        };
                        let numbers = parse_numbers(value, min, max).map_err(invalid)?;
                        match name {
                            "year" => Check::Year(numbers),
                            "yday" => Check::Yday(numbers),
                            "mon" => Check::Month(numbers),
                            "mday" => Check::Mday(numbers),
                            "week" => Check::Week(numbers),
                            "mweek" => Check::Mweek(numbers),
                            "hour" => Check::Hour(numbers),
                            "minute" => Check::Minute(numbers),
                            _ => Check::MinuteOfDay(numbers),
                        }
                    }
                };
            checks.push(check);
            text.push(format!("{name}=\"{value}\""));
        }
        Ok((!checks.is_empty()).then(|| TimeSpec {
            checks,
            text: text.join(" "),
        }))
    }

    /// The attributes as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether `now` matches every attribute.
    pub fn matches(&self, now: &Now<'_>) -> bool {
        let local = &now.local;
        self.checks.iter().all(|check| match check {
            Check::TzOffset(hours) => *hours == now.offset_hours,
            Check::Dst(dst) => *dst == now.system_dst,
            Check::DateTime(ranges) => ranges.iter().any(|&(start, end)| {
                let (start, end) = (now.system.to_utc(start), now.system.to_utc(end));
                start <= now.utc && now.utc < end
            }),
            Check::Year(numbers) => numbers.contains(local.year),
            Check::Yday(numbers) => numbers.contains(i64::from(local.yday) + 1),
            Check::Month(numbers) => numbers.contains(i64::from(local.month)),
            Check::Mday(numbers) => numbers.contains(i64::from(local.mday)),
            Check::Week(numbers) => numbers.contains(i64::from(local.yday / 7 + 1)),
            Check::Mweek(numbers) => numbers.contains(week_of_month(local)),
            Check::Wday(numbers) => numbers.contains(i64::from(local.wday) + 1),
            Check::Hour(numbers) => numbers.contains(i64::from(local.hour)),
            Check::Minute(numbers) => numbers.contains(i64::from(local.minute)),
            Check::MinuteOfDay(numbers) => {
                numbers.contains(i64::from(local.hour * 60 + local.minute + 1))
            }
            Check::TimeOfDay(numbers) => numbers.contains(i64::from(
                local.hour * 3600 + local.minute * 60 + local.second,
            )),
        })
    }
}

/// The week of the month, 1..=6, weeks starting on Sunday (FreeSWITCH's `mweek`).
fn week_of_month(local: &BrokenDown) -> i64 {
    let mday = i64::from(local.mday);
    let first_weekday = (7 - (mday - (i64::from(local.wday) + 1)) % 7) % 7;
    (mday + first_weekday + 6) / 7
}

/// A list of numbers and ranges; a range `a-b` with `a > b` wraps around.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Numbers(Vec<(i64, i64)>);

impl Numbers {
    fn contains(&self, value: i64) -> bool {
        self.0.iter().any(|&(start, end)| {
            if start <= end {
                start <= value && value <= end
            } else {
                value >= start || value <= end
            }
        })
    }
}

/// `1-5,7`: each item a number or a range, every number in `min..=max`.
fn parse_numbers(text: &str, min: i64, max: i64) -> Result<Numbers, String> {
    parse_list(text, "a number or a range like 1-5", |item| {
        let number: i64 = item.parse().ok()?;
        (min..=max).contains(&number).then_some(number)
    })
    .map_err(|reason| format!("{reason} (numbers from {min} to {max})"))
}

/// `mon-fri,sun` or `2-6,1`: days from Sunday = 1, or their English names.
fn parse_weekdays(text: &str) -> Result<Numbers, String> {
    const NAMES: [&str; 7] = [
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
    ];
    parse_list(
        text,
        "a day (1-7, sun-sat) or a range like mon-fri",
        |item| {
            if let Ok(day) = item.parse::<i64>() {
                return (1..=7).contains(&day).then_some(day);
            }
            let lower = item.to_ascii_lowercase();
            NAMES
                .iter()
                .position(|name| lower.len() >= 3 && name.starts_with(&lower))
                .map(|index| index as i64 + 1)
        },
    )
}

/// `08:00-12:00,13:00:30-17:00`: seconds since midnight, both ends included.
fn parse_times_of_day(text: &str) -> Result<Numbers, String> {
    let mut ranges = Vec::new();
    for item in text.split(',') {
        let item = item.trim();
        let parsed = item
            .split_once('-')
            .and_then(|(start, end)| Some((clock_seconds(start)?, clock_seconds(end)?)));
        match parsed {
            Some(range) => ranges.push(range),
            None => {
                return Err(format!(
                    "\"{item}\" is not a range like 08:00-17:00 or 08:00:00-17:30:00"
                ))
            }
        }
    }
    Ok(Numbers(ranges))
}

/// `hh:mm` or `hh:mm:ss` as seconds since midnight.
fn clock_seconds(text: &str) -> Option<i64> {
    let mut parts = text.trim().split(':');
    let hour: i64 = parts.next()?.trim().parse().ok()?;
    let minute: i64 = parts.next()?.trim().parse().ok()?;
    let second: i64 = match parts.next() {
        Some(second) => second.trim().parse().ok()?,
        None => 0,
    };
    let valid = parts.next().is_none()
        && (0..=24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..60).contains(&second);
    valid.then_some(hour * 3600 + minute * 60 + second)
}

/// `2026-12-24 18:00~2026-12-26 08:00,...`: local wall-clock ranges.
fn parse_date_times(text: &str) -> Result<Vec<(i64, i64)>, String> {
    text.split(',')
        .map(|item| {
            let item = item.trim();
            item.split_once('~')
                .and_then(|(start, end)| Some((date_time(start)?, date_time(end)?)))
                .ok_or_else(|| {
                    format!(
                        "\"{item}\" is not a range like 2026-12-24 18:00~2026-12-26 08:00 \
                         (note the ~)"
                    )
                })
        })
        .collect()
}

/// `YYYY-MM-DD[ hh[:mm[:ss]]]` or `YYYYMMDDhhmmss`, as local wall-clock seconds.
fn date_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.len() == 14 && text.bytes().all(|byte| byte.is_ascii_digit()) {
        let field = |range: std::ops::Range<usize>| text[range].parse::<u32>().ok();
        return civil(
            i64::from(field(0..4)?),
            field(4..6)?,
            field(6..8)?,
            [field(8..10)?, field(10..12)?, field(12..14)?],
        );
    }
    let (date, time) = match text.split_once(char::is_whitespace) {
        Some((date, time)) => (date, time.trim()),
        None => (text, ""),
    };
    let mut date_parts = date.split('-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: u32 = date_parts.next()?.parse().ok()?;
    let day: u32 = date_parts.next()?.parse().ok()?;
    if date_parts.next().is_some() {
        return None;
    }
    let mut clock = [0u32; 3];
    if !time.is_empty() {
        let parts: Vec<&str> = time.split(':').collect();
        if parts.len() > 3 {
            return None;
        }
        for (slot, part) in clock.iter_mut().zip(parts) {
            *slot = part.parse().ok()?;
        }
    }
    civil(year, month, day, clock)
}

fn civil(year: i64, month: u32, day: u32, [hour, minute, second]: [u32; 3]) -> Option<i64> {
    let valid = (1..=12).contains(&month)
        && (1..=civil::days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    valid.then(|| seconds_from_civil(year, month, day, hour, minute, second))
}

/// Comma-separated items, each `x` or `x-y`, with `parse_one` reading each `x`.
fn parse_list(
    text: &str,
    expected: &str,
    parse_one: impl Fn(&str) -> Option<i64>,
) -> Result<Numbers, String> {
    let mut ranges = Vec::new();
    for item in text.split(',') {
        let item = item.trim();
        let parsed = match item.split_once('-') {
            Some((start, end)) => parse_one(start.trim()).zip(parse_one(end.trim())),
            None => parse_one(item).map(|value| (value, value)),
        };
        match parsed {
            Some(range) => ranges.push(range),
            None => return Err(format!("\"{item}\" is not {expected}")),
        }
    }
    Ok(Numbers(ranges))
}

#[cfg(test)]
mod tests;
