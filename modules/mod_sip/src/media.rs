//! The seam where a call leg's RTP stream plugs in.
//!
//! Signalling needs four things from media: a local address to write in SDP, a way to
//! start (and restart, on re-INVITE) sending to what offer/answer agreed, a direction for
//! hold, and frames and digits for the session. [`MediaStream`] is exactly that. The RTP
//! engine (`rtp::RtpStream`, developed beside this module) implements it and
//! `Profile::open_media` creates it; until it is built in, [`AbsentMedia`] stands in: it reserves a real UDP port in the profile's range
//! (so the SDP we send is truthful about where media would arrive), reads nothing and
//! paces the session with comfort-noise frames so applications and bridges run as they
//! would on a silent line.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use ferroswitch_abi::{CodecName, Dtmf, Error, ErrorKind, FrameFlags, FrameMeta};
use ferroswitch_media::sdp::Direction;

/// What offer/answer agreed for a leg, in the RTP engine's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NegotiatedMedia {
    /// Where to send RTP.
    pub remote: SocketAddr,
    /// The payload type both directions use.
    pub payload_type: u8,
    /// The codec's name (`PCMU`).
    pub codec: String,
    /// The RTP clock rate.
    pub clock_rate: u32,
    /// The audio sample rate (differs from the clock rate for G.722).
    pub rate: u32,
    /// Packet time.
    pub ptime_ms: u16,
    /// RFC 4733 payload type, when both sides do it.
    pub telephone_event_pt: Option<u8>,
}

/// One call leg's media, as signalling uses it. All methods take `&self`: the session's
/// thread reads and writes while the SIP driver starts, redirects and closes.
pub trait MediaStream: Send + Sync {
    /// Where we receive RTP (the port written in SDP).
    fn local_addr(&self) -> SocketAddr;
    /// Starts or redirects media to what was negotiated.
    fn start(&self, media: &NegotiatedMedia) -> Result<(), Error>;
    /// Reads the next frame (blocking up to `timeout_ms`, paced by the packet time).
    fn read_frame(&self, buf: &mut [u8], timeout_ms: u32) -> Result<FrameMeta, Error>;
    /// Writes a frame.
    fn write_frame(&self, meta: &FrameMeta, payload: &[u8]) -> Result<(), Error>;
    /// Sends a digit in-band as RFC 4733; `ErrorKind::UNSUPPORTED` when this stream cannot
    /// (the caller then falls back to SIP INFO).
    fn send_dtmf(&self, dtmf: Dtmf) -> Result<(), Error>;
    /// A digit received in-band, if any.
    fn take_dtmf(&self) -> Option<Dtmf>;
    /// How long since the last packet arrived; `None` when this stream cannot tell, which
    /// never counts as a media timeout.
    fn idle_for(&self) -> Option<Duration>;
    /// Hold (sendonly / inactive) and resume.
    fn set_direction(&self, direction: Direction);
    /// Wakes a blocked read without closing (`KillSignal::Break`).
    fn interrupt(&self);
    /// Stops everything; later reads fail with `HUNG_UP`.
    fn close(&self);
}

/// The stand-in while no RTP engine is built in: see the module docs.
pub struct AbsentMedia {
    /// Held only to keep the advertised port ours.
    socket: UdpSocket,
    local: SocketAddr,
    state: Mutex<AbsentState>,
    wake: Condvar,
}

#[derive(Default)]
struct AbsentState {
    media: Option<NegotiatedMedia>,
    closed: bool,
    interrupted: bool,
}

