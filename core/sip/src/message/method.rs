//! SIP methods, including extension methods rsip-style parsers refuse.

use std::fmt;

use super::grammar::is_token;

/// A request method. Methods are case-sensitive (RFC 3261 §7.1): `invite` is an extension
/// method, not INVITE.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    /// RFC 3261.
    Invite,
    /// RFC 3261.
    Ack,
    /// RFC 3261.
    Bye,
    /// RFC 3261.
    Cancel,
    /// RFC 3261.
    Options,
    /// RFC 3261.
    Register,
    /// RFC 6086.
    Info,
    /// RFC 3262.
    Prack,
    /// RFC 3311.
    Update,
    /// RFC 6665.
    Subscribe,
    /// RFC 6665.
    Notify,
    /// RFC 3515.
    Refer,
    /// RFC 3428.
    Message,
    /// RFC 3903.
    Publish,
    /// Any other token; a UAS that does not implement it answers 501.
    Extension(String),
}

impl Method {
    /// Parses a method token; `None` when `token` is empty or holds non-token characters.
    pub fn parse(token: &str) -> Option<Method> {
        if token.is_empty() || !token.chars().all(is_token) {
            return None;
        }
        Some(match token {
            "INVITE" => Method::Invite,
            "ACK" => Method::Ack,
            "BYE" => Method::Bye,
            "CANCEL" => Method::Cancel,
            "OPTIONS" => Method::Options,
            "REGISTER" => Method::Register,
            "INFO" => Method::Info,
            "PRACK" => Method::Prack,
            "UPDATE" => Method::Update,
            "SUBSCRIBE" => Method::Subscribe,
            "NOTIFY" => Method::Notify,
            "REFER" => Method::Refer,
            "MESSAGE" => Method::Message,
            "PUBLISH" => Method::Publish,
            other => Method::Extension(other.to_owned()),
        })
    }

    /// The method as it appears on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Invite => "INVITE",
            Method::Ack => "ACK",
            Method::Bye => "BYE",
            Method::Cancel => "CANCEL",
            Method::Options => "OPTIONS",
            Method::Register => "REGISTER",
            Method::Info => "INFO",
            Method::Prack => "PRACK",
            Method::Update => "UPDATE",
            Method::Subscribe => "SUBSCRIBE",
            Method::Notify => "NOTIFY",
            Method::Refer => "REFER",
            Method::Message => "MESSAGE",
            Method::Publish => "PUBLISH",
            Method::Extension(name) => name,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_methods_are_case_sensitive() {
        assert_eq!(Method::parse("INVITE"), Some(Method::Invite));
        assert_eq!(
            Method::parse("invite"),
            Some(Method::Extension("invite".into()))
        );
    }

    #[test]
    fn extension_tokens_parse_and_non_tokens_do_not() {
        let odd = "!interesting-Method0123456789_*+`.%indeed'~";
        assert_eq!(Method::parse(odd).unwrap().as_str(), odd);
        assert_eq!(
            Method::parse("RE%47IST%45R"),
            Some(Method::Extension("RE%47IST%45R".into()))
        );
        assert_eq!(Method::parse("IN VITE"), None);
        assert_eq!(Method::parse(""), None);
        assert_eq!(Method::parse("<INVITE>"), None);
    }
}
