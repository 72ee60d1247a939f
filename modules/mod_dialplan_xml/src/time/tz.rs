//! Time zones without the C library: a TZif file (RFC 8536, as found under
//! `/usr/share/zoneinfo`) or a POSIX `TZ` string (`EST5EDT,M3.2.0,M11.1.0`), turned into the
//! offset from UTC at any instant. Parsing takes bytes; reading the files is the caller's job.

use super::civil::{days_from_civil, days_in_month, is_leap, BrokenDown, DAY};

/// The local time type in force at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalType {
    /// Seconds east of UTC.
    pub utc_offset: i32,
    /// Whether daylight saving time is in force.
    pub is_dst: bool,
}

/// A time zone: its transitions, then a rule for the times after the last one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeZone {
    transitions: Vec<i64>,
    /// For each transition, the index of the local type it starts.
    kinds: Vec<u8>,
    types: Vec<LocalType>,
    rule: Option<PosixRule>,
}

/// Why a time zone could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TzError {
    /// The bytes are not a TZif file.
    #[error("not a TZif file: {0}")]
    Tzif(&'static str),
    /// The text is not a POSIX TZ string.
    #[error("not a POSIX TZ string: {0}")]
    Posix(String),
}

impl TimeZone {
    /// UTC.
    pub fn utc() -> TimeZone {
        TimeZone::fixed(0)
    }

    /// A zone always `utc_offset` seconds east of UTC, without daylight saving time.
    pub fn fixed(utc_offset: i32) -> TimeZone {
        TimeZone {
            transitions: Vec::new(),
            kinds: Vec::new(),
            types: vec![LocalType {
                utc_offset,
                is_dst: false,
            }],
            rule: None,
        }
    }

    /// Reads a TZif file (version 1, 2, 3 or 4).
    pub fn from_tzif(bytes: &[u8]) -> Result<TimeZone, TzError> {
        let (header, body) = Header::parse(bytes)?;
        if header.version == 0 {
            return parse_block(&header, body, 4).map(|(zone, _)| zone);
        }
        // Version 2 and later repeat the data with 64-bit times after the version 1 block,
        // then end with a POSIX TZ string for times after the last transition.
        let skip = header.block_len(4).ok_or(TzError::Tzif("truncated"))?;
        let rest = body.get(skip..).ok_or(TzError::Tzif("truncated"))?;
        let (header, body) = Header::parse(rest)?;
        let (mut zone, after) = parse_block(&header, body, 8)?;
        let footer = after
            .strip_prefix(b"\n")
            .and_then(|text| text.split(|&byte| byte == b'\n').next())
            .unwrap_or_default();
        if !footer.is_empty() {
            let text = std::str::from_utf8(footer).map_err(|_| TzError::Tzif("footer"))?;
            zone.rule = Some(PosixRule::parse(text)?);
        }
        Ok(zone)
    }

    /// Reads a POSIX TZ string (`CET-1CEST,M3.5.0,M10.5.0/3`).
    pub fn from_posix(text: &str) -> Result<TimeZone, TzError> {
        let rule = PosixRule::parse(text)?;
        Ok(TimeZone {
            transitions: Vec::new(),
            kinds: Vec::new(),
            types: vec![rule.std],
            rule: Some(rule),
        })
    }

    /// The local time type at `utc` (seconds since the epoch).
    pub fn local_type(&self, utc: i64) -> LocalType {
        let after_last = self.transitions.last().is_none_or(|&last| utc >= last);
        if after_last {
            if let Some(rule) = &self.rule {
                return rule.local_type(utc);
            }
        }
        let index = match self.transitions.partition_point(|&start| start <= utc) {
            // Before the first transition the first type applies.
            0 => 0,
            after => usize::from(self.kinds[after - 1]),
        };
        self.types.get(index).copied().unwrap_or(LocalType {
            utc_offset: 0,
            is_dst: false,
        })
    }

