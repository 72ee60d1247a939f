//! The driver: sockets, locks and the clock around the sans-IO halves.
//!
//! No thread of its own. The session thread's `read_frame` receives (RTP
//! and RTCP), paces and plays out; `write_frame`, from whichever thread
//! feeds this leg (the other leg's thread in a same-codec bridge), sends.
//! Both also send RTCP and DTMF packets that have come due, so a stream
//! needs nothing but its callers.
//!
//! Lock order, to stay clear of deadlocks: `reader`, then `lifecycle`
//! (never held across the others), then `sockets`, then `inbound` or
//! `outbound`, then `control`; `inbound` and `outbound` are never held together.

use std::collections::hash_map::RandomState;
use std::collections::VecDeque;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime};

use ferroswitch_abi::{Dtmf, FrameMeta};
use ferroswitch_media::sdp::Direction;

use super::control::Control;
use super::error::RtpError;
use super::inbound::{Inbound, Played, Received};
use super::media::{NegotiatedMedia, RtpConfig};
use super::outbound::{Outbound, Transmit};
use super::pacer::{Pacer, Pacing};
use super::ports::{PortAllocator, PortLease};
use super::socket::{self, Outcome, Receiver};
use super::stats::RtpStats;
use super::RtpNotice;

/// FreeSWITCH's default DTMF duration (2000 samples at 8 kHz), for a digit sent without one.
const DEFAULT_DTMF_DURATION: Duration = Duration::from_millis(250);
/// Notices kept for the signalling side; older ones are dropped first.
const MAX_NOTICES: usize = 16;

/// One call leg's RTP and RTCP. See the [module documentation](super).
#[derive(Debug)]
pub struct RtpStream {
    local: SocketAddr,
    ssrc: u32,
    lifecycle: Mutex<Lifecycle>,
    started: Condvar,
    reader: Mutex<Reader>,
    sockets: RwLock<Option<Sockets>>,
    lease: Mutex<Option<PortLease>>,
    inbound: Mutex<Option<Inbound>>,
    outbound: Mutex<Option<Outbound>>,
    control: Mutex<Control>,
    notices: Mutex<VecDeque<RtpNotice>>,
}

#[derive(Debug)]
struct Lifecycle {
    state: State,
    direction: Direction,
    pacing: Pacing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Bound,
    Started,
    Closed,
}

#[derive(Debug)]
struct Sockets {
    rtp: UdpSocket,
    rtcp: UdpSocket,
}

/// What only `read_frame` touches; its lock also serialises readers.
#[derive(Debug)]
struct Reader {
    pacer: Option<Pacer>,
    receiver: Receiver,
}

impl RtpStream {
    /// Binds a port pair from `ports` on `config.bind_ip`. The stream
    /// receives nothing and sends nothing until [`start`](Self::start).
    pub fn bind(config: &RtpConfig, ports: &Arc<PortAllocator>) -> io::Result<RtpStream> {
        let pair = ports.bind_pair(config.bind_ip)?;
        pair.rtcp.set_nonblocking(true)?;
        socket::prepare(&pair.rtp)?;
        let local = pair.rtp.local_addr()?;
        let mut random = random_words();
        let ssrc = random.next_u32();
        let now = Instant::now();
        let cname = format!("ferroswitch@{}", local.ip());
        let control = Control::new(now, SystemTime::now(), ssrc, &cname, random.next_u64());
        Ok(RtpStream {
            local,
            ssrc,
            lifecycle: Mutex::new(Lifecycle {
                state: State::Bound,
                direction: Direction::SendRecv,
                pacing: Pacing::Clock,
            }),
            started: Condvar::new(),
            reader: Mutex::new(Reader {
                pacer: None,
                receiver: Receiver::new(),
            }),
            sockets: RwLock::new(Some(Sockets {
                rtp: pair.rtp,
                rtcp: pair.rtcp,
            })),
            lease: Mutex::new(Some(pair.lease)),
            inbound: Mutex::new(None),
            outbound: Mutex::new(None),
            control: Mutex::new(control),
            notices: Mutex::new(VecDeque::new()),
        })
    }

