//! The two legs of a loopback call and what joins them.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TryRecvError, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};

use abi_stable::std_types::{ROption, RVec, Tuple2};
use ferroswitch_abi::kinds::endpoint::channel_io;
use ferroswitch_abi::prelude::*;
use ferroswitch_abi::{
    AnswerMode, ChannelIo, ChannelMessage, Dtmf, Endpoint, FfiTimerInstanceBox, FrameMeta,
    KillSignal, MediaParams, MessageKind, NewSession, OutgoingChannel, OutgoingRequest, StateFlow,
};

use crate::dial::LoopbackTarget;
use crate::media;

/// Frames queued between the legs; a leg that does not read loses the oldest audio rather
/// than blocking its peer.
const QUEUE_FRAMES: usize = 16;

type Frame = (FrameMeta, Vec<u8>);

/// Which leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    A,
    B,
}

/// What both legs share.
pub struct Pair {
    host: Host,
    target: LoopbackTarget,
    a: OnceLock<SessionId>,
    b: OnceLock<SessionId>,
    to_a: SyncSender<Frame>,
    to_b: SyncSender<Frame>,
    from_b: Mutex<Receiver<Frame>>,
    from_a: Mutex<Receiver<Frame>>,
    /// The codec both legs speak (what the A leg's codec string asked for, resolved by the
    /// core); `None`: linear audio.
    media: OnceLock<MediaParams>,
}

impl Pair {
    fn new(host: Host, target: LoopbackTarget) -> Self {
        let (to_a, from_b) = sync_channel(QUEUE_FRAMES);
        let (to_b, from_a) = sync_channel(QUEUE_FRAMES);
        Self {
            host,
            target,
            a: OnceLock::new(),
            b: OnceLock::new(),
            to_a,
            to_b,
            from_b: Mutex::new(from_b),
            from_a: Mutex::new(from_a),
            media: OnceLock::new(),
        }
    }

    fn other(&self, side: Side) -> Option<Session> {
        let id = match side {
            Side::A => self.b.get(),
            Side::B => self.a.get(),
        };
        id.map(|id| self.host.session(*id))
    }
}

/// The registered endpoint.
pub struct LoopbackEndpoint {
    pub host: Host,
}

impl Endpoint for LoopbackEndpoint {
    fn outgoing(
        &self,
        session: Session,
        request: &OutgoingRequest,
    ) -> Result<OutgoingChannel, Error> {
        let target = LoopbackTarget::parse(&request.dial_data).map_err(|reason| {
            Error::invalid_argument(reason).with_cause(HangupCause::INVALID_NUMBER_FORMAT)
        })?;
        let name = format!("loopback/{}-a", target.exten);
        let pair = Arc::new(Pair::new(self.host, target));
        let _ = pair.a.set(session.id());
        session.set_variable("loopback_leg", Some("A"))?;
        let wanted = media::requested(&session)?;
        if !wanted.is_empty() {
            media::choose(&session, &wanted)?;
            if let Some(resolved) = session.media() {
                let _ = pair.media.set(resolved);
            }
        }
        Ok(OutgoingChannel {
            name: name.into(),
            io: channel_io(LoopbackIo::new(pair, Side::A)),
        })
    }
}

/// One leg's I/O.
struct LoopbackIo {
    pair: Arc<Pair>,
    side: Side,
    /// Paces this leg's reads: one frame per packet time, as a real line delivers them.
    clock: Mutex<Option<FfiTimerInstanceBox>>,
}

impl LoopbackIo {
    fn new(pair: Arc<Pair>, side: Side) -> Self {
        Self {
            pair,
            side,
            clock: Mutex::new(None),
        }
    }

    /// Waits for this leg's next frame time, starting its clock on the first read.
    fn wait_for_tick(&self, session: Session, params: &MediaParams) -> Result<(), Error> {
        let mut clock = self
            .clock
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if clock.is_none() {
            let timer = session
                .variable("timer_name")
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| "soft".to_owned());
            let started = self
                .pair
                .host
                .start_timer(
                    &timer,
                    u32::from(params.ptime_ms),
                    params.samples_per_frame() as u32,
                )
                .map_err(|error| {
                    Error::new(
                        error.kind,
                        format!("loopback media needs timer {timer}: {}", error.message),
                    )
                })?;
            *clock = Some(started);
        }
        match clock.as_mut() {
            Some(clock) => clock.next().into_result().map(|_| ()),
            None => Ok(()),
        }
    }
    /// Creates the B leg when A initialises (as FreeSWITCH's loopback does in on_init).
    fn start_b_leg(&self, a: Session) -> Result<(), Error> {
        let pair = &self.pair;
        let a_profile = a.caller_profile().unwrap_or_default();
        let profile = CallerProfile {
            caller_id_name: a_profile.caller_id_name.clone(),
            caller_id_number: a_profile.caller_id_number.clone(),
            ani: a_profile.caller_id_number.clone(),
            destination_number: pair.target.exten.as_str().into(),
            context: pair.target.context.as_str().into(),
            dialplan: pair.target.dialplan.as_str().into(),
            source: "mod_loopback".into(),
            ..CallerProfile::default()
        };
        let a_uuid = a.uuid();
        let variables: RVec<Tuple2<RString, RString>> = [
            ("loopback_leg", "B"),
            ("other_loopback_leg_uuid", a_uuid.as_str()),
        ]
        .into_iter()
        .map(|(name, value)| Tuple2(name.into(), value.into()))
        .collect();
        let b = pair.host.create_session(NewSession {
            endpoint: "loopback".into(),
            channel_name: format!("loopback/{}-b", pair.target.exten).into(),
            caller_profile: profile,
            variables,
            io: channel_io(LoopbackIo::new(Arc::clone(pair), Side::B)),
            partner: ROption::RSome(a.id()),
        })?;
        let _ = pair.b.set(b.id());
        if let Some(params) = pair.media.get() {
            b.set_media(params)?;
        }
        a.set_variable("other_loopback_leg_uuid", Some(&b.uuid()))?;
        Ok(())
    }
}

