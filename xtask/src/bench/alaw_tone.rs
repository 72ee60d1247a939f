//! The A-law tone sipp's `rtp_stream` loops as a caller's voice, in a directory of its own
//! that goes when the tone does.

use std::path::{Path, PathBuf};

use crate::error::Error;

use super::switch_process::bench_error;

/// A raw A-law file of a 440 Hz tone.
pub struct AlawTone {
    dir: PathBuf,
    path: PathBuf,
}

impl AlawTone {
    /// Writes `seconds` of tone to a new file under the temporary directory; `purpose` names
    /// the directory.
    pub fn write(purpose: &str, seconds: u32) -> Result<AlawTone, Error> {
        let dir =
            std::env::temp_dir().join(format!("ferroswitch-{purpose}-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|error| bench_error(format!("{}: {error}", dir.display())))?;
        let path = dir.join("tone.alaw");
        std::fs::write(&path, alaw_tone(seconds))
            .map_err(|error| bench_error(format!("{}: {error}", path.display())))?;
        Ok(AlawTone { dir, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for AlawTone {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `seconds` of a 440 Hz tone, 8 kHz A-law (raw, no header), for sipp's `rtp_stream`.
fn alaw_tone(seconds: u32) -> Vec<u8> {
    (0..8000 * seconds)
        .map(|n| {
            let t = f64::from(n) / 8000.0;
            linear_to_alaw((8000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16)
        })
        .collect()
}

/// ITU-T G.711 A-law.
fn linear_to_alaw(sample: i16) -> u8 {
    let sign: u8 = if sample >= 0 { 0x80 } else { 0x00 };
    let magnitude = (i32::from(sample).unsigned_abs() >> 3).min(0xFFF);
    let code = if magnitude < 32 {
        (magnitude >> 1) as u8
    } else {
        let exponent = 31 - magnitude.leading_zeros() - 4;
        ((exponent << 4) as u8) | ((magnitude >> exponent) & 0x0F) as u8
    };
    (sign | code) ^ 0x55
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alaw_matches_known_codes() {
        // Silence, and the extremes, from the G.711 tables.
        assert_eq!(linear_to_alaw(0), 0xD5);
        assert_eq!(linear_to_alaw(i16::MAX), 0xAA);
        assert_eq!(linear_to_alaw(i16::MIN), 0x2A);
    }
}
