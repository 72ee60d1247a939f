//! Endpoints: turn a protocol's calls into sessions, and create outbound legs from a dial
//! string whose prefix names the endpoint (`loopback/...`, `sofia/...`).

use abi_stable::{
    sabi_trait,
    std_types::{RBox, ROption, RResult, RSlice, RSliceMut, RString},
    StableAbi,
};

use crate::{
    guard::guard, CallerProfile, ChannelMessage, ChannelState, Dtmf, Error, FrameMeta, KillSignal,
    Session, SessionId, StateFlow,
};

/// What `show endpoint` lists.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct EndpointDesc {
    /// The endpoint's name, which is also its dial-string prefix (`loopback`).
    pub name: RString,
}

/// A request for an outbound leg.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct OutgoingRequest {
    /// The dial string after the endpoint's prefix and `/` (`1000/default` for
    /// `loopback/1000/default`).
    pub dial_data: RString,
    /// The new leg's caller profile as the core built it (caller ID from the originator).
    pub caller_profile: CallerProfile,
    /// The session that asked for the leg, if any.
    pub originator: ROption<SessionId>,
    /// Seconds the originator will wait for an answer.
    pub timeout_s: u32,
}

/// What an endpoint returns for a new outbound leg.
#[repr(C)]
#[derive(StableAbi)]
pub struct OutgoingChannel {
    /// The channel name (`loopback/1000-a`).
    pub name: RString,
    /// The leg's I/O routines.
    pub io: FfiChannelIoBox,
}

/// An endpoint, as a module author writes it.
pub trait Endpoint: Send + Sync + 'static {
    /// Creates the outbound leg `session` (already allocated by the core, in state NEW, with
    /// its variables set) for `request`. An error with a cause fails the leg with that cause.
    fn outgoing(
        &self,
        session: Session,
        request: &OutgoingRequest,
    ) -> Result<OutgoingChannel, Error>;
}

/// One channel's I/O routines (FreeSWITCH's `switch_io_routines`). Called from the
/// session's thread and, for `kill` and messages, from others: implementations use interior
/// mutability.
pub trait ChannelIo: Send + Sync + 'static {
    /// The endpoint's own state handler, run after pre-exec handlers and before the others.
    fn on_state(&self, session: Session, state: ChannelState) -> StateFlow {
        let _ = (session, state);
        StateFlow::Continue
    }
    /// Reads the next frame into `buf`. `ErrorKind::TIMEOUT` when none arrived within
    /// `timeout_ms`; `ErrorKind::HUNG_UP` once the channel is gone.
    fn read_frame(
        &self,
        session: Session,
        buf: &mut [u8],
        timeout_ms: u32,
    ) -> Result<FrameMeta, Error>;
    /// Writes a frame.
    fn write_frame(&self, session: Session, meta: &FrameMeta, payload: &[u8]) -> Result<(), Error>;
    /// Interrupts blocking reads (`Break`) or stops all I/O (`Kill`).
    fn kill(&self, session: Session, signal: KillSignal);
    /// Sends a DTMF digit to the far end.
    fn send_dtmf(&self, session: Session, dtmf: Dtmf) -> Result<(), Error>;
    /// Handles a message from the core (answer, ringing, bridge...). Unknown kinds answer
    /// `ErrorKind::UNSUPPORTED`.
    fn receive_message(&self, session: Session, message: &ChannelMessage) -> Result<(), Error>;
}

/// The FFI-safe form of [`Endpoint`].
#[sabi_trait]
pub trait FfiEndpoint: Send + Sync {
    fn outgoing(
        &self,
        session: Session,
        request: &OutgoingRequest,
    ) -> RResult<OutgoingChannel, Error>;
}

/// The FFI-safe form of [`ChannelIo`].
#[sabi_trait]
pub trait FfiChannelIo: Send + Sync {
    fn on_state(&self, session: Session, state: ChannelState) -> RResult<StateFlow, Error>;
    fn read_frame(
        &self,
        session: Session,
        buf: RSliceMut<'_, u8>,
        timeout_ms: u32,
    ) -> RResult<FrameMeta, Error>;
    fn write_frame(
        &self,
        session: Session,
        meta: &FrameMeta,
        payload: RSlice<'_, u8>,
    ) -> RResult<(), Error>;
    fn kill(&self, session: Session, signal: KillSignal) -> RResult<(), Error>;
    fn send_dtmf(&self, session: Session, dtmf: Dtmf) -> RResult<(), Error>;
    fn receive_message(&self, session: Session, message: &ChannelMessage) -> RResult<(), Error>;
}

/// An owned FFI endpoint object.
pub type FfiEndpointBox = FfiEndpoint_TO<'static, RBox<()>>;
/// An owned FFI channel I/O object.
pub type FfiChannelIoBox = FfiChannelIo_TO<'static, RBox<()>>;

/// Wraps a module's [`ChannelIo`] into the FFI object the core holds, panic-contained.
pub fn channel_io(io: impl ChannelIo) -> FfiChannelIoBox {
    FfiChannelIo_TO::from_value(Guarded(io), abi_stable::sabi_trait::TD_Opaque)
}

struct Guarded<T>(T);

impl<E: Endpoint> FfiEndpoint for Guarded<E> {
    fn outgoing(
        &self,
        session: Session,
        request: &OutgoingRequest,
    ) -> RResult<OutgoingChannel, Error> {
        guard("endpoint outgoing", || self.0.outgoing(session, request))
    }
}

impl<C: ChannelIo> FfiChannelIo for Guarded<C> {
    fn on_state(&self, session: Session, state: ChannelState) -> RResult<StateFlow, Error> {
        guard("endpoint state handler", || {
            Ok(self.0.on_state(session, state))
        })
    }

    fn read_frame(
        &self,
        session: Session,
        mut buf: RSliceMut<'_, u8>,
        timeout_ms: u32,
    ) -> RResult<FrameMeta, Error> {
        guard("endpoint read_frame", || {
            self.0.read_frame(session, buf.as_mut_slice(), timeout_ms)
        })
    }

    fn write_frame(
        &self,
        session: Session,
        meta: &FrameMeta,
        payload: RSlice<'_, u8>,
    ) -> RResult<(), Error> {
        guard("endpoint write_frame", || {
            self.0.write_frame(session, meta, payload.as_slice())
        })
    }

    fn kill(&self, session: Session, signal: KillSignal) -> RResult<(), Error> {
        guard("endpoint kill", || {
            self.0.kill(session, signal);
            Ok(())
        })
    }

    fn send_dtmf(&self, session: Session, dtmf: Dtmf) -> RResult<(), Error> {
        guard("endpoint send_dtmf", || self.0.send_dtmf(session, dtmf))
    }

    fn receive_message(&self, session: Session, message: &ChannelMessage) -> RResult<(), Error> {
        guard("endpoint receive_message", || {
            self.0.receive_message(session, message)
        })
    }
}

/// An endpoint ready to register.
#[repr(C)]
#[derive(StableAbi)]
pub struct EndpointRecord {
    pub desc: EndpointDesc,
    pub object: FfiEndpointBox,
}

impl EndpointRecord {
    /// Wraps `endpoint` so that every call is panic-contained.
    pub fn new(desc: EndpointDesc, endpoint: impl Endpoint) -> Self {
        Self {
            desc,
            object: FfiEndpoint_TO::from_value(
                Guarded(endpoint),
                abi_stable::sabi_trait::TD_Opaque,
            ),
        }
    }
}
