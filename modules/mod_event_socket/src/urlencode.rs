//! FreeSWITCH's URL encoding of event header values (`switch_url_encode`), which the plain
//! and XML event formats use so that a value never breaks the `Name: value` line framing.
//!
//! The set differs from RFC 3986's: it encodes bytes below `0x20`, `0x7F` and above, and
//! `\r \n space # % & + : ; < = > ? @ [ \ ] ^ ` { | } "`; it leaves `/ , ! $ ' ( ) * ~` and
//! the alphanumerics alone, and writes upper-case hex digits. A `%` already followed by two
//! upper-case hex digits is kept as it is (FreeSWITCH does not encode twice), so clients that
//! decode once get the original back either way.

/// The printable ASCII characters FreeSWITCH encodes (its `SWITCH_URL_UNSAFE`).
const UNSAFE: &[u8] = b"\r\n #%&+:;<=>?@[\\]^`{|}\"";

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// `%00%01...%FF`: byte `b`'s escape is the three characters at `3 * b`, copied in one go.
const ESCAPES: &str = match std::str::from_utf8(&ESCAPE_BYTES) {
    Ok(text) => text,
    Err(_) => panic!("escapes are ASCII"),
};

const ESCAPE_BYTES: [u8; 768] = escapes();

const fn escapes() -> [u8; 768] {
    let mut table = [0u8; 768];
    let mut byte = 0;
    while byte < 256 {
        table[byte * 3] = b'%';
        table[byte * 3 + 1] = HEX[byte >> 4];
        table[byte * 3 + 2] = HEX[byte & 0x0f];
        byte += 1;
    }
    table
}

/// Per byte: whether it is written as `%XX`. A table, because every byte of every header
/// value of every event goes through here (a search of `UNSAFE` per byte was most of the
/// cost of writing an event).
const ENCODED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = byte < 0x20 || byte > 0x7e;
        byte += 1;
    }
    let mut index = 0;
    while index < UNSAFE.len() {
        table[UNSAFE[index] as usize] = true;
        index += 1;
    }
    table
};

/// Appends `value`, URL-encoded as FreeSWITCH encodes event header values, to `out`.
pub fn encode_into(out: &mut String, value: &str) {
    let bytes = value.as_bytes();
    // Runs of bytes that stay as they are are copied whole.
    let mut run_start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if !ENCODED[usize::from(byte)] || is_kept_escape(bytes, index) {
            continue;
        }
        if run_start < index {
            // A run of kept bytes is ASCII, so both its ends are character boundaries.
            out.push_str(&value[run_start..index]);
        }
        let escape = usize::from(byte) * 3;
        out.push_str(&ESCAPES[escape..escape + 3]);
        run_start = index + 1;
    }
    // Either the end of `value` or the start of a run of ASCII: a character boundary.
    out.push_str(&value[run_start..]);
}

/// `value`, URL-encoded as FreeSWITCH encodes event header values.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    encode_into(&mut out, value);
    out
}

/// A `%` already followed by two upper-case hex digits is left alone.
fn is_kept_escape(bytes: &[u8], index: usize) -> bool {
    bytes[index] == b'%' && is_upper_hex(bytes.get(index + 1)) && is_upper_hex(bytes.get(index + 2))
}

fn is_upper_hex(byte: Option<&u8>) -> bool {
    byte.is_some_and(|byte| HEX.contains(byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_are_encoded_in_upper_case() {
        assert_eq!(encode("a b"), "a%20b");
        assert_eq!(encode("+OK\n"), "%2BOK%0A");
        assert_eq!(
            encode("\r\n #&+:;<=>?@[\\]^`{|}\""),
            "%0D%0A%20%23%26%2B%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D%22"
        );
        assert_eq!(encode("\t\x7f"), "%09%7F");
    }

    #[test]
    fn safe_characters_stay() {
        let safe = "AZaz09/,!$'()*~-._";
        assert_eq!(encode(safe), safe);
        assert_eq!(
            encode("sofia/internal/1000@10.0.0.1"),
            "sofia/internal/1000%4010.0.0.1"
        );
    }

    #[test]
    fn every_byte_of_a_multibyte_character_is_encoded() {
        assert_eq!(encode("é"), "%C3%A9");
        assert_eq!(encode("日"), "%E6%97%A5");
    }

    #[test]
    fn an_existing_upper_case_escape_is_not_encoded_twice() {
        assert_eq!(encode("100%41"), "100%41");
        assert_eq!(encode("a%2Bb"), "a%2Bb");
        // Lower-case hex, a lone `%` and a `%` at the end are not escapes.
        assert_eq!(encode("%2b"), "%252b");
        assert_eq!(encode("50%"), "50%25");
        assert_eq!(encode("%4"), "%254");
        assert_eq!(encode("%%41"), "%25%41");
    }

    #[test]
    fn every_byte_has_its_escape() {
        for byte in 0..=255u8 {
            let escape = usize::from(byte) * 3;
            assert_eq!(&ESCAPES[escape..escape + 3], format!("%{byte:02X}"));
        }
    }

    #[test]
    fn empty_stays_empty() {
        assert_eq!(encode(""), "");
    }
}