impl AbsentMedia {
    /// Reserves an even port in `port_min..=port_max` on `ip`, starting the search at
    /// `start_hint` so consecutive calls do not all race for the first port.
    pub fn bind(
        ip: IpAddr,
        port_min: u16,
        port_max: u16,
        start_hint: u32,
    ) -> std::io::Result<Self> {
        // RTP takes even ports (RFC 3550 §11); counted in u32 so 65535 cannot overflow.
        let first = u32::from(port_min) + u32::from(port_min % 2);
        let last = u32::from(port_max);
        let slots = if first > last {
            0
        } else {
            (last - first) / 2 + 1
        };
        for step in 0..slots {
            let slot = start_hint.wrapping_add(step) % slots;
            let Ok(port) = u16::try_from(first + slot * 2) else {
                continue;
            };
            if let Ok(socket) = UdpSocket::bind((ip, port)) {
                let local = socket.local_addr()?;
                return Ok(Self {
                    socket,
                    local,
                    state: Mutex::new(AbsentState::default()),
                    wake: Condvar::new(),
                });
            }
        }
        Err(std::io::Error::new(
            std::io::ErrorKind::AddrInUse,
            format!("no free RTP port on {ip} in {port_min}-{port_max}"),
        ))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, AbsentState> {
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

impl MediaStream for AbsentMedia {
    fn local_addr(&self) -> SocketAddr {
        self.local
    }

    fn start(&self, media: &NegotiatedMedia) -> Result<(), Error> {
        self.lock().media = Some(media.clone());
        Ok(())
    }

    fn read_frame(&self, _buf: &mut [u8], timeout_ms: u32) -> Result<FrameMeta, Error> {
        let mut state = self.lock();
        let (codec, rate, ptime) = match &state.media {
            Some(media) => (media.codec.clone(), media.rate, media.ptime_ms),
            None => (String::new(), 8000, 20),
        };
        let wait = Duration::from_millis(u64::from(ptime).min(u64::from(timeout_ms.max(1))));
        // Pacing: one frame per packet time, as a silent line delivers them; a kill or a
        // break wakes the wait early.
        if !state.closed && !state.interrupted {
            state = self
                .wake
                .wait_timeout(state, wait)
                .map(|(guard, _)| guard)
                .unwrap_or_else(|poison| poison.into_inner().0);
        }
        if state.closed {
            return Err(Error::hung_up("the call's media is closed"));
        }
        if std::mem::take(&mut state.interrupted) {
            return Err(Error::new(ErrorKind::TIMEOUT, "read interrupted"));
        }
        let (codec, flags) = if codec.is_empty() {
            ("L16", FrameFlags(FrameFlags::CNG.0 | FrameFlags::LINEAR.0))
        } else {
            (codec.as_str(), FrameFlags::CNG)
        };
        Ok(FrameMeta {
            codec: CodecName::new(codec),
            len: 0,
            rate,
            channels: 1,
            ptime_ms: ptime.min(255) as u8,
            flags,
            timestamp: 0,
            seq: 0,
        })
    }

    fn write_frame(&self, _meta: &FrameMeta, _payload: &[u8]) -> Result<(), Error> {
        if self.lock().closed {
            return Err(Error::hung_up("the call's media is closed"));
        }
        Ok(())
    }

    fn send_dtmf(&self, _dtmf: Dtmf) -> Result<(), Error> {
        Err(Error::new(
            ErrorKind::UNSUPPORTED,
            "no RTP engine: digits go as SIP INFO",
        ))
    }

    fn take_dtmf(&self) -> Option<Dtmf> {
        None
    }

    fn idle_for(&self) -> Option<Duration> {
        None
    }

    fn set_direction(&self, _direction: Direction) {}

    fn interrupt(&self) {
        self.lock().interrupted = true;
        self.wake.notify_all();
    }

    fn close(&self) {
        self.lock().closed = true;
        self.wake.notify_all();
        // Nothing to flush: the socket only reserved the port and closes when dropped.
        let _ = &self.socket;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn a_range_without_an_even_port_is_an_error_not_a_panic() {
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        assert!(AbsentMedia::bind(ip, 65535, 65535, 0).is_err());
    }

    #[test]
    fn reserves_an_even_port_in_range_and_stops_reading_once_closed() {
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let media = AbsentMedia::bind(ip, 41000, 41999, 7).expect("a free port");
        let port = media.local_addr().port();
        assert!(
            (41000..=41999).contains(&port) && port.is_multiple_of(2),
            "{port}"
        );
        media.close();
        let error = media.read_frame(&mut [0; 160], 20).expect_err("closed");
        assert_eq!(error.kind, ErrorKind::HUNG_UP);
    }
}
