//! Finding DTMF digits in 8 kHz audio (what `start_dtmf` listens with): blocks of 102
//! samples are measured at the eight DTMF frequencies (Goertzel); a block holds a digit when
//! its strongest row and column tones are loud, carry most of the block's energy, stand
//! well above the other tones of their group and are within the twist DTMF allows. A digit
//! is reported when it ends, once it lasted at least three blocks (about 38 ms; DTMF
//! receivers must take 40 ms tones and may refuse shorter ones), with how long it lasted.

use std::f64::consts::PI;

/// The rate the detector works at.
pub const RATE: u32 = 8000;
/// Samples per block: about 12.75 ms, the usual DTMF block.
const BLOCK: usize = 102;
const ROWS: [f64; 4] = [697.0, 770.0, 852.0, 941.0];
const COLUMNS: [f64; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
const DIGITS: [[char; 4]; 4] = [
    ['1', '2', '3', 'A'],
    ['4', '5', '6', 'B'],
    ['7', '8', '9', 'C'],
    ['*', '0', '#', 'D'],
];
/// The least power (per sample squared, a sine of peak `p` gives p²/4) of each tone: a
/// peak of about 300, some 40 dB below full scale.
const MIN_POWER: f64 = 22_500.0;
/// A column tone may be this much weaker than the row tone (8 dB)...
const NORMAL_TWIST: f64 = 0.158;
/// ...and a row tone this much weaker than the column tone (4 dB).
const REVERSE_TWIST: f64 = 0.398;
/// Every other tone of a group is at least 8 dB below the strongest.
const RELATIVE_PEAK: f64 = 0.158;
/// The two tones carry at least this share of the block's energy.
const MIN_SHARE: f64 = 0.6;
/// Blocks a digit must last.
const MIN_BLOCKS: u32 = 3;

/// A DTMF detector over a stream of 8 kHz samples.
pub struct DtmfDetector {
    block: Vec<i16>,
    current: Option<char>,
    blocks: u32,
    /// Blocks without a digit since `current` was last heard.
    gap: u32,
}

/// Blocks a digit must be absent before it counts as released (~38 ms, just under the 40 ms
/// least pause between digits of ITU-T Q.24): a frame lost or late in the middle of a tone
/// must not split one key press into two.
const MIN_GAP_BLOCKS: u32 = 3;

impl Default for DtmfDetector {
    fn default() -> Self {
        Self {
            block: Vec::with_capacity(BLOCK),
            current: None,
            blocks: 0,
            gap: 0,
        }
    }
}

impl DtmfDetector {
    /// Takes the next samples; calls `on_digit(digit, duration_ms)` for each digit that
    /// ended within them.
    pub fn feed(&mut self, pcm: &[i16], mut on_digit: impl FnMut(char, u32)) {
        for sample in pcm {
            self.block.push(*sample);
            if self.block.len() < BLOCK {
                continue;
            }
            let heard = block_digit(&self.block);
            self.block.clear();
            match (self.current, heard) {
                (Some(current), Some(heard)) if current == heard => {
                    self.blocks += 1;
                    self.gap = 0;
                }
                (Some(_), None) => {
                    self.gap += 1;
                    if self.gap >= MIN_GAP_BLOCKS {
                        self.release(&mut on_digit);
                    }
                }
                (_, heard) => {
                    self.release(&mut on_digit);
                    self.current = heard;
                    self.blocks = u32::from(heard.is_some());
                }
            }
        }
    }

    /// Reports the digit being heard, if it lasted long enough, and forgets it.
    fn release(&mut self, on_digit: &mut impl FnMut(char, u32)) {
        if let Some(ended) = self.current.take() {
            if self.blocks >= MIN_BLOCKS {
                on_digit(ended, self.blocks * BLOCK as u32 * 1000 / RATE);
            }
        }
        self.blocks = 0;
        self.gap = 0;
    }
}

/// The power of `frequency` in `samples`, per sample squared.
fn power(samples: &[i16], frequency: f64) -> f64 {
    let coefficient = 2.0 * (2.0 * PI * frequency / f64::from(RATE)).cos();
    let (mut previous, mut before) = (0.0f64, 0.0f64);
    for sample in samples {
        let current = f64::from(*sample) + coefficient * previous - before;
        before = previous;
        previous = current;
    }
    (previous * previous + before * before - coefficient * previous * before)
        / (samples.len() as f64).powi(2)
}

/// The strongest tone of a group, if it stands above the others.
fn strongest(samples: &[i16], group: &[f64; 4]) -> Option<(usize, f64)> {
    let powers = group.map(|frequency| power(samples, frequency));
    let (index, peak) = powers
        .iter()
        .copied()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let stands_out = powers
        .iter()
        .enumerate()
        .all(|(other, power)| other == index || *power < peak * RELATIVE_PEAK);
    (peak >= MIN_POWER && stands_out).then_some((index, peak))
}

/// The digit one block holds, if any.
fn block_digit(samples: &[i16]) -> Option<char> {
    let (row, row_power) = strongest(samples, &ROWS)?;
    let (column, column_power) = strongest(samples, &COLUMNS)?;
    if column_power < row_power * NORMAL_TWIST || row_power < column_power * REVERSE_TWIST {
        return None;
    }
    let mean_square = samples
        .iter()
        .map(|sample| f64::from(*sample).powi(2))
        .sum::<f64>()
        / samples.len() as f64;
    // A sine's power here is half its mean square.
    if 2.0 * (row_power + column_power) < MIN_SHARE * mean_square {
        return None;
    }
    Some(DIGITS[row][column])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tones(frequencies: &[f64], amplitude: f64, ms: u32) -> Vec<i16> {
        let samples = (RATE * ms / 1000) as usize;
        (0..samples)
            .map(|n| {
                let t = n as f64 / f64::from(RATE);
                let sum: f64 = frequencies
                    .iter()
                    .map(|frequency| (2.0 * PI * frequency * t).sin())
                    .sum();
                (amplitude * sum) as i16
            })
            .collect()
    }

    fn digit(digit: char, ms: u32) -> Vec<i16> {
        let (row, column) = (0..4)
            .flat_map(|row| (0..4).map(move |column| (row, column)))
            .find(|(row, column)| DIGITS[*row][*column] == digit)
            .expect("a DTMF digit");
        tones(&[ROWS[row], COLUMNS[column]], 5000.0, ms)
    }

    fn detect(audio: &[i16]) -> Vec<(char, u32)> {
        let mut detector = DtmfDetector::default();
        let mut found = Vec::new();
        // Frames of 20 ms, as a tap hands them over.
        for frame in audio.chunks(160) {
            detector.feed(frame, |digit, ms| found.push((digit, ms)));
        }
        found
    }

    #[test]
    fn a_short_dropout_inside_a_tone_does_not_split_the_digit() {
        let mut audio = digit('1', 60);
        audio.extend(vec![0; 160]);
        audio.extend(digit('1', 60));
        audio.extend(vec![0; 800]);
        let heard = detect(&audio);
        assert_eq!(heard.len(), 1, "{heard:?}");
        assert_eq!(heard[0].0, '1');
    }

    #[test]
    fn every_digit_is_heard_with_its_duration() {
        let mut audio = Vec::new();
        for key in "123A456B789C*0#D".chars() {
            audio.extend(digit(key, 100));
            audio.extend(vec![0; 400]);
        }
        let found = detect(&audio);
        let keys: String = found.iter().map(|(key, _)| *key).collect();
        assert_eq!(keys, "123A456B789C*0#D");
        for (key, ms) in found {
            assert!((76..=115).contains(&ms), "{key} lasted {ms} ms");
        }
    }

    #[test]
    fn a_single_tone_or_speech_like_mix_is_no_digit() {
        let mut audio = tones(&[697.0], 8000.0, 200);
        audio.extend(tones(&[440.0, 1000.0, 1400.0], 4000.0, 200));
        audio.extend(vec![0; 400]);
        assert!(detect(&audio).is_empty());
    }

    #[test]
    fn too_short_and_too_quiet_tones_are_refused() {
        let mut audio = digit('5', 25);
        audio.extend(vec![0; 400]);
        audio.extend(tones(&[770.0, 1336.0], 100.0, 100));
        audio.extend(vec![0; 400]);
        assert!(detect(&audio).is_empty());
    }

    #[test]
    fn twist_beyond_the_limits_is_refused() {
        let mut audio: Vec<i16> = tones(&[770.0], 5000.0, 100)
            .iter()
            .zip(tones(&[1336.0], 500.0, 100))
            .map(|(row, column)| row + column)
            .collect();
        audio.extend(vec![0; 400]);
        assert!(detect(&audio).is_empty());
    }

    #[test]
    fn digits_generated_from_tgml_are_heard() {
        use super::super::tone_stream::{ToneGenerator, ToneScript};
        let script = ToneScript::parse("123#").expect("a valid script");
        let mut audio = vec![0; 20_000];
        let generated = ToneGenerator::new(script, RATE, Some(1)).fill(&mut audio);
        audio.truncate(generated);
        audio.extend(vec![0; 400]);
        let keys: String = detect(&audio).iter().map(|(key, _)| *key).collect();
        assert_eq!(keys, "123#");
    }
}
