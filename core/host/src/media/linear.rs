//! Linear frames between the core and endpoints that need no codec: 16-bit samples in the
//! machine's byte order, as `FrameFlags::LINEAR` says.

/// Appends the samples in `bytes` to `pcm` (an odd trailing byte is ignored).
pub fn bytes_to_samples(bytes: &[u8], pcm: &mut Vec<i16>) {
    pcm.extend(
        bytes
            .chunks_exact(2)
            .map(|pair| i16::from_ne_bytes([pair[0], pair[1]])),
    );
}

/// Writes `pcm` into `out` as bytes, returning how many were written (as many whole
/// samples as fit).
pub fn samples_to_bytes(pcm: &[i16], out: &mut [u8]) -> usize {
    let mut written = 0;
    for (sample, slot) in pcm.iter().zip(out.chunks_exact_mut(2)) {
        slot.copy_from_slice(&sample.to_ne_bytes());
        written += 2;
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_survive_the_round_trip() {
        let pcm = [0i16, 1, -1, i16::MAX, i16::MIN, 12345];
        let mut bytes = [0u8; 12];
        assert_eq!(samples_to_bytes(&pcm, &mut bytes), 12);
        let mut back = Vec::new();
        bytes_to_samples(&bytes, &mut back);
        assert_eq!(back, pcm);
    }

    #[test]
    fn a_short_buffer_takes_whole_samples_only() {
        let mut bytes = [0u8; 5];
        assert_eq!(samples_to_bytes(&[1, 2, 3], &mut bytes), 4);
    }
}
