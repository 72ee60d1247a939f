//! A call leg as the core sees it: [`SipChannel`], the leg's `ChannelIo`, and the
//! [`Command`]s it queues for the profile's driver, which owns every piece of SIP state.
//! Session threads never touch transactions or dialogs; they only ask.

use std::sync::Arc;

use ferroswitch_abi::{
    ChannelIo, ChannelMessage, ChannelState, Dtmf, Error, ErrorKind, FrameMeta, HangupCause,
    KillSignal, MessageKind, Session, StateFlow,
};

use crate::dial::DialTarget;
use crate::gateway::Gateway;
use crate::media::MediaStream;
use crate::profile::Profile;
use crate::rtp::Pacing;

/// What a session (or the endpoint) asks the driver to do for call `call_id`.
pub enum Command {
    /// An outbound leg was created: remember it (the INVITE goes out on [`Command::Invite`]).
    Dial(Box<Dial>),
    /// Send the outbound leg's INVITE (its session reached INIT).
    Invite {
        /// The leg.
        call_id: String,
    },
    /// Answer an inbound leg with a provisional or final response; `sdp` adds our answer.
    Respond {
        /// The leg.
        call_id: String,
        /// The status.
        status: u16,
        /// The reason phrase; empty: the standard one.
        reason: String,
        /// Whether our SDP goes in the body (183, 200).
        sdp: bool,
        /// A Contact for 3xx.
        contact: Option<String>,
    },
    /// The session is hanging up with `cause`.
    Hangup {
        /// The leg.
        call_id: String,
        /// Why.
        cause: HangupCause,
    },
    /// Send a digit as SIP INFO (the media path could not send it in-band).
    Dtmf {
        /// The leg.
        call_id: String,
        /// The digit.
        dtmf: Dtmf,
    },
    /// Put the answered peer on hold (a re-INVITE offering `a=sendonly`) or take it off.
    Hold {
        /// The leg.
        call_id: String,
        /// On (true) or off.
        hold: bool,
    },
}

/// A new outbound leg, for [`Command::Dial`].
pub struct Dial {
    /// The leg's Call-ID.
    pub call_id: String,
    /// Its session.
    pub session: Session,
    /// Where to.
    pub target: DialTarget,
    /// Caller ID name for From.
    pub caller_name: String,
    /// Caller ID number for From.
    pub caller_number: String,
    /// The leg's media.
    pub media: Arc<dyn MediaStream>,
    /// The gateway it goes through (`sofia/gateway/...`): its From and credentials.
    pub gateway: Option<Arc<Gateway>>,
}

/// Whether the leg was created by an INVITE from the network or by a dial string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// An INVITE arrived.
    Inbound,
    /// We send the INVITE.
    Outbound,
}

/// One leg's I/O routines.
pub struct SipChannel {
    profile: Arc<Profile>,
    call_id: String,
    direction: Direction,
    media: Arc<dyn MediaStream>,
}

impl SipChannel {
    /// The I/O of leg `call_id`.
    pub fn new(
        profile: Arc<Profile>,
        call_id: String,
        direction: Direction,
        media: Arc<dyn MediaStream>,
    ) -> Self {
        Self {
            profile,
            call_id,
            direction,
            media,
        }
    }

    fn respond(&self, status: u16, reason: &str, sdp: bool, contact: Option<String>) {
        self.profile.send(Command::Respond {
            call_id: self.call_id.clone(),
            status,
            reason: reason.to_owned(),
            sdp,
            contact,
        });
    }
}

impl ChannelIo for SipChannel {
    fn on_state(&self, _session: Session, state: ChannelState) -> StateFlow {
        if self.direction == Direction::Outbound && state == ChannelState::Init {
            self.profile.send(Command::Invite {
                call_id: self.call_id.clone(),
            });
        }
        StateFlow::Continue
    }

    fn read_frame(
        &self,
        session: Session,
        buf: &mut [u8],
        timeout_ms: u32,
    ) -> Result<FrameMeta, Error> {
        // Digits the RTP engine decoded reach the session with the next frame.
        while let Some(dtmf) = self.media.take_dtmf() {
            let _ = session.queue_dtmf(dtmf);
        }
        self.media.read_frame(buf, timeout_ms)
    }

    fn write_frame(
        &self,
        _session: Session,
        meta: &FrameMeta,
        payload: &[u8],
    ) -> Result<(), Error> {
        self.media.write_frame(meta, payload)
    }

    fn kill(&self, session: Session, signal: KillSignal) {
        match signal {
            KillSignal::Break => self.media.interrupt(),
            KillSignal::Kill => {
                for (name, value) in self.media.stats_variables() {
                    let _ = session.set_variable(name, Some(&value));
                }
                self.media.close();
                let cause = session.hangup_cause();
                self.profile.send(Command::Hangup {
                    call_id: self.call_id.clone(),
                    cause: if cause == HangupCause::NONE {
                        HangupCause::NORMAL_CLEARING
                    } else {
                        cause
                    },
                });
            }
        }
    }