    /// The RTP address to put in SDP (RTCP is on the port above).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Starts sending and receiving `media`, or switches to it on a
    /// re-INVITE: a new remote address, codec or packet time. Our SSRC and
    /// sequence numbers carry on.
    pub fn start(&self, media: NegotiatedMedia) -> Result<(), RtpError> {
        media.validate()?;
        let now = Instant::now();
        let mut lifecycle = lock(&self.lifecycle);
        if lifecycle.state == State::Closed {
            return Err(self.closed());
        }
        let receiving = matches!(
            lifecycle.direction,
            Direction::SendRecv | Direction::RecvOnly
        );
        let remote_changed = {
            let mut inbound = lock(&self.inbound);
            match inbound.as_mut() {
                Some(inbound) => {
                    let changed = inbound.media().remote != media.remote;
                    inbound.handle_media(now, media.clone())?;
                    changed
                }
                None => {
                    *inbound = Some(Inbound::new(
                        now,
                        media.clone(),
                        lifecycle.pacing,
                        receiving,
                    )?);
                    true
                }
            }
        };
        {
            let mut outbound = lock(&self.outbound);
            match outbound.as_mut() {
                Some(outbound) => outbound.handle_media(media.clone()),
                None => {
                    let mut random = random_words();
                    // Random starting points (RFC 3550 §5.1) make known-plaintext attacks on SRTP harder
                    // and let a receiver tell a restarted stream from a continuing one.
                    let sequence = random.next_u32() as u16;
                    let timestamp = random.next_u32();
                    *outbound = Some(Outbound::new(
                        media.clone(),
                        self.ssrc,
                        sequence,
                        timestamp,
                        lifecycle.direction,
                    ));
                }
            }
        }
        lock(&self.control).handle_media(media.remote_rtcp(), media.clock_rate, remote_changed);
        lifecycle.state = State::Started;
        self.started.notify_all();
        Ok(())
    }

    /// The next frame, one per packet time (see [`Pacing`]): audio copied
    /// into `buf`, or a silence frame (`len` 0, flag CNG) when nothing is
    /// there to play. Blocks the calling (session) thread until the frame
    /// is due. [`RtpError::Timeout`] when it is not due within `timeout_ms`,
    /// [`RtpError::Closed`] once closed.
    pub fn read_frame(&self, buf: &mut [u8], timeout_ms: u32) -> Result<FrameMeta, RtpError> {
        let result = self.read_frame_now(buf, timeout_ms);
        if result.is_err() || lock(&self.lifecycle).state == State::Closed {
            self.release_sockets();
        }
        result
    }

    fn read_frame_now(&self, buf: &mut [u8], timeout_ms: u32) -> Result<FrameMeta, RtpError> {
        let limit = Instant::now() + Duration::from_millis(u64::from(timeout_ms));
        let mut reader = lock(&self.reader);
        let pacing = self.wait_started(limit, timeout_ms)?;
        let sockets = read(&self.sockets);
        let Some(sockets) = sockets.as_ref() else {
            return Err(self.closed());
        };
        let meta = match pacing {
            Pacing::Clock => self.read_paced(&mut reader, sockets, buf, limit, timeout_ms)?,
            Pacing::Arrival => {
                self.read_on_arrival(&mut reader, sockets, buf, limit, timeout_ms)?
            }
        };
        self.drain_rtcp(&mut reader, sockets);
        let now = Instant::now();
        self.send_due_dtmf(sockets, now);
        self.send_due_report(sockets, now);
        Ok(meta)
    }

    /// Sends one frame to the peer (or to where it latched). Silence
    /// frames (flag CNG or no payload) are not sent but their time passes.
    pub fn write_frame(&self, meta: &FrameMeta, payload: &[u8]) -> Result<(), RtpError> {
        self.check_started()?;
        let now = Instant::now();
        let sockets = read(&self.sockets);
        let Some(sockets) = sockets.as_ref() else {
            return Err(self.closed());
        };
        self.send_due_dtmf(sockets, now);
        let sent = {
            let mut outbound = lock(&self.outbound);
            let Some(outbound) = outbound.as_mut() else {
                return Err(self.not_started());
            };
            match outbound.handle_frame(now, meta, payload)? {
                Some(transmit) => Some(self.transmit(sockets, outbound, transmit)?),
                None => None,
            }
        };
        if let Some(transmit) = sent {
            lock(&self.control).handle_rtp_sent(now, &transmit.header, transmit.payload_len);
        }
        self.send_due_report(sockets, now);
        Ok(())
    }

