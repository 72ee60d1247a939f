//! Plain data that crosses the boundary: ids, states, causes, events, frames, profiles.

mod caller;
mod cause;
mod event;
mod frame;
mod ids;
mod info;
mod log;
mod media;
mod message;
mod state;

pub use caller::CallerProfile;
pub use cause::HangupCause;
pub use event::{Event, EventHeader, HeaderText};
pub use frame::{CodecName, Dtmf, FrameFlags, FrameMeta};
pub use ids::{ModuleId, SessionId};
pub use info::{
    AnswerMode, ChannelFlags, CoreStatus, InterfaceInfo, InterfaceKind, ModuleInfo, NewSession,
    OriginateRequest, CHANNEL_COLUMNS,
};
pub use log::{LogLevel, LogRecord};
pub use media::{AudioFrame, MediaParams};
pub use message::{ChannelMessage, KillSignal, MessageKind};
pub use state::{ChannelState, StateFlow, StateMask};
