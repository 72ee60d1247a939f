//! Reading digits as FreeSWITCH's `switch_ivr_read` does, for `read` and
//! `play_and_get_digits`: a prompt that the first digit interrupts (and counts), then digits
//! collected until `max` are in, a terminator is pressed, or the first-digit timeout (before
//! any digit) or the inter-digit timeout (after one) passes. Then:
//!
//! - the terminator goes to `read_terminator_used`; one written after `+` in the
//!   terminators (`+#`) is also appended to the digits, one after `x` too and the read
//!   ends as a restart; terminators starting with `=` must be used;
//! - fewer than `min` digits is a failure (so a read that got nothing is a failure, not a
//!   timeout, as in FreeSWITCH);
//! - `read_result` is `success`, `timeout` or `failure`, and the digits go to the variable.
//!
//! Time is counted in the channel's frames, which the endpoint paces.

use ferroswitch_abi::prelude::*;

use super::media_loop::{MediaLoop, Stop};
use super::playback::{open, play_source};
use super::player::{Digits, Ended};

/// What to read.
#[derive(Debug, Clone)]
pub struct ReadRequest<'a> {
    pub min: usize,
    pub max: usize,
    /// Played first; empty or `silence` for none.
    pub prompt: &'a str,
    pub variable: Option<&'a str>,
    pub timeout_ms: u32,
    pub terminators: &'a str,
    /// 0: the same as `timeout_ms`.
    pub digit_timeout_ms: u32,
}

/// How a read ended, as FreeSWITCH's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadStatus {
    Success,
    Timeout,
    TooSmall,
    /// A terminator marked `x` was pressed.
    Restart,
    /// The prompt could not be played, or the call ended meanwhile.
    Failed,
}

/// A finished read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOutcome {
    pub status: ReadStatus,
    pub digits: String,
}

/// Reads digits on `session` as `request` says, setting FreeSWITCH's variables.
pub fn read_digits(session: Session, request: &ReadRequest<'_>) -> ReadOutcome {
    let failed = |digits: String| ReadOutcome {
        status: ReadStatus::Failed,
        digits,
    };
    let _ = session.set_variable("read_result", None);
    let _ = session.set_variable("read_terminator_used", None);
    if let Some(variable) = request.variable {
        let _ = session.set_variable(variable, None);
    }
    let max = request.max.max(request.min);
    let digit_timeout = if request.digit_timeout_ms == 0 {
        request.timeout_ms
    } else {
        request.digit_timeout_ms
    };
    let Ok(mut media) = MediaLoop::start(session) else {
        return failed(String::new());
    };
    let mut digits = String::new();
    if !request.prompt.is_empty() && !request.prompt.eq_ignore_ascii_case("silence") {
        let Ok(mut source) = open(&session, request.prompt, media.rate(), 0) else {
            return failed(digits);
        };
        match play_source(&mut media, &mut source, request.prompt, 0, Digits::Any).ended {
            Ended::Digit(digit) => digits.push(digit),
            Ended::Done | Ended::Stopped(Stop::Break) => {}
            Ended::Stopped(_) | Ended::Failed(_) => return failed(digits),
        }
    }
    let mut status = ReadStatus::Success;
    let mut terminator = None;
    if digits.chars().count() < max {
        let first_timeout = if digits.is_empty() {
            request.timeout_ms
        } else {
            digit_timeout
        };
        let mut collector = Collector::new(
            digits,
            max,
            request.terminators,
            first_timeout,
            digit_timeout,
        );
        let collected = collect(&mut media, &mut collector);
        digits = collector.digits;
        match collected {
            Some(Collected::Terminator(pressed)) => terminator = Some(pressed),
            Some(Collected::Full) => {}
            Some(Collected::TimedOut) => status = ReadStatus::Timeout,
            None => status = ReadStatus::Failed,
        }
    }
    if let Some(pressed) = terminator {
        let _ = session.set_variable("read_terminator_used", Some(&pressed.to_string()));
    }
    let (status, digits) = finish(
        status,
        digits,
        terminator,
        request.terminators,
        request.min,
        max,
    );
    let result = match status {
        ReadStatus::Success => "success",
        ReadStatus::Timeout => "timeout",
        _ => "failure",
    };
    let _ = session.set_variable("read_result", Some(result));
    if let Some(variable) = request.variable.filter(|_| !digits.is_empty()) {
        let _ = session.set_variable(variable, Some(&digits));
    }
    ReadOutcome { status, digits }
}

/// Runs `collector` on the channel's frames and digits; `None` when the loop stopped.
fn collect(media: &mut MediaLoop, collector: &mut Collector<'_>) -> Option<Collected> {
    if let Some(done) = collector.start() {
        return Some(done);
    }
    let session = media.session();
    loop {
        let elapsed = match media.next_frame() {
            Ok(frame) => frame.elapsed_ms,
            Err(_) => return None,
        };
        while let Some(dtmf) = session.dequeue_dtmf() {
            if let Some(done) = collector.digit(dtmf.digit_char()) {
                return Some(done);
            }
        }
        if let Some(done) = collector.elapse(elapsed) {
            return Some(done);
        }
    }
}

