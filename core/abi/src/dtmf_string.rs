//! FreeSWITCH's DTMF strings, as `send_dtmf` and `uuid_send_dtmf` take them: groups joined
//! by `+`, each `DIGITS[@MS]` (the digits' tone duration in milliseconds, used when above 50),
//! where `w` pauses half a second and `W` a whole second. A leading `~` (FreeSWITCH's "let
//! the digits be processed") is accepted and has no effect here.

use crate::Dtmf;

/// How long a digit sounds when the string does not say: FreeSWITCH's 2000 samples at 8 kHz.
pub const DEFAULT_DURATION_MS: u32 = 250;

/// Durations at or below this are ignored in favour of the default, as FreeSWITCH does.
const SHORTEST_DURATION_MS: u32 = 50;

/// FreeSWITCH refuses strings this long or longer.
const MAX_LENGTH: usize = 100;

/// One thing to do while sending a DTMF string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtmfStep {
    /// Send this digit.
    Digit(Dtmf),
    /// Wait this many milliseconds before the next step.
    Pause(u32),
}

/// Parses `text`, naming what is wrong on failure (an empty string, one too long, a
/// character that is no DTMF digit, a duration that is no number).
pub fn parse_dtmf_string(text: &str) -> Result<Vec<DtmfStep>, String> {
    let text = text.trim();
    let text = text.strip_prefix('~').unwrap_or(text);
    if text.is_empty() {
        return Err("no DTMF digits given".to_owned());
    }
    if text.len() >= MAX_LENGTH {
        return Err(format!(
            "a DTMF string of {} characters is too long (at most {})",
            text.len(),
            MAX_LENGTH - 1
        ));
    }
    let mut steps = Vec::new();
    for group in text.split('+').filter(|group| !group.is_empty()) {
        let (digits, duration) = match group.split_once('@') {
            Some((digits, duration)) => {
                let ms: u32 = duration.trim().parse().map_err(|_| {
                    format!("DTMF duration `{duration}` in `{group}` is not a number of ms")
                })?;
                (digits, Some(ms).filter(|ms| *ms > SHORTEST_DURATION_MS))
            }
            None => (group, None),
        };
        let duration_ms = duration.unwrap_or(DEFAULT_DURATION_MS);
        for ch in digits.chars() {
            steps.push(match ch {
                'w' => DtmfStep::Pause(500),
                'W' => DtmfStep::Pause(1000),
                '0'..='9' | '*' | '#' | 'A'..='D' | 'a'..='d' => DtmfStep::Digit(Dtmf {
                    digit: u32::from(ch.to_ascii_uppercase()),
                    duration_ms,
                }),
                other => {
                    return Err(format!(
                    "`{other}` in DTMF string `{text}` is not a DTMF digit (0-9, *, #, A-D, w, W)"
                ))
                }
            });
        }
    }
    if steps.is_empty() {
        return Err(format!("DTMF string `{text}` holds no digits"));
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digit(ch: char, duration_ms: u32) -> DtmfStep {
        DtmfStep::Digit(Dtmf {
            digit: u32::from(ch),
            duration_ms,
        })
    }

    #[test]
    fn digits_take_the_default_duration() {
        assert_eq!(
            parse_dtmf_string("1a#").unwrap(),
            vec![digit('1', 250), digit('A', 250), digit('#', 250)]
        );
    }

    #[test]
    fn each_group_has_its_own_duration_and_short_ones_are_ignored() {
        assert_eq!(
            parse_dtmf_string("12@100+3@40+~4").unwrap_err(),
            "`~` in DTMF string `12@100+3@40+~4` is not a DTMF digit (0-9, *, #, A-D, w, W)"
        );
        assert_eq!(
            parse_dtmf_string("~12@100+3@40").unwrap(),
            vec![digit('1', 100), digit('2', 100), digit('3', 250)]
        );
    }

    #[test]
    fn w_pauses() {
        assert_eq!(
            parse_dtmf_string("1wW2").unwrap(),
            vec![
                digit('1', 250),
                DtmfStep::Pause(500),
                DtmfStep::Pause(1000),
                digit('2', 250)
            ]
        );
    }

    #[test]
    fn what_is_not_dtmf_is_refused_by_name() {
        assert!(parse_dtmf_string("").is_err());
        assert!(parse_dtmf_string("12x").unwrap_err().contains("`x`"));
        assert!(parse_dtmf_string("1@fast").unwrap_err().contains("fast"));
        assert!(parse_dtmf_string(&"1".repeat(100)).is_err());
        assert!(parse_dtmf_string("+").is_err());
    }
}
