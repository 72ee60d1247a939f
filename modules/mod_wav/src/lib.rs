//! mod_wav: the `wav` file format, 16-bit PCM in one or two channels, read at any rate (the
//! core resamples) and written at 8000 to 192000 Hz, through hound.
//!
//! A file that is missing, corrupt, truncated, or not 16-bit PCM is refused with its path and
//! the reason ([`reader`]); a writer completes the header on `finish` and, failing that, on
//! drop ([`writer`]). Calls into hound are panic-contained ([`contain`]).

pub mod contain;
pub mod reader;
pub mod strict_eof;
pub mod writer;

use ferroswitch_abi::{
    AudioSpec, Error, FileReader, FileWriter, Format, FormatDesc, Host, Registrar,
};

use crate::reader::WavFileReader;
use crate::writer::WavFileWriter;

/// The `wav` format.
#[derive(Clone, Copy, Debug, Default)]
pub struct Wav;

impl Wav {
    /// What `show file` lists.
    pub fn desc() -> FormatDesc {
        FormatDesc {
            name: "wav".into(),
            extensions: vec!["wav".into()].into(),
        }
    }
}

impl Format for Wav {
    fn open_read(&self, path: &str) -> Result<Box<dyn FileReader>, Error> {
        Ok(Box::new(WavFileReader::open(path)?))
    }

    fn open_write(&self, path: &str, spec: AudioSpec) -> Result<Box<dyn FileWriter>, Error> {
        Ok(Box::new(WavFileWriter::create(path, spec)?))
    }
}

fn load(_host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
    registrar.add_format(Wav::desc(), Wav)
}

fn shutdown(_host: Host) -> Result<(), Error> {
    // Open files belong to their callers, who finish or drop them.
    Ok(())
}

ferroswitch_abi::export_module!(
    name: "mod_wav",
    description: "WAV files: 16-bit PCM, mono and stereo",
    load: load,
    shutdown: shutdown,
);