/// Applies FreeSWITCH's rules for terminators and the minimum to what was collected.
fn finish(
    mut status: ReadStatus,
    mut digits: String,
    terminator: Option<char>,
    terminators: &str,
    min: usize,
    max: usize,
) -> (ReadStatus, String) {
    match terminator {
        Some(pressed) => {
            let marker = terminators
                .find(pressed)
                .and_then(|at| terminators[..at].chars().next_back());
            if matches!(marker, Some('+') | Some('x')) {
                digits.push(pressed);
                if marker == Some('x') {
                    status = ReadStatus::Restart;
                }
            }
        }
        None if terminators.starts_with('=') => status = ReadStatus::TooSmall,
        None => {}
    }
    let count = digits.chars().count();
    if min > 0 && count < min {
        status = ReadStatus::TooSmall;
    }
    // A one-digit read answered with a terminator read nothing.
    if status != ReadStatus::Restart
        && max == 1
        && count == 1
        && digits.chars().all(|digit| terminators.contains(digit))
    {
        digits.clear();
    }
    (status, digits)
}

/// Why collecting stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collected {
    Terminator(char),
    Full,
    TimedOut,
}

/// FreeSWITCH's `switch_ivr_collect_digits_count` as a state machine fed digits and time.
pub struct Collector<'a> {
    digits: String,
    max: usize,
    terminators: &'a str,
    timeout_ms: u32,
    digit_timeout_ms: u32,
    waited_ms: u32,
}

impl<'a> Collector<'a> {
    /// Collects after `digits` (already pressed), waiting `first_timeout_ms` for the next
    /// digit, then `digit_timeout_ms` after each one.
    pub fn new(
        digits: String,
        max: usize,
        terminators: &'a str,
        first_timeout_ms: u32,
        digit_timeout_ms: u32,
    ) -> Self {
        Self {
            digits,
            max,
            terminators,
            timeout_ms: first_timeout_ms,
            digit_timeout_ms,
            waited_ms: 0,
        }
    }

    /// A terminator among the digits pressed before collecting ends it at once (and is cut
    /// off with what follows it).
    pub fn start(&mut self) -> Option<Collected> {
        let at = self
            .digits
            .char_indices()
            .find(|(_, digit)| self.terminators.contains(*digit))?;
        self.digits.truncate(at.0);
        Some(Collected::Terminator(at.1))
    }

    /// One digit pressed.
    pub fn digit(&mut self, digit: char) -> Option<Collected> {
        self.waited_ms = 0;
        self.timeout_ms = self.digit_timeout_ms;
        if self.terminators.contains(digit) {
            return Some(Collected::Terminator(digit));
        }
        self.digits.push(digit);
        (self.digits.chars().count() >= self.max).then_some(Collected::Full)
    }

    /// `ms` passed without a digit.
    pub fn elapse(&mut self, ms: u32) -> Option<Collected> {
        self.waited_ms = self.waited_ms.saturating_add(ms);
        (self.timeout_ms > 0 && self.waited_ms >= self.timeout_ms).then_some(Collected::TimedOut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collecting_stops_at_max_digits() {
        let mut collector = Collector::new(String::new(), 3, "#", 5000, 3000);
        assert_eq!(collector.start(), None);
        assert_eq!(collector.digit('1'), None);
        assert_eq!(collector.digit('2'), None);
        assert_eq!(collector.digit('3'), Some(Collected::Full));
        assert_eq!(collector.digits, "123");
    }

    #[test]
    fn a_terminator_stops_collecting_and_is_not_a_digit() {
        let mut collector = Collector::new("1".into(), 5, "#*", 5000, 3000);
        assert_eq!(collector.digit('2'), None);
        assert_eq!(collector.digit('*'), Some(Collected::Terminator('*')));
        assert_eq!(collector.digits, "12");
    }

    #[test]
    fn a_terminator_pressed_during_the_prompt_ends_at_once() {
        let mut collector = Collector::new("#".into(), 5, "#", 5000, 3000);
        assert_eq!(collector.start(), Some(Collected::Terminator('#')));
        assert_eq!(collector.digits, "");
    }

    #[test]
    fn the_first_timeout_applies_until_a_digit_then_the_digit_timeout() {
        let mut collector = Collector::new(String::new(), 5, "#", 1000, 300);
        assert_eq!(collector.elapse(980), None);
        assert_eq!(collector.digit('4'), None);
        assert_eq!(collector.elapse(280), None);
        assert_eq!(collector.elapse(20), Some(Collected::TimedOut));
        assert_eq!(collector.digits, "4");
    }

    #[test]
    fn too_few_digits_fail_even_on_a_timeout() {
        assert_eq!(
            finish(ReadStatus::Timeout, String::new(), None, "#", 1, 4),
            (ReadStatus::TooSmall, String::new())
        );
        assert_eq!(
            finish(ReadStatus::Timeout, "12".into(), None, "#", 1, 4),
            (ReadStatus::Timeout, "12".into())
        );
    }

    #[test]
    fn marked_terminators_are_kept_or_restart() {
        assert_eq!(
            finish(ReadStatus::Success, "12".into(), Some('#'), "+#", 1, 4),
            (ReadStatus::Success, "12#".into())
        );
        assert_eq!(
            finish(ReadStatus::Success, "12".into(), Some('*'), "x*#", 1, 4),
            (ReadStatus::Restart, "12*".into())
        );
        assert_eq!(
            finish(ReadStatus::Success, "12".into(), Some('#'), "#", 1, 4),
            (ReadStatus::Success, "12".into())
        );
    }

    #[test]
    fn a_required_terminator_must_be_pressed() {
        assert_eq!(
            finish(ReadStatus::Success, "1234".into(), None, "=#", 1, 4).0,
            ReadStatus::TooSmall
        );
    }

    #[test]
    fn a_lone_terminator_in_a_one_digit_read_reads_nothing() {
        assert_eq!(
            finish(ReadStatus::Success, String::new(), Some('#'), "+#", 0, 1),
            (ReadStatus::Success, String::new())
        );
    }
}