    /// Sends a digit as RFC 4733 telephone-events, interleaved with the
    /// audio (which pauses while it plays). Digits sent while one plays queue behind it.
    pub fn send_dtmf(&self, dtmf: Dtmf) -> Result<(), RtpError> {
        self.check_started()?;
        let duration = match dtmf.duration_ms {
            0 => DEFAULT_DTMF_DURATION,
            ms => Duration::from_millis(u64::from(ms)),
        };
        let now = Instant::now();
        {
            let mut outbound = lock(&self.outbound);
            let Some(outbound) = outbound.as_mut() else {
                return Err(self.not_started());
            };
            outbound.send_digit(now, dtmf.digit_char(), duration)?;
        }
        // The first packet goes now, not at the next frame.
        let sockets = read(&self.sockets);
        if let Some(sockets) = sockets.as_ref() {
            self.send_due_dtmf(sockets, now);
        }
        Ok(())
    }

    /// The next digit the peer sent, once its key press has ended.
    pub fn take_dtmf(&self) -> Option<Dtmf> {
        lock(&self.inbound).as_mut()?.take_dtmf(Instant::now())
    }

    /// Our side's direction from the SDP (RFC 3264 §6.1): `sendonly` puts
    /// the peer on hold (we stop receiving), `recvonly` and `inactive` stop
    /// sending. RTCP carries on either way. Applies to the next `start` too.
    pub fn set_direction(&self, direction: Direction) {
        let mut lifecycle = lock(&self.lifecycle);
        lifecycle.direction = direction;
        let receiving = matches!(direction, Direction::SendRecv | Direction::RecvOnly);
        if let Some(inbound) = lock(&self.inbound).as_mut() {
            inbound.set_receiving(receiving);
        }
        if let Some(outbound) = lock(&self.outbound).as_mut() {
            outbound.set_direction(direction);
        }
    }

    /// How `read_frame` paces its caller; [`Pacing::Clock`] unless set.
    pub fn set_pacing(&self, pacing: Pacing) {
        let mut lifecycle = lock(&self.lifecycle);
        lifecycle.pacing = pacing;
        if let Some(inbound) = lock(&self.inbound).as_mut() {
            // Only fails for media `start` already accepted with the same numbers.
            let _ = inbound.set_pacing(pacing);
        }
    }

    /// Time since the last RTP packet from the peer (or since `start`);
    /// zero before `start`. Compared with `RtpConfig::media_timeout`.
    pub fn idle_for(&self) -> Duration {
        lock(&self.inbound)
            .as_ref()
            .map_or(Duration::ZERO, |inbound| inbound.idle_for(Instant::now()))
    }

    /// Something the signalling side should log, such as NAT latching.
    pub fn take_notice(&self) -> Option<RtpNotice> {
        lock(&self.notices).pop_front()
    }

    /// Counters since `bind`.
    pub fn stats(&self) -> RtpStats {
        let mut stats = RtpStats {
            local_ssrc: self.ssrc,
            ..RtpStats::default()
        };
        if let Some(inbound) = lock(&self.inbound).as_ref() {
            let counters = inbound.counters;
            let jitter = inbound.jitter().stats();
            stats.packets_received = counters.packets;
            stats.bytes_received = counters.bytes;
            stats.dtmf_digits_received = counters.dtmf_digits;
            stats.malformed = counters.malformed;
            stats.unknown_payload_type = counters.unknown_payload_type;
            stats.foreign_source = counters.foreign_source;
            stats.discarded_on_hold = counters.discarded_on_hold;
            stats.late = jitter.late;
            stats.duplicates = jitter.duplicates;
            stats.concealed = jitter.lost;
            stats.jitter_buffer_frames = jitter.depth_frames;
            stats.jitter_buffer_target_frames = jitter.target_frames;
            stats.remote_ssrc = inbound.remote_ssrc();
        }
        if let Some(outbound) = lock(&self.outbound).as_ref() {
            let counters = outbound.counters;
            stats.packets_sent = counters.packets;
            stats.bytes_sent = counters.bytes;
            stats.dtmf_packets_sent = counters.dtmf_packets;
            stats.send_errors = counters.send_errors;
            stats.destination = Some(outbound.destination());
        }
        let control = lock(&self.control);
        stats.rtcp_sent = control.counters.sent;
        stats.rtcp_received = control.counters.received;
        stats.malformed += control.counters.malformed;
        stats.round_trip_time = control.round_trip_time();
        if let Some((lost, jitter)) = stats.remote_ssrc.and_then(|ssrc| control.reception(ssrc)) {
            stats.lost = lost;
            stats.jitter = jitter;
        }
        stats
    }