    fn send_dtmf(&self, _session: Session, dtmf: Dtmf) -> Result<(), Error> {
        match self.media.send_dtmf(dtmf) {
            Err(error) if error.kind == ErrorKind::UNSUPPORTED => {
                self.profile.send(Command::Dtmf {
                    call_id: self.call_id.clone(),
                    dtmf,
                });
                Ok(())
            }
            other => other,
        }
    }

    fn receive_message(&self, session: Session, message: &ChannelMessage) -> Result<(), Error> {
        if matches!(message.kind, MessageKind::BRIDGE | MessageKind::UNBRIDGE) {
            let bridged = message.kind == MessageKind::BRIDGE;
            self.media.set_pacing(bridge_pacing(&session, bridged));
            return Ok(());
        }
        if matches!(message.kind, MessageKind::HOLD | MessageKind::UNHOLD) {
            // Either direction: once answered, both ends may re-INVITE.
            if !session.is_answered() {
                return Err(Error::new(
                    ErrorKind::FAILED,
                    "a SIP leg can be put on hold only once answered",
                ));
            }
            self.profile.send(Command::Hold {
                call_id: self.call_id.clone(),
                hold: message.kind == MessageKind::HOLD,
            });
            return Ok(());
        }
        if self.direction == Direction::Outbound {
            // Our peer answers an outbound leg; the core's answer/ringing requests are moot.
            return match message.kind {
                MessageKind::RESPOND | MessageKind::REDIRECT | MessageKind::DEFLECT => {
                    Err(Error::new(
                        ErrorKind::UNSUPPORTED,
                        "an outbound SIP leg cannot respond, redirect or deflect",
                    ))
                }
                _ => Ok(()),
            };
        }
        match message.kind {
            MessageKind::RINGING => self.respond(180, "Ringing", false, None),
            MessageKind::PROGRESS => self.respond(183, "Session Progress", true, None),
            MessageKind::ANSWER => self.respond(200, "OK", true, None),
            MessageKind::RESPOND => {
                let status = u16::try_from(message.number)
                    .ok()
                    .filter(|s| (100..=699).contains(s))
                    .ok_or_else(|| {
                        Error::invalid_argument(format!(
                            "{} is not a SIP status code (100-699)",
                            message.number
                        ))
                    })?;
                // 183 and 200 carry our SDP, as FreeSWITCH's `respond` does.
                let sdp = matches!(status, 183 | 200);
                self.respond(status, &message.text, sdp, None);
            }
            MessageKind::REDIRECT => {
                let target = message.text.trim();
                if target.is_empty() {
                    return Err(Error::invalid_argument("redirect needs a destination"));
                }
                // One Contact per comma-separated destination, each a name-addr.
                let contact = target
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(|t| {
                        if t.starts_with('<') {
                            t.to_owned()
                        } else if t.contains(':') {
                            format!("<{t}>")
                        } else {
                            format!("<sip:{t}>")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                self.respond(302, "Moved Temporarily", false, Some(contact));
            }
            MessageKind::DEFLECT => {
                return Err(Error::new(
                    ErrorKind::UNSUPPORTED,
                    "deflect (SIP REFER) is not implemented yet",
                ))
            }
            MessageKind::DISPLAY | MessageKind::TRANSFER => {}
            _ => {
                return Err(Error::new(
                    ErrorKind::UNSUPPORTED,
                    format!("message kind {} is not handled by sofia", message.kind.0),
                ))
            }
        }
        Ok(())
    }
}

/// How a leg's reads are paced. A bridged leg relays each packet to its peer as it arrives:
/// the peer's endpoint keeps the outgoing timing, and a leg that receives nothing (a call
/// without RTP) costs no wake-ups at all rather than 50 a second. Otherwise reads follow the
/// stream's clock, for applications that play and record. `rtp_timer_name`, when set, decides
/// as in FreeSWITCH: `none` reads on arrival, any timer reads on the clock.
fn bridge_pacing(session: &Session, bridged: bool) -> Pacing {
    pacing_for(session.variable("rtp_timer_name").as_deref(), bridged)
}

fn pacing_for(rtp_timer_name: Option<&str>, bridged: bool) -> Pacing {
    match rtp_timer_name {
        Some(timer) if timer.eq_ignore_ascii_case("none") => Pacing::Arrival,
        Some(timer) if !timer.is_empty() => Pacing::Clock,
        _ if bridged => Pacing::Arrival,
        _ => Pacing::Clock,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bridged_legs_relay_on_arrival_unless_rtp_timer_name_says_otherwise() {
        assert_eq!(pacing_for(None, true), Pacing::Arrival);
        assert_eq!(pacing_for(None, false), Pacing::Clock);
        assert_eq!(pacing_for(Some(""), true), Pacing::Arrival);
        assert_eq!(pacing_for(Some("soft"), true), Pacing::Clock);
        assert_eq!(pacing_for(Some("NONE"), false), Pacing::Arrival);
    }
}
