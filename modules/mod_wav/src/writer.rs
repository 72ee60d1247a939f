//! Writing a 16-bit PCM WAV file.

use std::fs::File;
use std::io::BufWriter;

use ferroswitch_abi::{AudioSpec, Error, FileWriter};
use hound::{SampleFormat, WavSpec, WavWriter};

use crate::contain::contain;

/// The rates a file may be written at.
pub const RATES: std::ops::RangeInclusive<u32> = 8000..=192_000;
/// The most audio a WAV file holds: its sizes are 32-bit, and the RIFF size counts the
/// 36 bytes of header after it too.
const MAX_AUDIO_BYTES: u64 = u32::MAX as u64 - 36;
/// Samples handed to hound at a time, bounding the buffer it keeps.
const CHUNK: usize = 4096;

/// A WAV file being written. Its header is completed by [`FileWriter::finish`] or, failing
/// that, when it is dropped.
pub struct WavFileWriter {
    path: String,
    /// `None` once finished.
    hound: Option<WavWriter<BufWriter<File>>>,
    channels: usize,
    audio_bytes: u64,
}

impl WavFileWriter {
    /// Creates (or truncates) `path` for audio of `spec`.
    pub fn create(path: &str, spec: AudioSpec) -> Result<Self, Error> {
        if !(1..=2).contains(&spec.channels) {
            return Err(Error::invalid_argument(format!(
                "{path}: cannot write {} channels; only mono and stereo",
                spec.channels
            )));
        }
        if !RATES.contains(&spec.samples_per_second) {
            return Err(Error::invalid_argument(format!(
                "{path}: cannot write at {} Hz; 8000 to 192000 Hz",
                spec.samples_per_second
            )));
        }
        let hound_spec = WavSpec {
            channels: u16::from(spec.channels),
            sample_rate: spec.samples_per_second,
            bits_per_sample: 16,
            sample_format: SampleFormat::Int,
        };
        let hound = contain(path, "creating the file", || {
            WavWriter::create(path, hound_spec)
        })?
        .map_err(|error| Error::failed(format!("{path}: cannot create: {error}")))?;
        Ok(Self {
            path: path.to_owned(),
            hound: Some(hound),
            channels: usize::from(spec.channels),
            audio_bytes: 0,
        })
    }
}

impl std::fmt::Debug for WavFileWriter {
    // hound's reader and writer are not Debug.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WavFileWriter")
            .field("path", &self.path)
            .field("channels", &self.channels)
            .field("audio_bytes", &self.audio_bytes)
            .finish_non_exhaustive()
    }
}

