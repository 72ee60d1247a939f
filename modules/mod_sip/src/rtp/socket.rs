//! Waiting on a std UDP socket for at most a given time.
//!
//! std offers no `poll`, so a wait is a blocking `recv_from` under
//! `SO_RCVTIMEO`, and "anything already queued?" is a non-blocking one.
//! The kernel rounds `SO_RCVTIMEO` up to whole scheduler ticks (up to
//! 4 ms at HZ=250), too coarse to pace 10 ms frames, so a wait stops
//! [`TIMER_SLACK`] short of its deadline and sleeps the rest precisely;
//! what arrives meanwhile is drained right after.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// Longest overshoot of `SO_RCVTIMEO` planned for.
const TIMER_SLACK: Duration = Duration::from_millis(4);
/// Largest datagram read: anything longer is not voice RTP and is cut.
pub(crate) const RECV_BUFFER: usize = 2048;

/// Receives on one socket, remembering its mode to skip needless syscalls.
#[derive(Debug)]
pub(crate) struct Receiver {
    mode: Mode,
    pub(crate) buffer: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Unknown,
    NonBlocking,
    Timeout(Duration),
}

/// What one attempt produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A datagram of this length is in `buffer`.
    Datagram(usize, SocketAddr),
    /// Nothing came before the deadline (or nothing is queued).
    Nothing,
}

impl Receiver {
    pub(crate) fn new() -> Self {
        Receiver {
            mode: Mode::Unknown,
            buffer: vec![0; RECV_BUFFER],
        }
    }

    /// The next datagram, waiting until `deadline` at most; `None` only
    /// looks at what is queued.
    pub(crate) fn receive(
        &mut self,
        socket: &UdpSocket,
        deadline: Option<Instant>,
    ) -> io::Result<Outcome> {
        let wait = deadline.map(|at| at.saturating_duration_since(Instant::now()));
        match wait {
            Some(wait) if wait > TIMER_SLACK => {
                self.set_mode(socket, Mode::Timeout(wait - TIMER_SLACK))?
            }
            Some(wait) if !wait.is_zero() => {
                std::thread::sleep(wait);
                self.set_mode(socket, Mode::NonBlocking)?;
            }
            _ => self.set_mode(socket, Mode::NonBlocking)?,
        }
        loop {
            match socket.recv_from(&mut self.buffer) {
                Ok((len, source)) => return Ok(Outcome::Datagram(len, source)),
                Err(error) => match error.kind() {
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                        return Ok(Outcome::Nothing)
                    }
                    // An ICMP error for an earlier send, reported here by
                    // some systems: about the past, not this socket.
                    io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset => {}
                    io::ErrorKind::Interrupted => {}
                    _ => return Err(error),
                },
            }
        }
    }

    fn set_mode(&mut self, socket: &UdpSocket, mode: Mode) -> io::Result<()> {
        if mode == self.mode {
            return Ok(());
        }
        match mode {
            Mode::NonBlocking => socket.set_nonblocking(true)?,
            Mode::Timeout(wait) => {
                if self.mode == Mode::NonBlocking || self.mode == Mode::Unknown {
                    socket.set_nonblocking(false)?;
                }
                socket.set_read_timeout(Some(wait))?;
            }
            Mode::Unknown => {}
        }
        self.mode = mode;
        Ok(())
    }
}
