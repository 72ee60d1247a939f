//! What can be wrong with a SIP message, named precisely enough to put in a 400's reason phrase.

/// A message that cannot be split into start line, headers and body, or whose start line or
/// framing is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Nothing but whitespace arrived.
    #[error("empty message")]
    Empty,
    /// No empty line separates the header section from the body.
    #[error("no empty line ends the header section")]
    MissingHeaderEnd,
    /// The start line and headers must be UTF-8 (RFC 3261 §7.3.1); only the body may be binary.
    #[error("header section is not UTF-8")]
    NotUtf8,
    /// A request line that is not `Method SP Request-URI SP SIP-Version`.
    #[error("malformed request line: {0}")]
    RequestLine(&'static str),
    /// A status line that is not `SIP-Version SP Status-Code SP Reason-Phrase`.
    #[error("malformed status line: {0}")]
    StatusLine(&'static str),
    /// The Request-URI does not parse.
    #[error("malformed Request-URI: {0}")]
    RequestUri(UriError),
    /// A SIP version other than 2.0 (answered with 505 for a request).
    #[error("unsupported SIP version {0:?}")]
    Version(String),
    /// A header line without a colon, or with a name that is not a token.
    #[error("malformed header line {0:?}")]
    HeaderLine(String),
    /// Content-Length is not a non-negative decimal number.
    #[error("invalid Content-Length {0:?}")]
    ContentLength(String),
    /// Two or more Content-Length headers: the framing is ambiguous (RFC 4475 §3.3.9).
    #[error("more than one Content-Length header")]
    MultipleContentLength,
    /// A stream message without Content-Length cannot be framed (RFC 3261 §18.3).
    #[error("missing Content-Length on a stream transport")]
    MissingContentLength,
    /// Content-Length announces more bytes than the datagram carries.
    #[error("Content-Length {declared} exceeds the {available} body bytes received")]
    BodyTooShort {
        /// The Content-Length value.
        declared: usize,
        /// The bytes after the header section.
        available: usize,
    },
    /// A message larger than the configured cap.
    #[error("message exceeds the {limit}-byte limit")]
    TooLarge {
        /// The cap in bytes.
        limit: usize,
    },
}

/// A URI that does not follow RFC 3261 §25.1 (SIP/SIPS) or RFC 3986's absolute-URI shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UriError {
    /// No `scheme:` prefix, or a scheme with characters outside ALPHA *(ALPHA / DIGIT / + - .).
    #[error("invalid scheme")]
    Scheme,
    /// Nothing after the scheme.
    #[error("empty URI body")]
    Empty,
    /// Whitespace or a character that must be escaped.
    #[error("character not allowed in a URI")]
    Character,
    /// A SIP URI without a host.
    #[error("missing host")]
    Host,
    /// A port that is not a number from 0 to 65535.
    #[error("invalid port")]
    Port,
    /// A `;` with no parameter name after it.
    #[error("empty URI parameter")]
    Parameter,
    /// A `%` not followed by two hex digits.
    #[error("bad %-escape")]
    Escape,
}

/// A header that is missing, repeated where only one is allowed, or malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// A mandatory header is absent.
    #[error("missing {0} header")]
    Missing(&'static str),
    /// A single-valued header appears more than once (RFC 4475 §3.3.8).
    #[error("more than one {0} header")]
    Multiple(&'static str),
    /// A header whose value does not follow its grammar.
    #[error("malformed {header} header: {reason}")]
    Malformed {
        /// The canonical header name.
        header: &'static str,
        /// What is wrong with the value.
        reason: &'static str,
    },
}

impl HeaderError {
    pub(crate) fn malformed(header: &'static str, reason: &'static str) -> Self {
        HeaderError::Malformed { header, reason }
    }
}
