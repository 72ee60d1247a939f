//! Calendar arithmetic on the proleptic Gregorian calendar: seconds since the epoch to a
//! broken-down time and back, without the C library.

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// A broken-down time, in the fields `struct tm` has (months and days from 1, the weekday
/// from Sunday = 0, the day of the year from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BrokenDown {
    pub year: i64,
    /// 1..=12.
    pub month: u32,
    /// 1..=31.
    pub mday: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday .. 6 = Saturday.
    pub wday: u32,
    /// 0..=365.
    pub yday: u32,
}

impl BrokenDown {
    /// The broken-down form of `seconds` since 1970-01-01 00:00:00 (of whatever zone the
    /// seconds are counted in).
    pub fn from_seconds(seconds: i64) -> BrokenDown {
        let days = seconds.div_euclid(DAY);
        let of_day = seconds.rem_euclid(DAY);
        let (year, month, mday) = civil_from_days(days);
        // 1970-01-01 was a Thursday.
        let wday = (days + 4).rem_euclid(7);
        let yday = days - days_from_civil(year, 1, 1);
        // The casts below hold: each value was reduced into a small range above.
        BrokenDown {
            year,
            month,
            mday,
            hour: (of_day / 3600) as u32,
            minute: (of_day % 3600 / 60) as u32,
            second: (of_day % 60) as u32,
            wday: wday as u32,
            yday: yday as u32,
        }
    }
}

/// Whether `year` has a 29 February.
pub fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days of `month` (1..=12) in `year`.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of `year`-`month`-`day` (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of `days` since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are in range by construction: 1..=12 and 1..=31.
    (year, month as u32, day as u32)
}

/// Seconds since the epoch of a civil date and time (in whatever zone the result is meant).
pub fn seconds_from_civil(year: i64, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> i64 {
    days_from_civil(year, month, day) * DAY
        + i64::from(hour) * 3600
        + i64::from(min) * 60
        + i64::from(sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        // 2026-11-23 15:56:32 UTC, a Monday.
        let time = BrokenDown::from_seconds(1_795_449_392);
        assert_eq!(
            (
                time.year,
                time.month,
                time.mday,
                time.hour,
                time.minute,
                time.second
            ),
            (2026, 11, 23, 15, 56, 32)
        );
        assert_eq!(time.wday, 1);
        assert_eq!(time.yday, 326);
    }

    #[test]
    fn round_trips_over_four_centuries() {
        let mut days = days_from_civil(1900, 1, 1);
        let end = days_from_civil(2300, 1, 1);
        while days < end {
            let (year, month, day) = civil_from_days(days);
            assert!((1..=days_in_month(year, month)).contains(&day));
            assert_eq!(days_from_civil(year, month, day), days);
            days += 1;
        }
    }

    #[test]
    fn leap_years() {
        assert!(is_leap(2000) && is_leap(2024) && !is_leap(1900) && !is_leap(2026));
        assert_eq!(
            BrokenDown::from_seconds(seconds_from_civil(2024, 12, 31, 0, 0, 0)).yday,
            365
        );
    }
}
