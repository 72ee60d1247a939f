//! The `Replaces` value (RFC 3891) as an attended transfer carries it in a Refer-To's URI
//! headers (`<sip:1003@pbx?Replaces=call-id%3Bto-tag%3Da%3Bfrom-tag%3Db>`): which dialog the
//! new call replaces.

use super::error::HeaderError;
use super::uri::{unescape, SipUri};

/// A dialog named by `Replaces`: `callid;to-tag=...;from-tag=...[;early-only]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaces {
    /// The replaced dialog's Call-ID.
    pub call_id: String,
    /// `to-tag`: the tag of the UA that holds the replaced dialog.
    pub to_tag: String,
    /// `from-tag`: the other side's tag.
    pub from_tag: String,
    /// `early-only`: only replace a dialog that is not yet answered.
    pub early_only: bool,
}

impl Replaces {
    /// Parses a header value (unescaped). Call-ID and both tags are required (RFC 3891 §6.1).
    pub fn parse(value: &str) -> Result<Replaces, HeaderError> {
        let malformed = |reason| HeaderError::malformed("Replaces", reason);
        let mut parts = value.split(';').map(str::trim);
        let call_id = parts
            .next()
            .filter(|id| !id.is_empty())
            .ok_or(malformed("no Call-ID"))?
            .to_owned();
        let (mut to_tag, mut from_tag, mut early_only) = (None, None, false);
        for part in parts {
            let (name, tag) = part.split_once('=').unwrap_or((part, ""));
            match name.trim().to_ascii_lowercase().as_str() {
                "to-tag" => to_tag = Some(tag.trim().to_owned()),
                "from-tag" => from_tag = Some(tag.trim().to_owned()),
                "early-only" => early_only = true,
                _ => {}
            }
        }
        Ok(Replaces {
            call_id,
            to_tag: to_tag
                .filter(|tag| !tag.is_empty())
                .ok_or(malformed("no to-tag"))?,
            from_tag: from_tag
                .filter(|tag| !tag.is_empty())
                .ok_or(malformed("no from-tag"))?,
            early_only,
        })
    }

    /// The `Replaces` among `uri`'s `?headers`, unescaped and parsed; `None` when there is
    /// none.
    pub fn of_uri(uri: &SipUri) -> Result<Option<Replaces>, HeaderError> {
        let Some(headers) = uri.headers.as_deref() else {
            return Ok(None);
        };
        headers
            .split('&')
            .find_map(|header| {
                let (name, value) = header.split_once('=').unwrap_or((header, ""));
                name.trim()
                    .eq_ignore_ascii_case("replaces")
                    .then(|| Replaces::parse(&unescape(value)))
            })
            .transpose()
    }

    /// Whether this names the dialog whose tags are `local` and `remote`. The tags may come in
    /// either order: phones disagree on whose perspective "to" is, and a Call-ID with both
    /// tags identifies the dialog either way.
    pub fn names_dialog(&self, call_id: &str, local: &str, remote: &str) -> bool {
        self.call_id == call_id
            && ((self.to_tag == local && self.from_tag == remote)
                || (self.to_tag == remote && self.from_tag == local))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Uri;

    fn sip(uri: &str) -> SipUri {
        match Uri::parse(uri).expect("a URI") {
            Uri::Sip(sip) => sip,
            Uri::Other { .. } => panic!("not a SIP URI"),
        }
    }

    #[test]
    fn reads_the_escaped_value_of_a_refer_to() {
        let replaces = Replaces::of_uri(&sip(
            "sip:1003@pbx.example.com?Replaces=abc%40host%3Bto-tag%3D111%3Bfrom-tag%3D222",
        ));
        assert_eq!(
            replaces,
            Ok(Some(Replaces {
                call_id: "abc@host".to_owned(),
                to_tag: "111".to_owned(),
                from_tag: "222".to_owned(),
                early_only: false,
            }))
        );
        let other_headers = Replaces::of_uri(&sip(
            "sip:1003@pbx?Require=replaces&replaces=x%3Bfrom-tag%3D2%3Bto-tag%3D1%3Bearly-only",
        ))
        .expect("well-formed")
        .expect("present");
        assert_eq!(
            (other_headers.to_tag.as_str(), other_headers.early_only),
            ("1", true)
        );
        assert_eq!(Replaces::of_uri(&sip("sip:1003@pbx?Subject=hi")), Ok(None));
        assert_eq!(Replaces::of_uri(&sip("sip:1003@pbx")), Ok(None));
    }

    #[test]
    fn a_value_without_both_tags_is_malformed() {
        let reason = |value: &str| Replaces::parse(value).map_err(|error| error.to_string());
        assert_eq!(
            reason("abc;to-tag=1"),
            Err("malformed Replaces header: no from-tag".to_owned())
        );
        assert_eq!(
            reason(";to-tag=1;from-tag=2"),
            Err("malformed Replaces header: no Call-ID".to_owned())
        );
        assert!(Replaces::parse("abc;to-tag=;from-tag=2").is_err());
        assert!(Replaces::of_uri(&sip("sip:1003@pbx?Replaces=abc")).is_err());
    }

    #[test]
    fn names_the_dialog_with_tags_in_either_order() {
        let replaces = Replaces::parse("abc;to-tag=1;from-tag=2").expect("valid");
        assert!(replaces.names_dialog("abc", "1", "2"));
        assert!(replaces.names_dialog("abc", "2", "1"));
        assert!(!replaces.names_dialog("abc", "1", "3"));
        assert!(!replaces.names_dialog("abd", "1", "2"));
    }
}