    /// Ends the stream: a final RTCP BYE, the sockets closed and the
    /// ports given back. Blocked and later calls fail with [`RtpError::Closed`].
    pub fn close(&self) {
        {
            let mut lifecycle = lock(&self.lifecycle);
            let was = lifecycle.state;
            lifecycle.state = State::Closed;
            self.started.notify_all();
            if was == State::Closed {
                return;
            }
            if was == State::Started {
                if let Some(sockets) = read(&self.sockets).as_ref() {
                    if let Some((report, to)) = lock(&self.control).goodbye(Instant::now()) {
                        // Best effort: the peer learns from the BYE in SIP anyway.
                        let _ = sockets.rtcp.send_to(report, to);
                    }
                }
            }
        }
        self.release_sockets();
    }

    /// Frees the sockets, then the ports, once closed. A read in progress holds the sockets
    /// for up to a packet time; rather than wait for it (the SIP driver closes streams and
    /// must not stall every call for 20 ms), that read frees them when it returns, and
    /// dropping the stream frees whatever is left.
    fn release_sockets(&self) {
        if lock(&self.lifecycle).state != State::Closed {
            return;
        }
        let Ok(mut sockets) = self.sockets.try_write() else {
            return;
        };
        *sockets = None;
        drop(sockets);
        // Only after the sockets are gone may the ports go to another stream.
        lock(&self.lease).take();
    }

    fn read_paced(
        &self,
        reader: &mut Reader,
        sockets: &Sockets,
        buf: &mut [u8],
        limit: Instant,
        timeout_ms: u32,
    ) -> Result<FrameMeta, RtpError> {
        let ptime = lock(&self.inbound)
            .as_ref()
            .map(|inbound| inbound.media().ptime());
        let ptime = ptime.ok_or_else(|| self.not_started())?;
        let pacer = match &mut reader.pacer {
            Some(pacer) if pacer.ptime() == ptime => pacer,
            slot => slot.insert(Pacer::new(ptime)),
        };
        let due = pacer.poll_timeout(Instant::now());
        // Packets wait in the socket until the frame is due: one wake-up per frame.
        socket::sleep_until(due.min(limit));
        self.drain(reader, sockets)?;
        let now = Instant::now();
        // Not "due > limit": a frame due right now goes out even with a zero timeout.
        if now < due {
            return Err(RtpError::Timeout { timeout_ms });
        }
        if let Some(pacer) = reader.pacer.as_mut() {
            pacer.handle_frame_taken(now);
        }
        let played = self.inbound(|inbound| inbound.pop(now, buf))?;
        Ok(match played {
            Played::Audio(meta) | Played::Concealed(meta) | Played::Silence(meta) => meta,
        })
    }

    fn read_on_arrival(
        &self,
        reader: &mut Reader,
        sockets: &Sockets,
        buf: &mut [u8],
        limit: Instant,
        timeout_ms: u32,
    ) -> Result<FrameMeta, RtpError> {
        loop {
            self.drain(reader, sockets)?;
            let played = self.inbound(|inbound| inbound.pop(Instant::now(), buf))?;
            match played {
                Played::Audio(meta) | Played::Concealed(meta) => return Ok(meta),
                Played::Silence(_) => {}
            }
            if Instant::now() >= limit {
                return Err(RtpError::Timeout { timeout_ms });
            }
            socket::wait_readable(&sockets.rtp, limit)
                .map_err(|source| self.receive_error(source))?;
        }
    }

    /// Takes in every datagram queued on the RTP socket.
    fn drain(&self, reader: &mut Reader, sockets: &Sockets) -> Result<(), RtpError> {
        loop {
            let outcome = reader
                .receiver
                .try_receive(&sockets.rtp)
                .map_err(|source| self.receive_error(source))?;
            match outcome {
                Outcome::Datagram {
                    len,
                    source,
                    arrival,
                } => self.handle_datagram(arrival, source, &reader.receiver.buffer[..len]),
                Outcome::Nothing => return Ok(()),
            }
        }
    }

    fn receive_error(&self, source: io::Error) -> RtpError {
        RtpError::Receive {
            local: self.local,
            source,
        }
    }

    fn handle_datagram(&self, now: Instant, source: SocketAddr, datagram: &[u8]) {
        let received = lock(&self.inbound)
            .as_mut()
            .map_or(Received::Dropped, |inbound| {
                inbound.handle_datagram(now, source, datagram)
            });
        match received {
            Received::Rtp { header, moved } => {
                lock(&self.control).handle_rtp_received(now, &header);
                if let Some((from, to)) = moved {
                    if let Some(outbound) = lock(&self.outbound).as_mut() {
                        outbound.set_destination(to);
                    }
                    self.notify(RtpNotice::Latched { from, to });
                }
            }
            Received::Rtcp => lock(&self.control).handle_datagram(now, source, datagram, true),
            Received::Dropped => {}
        }
    }

