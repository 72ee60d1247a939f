//! Server transactions: INVITE (RFC 3261 §17.2.1, RFC 6026 §7.1) and non-INVITE (§17.2.2).

use std::time::{Duration, Instant};

use super::{Event, Outbox, Timer, TimerConfig, Timers, TransactionError, TransactionId};
use crate::message::{response_to, Method, Request, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServerState {
    /// Request received, no response yet (non-INVITE "Trying").
    Trying,
    /// A provisional response sent.
    Proceeding,
    /// A final response sent (INVITE: a non-2xx, waiting for ACK).
    Completed,
    /// INVITE: the ACK for the non-2xx arrived.
    Confirmed,
    /// INVITE: a 2xx sent (RFC 6026).
    Accepted,
    Terminated,
}

#[derive(Debug)]
pub(crate) struct ServerTransaction {
    pub(crate) id: TransactionId,
    pub(crate) state: ServerState,
    invite: bool,
    reliable: bool,
    pub(crate) request: Request,
    last_response: Option<Vec<u8>>,
    /// Whether the ACK for our 2xx arrived (Accepted state).
    acked: bool,
    interval: Duration,
    pub(crate) timers: Timers,
}

impl ServerTransaction {
    pub(crate) fn start(
        id: TransactionId,
        request: Request,
        reliable: bool,
        config: &TimerConfig,
        out: &mut Outbox,
    ) -> ServerTransaction {
        let invite = request.method == Method::Invite;
        let mut tx = ServerTransaction {
            id,
            state: ServerState::Trying,
            invite,
            reliable,
            request,
            last_response: None,
            acked: false,
            interval: config.t1,
            timers: Timers::default(),
        };
        if invite {
            // An INVITE transaction starts in Proceeding (§17.2.1).
            tx.state = ServerState::Proceeding;
            if config.send_100_trying {
                let trying = response_to(&tx.request, 100, "Trying").to_bytes();
                out.send.push(trying.clone());
                tx.last_response = Some(trying);
            }
        }
        tx
    }

    /// A retransmission of the request arrived: resend the last response, if any.
    pub(crate) fn handle_retransmission(&mut self, out: &mut Outbox) {
        match self.state {
            ServerState::Proceeding | ServerState::Completed => {
                if let Some(last) = &self.last_response {
                    out.send.push(last.clone());
                }
            }
            // Trying: nothing to resend yet. Confirmed/Accepted: absorbed (RFC 6026 §7.1:
            // the 2xx is retransmitted on its own schedule, not per INVITE copy).
            _ => {}
        }
    }

    /// The ACK for a non-2xx final response.
    pub(crate) fn handle_ack(&mut self, config: &TimerConfig, now: Instant, out: &mut Outbox) {
        if self.state == ServerState::Completed {
            self.timers.clear();
            self.state = ServerState::Confirmed;
            self.timers
                .set(out, Timer::I, now + config.i(self.reliable));
        }
    }

    /// The ACK for our 2xx: stop retransmitting it.
    pub(crate) fn handle_2xx_ack(&mut self) {
        self.acked = true;
        self.timers.cancel(Timer::Retransmit2xx);
    }

    pub(crate) fn send_response(
        &mut self,
        response: &Response,
        config: &TimerConfig,
        now: Instant,
        out: &mut Outbox,
    ) -> Result<(), TransactionError> {
        let status = response.status;
        if !(100..=699).contains(&status) {
            return Err(TransactionError::Status(status));
        }
        let bytes = response.to_bytes();
        match self.state {
            ServerState::Trying | ServerState::Proceeding => {}
            // RFC 6026: further 2xx (e.g. retransmitted by the TU) pass through.
            ServerState::Accepted if (200..=299).contains(&status) => {
                out.send.push(bytes);
                return Ok(());
            }
            _ => return Err(TransactionError::AlreadyFinal(self.id)),
        }
        out.send.push(bytes.clone());
        self.last_response = Some(bytes);
        match status {
            100..=199 => self.state = ServerState::Proceeding,
            200..=299 if self.invite => {
                self.state = ServerState::Accepted;
                self.timers.set(out, Timer::L, now + config.accepted());
                if !self.reliable {
                    self.interval = config.t1;
                    self.timers
                        .set(out, Timer::Retransmit2xx, now + self.interval);
                }
            }
            _ if self.invite => {
                self.state = ServerState::Completed;
                if !self.reliable {
                    self.interval = config.t1;
                    self.timers.set(out, Timer::G, now + self.interval);
                }
                self.timers.set(out, Timer::H, now + config.timer_h);
            }
            _ => {
                self.state = ServerState::Completed;
                self.timers
                    .set(out, Timer::J, now + config.j(self.reliable));
            }
        }
        Ok(())
    }

    pub(crate) fn handle_timer(
        &mut self,
        timer: Timer,
        config: &TimerConfig,
        now: Instant,
        out: &mut Outbox,
    ) {
        match timer {
            Timer::G | Timer::Retransmit2xx => {
                if let Some(last) = &self.last_response {
                    out.send.push(last.clone());
                }
                self.interval = (self.interval * 2).min(config.t2);
                self.timers.set(out, timer, now + self.interval);
            }
            Timer::H => {
                out.events.push(Event::Timeout { id: self.id, timer });
                self.terminate();
            }
            Timer::L => {
                if !self.acked {
                    out.events.push(Event::Timeout { id: self.id, timer });
                }
                self.terminate();
            }
            Timer::I | Timer::J => self.terminate(),
            _ => {}
        }
    }

    pub(crate) fn handle_transport_error(&mut self, out: &mut Outbox) {
        out.events.push(Event::TransportError { id: self.id });
        self.terminate();
    }

    /// Whether the transaction is INVITE and has not sent a final response (CANCEL applies).
    pub(crate) fn is_pending_invite(&self) -> bool {
        self.invite && self.state == ServerState::Proceeding
    }

    fn terminate(&mut self) {
        self.timers.clear();
        self.state = ServerState::Terminated;
    }
}
