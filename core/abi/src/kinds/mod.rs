//! The interface kinds a module can register. Each file holds one kind: the description
//! record, the plain Rust trait a module implements, and the FFI-safe object the core calls,
//! built from the trait by a panic-containing adapter that runs inside the module.

pub mod api;
pub mod application;
pub mod codec;
pub mod dialplan;
pub mod endpoint;
pub mod event_handler;
pub mod format;
pub mod logger;
pub mod media_tap;
pub mod state_handler;
pub mod timer;

pub use api::{Api, ApiDesc, ApiRecord};
pub use application::{AppFlags, Application, ApplicationDesc, ApplicationRecord};
pub use codec::{
    Codec, CodecDesc, CodecImplementation, CodecRecord, CodecSettings, Decoder, Encoder,
    FfiDecoderBox, FfiEncoderBox,
};
pub use dialplan::{Dialplan, DialplanDesc, DialplanRecord, Extension, ExtensionApp};
pub use endpoint::{
    ChannelIo, Endpoint, EndpointDesc, EndpointRecord, FfiChannelIoBox, OutgoingChannel,
    OutgoingRequest,
};
pub use event_handler::{EventHandler, EventHandlerDesc, EventHandlerRecord};
pub use format::{
    AudioSpec, FfiFileReaderBox, FfiFileWriterBox, FileReader, FileWriter, Format, FormatDesc,
    FormatRecord,
};
pub use logger::{Logger, LoggerDesc, LoggerRecord};
pub use media_tap::{media_tap, FfiMediaTapBox, MediaTap, TapDirection};
pub use state_handler::{StateHandler, StateHandlerDesc, StateHandlerRecord};
pub use timer::{FfiTimerInstanceBox, Timer, TimerDesc, TimerInstance, TimerRecord};
