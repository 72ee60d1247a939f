//! Receiving RTP on a std UDP socket without waking for every packet.
//!
//! A paced reader needs the packets only when its frame is due, so it sleeps until then and
//! drains what queued meanwhile: one wake-up per frame instead of one per packet plus timeout
//! bookkeeping. Each datagram carries the kernel's arrival time (`SO_TIMESTAMPNS`), so the
//! jitter buffer sees when a packet really arrived, not when it was drained. Readers that
//! follow arrival wait for readability with `poll`. The socket stays non-blocking for good,
//! so no call toggles its mode.

use std::io::{self, IoSliceMut};
use std::net::{SocketAddr, SocketAddrV4, SocketAddrV6, UdpSocket};
use std::os::fd::{AsFd, AsRawFd};
use std::time::{Duration, Instant, SystemTime};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::socket::{
    recvmsg, setsockopt, sockopt, ControlMessageOwned, MsgFlags, SockaddrStorage,
};
use nix::sys::time::TimeSpec;

/// Largest datagram read: anything longer is not voice RTP and is cut.
pub(crate) const RECV_BUFFER: usize = 2048;

/// Receives on one socket into a reusable buffer.
#[derive(Debug)]
pub(crate) struct Receiver {
    pub(crate) buffer: Vec<u8>,
    control: Vec<u8>,
}

/// What one attempt produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A datagram of `len` bytes from `source` is in `buffer`; it reached the host at
    /// `arrival`.
    Datagram {
        len: usize,
        source: SocketAddr,
        arrival: Instant,
    },
    /// Nothing is queued.
    Nothing,
}

/// Makes `socket` fit [`Receiver`]: non-blocking, with kernel arrival times.
pub(crate) fn prepare(socket: &UdpSocket) -> io::Result<()> {
    socket.set_nonblocking(true)?;
    setsockopt(socket, sockopt::ReceiveTimestampns, &true).map_err(io::Error::from)
}

/// Sleeps until `deadline` (at once if it passed).
pub(crate) fn sleep_until(deadline: Instant) {
    let wait = deadline.saturating_duration_since(Instant::now());
    if !wait.is_zero() {
        std::thread::sleep(wait);
    }
}

