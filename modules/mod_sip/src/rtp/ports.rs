//! Hands out RTP/RTCP port pairs from the configured range.
//!
//! RTP takes an even port and RTCP the odd one above it (RFC 3550 §11).
//! Pairs are handed out round-robin rather than lowest-first, so a port a
//! call just released is not given straight to the next call, which would
//! otherwise receive the stragglers of the old one.

use std::io;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::{Arc, Mutex, PoisonError};

use super::error::PortsExhausted;

/// Thread-safe allocator of even RTP ports (and the RTCP port above each).
#[derive(Debug)]
pub struct PortAllocator {
    min: u16,
    max: u16,
    /// First even port of the range.
    first: u16,
    state: Mutex<PortState>,
}

#[derive(Debug)]
struct PortState {
    /// Pair `i` is `first + 2 * i`.
    in_use: Vec<bool>,
    /// Where the next search starts.
    cursor: usize,
}

/// One pair held by a stream; dropping it gives the pair back.
#[derive(Debug)]
pub(crate) struct PortLease {
    allocator: Arc<PortAllocator>,
    rtp_port: u16,
}

/// A bound pair: the lease and both sockets.
#[derive(Debug)]
pub(crate) struct BoundPair {
    pub lease: PortLease,
    pub rtp: UdpSocket,
    pub rtcp: UdpSocket,
}

impl PortAllocator {
    /// Ports `min..=max`; the RTP ports are its even ones that have their
    /// RTCP port inside the range too.
    pub fn new(min: u16, max: u16) -> Self {
        // In u32 so that min = 65535 yields an empty range, not a wrap.
        let first = u32::from(min) + u32::from(min % 2);
        let pairs = match u32::from(max).checked_sub(first + 1) {
            Some(span) => span as usize / 2 + 1,
            None => 0,
        };
        // Only read when there are pairs, which puts `first` below `max`.
        let first = u16::try_from(first).unwrap_or(u16::MAX);
        PortAllocator {
            min,
            max,
            first,
            state: Mutex::new(PortState {
                in_use: vec![false; pairs],
                cursor: 0,
            }),
        }
    }

    /// Pairs in the range.
    pub fn capacity(&self) -> usize {
        self.lock().in_use.len()
    }

    /// Pairs currently held.
    pub fn in_use(&self) -> usize {
        self.lock().in_use.iter().filter(|&&used| used).count()
    }

    /// Binds the next free pair on `ip`. Pairs another process holds are
    /// skipped; when none is left the error is a [`PortsExhausted`] inside
    /// an `io::Error` of kind `AddrNotAvailable`.
    pub(crate) fn bind_pair(self: &Arc<Self>, ip: IpAddr) -> io::Result<BoundPair> {
        let mut state = self.lock();
        let pairs = state.in_use.len();
        let mut refused = 0;
        for step in 0..pairs {
            let index = (state.cursor + step) % pairs;
            if state.in_use[index] {
                continue;
            }
            // Cannot overflow: `index` < pairs, so the port is within `max`.
            let rtp_port = self.first + 2 * index as u16;
            let Ok(rtp) = UdpSocket::bind(SocketAddr::new(ip, rtp_port)) else {
                refused += 1;
                continue;
            };
            let Ok(rtcp) = UdpSocket::bind(SocketAddr::new(ip, rtp_port + 1)) else {
                refused += 1;
                continue;
            };
            state.in_use[index] = true;
            state.cursor = (index + 1) % pairs;
            return Ok(BoundPair {
                lease: PortLease {
                    allocator: Arc::clone(self),
                    rtp_port,
                },
                rtp,
                rtcp,
            });
        }
        let exhausted = PortsExhausted {
            min: self.min,
            max: self.max,
            in_use: state.in_use.iter().filter(|&&used| used).count(),
            refused,
        };
        Err(io::Error::new(io::ErrorKind::AddrNotAvailable, exhausted))
    }

    fn release(&self, rtp_port: u16) {
        let index = usize::from((rtp_port - self.first) / 2);
        if let Some(used) = self.lock().in_use.get_mut(index) {
            *used = false;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PortState> {
        // The state is a set of flags, consistent after any panic.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for PortLease {
    fn drop(&mut self) {
        self.allocator.release(self.rtp_port);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    #[test]
    fn range_counts_even_ports_with_their_rtcp_port_inside() {
        assert_eq!(PortAllocator::new(16384, 16391).capacity(), 4);
        assert_eq!(PortAllocator::new(16385, 16391).capacity(), 3);
        assert_eq!(PortAllocator::new(16384, 16390).capacity(), 3);
        assert_eq!(PortAllocator::new(16384, 16385).capacity(), 1);
        assert_eq!(PortAllocator::new(16384, 16384).capacity(), 0);
        assert_eq!(PortAllocator::new(20000, 10000).capacity(), 0);
        assert_eq!(PortAllocator::new(65534, 65535).capacity(), 1);
    }

    #[test]
    fn an_odd_top_port_gives_an_empty_range() {
        assert_eq!(PortAllocator::new(65535, 65535).capacity(), 0);
    }

    #[test]
    fn pairs_are_even_and_handed_out_round_robin() {
        let ports = Arc::new(PortAllocator::new(41000, 41999));
        let a = ports.bind_pair(LOCALHOST).unwrap();
        let b = ports.bind_pair(LOCALHOST).unwrap();
        assert_eq!(a.rtp.local_addr().unwrap().port() % 2, 0);
        assert_eq!(
            a.rtcp.local_addr().unwrap().port(),
            a.rtp.local_addr().unwrap().port() + 1
        );
        assert_ne!(
            a.rtp.local_addr().unwrap().port(),
            b.rtp.local_addr().unwrap().port()
        );
        let released = a.rtp.local_addr().unwrap().port();
        drop(a);
        let c = ports.bind_pair(LOCALHOST).unwrap();
        assert_ne!(
            c.rtp.local_addr().unwrap().port(),
            released,
            "a fresh pair comes first"
        );
        assert_eq!(ports.in_use(), 2);
    }

    #[test]
    fn a_pair_held_by_someone_else_is_skipped() {
        let ports = Arc::new(PortAllocator::new(41100, 41103));
        let squatter = UdpSocket::bind((LOCALHOST, 41101));
        let Ok(_squatter) = squatter else {
            // Another program has it, which is what this test arranges anyway.
            return;
        };
        let pair = ports.bind_pair(LOCALHOST).unwrap();
        assert_eq!(pair.rtp.local_addr().unwrap().port(), 41102);
        let error = ports.bind_pair(LOCALHOST).unwrap_err();
        let exhausted = error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<PortsExhausted>())
            .unwrap();
        assert_eq!((exhausted.in_use, exhausted.refused), (1, 1));
    }
}
