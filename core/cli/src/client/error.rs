//! Why a connection to the event socket failed.

use std::io;
use std::time::Duration;

use crate::esl::FrameError;

/// What went wrong talking to the event socket. The address is not part of the message: the
/// caller knows which one it dialled and says so.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    #[error("cannot resolve the host: {0}")]
    Resolve(#[source] io::Error),
    /// No address of the host accepted the connection.
    #[error("cannot connect: {0}")]
    Connect(#[source] io::Error),
    /// The server greeted with something other than `auth/request`.
    #[error("expected an event socket's auth/request greeting, got {got}")]
    NotAnEventSocket { got: String },
    /// `auth` was answered with something other than `+OK`.
    #[error("authentication failed: {reply}")]
    AuthRejected { reply: String },
    /// Nothing arrived within the time allowed.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The server closed the connection between messages.
    #[error("the server closed the connection")]
    Closed,
    /// The server closed the connection part-way through a message.
    #[error("the server closed the connection in the middle of a message")]
    ClosedMidMessage,
    /// The server sent `text/disconnect-notice`; its body says why.
    #[error("disconnected by the server: {notice}")]
    Disconnected { notice: String },
    #[error("connection error: {0}")]
    Io(#[from] io::Error),
    #[error("bad message from the server: {0}")]
    Frame(#[from] FrameError),
    /// A command held a line break, which would end it early and smuggle in another.
    #[error("a command cannot contain a line break")]
    LineBreakInCommand,
}