impl FileWriter for WavFileWriter {
    fn write(&mut self, pcm: &[i16]) -> Result<(), Error> {
        let path = &self.path;
        let Some(hound) = self.hound.as_mut() else {
            return Err(Error::invalid_argument(format!(
                "{path}: already finished; nothing more can be written"
            )));
        };
        if !pcm.len().is_multiple_of(self.channels) {
            return Err(Error::invalid_argument(format!(
                "{path}: {} samples are not whole frames of {} channels",
                pcm.len(),
                self.channels
            )));
        }
        let bytes = self.audio_bytes + 2 * pcm.len() as u64;
        if bytes > MAX_AUDIO_BYTES {
            return Err(Error::invalid_argument(format!(
                "{path}: full: a WAV file holds at most 4 GiB of audio"
            )));
        }
        contain(path, "writing samples", || {
            for chunk in pcm.chunks(CHUNK) {
                // The writer is 16-bit integer (made so in `create`) and gets exactly as many
                // samples as it reserves, so hound's asserts hold.
                let mut samples = hound.get_i16_writer(chunk.len() as u32);
                for &sample in chunk {
                    samples.write_sample(sample);
                }
                samples.flush()?;
            }
            Ok::<(), hound::Error>(())
        })?
        .map_err(|error| Error::failed(format!("{path}: write error: {error}")))?;
        self.audio_bytes = bytes;
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Error> {
        let Some(hound) = self.hound.take() else {
            // Finished already: the header is complete.
            return Ok(());
        };
        contain(&self.path, "completing the header", || hound.finalize())?
            .map_err(|error| Error::failed(format!("{}: cannot complete: {error}", self.path)))
    }
}

impl Drop for WavFileWriter {
    fn drop(&mut self) {
        // Nobody is left to hear about a failure here; the file is as complete as it can be.
        let _ = self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::WavFileReader;
    use ferroswitch_abi::{ErrorKind, FileReader};

    fn spec(rate: u32, channels: u8) -> AudioSpec {
        AudioSpec {
            samples_per_second: rate,
            channels,
        }
    }

    fn ramp(samples: usize) -> Vec<i16> {
        (0..samples)
            .map(|n| (n as i32 * 37 - 30_000) as i16)
            .collect()
    }

    fn read_all(path: &str) -> (AudioSpec, Option<u64>, Vec<i16>) {
        let mut reader = WavFileReader::open(path).expect("readable");
        let mut samples = Vec::new();
        let mut buffer = [0i16; 333];
        loop {
            let count = reader.read(&mut buffer).expect("reads");
            if count == 0 {
                break;
            }
            samples.extend_from_slice(&buffer[..count]);
        }
        (reader.spec(), reader.frames(), samples)
    }

    #[test]
    fn round_trips_every_rate_and_layout() {
        let dir = tempfile::tempdir().expect("temporary directory");
        for (rate, channels) in [(8000, 1), (16000, 1), (48000, 1), (48000, 2), (16000, 2)] {
            let path = dir.path().join(format!("{rate}-{channels}.wav"));
            let path = path.to_str().expect("UTF-8 path");
            let pcm = ramp(rate as usize / 50 * usize::from(channels) * 3);
            let mut writer = WavFileWriter::create(path, spec(rate, channels)).expect("creates");
            for frame in pcm.chunks(rate as usize / 50 * usize::from(channels)) {
                writer.write(frame).expect("writes");
            }
            writer.finish().expect("finishes");
            let (read_spec, frames, samples) = read_all(path);
            assert_eq!(read_spec, spec(rate, channels));
            assert_eq!(frames, Some(pcm.len() as u64 / u64::from(channels)));
            assert_eq!(samples, pcm, "{rate} Hz x {channels}");
        }
    }

    #[test]
    fn dropping_without_finish_completes_the_header() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("dropped.wav");
        let path = path.to_str().expect("UTF-8 path");
        let mut writer = WavFileWriter::create(path, spec(8000, 1)).expect("creates");
        writer.write(&ramp(800)).expect("writes");
        drop(writer);
        let (_, frames, samples) = read_all(path);
        assert_eq!(frames, Some(800));
        assert_eq!(samples, ramp(800));
    }

    #[test]
    fn a_large_write_spans_several_chunks() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("large.wav");
        let path = path.to_str().expect("UTF-8 path");
        let pcm = ramp(CHUNK * 3 + 17);
        let mut writer = WavFileWriter::create(path, spec(48000, 1)).expect("creates");
        writer.write(&pcm).expect("writes");
        writer.finish().expect("finishes");
        assert_eq!(read_all(path).2, pcm);
    }

    #[test]
    fn misuse_is_refused_by_name() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("out.wav");
        let path = path.to_str().expect("UTF-8 path");

        let error = WavFileWriter::create(path, spec(8000, 3)).expect_err("3 channels");
        assert_eq!(
            error.message(),
            format!("{path}: cannot write 3 channels; only mono and stereo")
        );
        let error = WavFileWriter::create(path, spec(4000, 1)).expect_err("4 kHz");
        assert!(
            error.message().contains("cannot write at 4000 Hz"),
            "{error}"
        );

        let mut stereo = WavFileWriter::create(path, spec(48000, 2)).expect("creates");
        let error = stereo.write(&[1, 2, 3]).expect_err("half a frame");
        assert!(
            error
                .message()
                .contains("3 samples are not whole frames of 2"),
            "{error}"
        );
        stereo.finish().expect("finishes");
        stereo.finish().expect("finishing twice is harmless");
        let error = stereo.write(&[1, 2]).expect_err("finished");
        assert!(error.message().contains("already finished"), "{error}");

        let missing = dir.path().join("no/such/dir/out.wav");
        let missing = missing.to_str().expect("UTF-8 path");
        let error = WavFileWriter::create(missing, spec(8000, 1)).expect_err("no directory");
        assert_eq!(error.kind, ErrorKind::FAILED);
        assert!(
            error
                .message()
                .starts_with(&format!("{missing}: cannot create: ")),
            "{error}"
        );
    }
}
