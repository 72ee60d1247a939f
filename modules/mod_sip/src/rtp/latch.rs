//! Symmetric RTP (RFC 4961) and NAT latching, FreeSWITCH's "auto-adjust".
//!
//! A phone behind NAT announces its private address in SDP, and its
//! packets arrive from the NAT's public one. So: send to the SDP address
//! until the first valid packet arrives, then to wherever that packet came
//! from. Once latched, a packet from another address is taken only if it
//! carries the latched SSRC (the same phone after a NAT rebinding);
//! anything else is an intruder or a stray from an old call, and dropped.

use std::net::SocketAddr;

/// Where to send, decided from where packets come from. Sans-IO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Latch {
    signalled: SocketAddr,
    latched: Option<Source>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Source {
    address: SocketAddr,
    ssrc: u32,
}

/// What to do with a packet, and whether the destination moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    /// From the latched source.
    Accepted,
    /// Accepted, and sending now goes to `to` instead of `from`.
    Moved { from: SocketAddr, to: SocketAddr },
    /// From another address with another SSRC: drop it.
    Foreign,
}

impl Latch {
    /// Sends to `signalled` (the SDP address) until packets say otherwise.
    pub(crate) fn new(signalled: SocketAddr) -> Self {
        Latch {
            signalled,
            latched: None,
        }
    }

    /// Where packets go now.
    pub(crate) fn destination(&self) -> SocketAddr {
        self.latched.map_or(self.signalled, |source| source.address)
    }

    /// Judges a valid RTP packet from `address` carrying `ssrc`.
    pub(crate) fn handle_packet(&mut self, address: SocketAddr, ssrc: u32) -> Admission {
        let before = self.destination();
        match &mut self.latched {
            None => self.latched = Some(Source { address, ssrc }),
            Some(source) if source.address == address => {
                // The peer may restart its SSRC (a re-INVITE, a transfer
                // behind a B2BUA); the address is what we trust.
                source.ssrc = ssrc;
            }
            Some(source) if source.ssrc == ssrc => source.address = address,
            Some(_) => return Admission::Foreign,
        }
        let after = self.destination();
        if after == before {
            Admission::Accepted
        } else {
            Admission::Moved {
                from: before,
                to: after,
            }
        }
    }

    /// A new SDP address (re-INVITE): start over, sending there until a
    /// packet arrives. The same address keeps the latch, so a session
    /// refresh does not break media through a NAT.
    pub(crate) fn handle_signalled(&mut self, signalled: SocketAddr) {
        if signalled != self.signalled {
            *self = Latch::new(signalled);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn sends_to_the_sdp_address_until_a_packet_arrives() {
        let latch = Latch::new(addr("10.0.0.5:4000"));
        assert_eq!(latch.destination(), addr("10.0.0.5:4000"));
        assert_eq!(latch.latched, None);
    }

    #[test]
    fn first_packet_from_elsewhere_moves_the_destination_once() {
        let mut latch = Latch::new(addr("10.0.0.5:4000"));
        assert_eq!(
            latch.handle_packet(addr("203.0.113.9:31000"), 7),
            Admission::Moved {
                from: addr("10.0.0.5:4000"),
                to: addr("203.0.113.9:31000")
            }
        );
        assert_eq!(
            latch.handle_packet(addr("203.0.113.9:31000"), 7),
            Admission::Accepted
        );
        assert_eq!(latch.destination(), addr("203.0.113.9:31000"));
    }

    #[test]
    fn first_packet_from_the_sdp_address_latches_without_moving() {
        let mut latch = Latch::new(addr("10.0.0.5:4000"));
        assert_eq!(
            latch.handle_packet(addr("10.0.0.5:4000"), 7),
            Admission::Accepted
        );
        assert_eq!(
            latch.latched.map(|source| source.address),
            Some(addr("10.0.0.5:4000"))
        );
    }

    #[test]
    fn another_source_is_foreign_unless_it_carries_the_latched_ssrc() {
        let mut latch = Latch::new(addr("10.0.0.5:4000"));
        let _ = latch.handle_packet(addr("10.0.0.5:4000"), 7);
        assert_eq!(
            latch.handle_packet(addr("198.51.100.1:5000"), 8),
            Admission::Foreign
        );
        assert_eq!(latch.destination(), addr("10.0.0.5:4000"));
        assert_eq!(
            latch.handle_packet(addr("198.51.100.1:5000"), 7),
            Admission::Moved {
                from: addr("10.0.0.5:4000"),
                to: addr("198.51.100.1:5000")
            }
        );
    }

    #[test]
    fn the_latched_address_may_change_its_ssrc() {
        let mut latch = Latch::new(addr("10.0.0.5:4000"));
        let _ = latch.handle_packet(addr("10.0.0.5:4000"), 7);
        assert_eq!(
            latch.handle_packet(addr("10.0.0.5:4000"), 9),
            Admission::Accepted
        );
        // Now 9 is the SSRC another address must carry to take over.
        assert_eq!(
            latch.handle_packet(addr("198.51.100.1:5000"), 7),
            Admission::Foreign
        );
    }

    #[test]
    fn a_new_sdp_address_unlatches_but_the_same_one_keeps_the_latch() {
        let mut latch = Latch::new(addr("10.0.0.5:4000"));
        let _ = latch.handle_packet(addr("203.0.113.9:31000"), 7);
        latch.handle_signalled(addr("10.0.0.5:4000"));
        assert_eq!(latch.destination(), addr("203.0.113.9:31000"));
        latch.handle_signalled(addr("10.0.0.6:4002"));
        assert_eq!(latch.destination(), addr("10.0.0.6:4002"));
        assert_eq!(latch.latched, None);
    }
}
