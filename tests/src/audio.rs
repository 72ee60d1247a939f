//! Checking recorded audio: reading and writing WAV files and finding tones in them.

use std::f64::consts::PI;
use std::path::Path;

/// A WAV file's rate, channels and interleaved samples; a missing or unreadable file fails
/// the test, naming it.
pub fn read_wav(path: &Path) -> (u32, u16, Vec<i16>) {
    let reader = hound::WavReader::open(path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
    let spec = reader.spec();
    let samples = reader
        .into_samples::<i16>()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|error| panic!("reading the samples of {}: {error}", path.display()));
    (spec.sample_rate, spec.channels, samples)
}

/// Writes `seconds` of a `frequency` sine at `rate` in `channels` identical channels, with
/// a peak of 8000.
pub fn write_tone_wav(path: &Path, rate: u32, channels: u16, frequency: f64, seconds: f64) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec)
        .unwrap_or_else(|error| panic!("creating {}: {error}", path.display()));
    for n in 0..(f64::from(rate) * seconds) as u32 {
        let t = f64::from(n) / f64::from(rate);
        let sample = (8000.0 * (2.0 * PI * frequency * t).sin()) as i16;
        for _ in 0..channels {
            writer.write_sample(sample).expect("writes a sample");
        }
    }
    writer.finalize().expect("completes the WAV file");
}

/// The power of `frequency` in `samples` at `rate` (Goertzel), per sample squared, so
/// that frames of any length compare.
pub fn tone_power(samples: &[i16], rate: u32, frequency: f64) -> f64 {
    let coefficient = 2.0 * (2.0 * PI * frequency / f64::from(rate)).cos();
    let (mut previous, mut before) = (0.0f64, 0.0f64);
    for sample in samples {
        let current = f64::from(*sample) + coefficient * previous - before;
        before = previous;
        previous = current;
    }
    let power = previous * previous + before * before - coefficient * previous * before;
    power / (samples.len().max(1) as f64).powi(2)
}

/// How many `frame`-sample frames of `samples` carry a clear tone at `frequency`: loud, and
/// far stronger than at a frequency a third higher.
pub fn frames_with_tone(samples: &[i16], rate: u32, frequency: f64, frame: usize) -> usize {
    samples
        .chunks_exact(frame)
        .filter(|chunk| {
            let wanted = tone_power(chunk, rate, frequency);
            let other = tone_power(chunk, rate, frequency * 1.33);
            // A sine of peak 1000 gives 250,000: a tenth of that is plainly a tone.
            wanted > 25_000.0 && wanted > 20.0 * other
        })
        .count()
}

/// The frequency of the dominant tone in `samples`, from zero crossings.
pub fn crossing_frequency(samples: &[i16], rate: u32) -> f64 {
    let crossings = samples
        .windows(2)
        .filter(|pair| (pair[0] < 0) != (pair[1] < 0))
        .count();
    crossings as f64 / 2.0 / (samples.len().max(1) as f64 / f64::from(rate))
}

/// Writes `seconds` of a signal that never repeats: a sweep from 300 to 2500 Hz over the
/// whole file with a quieter 440 Hz tone, under a slow, uneven envelope, peaking near 12000.
/// Its correlation with anything but itself at lag 0 (a shifted or reversed copy) is low, so
/// matching a recording against it finds the true offset and only a faithful copy scores.
pub fn write_test_signal_wav(path: &Path, rate: u32, seconds: f64) -> Vec<i16> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec)
        .unwrap_or_else(|error| panic!("creating {}: {error}", path.display()));
    let samples: Vec<i16> = (0..(f64::from(rate) * seconds) as u32)
        .map(|n| {
            let t = f64::from(n) / f64::from(rate);
            let envelope =
                0.55 + 0.3 * (2.0 * PI * 1.3 * t).sin() + 0.15 * (2.0 * PI * 3.7 * t).sin();
            let sweep_phase = 2.0 * PI * (300.0 * t + (2500.0 - 300.0) / (2.0 * seconds) * t * t);
            let carrier = 0.7 * sweep_phase.sin() + 0.3 * (2.0 * PI * 440.0 * t).sin();
            (12000.0 * envelope * carrier) as i16
        })
        .collect();
    for sample in &samples {
        writer.write_sample(*sample).expect("writes a sample");
    }
    writer.finalize().expect("completes the WAV file");
    samples
}

/// The best normalised correlation of `recorded` against `source`, over every offset of
/// `recorded` into `source` up to `max_lag` samples either way, comparing the overlap (at
/// least half of `source`). 1.0 is a perfect copy up to gain.
pub fn best_correlation(source: &[i16], recorded: &[i16], max_lag: usize) -> f64 {
    let mut best = 0.0f64;
    for lag in -(max_lag as i64)..=max_lag as i64 {
        let pairs = source.iter().enumerate().filter_map(|(index, s)| {
            let at = index as i64 + lag;
            (at >= 0 && (at as usize) < recorded.len())
                .then(|| (f64::from(*s), f64::from(recorded[at as usize])))
        });
        let (mut sum_sr, mut sum_ss, mut sum_rr, mut count) = (0.0, 0.0, 0.0, 0usize);
        for (s, r) in pairs {
            sum_sr += s * r;
            sum_ss += s * s;
            sum_rr += r * r;
            count += 1;
        }
        if count < source.len() / 2 || sum_ss == 0.0 || sum_rr == 0.0 {
            continue;
        }
        best = best.max(sum_sr / (sum_ss.sqrt() * sum_rr.sqrt()));
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(frequency: f64, samples: usize) -> Vec<i16> {
        (0..samples)
            .map(|n| (1000.0 * (2.0 * PI * frequency * n as f64 / 8000.0).sin()) as i16)
            .collect()
    }

    #[test]
    fn finds_the_tone_it_looks_for_and_not_another() {
        let tone = sine(1000.0, 1600);
        assert_eq!(frames_with_tone(&tone, 8000, 1000.0, 160), 10);
        assert_eq!(frames_with_tone(&tone, 8000, 440.0, 160), 0);
        assert_eq!(frames_with_tone(&[0; 1600], 8000, 1000.0, 160), 0);
        let frequency = crossing_frequency(&tone, 8000);
        assert!((frequency - 1000.0).abs() < 10.0, "{frequency}");
    }
}