impl ChannelIo for LoopbackIo {
    fn on_state(&self, session: Session, state: ChannelState) -> StateFlow {
        if self.side == Side::A && state == ChannelState::Init {
            if let Err(error) = self.start_b_leg(session) {
                session.log(
                    LogLevel::Err,
                    &format!("loopback: cannot create the B leg: {error}"),
                );
                let cause = if error.cause == HangupCause::NONE {
                    HangupCause::DESTINATION_OUT_OF_ORDER
                } else {
                    error.cause
                };
                let _ = session.hangup(cause);
                return StateFlow::Stop;
            }
        }
        StateFlow::Continue
    }

    fn read_frame(
        &self,
        session: Session,
        buf: &mut [u8],
        _timeout_ms: u32,
    ) -> Result<FrameMeta, Error> {
        let params = self.pair.media.get().cloned().unwrap_or_default();
        self.wait_for_tick(session, &params)?;
        let receiver = match self.side {
            Side::A => &self.pair.from_b,
            Side::B => &self.pair.from_a,
        };
        let receiver = receiver.lock().unwrap_or_else(|poison| poison.into_inner());
        match receiver.try_recv() {
            Ok((mut meta, payload)) => {
                let len = payload.len().min(buf.len());
                buf[..len].copy_from_slice(&payload[..len]);
                meta.len = len as u32;
                Ok(meta)
            }
            // Nothing was said this frame time: comfort noise, as a line would deliver.
            Err(TryRecvError::Empty) => Ok(media::silence(&params)),
            Err(TryRecvError::Disconnected) => Err(Error::hung_up("loopback peer is gone")),
        }
    }

    fn write_frame(
        &self,
        _session: Session,
        meta: &FrameMeta,
        payload: &[u8],
    ) -> Result<(), Error> {
        let sender = match self.side {
            Side::A => &self.pair.to_b,
            Side::B => &self.pair.to_a,
        };
        match sender.try_send((*meta, payload.to_vec())) {
            Ok(()) | Err(TrySendError::Full(_)) => Ok(()),
            Err(TrySendError::Disconnected(_)) => Err(Error::hung_up("loopback peer is gone")),
        }
    }

    fn kill(&self, session: Session, signal: KillSignal) {
        if signal == KillSignal::Kill {
            if let Some(other) = self.pair.other(self.side) {
                if other.is_ready() {
                    let cause = session.hangup_cause();
                    let _ = other.hangup(if cause == HangupCause::NONE {
                        HangupCause::NORMAL_CLEARING
                    } else {
                        cause
                    });
                }
            }
        }
    }

    fn send_dtmf(&self, _session: Session, dtmf: Dtmf) -> Result<(), Error> {
        match self.pair.other(self.side) {
            Some(other) => other.queue_dtmf(dtmf),
            None => Err(Error::hung_up("loopback peer is not up")),
        }
    }

    fn receive_message(&self, _session: Session, message: &ChannelMessage) -> Result<(), Error> {
        // A loopback leg has no signalling to respond, redirect or deflect with.
        if matches!(
            message.kind,
            MessageKind::RESPOND | MessageKind::REDIRECT | MessageKind::DEFLECT
        ) {
            return Err(Error::new(
                ErrorKind::UNSUPPORTED,
                "a loopback leg cannot respond, redirect or deflect",
            ));
        }
        // What the B leg signals, the A leg's originator sees: B answering answers A.
        if self.side != Side::B {
            return Ok(());
        }
        let mode = match message.kind {
            MessageKind::ANSWER => AnswerMode::Answer,
            MessageKind::PROGRESS => AnswerMode::PreAnswer,
            MessageKind::RINGING => AnswerMode::RingReady,
            _ => return Ok(()),
        };
        match self.pair.other(Side::B) {
            Some(a) => a.answer_with(mode, true),
            None => Ok(()),
        }
    }
}
