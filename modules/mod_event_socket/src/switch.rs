//! What the command interpreter asks of the switch. The module implements it over the
//! [`Host`](ferroswitch_abi::Host) (see [`crate::host_switch`]); unit tests implement it with a
//! recording fake, so that every command is tested without a core or a socket.

use ferroswitch_abi::{Error, Event, HangupCause, LogLevel};

/// A `bgapi` job, started once its reply was queued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// `Job-UUID`: the client's, or a new one.
    pub uuid: String,
    /// The API command.
    pub command: String,
    /// Its arguments; `None` when the client gave none (no `Job-Command-Arg` then).
    pub args: Option<String>,
    /// The channel the client controls, as `Job-Owner-UUID`.
    pub owner: Option<String>,
}

/// The operations commands need.
pub trait Switch {
    /// Runs API `command` with `args`.
    fn api(&self, command: &str, args: &str) -> Result<String, Error>;

    /// Whether a channel with this UUID exists.
    fn exists(&self, uuid: &str) -> bool;

    /// Whether the channel exists and is not hanging up.
    fn is_ready(&self, uuid: &str) -> bool;

    /// The channel's CHANNEL_DATA event (without envelope headers).
    fn channel_data(&self, uuid: &str) -> Option<Event>;

    /// The channel variable `name`.
    fn variable(&self, uuid: &str, name: &str) -> Option<String>;

    /// Sets channel variable `name`.
    fn set_variable(&self, uuid: &str, name: &str, value: &str) -> Result<(), Error>;

    /// Queues application `name` for the channel's own thread; its CHANNEL_EXECUTE events
    /// carry `event_uuid` as `Application-UUID` when given.
    fn queue_application(
        &self,
        uuid: &str,
        name: &str,
        arg: &str,
        event_uuid: Option<&str>,
    ) -> Result<(), Error>;

    /// Runs application `name` now (only from the channel's own thread), with `event_uuid`
    /// as for [`queue_application`](Self::queue_application).
    fn execute(
        &self,
        uuid: &str,
        name: &str,
        arg: &str,
        event_uuid: Option<&str>,
    ) -> Result<(), Error>;

    /// Hangs the channel up.
    fn hangup(&self, uuid: &str, cause: HangupCause) -> Result<(), Error>;

    /// Fires `event` on the event bus.
    fn fire(&self, event: Event);

    /// A new UUID (job and event ids).
    fn new_uuid(&self) -> String;

    /// Logs `message` as this module.
    fn log(&self, level: LogLevel, message: &str);
}
