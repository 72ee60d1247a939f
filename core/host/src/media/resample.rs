//! Sample-rate conversion between the rates telephony uses (8, 16, 48 kHz), one frame at a
//! time, through rubato's FFT resampler (fixed ratio, anti-aliased, no allocation per frame).

use rubato::{FftFixedInOut, Resampler as _};

use ferroswitch_abi::Error;

/// Converts frames of one fixed size from one rate to another, keeping the filter's state
/// between frames so that consecutive frames join without clicks.
pub struct Resampler {
    from: u32,
    to: u32,
    frame_in: usize,
    inner: FftFixedInOut<f32>,
    input: [Vec<f32>; 1],
    output: [Vec<f32>; 1],
}

impl Resampler {
    /// A resampler for mono frames of `frame_in` samples at `from` Hz, each becoming one
    /// frame at `to` Hz.
    pub fn new(from: u32, to: u32, frame_in: usize) -> Result<Self, Error> {
        let inner = FftFixedInOut::<f32>::new(from as usize, to as usize, frame_in, 1).map_err(
            |error| {
                Error::invalid_argument(format!(
                    "cannot resample {frame_in}-sample frames from {from} Hz to {to} Hz: {error}"
                ))
            },
        )?;
        if inner.input_frames_next() != frame_in {
            return Err(Error::invalid_argument(format!(
                "cannot resample {frame_in}-sample frames from {from} Hz to {to} Hz: \
                 the ratio needs frames of {} samples",
                inner.input_frames_next()
            )));
        }
        let frame_out = inner.output_frames_next();
        Ok(Self {
            from,
            to,
            frame_in,
            inner,
            input: [vec![0.0; frame_in]],
            output: [vec![0.0; frame_out]],
        })
    }

    /// Whether this resampler converts `frame_in`-sample frames from `from` to `to`.
    pub fn fits(&self, from: u32, to: u32, frame_in: usize) -> bool {
        self.from == from && self.to == to && self.frame_in == frame_in
    }

    /// Samples in each output frame.
    pub fn frame_out(&self) -> usize {
        self.output[0].len()
    }

    /// Converts one frame of exactly `frame_in` samples, appending the result to `out`.
    pub fn process(&mut self, frame: &[i16], out: &mut Vec<i16>) -> Result<(), Error> {
        if frame.len() != self.frame_in {
            return Err(Error::invalid_argument(format!(
                "resampler for {}-sample frames given {}",
                self.frame_in,
                frame.len()
            )));
        }
        for (slot, sample) in self.input[0].iter_mut().zip(frame) {
            *slot = f32::from(*sample) / 32768.0;
        }
        let (_, written) = self
            .inner
            .process_into_buffer(&self.input, &mut self.output, None)
            .map_err(|error| Error::failed(format!("resampling failed: {error}")))?;
        out.extend(
            self.output[0][..written]
                .iter()
                .map(|sample| (sample * 32768.0).round().clamp(-32768.0, 32767.0) as i16),
        );
        Ok(())
    }
}

/// A resampler kept across frames and rebuilt only when the conversion asked for changes.
#[derive(Default)]
pub struct ResamplerSlot(Option<Resampler>);

impl ResamplerSlot {
    /// Converts `frame` from `from` to `to` Hz, appending to `out` (copies when equal).
    pub fn convert(
        &mut self,
        frame: &[i16],
        from: u32,
        to: u32,
        out: &mut Vec<i16>,
    ) -> Result<(), Error> {
        if from == to {
            out.extend_from_slice(frame);
            return Ok(());
        }
        let fits = self
            .0
            .as_ref()
            .is_some_and(|resampler| resampler.fits(from, to, frame.len()));
        if !fits {
            self.0 = Some(Resampler::new(from, to, frame.len())?);
        }
        match &mut self.0 {
            Some(resampler) => resampler.process(frame, out),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, frequency: f32, samples: usize, offset: usize) -> Vec<i16> {
        (offset..offset + samples)
            .map(|n| {
                let t = n as f32 / rate as f32;
                (8000.0 * (2.0 * std::f32::consts::PI * frequency * t).sin()) as i16
            })
            .collect()
    }

    /// The frequency with the most energy, by counting zero crossings.
    fn crossings_per_second(samples: &[i16], rate: u32) -> f32 {
        let crossings = samples
            .windows(2)
            .filter(|pair| (pair[0] < 0) != (pair[1] < 0))
            .count();
        crossings as f32 / 2.0 / (samples.len() as f32 / rate as f32)
    }

    #[test]
    fn upsampling_keeps_a_tone_and_gives_one_frame_per_frame() {
        let mut slot = ResamplerSlot::default();
        let mut out = Vec::new();
        for frame in 0..50 {
            let input = tone(8000, 440.0, 160, frame * 160);
            slot.convert(&input, 8000, 48000, &mut out).unwrap();
            assert_eq!(out.len(), (frame + 1) * 960);
        }
        // Skip the filter's start-up delay, then the tone is still 440 Hz.
        let frequency = crossings_per_second(&out[4800..], 48000);
        assert!((frequency - 440.0).abs() < 5.0, "{frequency} Hz");
    }

    #[test]
    fn downsampling_removes_what_the_lower_rate_cannot_carry() {
        let mut slot = ResamplerSlot::default();
        let mut out = Vec::new();
        for frame in 0..50 {
            // 6 kHz cannot exist at 8 kHz: it must be filtered, not folded to 2 kHz.
            let input = tone(48000, 6000.0, 960, frame * 960);
            slot.convert(&input, 48000, 8000, &mut out).unwrap();
        }
        let peak = out[800..].iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!(peak < 800, "aliased energy left: peak {peak}");
    }

    #[test]
    fn a_frame_of_the_wrong_size_is_an_error_not_a_panic() {
        let mut resampler = Resampler::new(8000, 16000, 160).unwrap();
        let mut out = Vec::new();
        assert!(resampler.process(&[0; 100], &mut out).is_err());
        assert!(out.is_empty());
    }
}
