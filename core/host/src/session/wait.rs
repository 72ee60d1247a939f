//! Blocking on a session's own thread: `sleep` and `park`, which end early when the channel
//! hangs up, changes state (a transfer) or is told to break, and which run the applications
//! queued for the session meanwhile (as FreeSWITCH's park loop runs `sendmsg` messages).

use std::time::{Duration, Instant};

use ferroswitch_abi::{Error, ErrorKind};

use crate::core::Core;

use super::{execute, SessionInner};

/// Why a wait ended early.
fn interrupted(session: &SessionInner, reason: &str) -> Error {
    Error::new(
        ErrorKind::INTERRUPTED,
        format!("wait on {} interrupted: {reason}", session.uuid),
    )
}

/// Waits until `limit` passes (`None`: until interrupted), running queued applications.
pub fn wait(core: Core, session: &SessionInner, limit: Option<Duration>) -> Result<(), Error> {
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
        if let Some((name, arg, app_uuid)) = channel.queued_applications.pop_front() {
            drop(channel);
            // A queued application's failure is reported by `execute`; the wait goes on.
            let _ = execute::execute(core, session, &name, &arg, &app_uuid);
            channel = session.channel();
            continue;
        }
        channel = match deadline {
            Some(deadline) => {
                let now = Instant::now();
                if now >= deadline {
                    return Ok(());
                }
                session.wait_signal_timeout(channel, deadline - now)
            }
            None => session.wait_signal(channel),
        };
    }
}

/// Runs every application queued for the session, in order, while it stays ready.
pub fn run_queued(core: Core, session: &SessionInner) {
    loop {
        let next = {
            let mut channel = session.channel();
            if !channel.is_ready() {
                return;
            }
            channel.queued_applications.pop_front()
        };
        let Some((name, arg, app_uuid)) = next else {
            return;
        };
        let _ = execute::execute(core, session, &name, &arg, &app_uuid);
    }
}
