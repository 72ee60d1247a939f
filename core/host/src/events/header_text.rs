//! Header values for events built on hot paths, without a copy where none is needed.

use abi_stable::std_types::RCow;
use ferroswitch_abi::HeaderText;

/// `text`, copied unless empty (many caller-profile fields are).
pub fn copy(text: &str) -> HeaderText {
    if text.is_empty() {
        RCow::Borrowed("".into())
    } else {
        RCow::Owned(text.into())
    }
}

/// `value` in decimal; `0` (a channel time not reached yet, most of them) costs no
/// allocation, and no formatting machinery runs for the others.
pub fn number(value: u64) -> HeaderText {
    if value == 0 {
        return RCow::Borrowed("0".into());
    }
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = value;
    while rest > 0 {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
    // Only ASCII digits were written, so this never falls back.
    let text = std::str::from_utf8(&digits[start..]).unwrap_or("0");
    RCow::Owned(text.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_plain_decimal() {
        for value in [0, 1, 9, 10, 42, 1_700_000_000_123_456, u64::MAX] {
            assert_eq!(number(value).as_str(), value.to_string());
        }
    }

    #[test]
    fn empty_text_is_not_copied() {
        assert!(matches!(copy(""), RCow::Borrowed(_)));
        assert_eq!(copy("x").as_str(), "x");
    }
}
