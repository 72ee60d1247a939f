//! G.711 µ-law (PCMU): 16-bit linear samples to 8-bit codes and back.
//!
//! The law is defined on 14-bit magnitudes with a bias of 33; on the 16-bit scale used here
//! that bias is 132 and the lowest two bits never change the code. So encoding is one lookup
//! in a table of 2^14 codes indexed by the sample's top 14 bits, and decoding one lookup in a
//! table of 256 samples. Both tables are built at compile time from the arithmetic form
//! ([`encode_exact`], [`decode_exact`]), which the tests check them against.

/// The bias added to the magnitude before finding its segment (33 on the 14-bit scale).
const BIAS: i32 = 0x84;

/// The code for `sample`, computed.
pub const fn encode_exact(sample: i16) -> u8 {
    let linear = sample as i32;
    // Negative samples take `-x - 1` so that -32768 does not overflow; their codes keep the
    // sign bit clear (mask 0x7F), positive ones set (0xFF). Codes are sent inverted.
    let (magnitude, mask) = if linear < 0 {
        (BIAS - linear - 1, 0x7F)
    } else {
        (BIAS + linear, 0xFF)
    };
    let segment = (31 - (magnitude | 0xFF).leading_zeros()) as i32 - 7;
    if segment >= 8 {
        // Beyond the law's range (|x| > 32635): the largest code of that sign.
        return (0x7F ^ mask) as u8;
    }
    (((segment << 4) | ((magnitude >> (segment + 3)) & 0x0F)) ^ mask) as u8
}

/// The sample that `code` stands for, computed.
pub const fn decode_exact(code: u8) -> i16 {
    let code = !code;
    let segment = ((code & 0x70) >> 4) as u32;
    let level = ((((code & 0x0F) as i32) << 3) + BIAS) << segment;
    if code & 0x80 != 0 {
        (BIAS - level) as i16
    } else {
        (level - BIAS) as i16
    }
}

const ENCODE: [u8; 1 << 14] = {
    let mut table = [0u8; 1 << 14];
    let mut index = 0;
    while index < table.len() {
        table[index] = encode_exact(((index << 2) as u16) as i16);
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
    ENCODE[usize::from(sample as u16 >> 2)]
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
        // Zero encodes as 0xFF; 0x7F is the law's "negative zero".
        assert_eq!(encode(0), 0xFF);
        assert_eq!(decode(0xFF), 0);
        assert_eq!(decode(0x7F), 0);
        // The extremes of the law.
        assert_eq!(decode(0x80), 32124);
        assert_eq!(decode(0x00), -32124);
        assert_eq!(encode(i16::MAX), 0x80);
        assert_eq!(encode(i16::MIN), 0x00);
        // The smallest non-zero steps: levels 8 apart at the origin.
        assert_eq!(decode(0xFE), 8);
        assert_eq!(decode(0x7E), -8);
        // Segment 0 holds 0..=120 in steps of 8; segment 1 starts at 132 in steps of 16.
        assert_eq!(decode(0xF0), 120);
        assert_eq!(decode(0xEF), 132);
        assert_eq!(decode(0xEE), 148);
        assert_eq!(encode(123), 0xF0);
        assert_eq!(encode(124), 0xEF);
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
            // 0x7F (negative zero) decodes to 0, which encodes as positive zero.
            let expected = if code == 0x7F { 0xFF } else { code };
            assert_eq!(encode(decode(code)), expected, "code {code:#04x}");
        }
    }

    #[test]
    fn round_trip_error_is_within_half_a_step() {
        // In segment s the biased magnitude lies in [2^(s+7), 2^(s+8)) and the step is
        // 2^(s+3), so half a step is at most (|x| + 132) / 32. Past the last level (32124)
        // the code saturates.
        for sample in i16::MIN..=i16::MAX {
            let magnitude = i32::from(sample).abs();
            let error = (i32::from(sample) - i32::from(decode(encode(sample)))).abs();
            let bound = if magnitude > 32124 {
                magnitude - 32124
            } else {
                (magnitude + 132) / 32 + 1
            };
            assert!(error <= bound, "sample {sample}: error {error} > {bound}");
        }
    }

    #[test]
    fn decoding_is_monotonic_in_each_sign() {
        // Codes 0x00..=0x7F are negative, rising towards zero; 0xFF..=0x80 positive, rising.
        for code in 0x00..0x7Fu8 {
            assert!(decode(code) < decode(code + 1), "code {code:#04x}");
        }
        for code in 0x81..=0xFFu8 {
            assert!(decode(code) < decode(code - 1), "code {code:#04x}");
        }
    }
}
