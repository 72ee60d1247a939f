//! Header blocks: `Name: value` lines, looked up without regard to case.

use super::FrameError;

/// The headers of a message or an event, in the order they came.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    entries: Vec<(String, String)>,
}

impl Headers {
    /// Parses a header block (without its ending empty line): one `Name: value` per line,
    /// `\n` or `\r\n` line ends, values percent-decoded. Spaces and tabs after the colon are
    /// not part of the value; empty lines are skipped.
    pub fn parse(block: &[u8]) -> Result<Headers, FrameError> {
        let mut entries = Vec::new();
        for line in block.split(|&byte| byte == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            let malformed = || FrameError::MalformedHeaderLine {
                line: String::from_utf8_lossy(line).into_owned(),
            };
            let colon = line
                .iter()
                .position(|&byte| byte == b':')
                .ok_or_else(malformed)?;
            let name = line[..colon].trim_ascii();
            if name.is_empty() {
                return Err(malformed());
            }
            let value = &line[colon + 1..];
            let start = value
                .iter()
                .position(|&byte| byte != b' ' && byte != b'\t')
                .unwrap_or(value.len());
            entries.push((
                String::from_utf8_lossy(name).into_owned(),
                percent_decode(&value[start..]),
            ));
        }
        Ok(Headers { entries })
    }

    /// The first value of header `name` (case-insensitive, as FreeSWITCH looks headers up).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(have, _)| have.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Every `(name, value)` in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Decodes `%XX` escapes as FreeSWITCH's `switch_url_decode` does: `+` stays a plus, and a `%`
/// not followed by two hex digits stays as it is. Bytes that are not UTF-8 become U+FFFD.
pub fn percent_decode(input: &[u8]) -> String {
    if !input.contains(&b'%') {
        return String::from_utf8_lossy(input).into_owned();
    }
    let mut out = Vec::with_capacity(input.len());
    let mut rest = input;
    while let Some((&byte, tail)) = rest.split_first() {
        match (byte, tail) {
            (b'%', [high, low, after @ ..]) => match (hex_value(*high), hex_value(*low)) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    rest = after;
                }
                _ => {
                    out.push(b'%');
                    rest = tail;
                }
            },
            _ => {
                out.push(byte);
                rest = tail;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_and_values_decoded() {
        let headers =
            Headers::parse(b"Content-Type: text/event-plain\r\nReply-Text:+OK%20accepted\n")
                .unwrap();
        assert_eq!(headers.get("content-type"), Some("text/event-plain"));
        assert_eq!(headers.get("REPLY-TEXT"), Some("+OK accepted"));
        assert_eq!(headers.get("Content-Length"), None);
        assert_eq!(headers.len(), 2);
    }

    #[test]
    fn a_value_may_hold_colons_and_be_empty() {
        let headers = Headers::parse(b"Reply-Text: +OK Job-UUID: 1234\nEmpty:\n").unwrap();
        assert_eq!(headers.get("Reply-Text"), Some("+OK Job-UUID: 1234"));
        assert_eq!(headers.get("Empty"), Some(""));
    }

    #[test]
    fn lines_without_a_name_are_refused() {
        for block in [&b"no colon here\n"[..], b": value\n", b"  :x\n"] {
            assert!(
                matches!(
                    Headers::parse(block),
                    Err(FrameError::MalformedHeaderLine { .. })
                ),
                "{block:?}"
            );
        }
    }

    #[test]
    fn percent_decoding_follows_freeswitch() {
        assert_eq!(percent_decode(b"a%20b+c"), "a b+c");
        assert_eq!(percent_decode(b"%3A%3a"), "::");
        assert_eq!(percent_decode(b"100%"), "100%");
        assert_eq!(percent_decode(b"%zz%4"), "%zz%4");
        assert_eq!(percent_decode(b"%FF"), "\u{FFFD}");
    }
}
