//! The header list: canonical names (compact forms expanded), list headers split into one
//! entry per value, case-insensitive lookup.

use super::grammar::split_list;

/// One header line: canonical name and value (folding already replaced by single spaces).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The canonical spelling for known headers (`Call-ID`, `Via`), the received one otherwise.
    pub name: String,
    /// The value, trimmed.
    pub value: String,
}

/// Headers in arrival order. Comma-joined values of list headers (Via, Route, Contact ...) are
/// stored as separate entries, so `Via: a, b` and two Via lines read the same.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<Header>);

/// Known names: (canonical, compact form). Compact forms are those of RFC 3261 §7.3.3 plus the
/// ones later RFCs registered (RFC 3265, 3515, 3841, 3892, 4028, 4474).
const KNOWN: &[(&str, Option<char>)] = &[
    ("Via", Some('v')),
    ("From", Some('f')),
    ("To", Some('t')),
    ("Call-ID", Some('i')),
    ("CSeq", None),
    ("Contact", Some('m')),
    ("Max-Forwards", None),
    ("Content-Length", Some('l')),
    ("Content-Type", Some('c')),
    ("Content-Encoding", Some('e')),
    ("Subject", Some('s')),
    ("Supported", Some('k')),
    ("Require", None),
    ("Proxy-Require", None),
    ("Unsupported", None),
    ("Route", None),
    ("Record-Route", None),
    ("Expires", None),
    ("Allow", None),
    ("Accept", None),
    ("Authorization", None),
    ("Proxy-Authorization", None),
    ("WWW-Authenticate", None),
    ("Proxy-Authenticate", None),
    ("Event", Some('o')),
    ("Allow-Events", Some('u')),
    ("Refer-To", Some('r')),
    ("Referred-By", Some('b')),
    ("Accept-Contact", Some('a')),
    ("Reject-Contact", Some('j')),
    ("Request-Disposition", Some('d')),
    ("Session-Expires", Some('x')),
    ("Identity", Some('y')),
    ("Identity-Info", Some('n')),
    ("User-Agent", None),
    ("Server", None),
    ("Date", None),
    ("Path", None),
    ("Reason", None),
    ("Min-Expires", None),
];

/// Headers whose grammar is `value *(COMMA value)`, split on top-level commas.
const LIST: &[&str] = &[
    "Via",
    "Contact",
    "Route",
    "Record-Route",
    "Require",
    "Proxy-Require",
    "Supported",
    "Unsupported",
    "Allow",
    "Path",
];

/// The canonical spelling of a header name: compact forms expanded, known names in RFC case.
pub fn canonical_name(name: &str) -> String {
    if name.len() == 1 {
        let c = name.as_bytes()[0].to_ascii_lowercase() as char;
        if let Some((canonical, _)) = KNOWN.iter().find(|(_, compact)| *compact == Some(c)) {
            return (*canonical).to_owned();
        }
    }
    match KNOWN
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
    {
        Some((canonical, _)) => (*canonical).to_owned(),
        None => name.to_owned(),
    }
}

impl Headers {
    /// An empty list.
    pub fn new() -> Headers {
        Headers(Vec::new())
    }

    /// Appends a received header, canonicalising its name and splitting list values.
    pub fn push_received(&mut self, name: &str, value: &str) {
        let name = canonical_name(name);
        if LIST.contains(&name.as_str()) && value.contains(',') {
            for part in split_list(value) {
                self.0.push(Header {
                    name: name.clone(),
                    value: part.to_owned(),
                });
            }
        } else {
            self.0.push(Header {
                name,
                value: value.trim().to_owned(),
            });
        }
    }

    /// Appends `name: value` as given.
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.0.push(Header {
            name: name.to_owned(),
            value: value.into(),
        });
    }

    /// Inserts `name: value` before every other header (a new top Via).
    pub fn push_front(&mut self, name: &str, value: impl Into<String>) {
        self.0.insert(
            0,
            Header {
                name: name.to_owned(),
                value: value.into(),
            },
        );
    }

    /// Replaces every `name` header by one `name: value`, kept where the first one was.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self
            .0
            .iter()
            .position(|h| h.name.eq_ignore_ascii_case(name))
        {
            Some(first) => {
                self.0[first].value = value;
                let mut index = 0;
                self.0.retain(|h| {
                    index += 1;
                    index - 1 == first || !h.name.eq_ignore_ascii_case(name)
                });
            }
            None => self.push(name, value),
        }
    }

    /// Replaces the first `name` value (the top Via); appends one if there is none.
    pub fn set_first(&mut self, name: &str, value: impl Into<String>) {
        match self
            .0
            .iter_mut()
            .find(|h| h.name.eq_ignore_ascii_case(name))
        {
            Some(h) => h.value = value.into(),
            None => self.push(name, value),
        }
    }

    /// Removes every `name` header.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|h| !h.name.eq_ignore_ascii_case(name));
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// Every value of `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// How many `name` values there are.
    pub fn count(&self, name: &str) -> usize {
        self.0
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .count()
    }

    /// All headers in order.
    pub fn iter(&self) -> impl Iterator<Item = &Header> {
        self.0.iter()
    }

    /// The number of header entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_and_odd_case_names_become_canonical() {
        for (raw, canonical) in [
            ("v", "Via"),
            ("I", "Call-ID"),
            ("m", "Contact"),
            ("l", "Content-Length"),
            ("k", "Supported"),
            ("o", "Event"),
            ("MaX-fOrWaRdS", "Max-Forwards"),
            ("cseq", "CSeq"),
            ("X-Custom", "X-Custom"),
            ("C%6Fntact", "C%6Fntact"),
        ] {
            assert_eq!(canonical_name(raw), canonical);
        }
    }

    #[test]
    fn list_headers_split_and_others_do_not() {
        let mut h = Headers::new();
        h.push_received(
            "v",
            "SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/TCP b;branch=z9hG4bK2",
        );
        h.push_received("Date", "Sat, 15 Oct 2005 04:44:56 GMT");
        h.push_received("Supported", "");
        assert_eq!(h.count("via"), 2);
        assert_eq!(
            h.get_all("Via").nth(1),
            Some("SIP/2.0/TCP b;branch=z9hG4bK2")
        );
        assert_eq!(h.count("Date"), 1);
        assert_eq!(h.get("supported"), Some(""));
    }

    #[test]
    fn set_replaces_all_in_place_and_push_front_prepends() {
        let mut h = Headers::new();
        h.push("A", "1");
        h.push("Max-Forwards", "70");
        h.push("Max-Forwards", "69");
        h.push("B", "2");
        h.set("max-forwards", "5");
        let names: Vec<_> = h.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["A", "Max-Forwards", "B"]);
        assert_eq!(h.get("Max-Forwards"), Some("5"));
        h.push_front("Via", "top");
        assert_eq!(h.iter().next().map(|x| x.value.as_str()), Some("top"));
        h.remove("via");
        assert_eq!(h.len(), 3);
    }
}
