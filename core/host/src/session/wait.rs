//! Blocking on a session's own thread: `sleep` and `park`, which end early when the channel
//! hangs up, changes state (a transfer) or is told to break.

use std::time::{Duration, Instant};

use ferroswitch_abi::{Error, ErrorKind};

use super::SessionInner;

/// Why a wait ended early.
fn interrupted(session: &SessionInner, reason: &str) -> Error {
    Error::new(
        ErrorKind::INTERRUPTED,
        format!("wait on {} interrupted: {reason}", session.uuid),
    )
}

/// Waits until `limit` passes (`None`: until interrupted).
pub fn wait(session: &SessionInner, limit: Option<Duration>) -> Result<(), Error> {
    let deadline = limit.map(|limit| Instant::now() + limit);
    let mut channel = session.channel();
    let generation = channel.state_generation;
    loop {
        if !channel.is_ready() {
            return Err(Error::hung_up(format!("channel {} hung up", session.uuid)));
        }
        if channel.break_requested {
            channel.break_requested = false;
            return Err(interrupted(session, "break"));
        }
        if channel.state_generation != generation {
            return Err(interrupted(session, "state changed"));
        }
        channel = match deadline {
            Some(deadline) => {
                let now = Instant::now();
                if now >= deadline {
                    return Ok(());
                }
                session
                    .signal
                    .wait_timeout(channel, deadline - now)
                    .unwrap_or_else(|poison| poison.into_inner())
                    .0
            }
            None => session
                .signal
                .wait(channel)
                .unwrap_or_else(|poison| poison.into_inner()),
        };
    }
}
