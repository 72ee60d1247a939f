//! A call leg as the core sees it: [`SipChannel`], the leg's `ChannelIo`, and the
//! [`Command`]s it queues for the profile's driver, which owns every piece of SIP state.
//! Session threads never touch transactions or dialogs; they only ask.

use std::net::SocketAddr;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

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
    /// Ask the answered peer to call `target` instead (a REFER, for `deflect`); progress
    /// comes back on `reply`.
    Deflect {
        /// The leg.
        call_id: String,
        /// The Refer-To URI.
        target: String,
        /// Where the REFER's fate is told.
        reply: mpsc::Sender<DeflectProgress>,
    },
    /// The host name of a 3xx's Contact was looked up (off the driver's task).
    RedirectResolved {
        /// The redirected leg.
        call_id: String,
        /// The Contact followed.
        target: ferroswitch_sip::message::SipUri,
        /// Its address, or why there is none.
        address: Result<SocketAddr, String>,
        /// The 3xx's status, which ends the leg if the Contact cannot be followed.
        status: u16,
    },
    /// A gateway's register-proxy host name was looked up (off the driver's task).
    GatewayResolved {
        /// The gateway.
        gateway: String,
        /// Its address, or why there is none.
        address: Result<SocketAddr, String>,
    },
}

/// What became of a deflect's REFER, told to the session waiting in `deflect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeflectProgress {
    /// The peer accepted the REFER (202); its NOTIFYs tell how the new call goes.
    Accepted,
    /// A NOTIFY reported the new call answered: the leg hangs up with BLIND_TRANSFER.
    Transferred,
    /// The REFER was refused, or the new call failed, with this status.
    Failed(u16),
}

/// How long `deflect` waits for the peer, as mod_sofia waits about ten seconds for the
/// REFER's reply. A REFER accepted without a final NOTIFY by then counts as transferred.
pub const DEFLECT_WAIT: Duration = Duration::from_secs(10);

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

impl SipChannel {
    /// Sends a REFER to `target` and waits (at most [`DEFLECT_WAIT`]) for its outcome, as
    /// mod_sofia's `deflect` waits for the reply before the leg goes.
    fn deflect(&self, session: &Session, target: &str) -> Result<(), Error> {
        let target = refer_target(target, self.profile.config.sip_ip)?;
        if !session.is_answered() {
            return Err(Error::new(
                ErrorKind::FAILED,
                "deflect needs an answered call (use redirect before the answer)",
            ));
        }
        let (reply, progress) = mpsc::channel();
        self.profile.send(Command::Deflect {
            call_id: self.call_id.clone(),
            target: target.clone(),
            reply,
        });
        let deadline = Instant::now() + DEFLECT_WAIT;
        let mut accepted = false;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match progress.recv_timeout(left) {
                Ok(DeflectProgress::Accepted) => accepted = true,
                Ok(DeflectProgress::Transferred) => {
                    // The driver hung up already; saying it again keeps the cause whatever
                    // ran first.
                    let _ = session.hangup(HangupCause::BLIND_TRANSFER);
                    return Ok(());
                }
                Ok(DeflectProgress::Failed(status)) => {
                    return Err(Error::new(
                        ErrorKind::FAILED,
                        format!("the transfer to {target} failed with {status}"),
                    ))
                }
                // The call ended meanwhile (the peer's BYE): nothing is left to deflect.
                Err(mpsc::RecvTimeoutError::Disconnected) if accepted => return Ok(()),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(Error::hung_up(
                        "the call ended before the REFER was answered",
                    ))
                }
                Err(mpsc::RecvTimeoutError::Timeout) if accepted => {
                    let _ = session.hangup(HangupCause::BLIND_TRANSFER);
                    return Ok(());
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return Err(Error::new(
                        ErrorKind::TIMEOUT,
                        format!("no answer to the REFER to {target} within {DEFLECT_WAIT:?}"),
                    ))
                }
            }
        }
    }
}

/// The Refer-To URI of `deflect <target>`: a SIP URI as given, or, as mod_sofia does, a bare
/// user at the profile's SIP address.
pub fn refer_target(target: &str, sip_ip: std::net::IpAddr) -> Result<String, Error> {
    let target = target.trim();
    if target.is_empty() {
        return Err(Error::invalid_argument("deflect needs a destination"));
    }
    let uri = target.trim_start_matches('<').trim_end_matches('>');
    if uri.contains(':') && (uri.starts_with("sip:") || uri.starts_with("sips:")) {
        return Ok(uri.to_owned());
    }
    Ok(match sip_ip {
        std::net::IpAddr::V6(ip) => format!("sip:{uri}@[{ip}]"),
        std::net::IpAddr::V4(ip) => format!("sip:{uri}@{ip}"),
    })
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
            MessageKind::DEFLECT => return self.deflect(&session, &message.text),
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
    fn deflect_targets_are_sip_uris_or_users_at_our_address() {
        let ip = "192.0.2.1".parse().expect("address");
        assert_eq!(
            refer_target("sip:2000@127.0.0.1:5090", ip).expect("valid"),
            "sip:2000@127.0.0.1:5090"
        );
        assert_eq!(
            refer_target("<sip:2000@example.org>", ip).expect("valid"),
            "sip:2000@example.org"
        );
        assert_eq!(
            refer_target("2000", ip).expect("valid"),
            "sip:2000@192.0.2.1"
        );
        assert_eq!(
            refer_target("2000", "2001:db8::1".parse().expect("address")).expect("valid"),
            "sip:2000@[2001:db8::1]"
        );
        assert!(refer_target(" ", ip).is_err());
    }

    #[test]
    fn bridged_legs_relay_on_arrival_unless_rtp_timer_name_says_otherwise() {
        assert_eq!(pacing_for(None, true), Pacing::Arrival);
        assert_eq!(pacing_for(None, false), Pacing::Clock);
        assert_eq!(pacing_for(Some(""), true), Pacing::Arrival);
        assert_eq!(pacing_for(Some("soft"), true), Pacing::Clock);
        assert_eq!(pacing_for(Some("NONE"), false), Pacing::Arrival);
    }
}
