//! File formats: read and write audio files by extension.

use abi_stable::{
    sabi_trait,
    std_types::{RBox, ROption, RResult, RSlice, RSliceMut, RStr, RString, RVec},
    StableAbi,
};

use crate::{guard::guard, Error};

/// The shape of the audio in a file.
#[repr(C)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq)]
pub struct AudioSpec {
    pub samples_per_second: u32,
    pub channels: u8,
}

/// What `show file` lists.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct FormatDesc {
    /// The format's name (`wav`).
    pub name: RString,
    /// File extensions it handles, without the dot.
    pub extensions: RVec<RString>,
}

/// A file format, as a module author writes it.
pub trait Format: Send + Sync + 'static {
    /// Opens `path` for reading. A missing or corrupt file is an error that names the path.
    fn open_read(&self, path: &str) -> Result<Box<dyn FileReader>, Error>;
    /// Creates `path` for writing audio of `spec`.
    fn open_write(&self, path: &str, spec: AudioSpec) -> Result<Box<dyn FileWriter>, Error>;
}

/// An open file being read.
pub trait FileReader: Send + 'static {
    /// The file's audio shape.
    fn spec(&self) -> AudioSpec;
    /// Reads interleaved samples into `pcm`, returning how many were read; 0 at the end.
    fn read(&mut self, pcm: &mut [i16]) -> Result<usize, Error>;
    /// Moves to sample frame `frame` from the start.
    fn seek(&mut self, frame: u64) -> Result<(), Error>;
    /// The length in sample frames, when known.
    fn frames(&self) -> Option<u64>;
}

/// An open file being written.
pub trait FileWriter: Send + 'static {
    /// Appends interleaved samples.
    fn write(&mut self, pcm: &[i16]) -> Result<(), Error>;
    /// Completes the file (headers, flush). Called once; dropping without it may leave the
    /// file incomplete.
    fn finish(&mut self) -> Result<(), Error>;
}

/// The FFI-safe form of [`Format`].
#[sabi_trait]
pub trait FfiFormat: Send + Sync {
    fn open_read(&self, path: RStr<'_>) -> RResult<FfiFileReaderBox, Error>;
    fn open_write(&self, path: RStr<'_>, spec: AudioSpec) -> RResult<FfiFileWriterBox, Error>;
}

/// The FFI-safe form of [`FileReader`].
#[sabi_trait]
pub trait FfiFileReader: Send {
    fn spec(&self) -> AudioSpec;
    fn read(&mut self, pcm: RSliceMut<'_, i16>) -> RResult<usize, Error>;
    fn seek(&mut self, frame: u64) -> RResult<(), Error>;
    fn frames(&self) -> ROption<u64>;
}

/// The FFI-safe form of [`FileWriter`].
#[sabi_trait]
pub trait FfiFileWriter: Send {
    fn write(&mut self, pcm: RSlice<'_, i16>) -> RResult<(), Error>;
    fn finish(&mut self) -> RResult<(), Error>;
}

/// An owned FFI format object.
pub type FfiFormatBox = FfiFormat_TO<'static, RBox<()>>;
/// An owned FFI reader.
pub type FfiFileReaderBox = FfiFileReader_TO<'static, RBox<()>>;
/// An owned FFI writer.
pub type FfiFileWriterBox = FfiFileWriter_TO<'static, RBox<()>>;

struct Guarded<T>(T);

impl<F: Format> FfiFormat for Guarded<F> {
    fn open_read(&self, path: RStr<'_>) -> RResult<FfiFileReaderBox, Error> {
        guard("format open_read", || {
            let reader = self.0.open_read(path.as_str())?;
            Ok(FfiFileReader_TO::from_value(
                Guarded(reader),
                abi_stable::sabi_trait::TD_Opaque,
            ))
        })
    }

    fn open_write(&self, path: RStr<'_>, spec: AudioSpec) -> RResult<FfiFileWriterBox, Error> {
        guard("format open_write", || {
            let writer = self.0.open_write(path.as_str(), spec)?;
            Ok(FfiFileWriter_TO::from_value(
                Guarded(writer),
                abi_stable::sabi_trait::TD_Opaque,
            ))
        })
    }
}

impl FfiFileReader for Guarded<Box<dyn FileReader>> {
    fn spec(&self) -> AudioSpec {
        // A panicking spec() has nothing to report through; a zero rate makes callers refuse
        // the file instead.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.0.spec())).unwrap_or(
            AudioSpec {
                samples_per_second: 0,
                channels: 0,
            },
        )
    }

    fn read(&mut self, mut pcm: RSliceMut<'_, i16>) -> RResult<usize, Error> {
        guard("file reader", || self.0.read(pcm.as_mut_slice()))
    }

    fn seek(&mut self, frame: u64) -> RResult<(), Error> {
        guard("file reader", || self.0.seek(frame))
    }

    fn frames(&self) -> ROption<u64> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.0.frames()))
            .unwrap_or(None)
            .into()
    }
}

impl FfiFileWriter for Guarded<Box<dyn FileWriter>> {
    fn write(&mut self, pcm: RSlice<'_, i16>) -> RResult<(), Error> {
        guard("file writer", || self.0.write(pcm.as_slice()))
    }

    fn finish(&mut self) -> RResult<(), Error> {
        guard("file writer", || self.0.finish())
    }
}

/// A format ready to register.
#[repr(C)]
#[derive(StableAbi)]
pub struct FormatRecord {
    pub desc: FormatDesc,
    pub object: FfiFormatBox,
}

impl FormatRecord {
    /// Wraps `format` so that every call, and every file it opens, is panic-contained.
    pub fn new(desc: FormatDesc, format: impl Format) -> Self {
        Self {
            desc,
            object: FfiFormat_TO::from_value(Guarded(format), abi_stable::sabi_trait::TD_Opaque),
        }
    }
}
