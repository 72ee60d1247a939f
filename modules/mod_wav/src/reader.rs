//! Reading a 16-bit PCM WAV file.

use std::fs::File;
use std::io::{self, BufReader};

use ferroswitch_abi::{AudioSpec, Error, FileReader};
use hound::{SampleFormat, WavReader};

use crate::contain::contain;
use crate::strict_eof::StrictEof;

/// The smallest header a WAV file can have: RIFF (12 bytes), a PCM `fmt ` chunk (8 + 16) and
/// the `data` chunk's header (8).
const SMALLEST_HEADER: u64 = 44;

/// An open WAV file, positioned at some sample frame.
pub struct WavFileReader {
    path: String,
    hound: WavReader<BufReader<StrictEof<File>>>,
    spec: AudioSpec,
    frames: u32,
}

impl WavFileReader {
    /// Opens `path`, refusing anything but 16-bit integer PCM in one or two channels, and a
    /// file shorter than its header says.
    pub fn open(path: &str) -> Result<Self, Error> {
        let file = File::open(path).map_err(|error| match error.kind() {
            io::ErrorKind::NotFound => Error::not_found(format!("{path}: no such file")),
            _ => Error::failed(format!("{path}: cannot open: {error}")),
        })?;
        let file_bytes = file.metadata().map(|meta| meta.len()).ok();
        // The buffer goes outside: hound reads two bytes per sample, and those are served from
        // it; StrictEof only sees the buffer's refills, where a file's end shows.
        let hound = contain(path, "reading the header", || {
            WavReader::new(BufReader::new(StrictEof(file)))
        })?
        .map_err(|error| header_error(path, error))?;

        let spec = hound.spec();
        if spec.sample_format != SampleFormat::Int || spec.bits_per_sample != 16 {
            let format = match spec.sample_format {
                SampleFormat::Int => "integer",
                SampleFormat::Float => "floating-point",
            };
            return Err(Error::invalid_argument(format!(
                "{path}: {}-bit {format} samples; only 16-bit PCM is supported",
                spec.bits_per_sample
            )));
        }
        let channels = match spec.channels {
            1 => 1,
            2 => 2,
            other => {
                return Err(Error::invalid_argument(format!(
                    "{path}: {other} channels; only mono and stereo are supported"
                )))
            }
        };
        if spec.sample_rate == 0 {
            return Err(Error::invalid_argument(format!(
                "{path}: the header gives a sample rate of 0 Hz"
            )));
        }
        let audio_bytes = u64::from(hound.len()) * 2;
        if let Some(file_bytes) = file_bytes.filter(|&bytes| bytes < SMALLEST_HEADER + audio_bytes)
        {
            return Err(Error::invalid_argument(format!(
                "{path}: truncated: the header promises {audio_bytes} bytes of audio but the \
                 whole file is {file_bytes} bytes"
            )));
        }
        Ok(Self {
            path: path.to_owned(),
            frames: hound.duration(),
            spec: AudioSpec {
                samples_per_second: spec.sample_rate,
                channels,
            },
            hound,
        })
    }
}

impl std::fmt::Debug for WavFileReader {
    // hound's reader and writer are not Debug.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WavFileReader")
            .field("path", &self.path)
            .field("spec", &self.spec)
            .field("frames", &self.frames)
            .finish_non_exhaustive()
    }
}

impl FileReader for WavFileReader {
    fn spec(&self) -> AudioSpec {
        self.spec
    }

    fn read(&mut self, pcm: &mut [i16]) -> Result<usize, Error> {
        let channels = usize::from(self.spec.channels);
        if !pcm.is_empty() && pcm.len() < channels {
            return Err(Error::invalid_argument(format!(
                "{}: a buffer of {} sample(s) cannot hold one frame of {channels} channels",
                self.path,
                pcm.len()
            )));
        }
        // Whole frames only, so the next read starts on the first channel again.
        let wanted = pcm.len() / channels * channels;
        let hound = &mut self.hound;
        let read = contain(&self.path, "reading samples", || {
            let mut samples = hound.samples::<i16>();
            let mut count = 0;
            for slot in &mut pcm[..wanted] {
                match samples.next() {
                    Some(Ok(sample)) => *slot = sample,
                    Some(Err(error)) => return Err(error),
                    None => break,
                }
                count += 1;
            }
            Ok(count)
        })?;
        read.map_err(|error| match error {
            hound::Error::IoError(error) if error.kind() == io::ErrorKind::UnexpectedEof => {
                Error::invalid_argument(format!(
                    "{}: truncated: the file ends before the audio its header promises",
                    self.path
                ))
            }
            other => Error::failed(format!("{}: read error: {other}", self.path)),
        })
    }