    /// The broken-down local time at `utc`, and its local type.
    pub fn local_time(&self, utc: i64) -> (BrokenDown, LocalType) {
        let kind = self.local_type(utc);
        (
            BrokenDown::from_seconds(utc + i64::from(kind.utc_offset)),
            kind,
        )
    }

    /// The instant a local wall-clock time (seconds since the epoch, counted locally) stands
    /// for; in a gap or an overlap, one of the nearby readings.
    pub fn to_utc(&self, local: i64) -> i64 {
        let guess = local - i64::from(self.local_type(local).utc_offset);
        local - i64::from(self.local_type(guess).utc_offset)
    }
}

struct Header {
    version: u8,
    utc_indicators: usize,
    std_indicators: usize,
    leaps: usize,
    transitions: usize,
    types: usize,
    chars: usize,
}

impl Header {
    const LEN: usize = 44;

    fn parse(bytes: &[u8]) -> Result<(Header, &[u8]), TzError> {
        let header = bytes.get(..Self::LEN).ok_or(TzError::Tzif("truncated"))?;
        if &header[..4] != b"TZif" {
            return Err(TzError::Tzif("bad magic"));
        }
        let count = |index: usize| {
            let at = 20 + index * 4;
            u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
                as usize
        };
        let version = match header[4] {
            0 => 0,
            b'2'..=b'9' => header[4] - b'0',
            _ => return Err(TzError::Tzif("unknown version")),
        };
        Ok((
            Header {
                version,
                utc_indicators: count(0),
                std_indicators: count(1),
                leaps: count(2),
                transitions: count(3),
                types: count(4),
                chars: count(5),
            },
            &bytes[Self::LEN..],
        ))
    }

    /// The data block's length with `time_size`-byte times; `None` on overflow.
    fn block_len(&self, time_size: usize) -> Option<usize> {
        self.transitions
            .checked_mul(time_size + 1)?
            .checked_add(self.types.checked_mul(6)?)?
            .checked_add(self.chars)?
            .checked_add(self.leaps.checked_mul(time_size + 4)?)?
            .checked_add(self.std_indicators)?
            .checked_add(self.utc_indicators)
    }
}

/// The transitions and types of one data block, and the bytes after it.
fn parse_block<'a>(
    header: &Header,
    body: &'a [u8],
    time_size: usize,
) -> Result<(TimeZone, &'a [u8]), TzError> {
    let len = header
        .block_len(time_size)
        .ok_or(TzError::Tzif("truncated"))?;
    let block = body.get(..len).ok_or(TzError::Tzif("truncated"))?;
    if header.types == 0 {
        return Err(TzError::Tzif("no local time types"));
    }
    let (times, rest) = block.split_at(header.transitions * time_size);
    let (kinds, rest) = rest.split_at(header.transitions);
    let types_bytes = &rest[..header.types * 6];
    let transitions = times
        .chunks_exact(time_size)
        .map(|chunk| match chunk {
            [a, b, c, d] => i64::from(i32::from_be_bytes([*a, *b, *c, *d])),
            _ => {
                let mut eight = [0u8; 8];
                eight.copy_from_slice(chunk);
                i64::from_be_bytes(eight)
            }
        })
        .collect();
    if kinds.iter().any(|&kind| usize::from(kind) >= header.types) {
        return Err(TzError::Tzif("transition names a missing type"));
    }
    let types = types_bytes
        .chunks_exact(6)
        .map(|entry| LocalType {
            utc_offset: i32::from_be_bytes([entry[0], entry[1], entry[2], entry[3]]),
            is_dst: entry[4] != 0,
        })
        .collect();
    Ok((
        TimeZone {
            transitions,
            kinds: kinds.to_vec(),
            types,
            rule: None,
        },
        &body[len..],
    ))
}