    fn drain_rtcp(&self, reader: &mut Reader, sockets: &Sockets) {
        // Non-blocking since bind; RTCP comes every few seconds, so this is
        // one syscall that finds nothing, nearly always.
        while let Ok((len, source)) = sockets.rtcp.recv_from(&mut reader.receiver.buffer) {
            lock(&self.control).handle_datagram(
                Instant::now(),
                source,
                &reader.receiver.buffer[..len],
                false,
            );
        }
    }

    fn send_due_dtmf(&self, sockets: &Sockets, now: Instant) {
        let mut outbound = lock(&self.outbound);
        let Some(outbound) = outbound.as_mut() else {
            return;
        };
        while let Some(transmit) = outbound.poll_dtmf(now) {
            if let Ok(transmit) = self.transmit(sockets, outbound, transmit) {
                lock(&self.control).handle_rtp_sent(now, &transmit.header, transmit.payload_len);
            }
        }
    }

    fn send_due_report(&self, sockets: &Sockets, now: Instant) {
        let mut control = lock(&self.control);
        if let Some((report, to)) = control.poll_transmit(now) {
            // A lost report is replaced by the next one in a few seconds.
            let _ = sockets.rtcp.send_to(report, to);
        }
    }

    fn transmit(
        &self,
        sockets: &Sockets,
        outbound: &mut Outbound,
        transmit: Transmit,
    ) -> Result<Transmit, RtpError> {
        match sockets.rtp.send_to(outbound.datagram(), transmit.to) {
            Ok(_) => {
                outbound.handle_sent(&transmit);
                Ok(transmit)
            }
            Err(source) => {
                outbound.handle_send_error();
                Err(RtpError::Send {
                    to: transmit.to,
                    source,
                })
            }
        }
    }

    fn inbound<T>(
        &self,
        f: impl FnOnce(&mut Inbound) -> Result<T, RtpError>,
    ) -> Result<T, RtpError> {
        match lock(&self.inbound).as_mut() {
            Some(inbound) => f(inbound),
            None => Err(self.not_started()),
        }
    }

    /// Waits for `start` until `limit`; the pacing to read with once started.
    fn wait_started(&self, limit: Instant, timeout_ms: u32) -> Result<Pacing, RtpError> {
        let mut lifecycle = lock(&self.lifecycle);
        loop {
            match lifecycle.state {
                State::Started => return Ok(lifecycle.pacing),
                State::Closed => return Err(self.closed()),
                State::Bound => {}
            }
            let now = Instant::now();
            if now >= limit {
                return Err(RtpError::Timeout { timeout_ms });
            }
            lifecycle = self
                .started
                .wait_timeout(lifecycle, limit - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    fn check_started(&self) -> Result<(), RtpError> {
        match lock(&self.lifecycle).state {
            State::Started => Ok(()),
            State::Closed => Err(self.closed()),
            State::Bound => Err(self.not_started()),
        }
    }

    fn notify(&self, notice: RtpNotice) {
        let mut notices = lock(&self.notices);
        if notices.len() == MAX_NOTICES {
            notices.pop_front();
        }
        notices.push_back(notice);
    }

    fn closed(&self) -> RtpError {
        RtpError::Closed { local: self.local }
    }

    fn not_started(&self) -> RtpError {
        RtpError::NotStarted { local: self.local }
    }
}

impl Drop for RtpStream {
    fn drop(&mut self) {
        self.close();
    }
}

/// Every lock here guards plain counters and state machines that stay
/// consistent between statements, so a panic elsewhere does not poison them for good.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

/// Unpredictable words from std's per-process random hash keys: enough
/// for SSRCs and starting points without a random number crate.
struct RandomWords(std::collections::hash_map::DefaultHasher, u64);

fn random_words() -> RandomWords {
    RandomWords(RandomState::new().build_hasher(), 0)
}

impl RandomWords {
    fn next_u64(&mut self) -> u64 {
        self.1 += 1;
        self.0.write_u64(self.1);
        self.0.finish()
    }

    fn next_u32(&mut self) -> u32 {
        // The low half of a hash is as random as the high half.
        self.next_u64() as u32
    }
}