/// Waits until `socket` has a datagram or `deadline` passes; true if one is there.
pub(crate) fn wait_readable(socket: &UdpSocket, deadline: Instant) -> io::Result<bool> {
    loop {
        let wait = deadline.saturating_duration_since(Instant::now());
        // poll counts whole milliseconds: round up so we never wake before the deadline.
        let millis = wait.as_micros().div_ceil(1000);
        let timeout =
            PollTimeout::try_from(millis.min(i32::MAX as u128) as i32).unwrap_or(PollTimeout::MAX);
        let mut fds = [PollFd::new(socket.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, timeout) {
            Ok(0) => return Ok(false),
            Ok(_) => return Ok(true),
            Err(nix::errno::Errno::EINTR) => continue,
            Err(errno) => return Err(errno.into()),
        }
    }
}

impl Receiver {
    pub(crate) fn new() -> Self {
        // cmsg_space! reserves the room; recvmsg offers the kernel only the initialised length.
        let mut control = nix::cmsg_space!(TimeSpec);
        control.resize(control.capacity(), 0);
        Receiver {
            buffer: vec![0; RECV_BUFFER],
            control,
        }
    }

    /// The next queued datagram, without waiting.
    pub(crate) fn try_receive(&mut self, socket: &UdpSocket) -> io::Result<Outcome> {
        loop {
            let mut iov = [IoSliceMut::new(&mut self.buffer)];
            let received = recvmsg::<SockaddrStorage>(
                socket.as_raw_fd(),
                &mut iov,
                Some(&mut self.control),
                MsgFlags::MSG_DONTWAIT,
            );
            let message = match received {
                Ok(message) => message,
                Err(nix::errno::Errno::EAGAIN) => return Ok(Outcome::Nothing),
                // An ICMP error for an earlier send, reported here by some systems: about the
                // past, not this socket.
                Err(nix::errno::Errno::ECONNREFUSED | nix::errno::Errno::EINTR) => continue,
                Err(errno) => return Err(errno.into()),
            };
            let Some(source) = message.address.as_ref().and_then(socket_addr) else {
                continue;
            };
            let stamped = message.cmsgs().ok().and_then(|mut cmsgs| {
                cmsgs.find_map(|cmsg| match cmsg {
                    ControlMessageOwned::ScmTimestampns(stamp) => Some(stamp),
                    _ => None,
                })
            });
            return Ok(Outcome::Datagram {
                len: message.bytes,
                source,
                arrival: stamped.map_or_else(Instant::now, arrival_instant),
            });
        }
    }
}

fn socket_addr(address: &SockaddrStorage) -> Option<SocketAddr> {
    if let Some(v4) = address.as_sockaddr_in() {
        return Some(SocketAddr::V4(SocketAddrV4::from(*v4)));
    }
    address
        .as_sockaddr_in6()
        .map(|v6| SocketAddr::V6(SocketAddrV6::from(*v6)))
}

/// The kernel stamps arrivals on the wall clock; the jitter buffer counts on the monotonic
/// one. The stamp's age on the wall clock is its age on the monotonic clock too.
fn arrival_instant(stamp: TimeSpec) -> Instant {
    let stamped = SystemTime::UNIX_EPOCH
        + Duration::new(
            u64::try_from(stamp.tv_sec()).unwrap_or(0),
            u32::try_from(stamp.tv_nsec()).unwrap_or(0),
        );
    let now = Instant::now();
    let age = SystemTime::now()
        .duration_since(stamped)
        .unwrap_or(Duration::ZERO);
    now.checked_sub(age).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (UdpSocket, UdpSocket) {
        let receiver = UdpSocket::bind("127.0.0.1:0").expect("bind");
        prepare(&receiver).expect("prepare");
        let sender = UdpSocket::bind("127.0.0.1:0").expect("bind");
        (receiver, sender)
    }

    #[test]
    fn a_drained_datagram_keeps_its_arrival_time_and_source() {
        let (socket, sender) = pair();
        let mut receiver = Receiver::new();
        assert_eq!(
            receiver.try_receive(&socket).expect("nothing"),
            Outcome::Nothing
        );
        // The kernel turns timestamping on for the whole host a moment after the first socket
        // asks (deferred work); until then it stamps at drain time. Bounded retries.
        let stamped_on_arrival = (0..50).any(|_| {
            let before = Instant::now();
            sender
                .send_to(b"voice", socket.local_addr().expect("addr"))
                .expect("send");
            // Loopback delivers within send_to, so the kernel's stamp is before this.
            let sent = Instant::now();
            std::thread::sleep(Duration::from_millis(30));
            let Outcome::Datagram {
                len,
                source,
                arrival,
            } = receiver.try_receive(&socket).expect("queued")
            else {
                panic!("the datagram was queued");
            };
            assert_eq!(&receiver.buffer[..len], b"voice");
            assert_eq!(source, sender.local_addr().expect("addr"));
            assert_eq!(
                receiver.try_receive(&socket).expect("empty"),
                Outcome::Nothing
            );
            // 1 ms leeway for converting the wall-clock stamp.
            let leeway = Duration::from_millis(1);
            arrival + leeway >= before && arrival <= sent + leeway
        });
        assert!(
            stamped_on_arrival,
            "every datagram was stamped when drained, 30 ms after it arrived"
        );
    }

    #[test]
    fn waiting_for_readability_ends_at_the_deadline_or_on_a_datagram() {
        let (socket, sender) = pair();
        let deadline = Instant::now() + Duration::from_millis(15);
        assert!(!wait_readable(&socket, deadline).expect("poll"));
        assert!(Instant::now() >= deadline);
        sender
            .send_to(b"x", socket.local_addr().expect("addr"))
            .expect("send");
        let far = Instant::now() + Duration::from_secs(5);
        assert!(wait_readable(&socket, far).expect("poll"));
        assert!(Instant::now() < far);
    }
}