    fn seek(&mut self, frame: u64) -> Result<(), Error> {
        let Some(frame) = u32::try_from(frame).ok().filter(|&f| f <= self.frames) else {
            return Err(Error::invalid_argument(format!(
                "{}: cannot seek to frame {frame}: the file has {} frames",
                self.path, self.frames
            )));
        };
        let hound = &mut self.hound;
        contain(&self.path, "seeking", || hound.seek(frame))?
            .map_err(|error| Error::failed(format!("{}: seek error: {error}", self.path)))
    }

    fn frames(&self) -> Option<u64> {
        Some(u64::from(self.frames))
    }
}

/// The error for a file hound could not read the header of.
fn header_error(path: &str, error: hound::Error) -> Error {
    match error {
        hound::Error::IoError(error) if error.kind() == io::ErrorKind::UnexpectedEof => {
            Error::invalid_argument(format!("{path}: not a WAV file: it ends inside its header"))
        }
        hound::Error::IoError(error) => Error::failed(format!("{path}: read error: {error}")),
        hound::Error::FormatError(reason) => {
            Error::invalid_argument(format!("{path}: not a valid WAV file: {reason}"))
        }
        hound::Error::Unsupported => Error::invalid_argument(format!(
            "{path}: not PCM (compressed or an unknown encoding); only 16-bit PCM is supported"
        )),
        other => Error::invalid_argument(format!("{path}: not a usable WAV file: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferroswitch_abi::ErrorKind;
    use std::path::Path;

    /// A hound-written file of `samples` at `bits` per sample, returned as bytes.
    fn hound_file(dir: &Path, name: &str, spec: hound::WavSpec, samples: usize) -> String {
        let path = dir.join(name);
        let mut writer = hound::WavWriter::create(&path, spec).expect("creates");
        for n in 0..samples {
            match spec.sample_format {
                SampleFormat::Float => writer.write_sample(n as f32 / 1000.0),
                SampleFormat::Int => writer.write_sample((n % 100) as i32),
            }
            .expect("writes");
        }
        writer.finalize().expect("finishes");
        path.to_str().expect("UTF-8 path").to_owned()
    }

    fn pcm16(channels: u16) -> hound::WavSpec {
        hound::WavSpec {
            channels,
            sample_rate: 8000,
            bits_per_sample: 16,
            sample_format: SampleFormat::Int,
        }
    }

    fn open_error(path: &str) -> Error {
        WavFileReader::open(path).expect_err("refused")
    }

    #[test]
    fn a_missing_file_is_not_found_by_path() {
        let error = open_error("/nonexistent/prompt.wav");
        assert_eq!(error.kind, ErrorKind::NOT_FOUND);
        assert_eq!(error.message(), "/nonexistent/prompt.wav: no such file");
    }

    #[test]
    fn garbage_is_not_a_wav_file() {
        let dir = tempfile::tempdir().expect("temporary directory");
        for (name, bytes, reason) in [
            ("empty.wav", &b""[..], "it ends inside its header"),
            (
                "text.wav",
                b"hello, this is not audio at all, just words",
                "not a valid WAV file",
            ),
            (
                "riff.wav",
                b"RIFF\x10\x00\x00\x00WAVE",
                "it ends inside its header",
            ),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).expect("writes");
            let path = path.to_str().expect("UTF-8 path");
            let error = open_error(path);
            assert_eq!(error.kind, ErrorKind::INVALID_ARGUMENT, "{error}");
            assert!(error.message().starts_with(&format!("{path}: ")), "{error}");
            assert!(error.message().contains(reason), "{name}: {error}");
        }
    }

    #[test]
    fn only_16_bit_pcm_in_one_or_two_channels_is_read() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let cases = [
            (8, SampleFormat::Int, 1, "8-bit integer samples"),
            (24, SampleFormat::Int, 1, "24-bit integer samples"),
            (32, SampleFormat::Float, 1, "32-bit floating-point samples"),
            (16, SampleFormat::Int, 3, "3 channels"),
        ];
        for (bits, format, channels, reason) in cases {
            let spec = hound::WavSpec {
                channels,
                sample_rate: 16000,
                bits_per_sample: bits,
                sample_format: format,
            };
            let path = hound_file(dir.path(), &format!("{bits}-{channels}.wav"), spec, 30);
            let error = open_error(&path);
            assert!(
                error.message().starts_with(&format!("{path}: {reason}")),
                "{error}"
            );
        }
    }

    #[test]
    fn a_file_cut_short_is_refused_at_open() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = hound_file(dir.path(), "cut.wav", pcm16(1), 8000);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("opens");
        file.set_len(44 + 1000).expect("truncates");
        let error = open_error(&path);
        assert_eq!(
            error.message(),
            format!(
                "{path}: truncated: the header promises 16000 bytes of audio but the whole \
                 file is 1044 bytes"
            )
        );
    }

    #[test]
    fn a_file_cut_short_behind_a_long_header_fails_when_read() {
        // RIFF, fmt, a 200-byte LIST chunk, then a data chunk promising 1000 samples of
        // which only 950 are there: the file is longer than 44 bytes plus the audio, so only
        // reading finds the cut.
        let mut bytes = Vec::new();
        let data_bytes = 2000u32;
        bytes.extend_from_slice(b"RIFF");
        bytes.extend_from_slice(&(4 + 24 + 208 + 8 + data_bytes).to_le_bytes());
        bytes.extend_from_slice(b"WAVEfmt ");
        bytes.extend_from_slice(&16u32.to_le_bytes());
        bytes.extend_from_slice(&1u16.to_le_bytes()); // PCM
        bytes.extend_from_slice(&1u16.to_le_bytes()); // mono
        bytes.extend_from_slice(&8000u32.to_le_bytes());
        bytes.extend_from_slice(&16000u32.to_le_bytes());
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.extend_from_slice(&16u16.to_le_bytes());
        bytes.extend_from_slice(b"LIST");
        bytes.extend_from_slice(&200u32.to_le_bytes());
        bytes.extend_from_slice(&[b' '; 200]);
        bytes.extend_from_slice(b"data");
        bytes.extend_from_slice(&data_bytes.to_le_bytes());
        bytes.extend_from_slice(&[0x11; 1900]);
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("long-header.wav");
        std::fs::write(&path, &bytes).expect("writes");
        let path = path.to_str().expect("UTF-8 path");

        let mut reader = WavFileReader::open(path).expect("the header is fine");
        assert_eq!(reader.frames(), Some(1000));
        let mut pcm = [0i16; 800];
        assert_eq!(reader.read(&mut pcm), Ok(800));
        assert_eq!(pcm[0], 0x1111);
        let error = reader.read(&mut pcm).expect_err("only 150 samples remain");
        assert_eq!(
            error.message(),
            format!("{path}: truncated: the file ends before the audio its header promises")
        );
    }

    #[test]
    fn seeks_by_frame_and_refuses_past_the_end() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = hound_file(dir.path(), "stereo.wav", pcm16(2), 400);
        let mut reader = WavFileReader::open(&path).expect("opens");
        assert_eq!(
            reader.spec(),
            AudioSpec {
                samples_per_second: 8000,
                channels: 2
            }
        );
        assert_eq!(reader.frames(), Some(200));
        reader.seek(150).expect("within the file");
        let mut pcm = [0i16; 7];
        // Whole frames only: 3 frames of 2 channels fit in 7 samples.
        assert_eq!(reader.read(&mut pcm), Ok(6));
        assert_eq!(pcm[..6], [0, 1, 2, 3, 4, 5]);
        reader.seek(200).expect("the end is a place too");
        assert_eq!(reader.read(&mut pcm), Ok(0));
        let error = reader.seek(201).expect_err("past the end");
        assert_eq!(
            error.message(),
            format!("{path}: cannot seek to frame 201: the file has 200 frames")
        );
        let error = reader.read(&mut pcm[..1]).expect_err("no whole frame");
        assert!(
            error
                .message()
                .contains("cannot hold one frame of 2 channels"),
            "{error}"
        );
    }

    #[test]
    fn damaged_headers_are_errors_and_never_panics() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let good = std::fs::read(hound_file(dir.path(), "good.wav", pcm16(2), 64)).expect("reads");
        let path = dir.path().join("damaged.wav");
        let path = path.to_str().expect("UTF-8 path");
        let mut opened = 0;
        for position in 0..44 {
            for value in [0x00, 0x01, 0x02, 0x10, 0x7F, 0x80, 0xFF] {
                let mut bytes = good.clone();
                bytes[position] = value;
                std::fs::write(path, &bytes).expect("writes");
                let outcome = WavFileReader::open(path).and_then(|mut reader| {
                    let mut pcm = [0i16; 256];
                    while reader.read(&mut pcm)? > 0 {}
                    reader.seek(0)
                });
                match outcome {
                    Ok(()) => opened += 1,
                    Err(error) => {
                        assert!(error.message().starts_with(path), "{error}");
                        assert!(!error.message().contains("panicked"), "{position}: {error}");
                    }
                }
            }
        }
        // Some bytes (the rate, say) can change and leave a readable file.
        assert!(opened > 0);
    }
}