/// A POSIX TZ rule: standard time, and optionally daylight saving time between two dates.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PosixRule {
    std: LocalType,
    dst: Option<DstRule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct DstRule {
    offset: LocalType,
    start: (RuleDate, i64),
    end: (RuleDate, i64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RuleDate {
    /// `Jn`: day 1..=365, 29 February never counted.
    Julian(u32),
    /// `n`: day 0..=365 of the year.
    ZeroBased(u32),
    /// `Mm.w.d`: weekday `d` (0 = Sunday) of week `w` (5 = the last) of month `m`.
    Month { month: u32, week: u32, weekday: u32 },
}

impl PosixRule {
    fn parse(text: &str) -> Result<PosixRule, TzError> {
        let error = || TzError::Posix(text.to_owned());
        let mut cursor = Cursor { rest: text };
        cursor.name().ok_or_else(error)?;
        let std_offset = -cursor.offset().ok_or_else(error)?;
        let std = LocalType {
            utc_offset: i32::try_from(std_offset).map_err(|_| error())?,
            is_dst: false,
        };
        if cursor.rest.is_empty() {
            return Ok(PosixRule { std, dst: None });
        }
        cursor.name().ok_or_else(error)?;
        let dst_offset = if cursor.rest.is_empty() || cursor.rest.starts_with(',') {
            std_offset + 3600
        } else {
            -cursor.offset().ok_or_else(error)?
        };
        let offset = LocalType {
            utc_offset: i32::try_from(dst_offset).map_err(|_| error())?,
            is_dst: true,
        };
        // Without dates, POSIX implementations use the United States' rules.
        let (start, end) = if cursor.rest.is_empty() {
            (
                (
                    RuleDate::Month {
                        month: 3,
                        week: 2,
                        weekday: 0,
                    },
                    7200,
                ),
                (
                    RuleDate::Month {
                        month: 11,
                        week: 1,
                        weekday: 0,
                    },
                    7200,
                ),
            )
        } else {
            let start = cursor.transition().ok_or_else(error)?;
            let end = cursor.transition().ok_or_else(error)?;
            if !cursor.rest.is_empty() {
                return Err(error());
            }
            (start, end)
        };
        Ok(PosixRule {
            std,
            dst: Some(DstRule { offset, start, end }),
        })
    }

    fn local_type(&self, utc: i64) -> LocalType {
        let Some(dst) = &self.dst else {
            return self.std;
        };
        let year = BrokenDown::from_seconds(utc + i64::from(self.std.utc_offset)).year;
        // Start times are given in standard time, end times in daylight saving time.
        let start = dst.start.0.day_start(year) + dst.start.1 - i64::from(self.std.utc_offset);
        let end = dst.end.0.day_start(year) + dst.end.1 - i64::from(dst.offset.utc_offset);
        let in_dst = if start < end {
            start <= utc && utc < end
        } else {
            // Southern hemisphere: daylight saving time spans the new year.
            !(end <= utc && utc < start)
        };
        if in_dst {
            dst.offset
        } else {
            self.std
        }
    }
}

impl RuleDate {
    /// Local seconds since the epoch of the start of this date in `year`.
    fn day_start(self, year: i64) -> i64 {
        let jan1 = days_from_civil(year, 1, 1);
        let day = match self {
            RuleDate::Julian(day) => {
                let skip_leap_day = is_leap(year) && day >= 60;
                jan1 + i64::from(day) - 1 + i64::from(skip_leap_day)
            }
            RuleDate::ZeroBased(day) => jan1 + i64::from(day),
            RuleDate::Month {
                month,
                week,
                weekday,
            } => {
                let first = days_from_civil(year, month, 1);
                let first_weekday = (first + 4).rem_euclid(7);
                let mut mday = 1
                    + (i64::from(weekday) - first_weekday).rem_euclid(7)
                    + 7 * (i64::from(week) - 1);
                while mday > i64::from(days_in_month(year, month)) {
                    mday -= 7;
                }
                first + mday - 1
            }
        };
        day * DAY
    }
}

/// A parser over the rest of a TZ string.
struct Cursor<'a> {
    rest: &'a str,
}

impl Cursor<'_> {
    /// A zone abbreviation: three or more letters, or `<...>` quoted.
    fn name(&mut self) -> Option<()> {
        if let Some(quoted) = self.rest.strip_prefix('<') {
            let end = quoted.find('>')?;
            self.rest = &quoted[end + 1..];
            return Some(());
        }
        let len = self
            .rest
            .bytes()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        if len < 3 {
            return None;
        }
        self.rest = &self.rest[len..];
        Some(())
    }

    /// `[+-]hh[:mm[:ss]]`, in seconds (positive west of Greenwich, as written).
    fn offset(&mut self) -> Option<i64> {
        let sign = match self.rest.as_bytes().first() {
            Some(b'-') => {
                self.rest = &self.rest[1..];
                -1
            }
            Some(b'+') => {
                self.rest = &self.rest[1..];
                1
            }
            _ => 1,
        };
        let hours = self.number(167)?;
        let mut seconds = hours * 3600;
        for unit in [60, 1] {
            match self.rest.strip_prefix(':') {
                Some(after) => {
                    self.rest = after;
                    seconds += self.number(59)? * unit;
                }
                None => break,
            }
        }
        Some(sign * seconds)
    }

    /// `,date[/time]`.
    fn transition(&mut self) -> Option<(RuleDate, i64)> {
        self.rest = self.rest.strip_prefix(',')?;
        let date = if let Some(after) = self.rest.strip_prefix('J') {
            self.rest = after;
            let day = self.number(365)?;
            (day >= 1).then_some(RuleDate::Julian(day as u32))?
        } else if let Some(after) = self.rest.strip_prefix('M') {
            self.rest = after;
            let month = self.number(12)?;
            self.rest = self.rest.strip_prefix('.')?;
            let week = self.number(5)?;
            self.rest = self.rest.strip_prefix('.')?;
            let weekday = self.number(6)?;
            if month == 0 || week == 0 {
                return None;
            }
            // The casts hold: each number is bounded above.
            RuleDate::Month {
                month: month as u32,
                week: week as u32,
                weekday: weekday as u32,
            }
        } else {
            RuleDate::ZeroBased(self.number(365)? as u32)
        };
        let time = match self.rest.strip_prefix('/') {
            Some(after) => {
                self.rest = after;
                self.offset()?
            }
            None => 7200,
        };
        Some((date, time))
    }

    /// A decimal number up to `max`.
    fn number(&mut self, max: i64) -> Option<i64> {
        let len = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 || len > 4 {
            return None;
        }
        let value: i64 = self.rest[..len].parse().ok()?;
        self.rest = &self.rest[len..];
        (value <= max).then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::super::civil::seconds_from_civil;
    use super::*;

    fn utc(year: i64, month: u32, day: u32, hour: u32, min: u32) -> i64 {
        seconds_from_civil(year, month, day, hour, min, 0)
    }

    #[test]
    fn posix_rule_new_york() {
        let zone = TimeZone::from_posix("EST5EDT,M3.2.0,M11.1.0").expect("parses");
        // DST 2026 runs from 8 March 07:00 UTC to 1 November 06:00 UTC.
        let before = zone.local_type(utc(2026, 3, 8, 6, 59));
        let after = zone.local_type(utc(2026, 3, 8, 7, 0));
        assert_eq!((before.utc_offset, before.is_dst), (-5 * 3600, false));
        assert_eq!((after.utc_offset, after.is_dst), (-4 * 3600, true));
        assert!(zone.local_type(utc(2026, 11, 1, 5, 59)).is_dst);
        assert!(!zone.local_type(utc(2026, 11, 1, 6, 0)).is_dst);
    }

    #[test]
    fn posix_rule_southern_and_quoted_and_fixed() {
        let sydney = TimeZone::from_posix("AEST-10AEDT,M10.1.0,M4.1.0/3").expect("parses");
        assert!(sydney.local_type(utc(2026, 1, 15, 0, 0)).is_dst);
        assert_eq!(
            sydney.local_type(utc(2026, 7, 15, 0, 0)).utc_offset,
            10 * 3600
        );
        let quoted = TimeZone::from_posix("<+0530>-5:30").expect("parses");
        assert_eq!(quoted.local_type(0).utc_offset, 5 * 3600 + 1800);
        let berlin = TimeZone::from_posix("CET-1CEST,M3.5.0,M10.5.0/3").expect("parses");
        // Last Sunday of March 2026 is the 29th; the switch is at 01:00 UTC.
        assert!(!berlin.local_type(utc(2026, 3, 29, 0, 59)).is_dst);
        assert!(berlin.local_type(utc(2026, 3, 29, 1, 0)).is_dst);
        for bad in ["", "E", "EST", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0"] {
            assert!(TimeZone::from_posix(bad).is_err(), "{bad}");
        }
    }

    /// A minimal version 2 TZif file: one transition and a footer.
    fn tzif(transition: i64, footer: &str) -> Vec<u8> {
        let mut header = b"TZif2".to_vec();
        header.extend([0u8; 15]);
        let counts_v1 = [0u32, 0, 0, 0, 1, 1];
        let counts_v2 = [0u32, 0, 0, 1, 2, 1];
        let mut file = header.clone();
        for count in counts_v1 {
            file.extend(count.to_be_bytes());
        }
        // Version 1 block: one type, one abbreviation character.
        file.extend(0i32.to_be_bytes());
        file.extend([0u8, 0, 0]);
        file.extend(&header);
        for count in counts_v2 {
            file.extend(count.to_be_bytes());
        }
        file.extend(transition.to_be_bytes());
        file.push(1);
        file.extend(3600i32.to_be_bytes());
        file.extend([0u8, 0]);
        file.extend(7200i32.to_be_bytes());
        file.extend([1u8, 0]);
        file.push(0);
        file.push(b'\n');
        file.extend(footer.as_bytes());
        file.push(b'\n');
        file
    }

    #[test]
    fn tzif_transitions_then_footer() {
        let zone = TimeZone::from_tzif(&tzif(1000, "<+03>-3")).expect("parses");
        assert_eq!(zone.local_type(999).utc_offset, 3600, "first type before");
        // From the last transition on, the footer rule governs.
        assert_eq!(zone.local_type(1000).utc_offset, 3 * 3600);
        let without_footer = TimeZone::from_tzif(&tzif(1000, "")).expect("parses");
        let last = without_footer.local_type(5000);
        assert_eq!((last.utc_offset, last.is_dst), (7200, true));
    }

    #[test]
    fn tzif_garbage_is_an_error_not_a_panic() {
        let good = tzif(1000, "<+03>-3");
        for len in 0..good.len() {
            let _ = TimeZone::from_tzif(&good[..len]);
        }
        assert!(TimeZone::from_tzif(b"not a zone file at all, not at all......").is_err());
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..5_000 {
            let mut bytes = good.clone();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = (state as usize) % bytes.len();
            bytes[at] = (state >> 32) as u8;
            let _ = TimeZone::from_tzif(&bytes);
        }
    }

    #[test]
    fn local_to_utc_round_trips() {
        let zone = TimeZone::from_posix("EST5EDT,M3.2.0,M11.1.0").expect("parses");
        let local = seconds_from_civil(2026, 7, 4, 12, 0, 0);
        assert_eq!(zone.to_utc(local), local + 4 * 3600);
        let winter = seconds_from_civil(2026, 1, 4, 12, 0, 0);
        assert_eq!(zone.to_utc(winter), winter + 5 * 3600);
    }
}
