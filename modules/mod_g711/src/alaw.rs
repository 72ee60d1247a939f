//! G.711 A-law (PCMA): 16-bit linear samples to 8-bit codes and back.
//!
//! The law is defined on 13-bit magnitudes, so on the 16-bit scale used here the lowest three
//! bits never change the code: encoding is one lookup in a table of 2^13 codes indexed by the
//! sample's top 13 bits, decoding one lookup in a table of 256 samples. Both tables are built
//! at compile time from the arithmetic form ([`encode_exact`], [`decode_exact`]), which the
//! tests check them against.

/// Codes are sent with their even bits inverted (G.711's alternate mark inversion), so that
/// silence does not become a long run of zero bits on a line.
const EVEN_BITS: u8 = 0x55;

/// The code for `sample`, computed.
pub const fn encode_exact(sample: i16) -> u8 {
    let linear = sample as i32;
    // Negative samples take `-x - 1` (no overflow at -32768) and a clear sign bit.
    let (magnitude, mask) = if linear >= 0 {
        (linear, EVEN_BITS | 0x80)
    } else {
        (-linear - 1, EVEN_BITS)
    };
    // A 16-bit magnitude is at most 32767, so the segment is at most 7: the law covers the
    // whole range and never saturates.
    let segment = (31 - (magnitude | 0xFF).leading_zeros()) as i32 - 7;
    let shift = if segment == 0 { 4 } else { segment + 3 };
    (((segment << 4) | ((magnitude >> shift) & 0x0F)) as u8) ^ mask
}

/// The sample that `code` stands for, computed.
pub const fn decode_exact(code: u8) -> i16 {
    let code = code ^ EVEN_BITS;
    let segment = ((code & 0x70) >> 4) as u32;
    let mantissa = ((code & 0x0F) as i32) << 4;
    let magnitude = if segment == 0 {
        mantissa + 8
    } else {
        (mantissa + 0x108) << (segment - 1)
    };
    if code & 0x80 != 0 {
        magnitude as i16
    } else {
        -magnitude as i16
    }
}

const ENCODE: [u8; 1 << 13] = {
    let mut table = [0u8; 1 << 13];
    let mut index = 0;
    while index < table.len() {
        table[index] = encode_exact(((index << 3) as u16) as i16);
        index += 1;
    }
    table
};

const DECODE: [i16; 256] = {
    let mut table = [0i16; 256];
    let mut code = 0;
    while code < 256 {
        table[code] = decode_exact(code as u8);
        code += 1;
    }
    table
};

/// The code for `sample`.
#[inline]
pub fn encode(sample: i16) -> u8 {
    ENCODE[usize::from(sample as u16 >> 3)]
}

/// The sample that `code` stands for.
#[inline]
pub fn decode(code: u8) -> i16 {
    DECODE[usize::from(code)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // The two codes nearest zero: A-law has no zero level.
        assert_eq!(decode(0xD5), 8);
        assert_eq!(decode(0x55), -8);
        assert_eq!(encode(0), 0xD5);
        assert_eq!(encode(8), 0xD5);
        assert_eq!(encode(-1), 0x55);
        // The extremes of the law.
        assert_eq!(decode(0xAA), 32256);
        assert_eq!(decode(0x2A), -32256);
        assert_eq!(encode(i16::MAX), 0xAA);
        assert_eq!(encode(i16::MIN), 0x2A);
        // Segments 0 and 1 both step by 16; segment 2 by 32, from 264.
        assert_eq!(decode(0xD4), 24);
        assert_eq!(decode(0xC5), 264);
        assert_eq!(decode(0xC4), 280);
        assert_eq!(decode(0xF5), 528);
        assert_eq!(decode(0xF4), 560);
    }

    #[test]
    fn tables_match_the_arithmetic_for_every_input() {
        for sample in i16::MIN..=i16::MAX {
            assert_eq!(encode(sample), encode_exact(sample), "sample {sample}");
        }
        for code in 0..=u8::MAX {
            assert_eq!(decode(code), decode_exact(code), "code {code:#04x}");
        }
    }

    #[test]
    fn every_code_survives_decode_then_encode() {
        for code in 0..=u8::MAX {
            assert_eq!(encode(decode(code)), code, "code {code:#04x}");
        }
    }

    #[test]
    fn round_trip_error_is_within_half_a_step() {
        // Segments 0 and 1 step by 16 (half a step: 8); segment s >= 2 holds magnitudes in
        // [2^(s+7), 2^(s+8)) in steps of 2^(s+3), so half a step is at most |x| / 32.
        for sample in i16::MIN..=i16::MAX {
            let magnitude = i32::from(sample).abs();
            let error = (i32::from(sample) - i32::from(decode(encode(sample)))).abs();
            let bound = (magnitude / 32).max(8) + 1;
            assert!(error <= bound, "sample {sample}: error {error} > {bound}");
        }
    }

    #[test]
    fn decoding_is_monotonic_in_each_sign() {
        // With the even bits restored, codes 0x80..=0xFF are positive and rise with the code,
        // 0x00..=0x7F negative and fall with it.
        let level = |raw: u8| decode(raw ^ EVEN_BITS);
        for raw in 0x80..0xFFu8 {
            assert!(level(raw) < level(raw + 1), "code {raw:#04x}");
        }
        for raw in 0x00..0x7Fu8 {
            assert!(level(raw) > level(raw + 1), "code {raw:#04x}");
        }
    }
}
