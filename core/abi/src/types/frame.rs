//! Media frames and DTMF digits as they cross the boundary.

use std::fmt;

use abi_stable::StableAbi;

/// A codec's name (`PCMU`, `opus`, `L16`...) stored inline, so frames carry it without
/// allocating. Names longer than 15 bytes are cut.
#[repr(C)]
#[derive(StableAbi, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CodecName {
    bytes: [u8; 16],
}

impl CodecName {
    /// The name `name`, cut to 15 bytes at a character boundary.
    pub fn new(name: &str) -> Self {
        let mut end = name.len().min(15);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        let mut bytes = [0u8; 16];
        bytes[..end].copy_from_slice(&name.as_bytes()[..end]);
        bytes[15] = end as u8;
        Self { bytes }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        let len = usize::from(self.bytes[15]).min(15);
        // Built from a &str cut at a char boundary in `new`; a foreign value that is not
        // UTF-8 reads as empty rather than panicking.
        std::str::from_utf8(&self.bytes[..len]).unwrap_or("")
    }
}

impl fmt::Debug for CodecName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CodecName({:?})", self.as_str())
    }
}

/// Frame flags.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FrameFlags(pub u32);

impl FrameFlags {
    /// Comfort noise / silence: no real audio in the payload.
    pub const CNG: FrameFlags = FrameFlags(1);
    /// The RTP marker bit (start of a talk spurt).
    pub const MARKER: FrameFlags = FrameFlags(2);
    /// The payload is decoded linear PCM (L16, native endian), not the codec's encoding.
    pub const LINEAR: FrameFlags = FrameFlags(4);

    /// Whether every flag of `other` is set.
    pub fn contains(self, other: FrameFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

/// What describes a media frame; the payload travels beside it in a caller-owned buffer.
#[repr(C)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameMeta {
    /// The codec the payload is encoded with.
    pub codec: CodecName,
    /// Payload length in bytes.
    pub len: u32,
    /// Samples per second of the audio.
    pub rate: u32,
    /// Audio channels (1 mono, 2 stereo).
    pub channels: u8,
    /// Packet time in milliseconds (10, 20, 30, 60...).
    pub ptime_ms: u8,
    /// Flags.
    pub flags: FrameFlags,
    /// Media timestamp in samples.
    pub timestamp: u32,
    /// Sequence number.
    pub seq: u32,
}

/// A DTMF digit with its duration.
#[repr(C)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dtmf {
    /// The digit: `0-9`, `*`, `#`, `A-D`, as a Unicode scalar value.
    pub digit: u32,
    /// How long it was pressed, in milliseconds.
    pub duration_ms: u32,
}

impl Dtmf {
    /// The digit as a char; `?` for a value that is not one.
    pub fn digit_char(&self) -> char {
        char::from_u32(self.digit).unwrap_or('?')
    }
}
