//! Why a message could not be framed or parsed.

/// Malformed input from the server. Once [`Framer`](super::Framer) returns one, the byte
/// stream has no reliable message boundary left, so it keeps returning the same error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// No empty line ended the header block within the limit.
    #[error("header block longer than {limit} bytes without an empty line")]
    HeaderBlockTooLarge { limit: usize },
    /// A header line has no `:` or an empty name.
    #[error("malformed header line {line:?}")]
    MalformedHeaderLine { line: String },
    /// `Content-Length` is not a decimal byte count.
    #[error("Content-Length {value:?} is not a number of bytes")]
    BadContentLength { value: String },
    /// `Content-Length` announces more than the limit.
    #[error("Content-Length {length} is over the limit of {limit} bytes")]
    BodyTooLarge { length: usize, limit: usize },
    /// An event's own `Content-Length` announces more bytes than its message carried.
    #[error("event body announces {announced} bytes but only {available} follow")]
    TruncatedEventBody { announced: usize, available: usize },
}
