//! Client transactions: INVITE (RFC 3261 §17.1.1, RFC 6026 §7.2) and non-INVITE (§17.1.2).

use std::time::{Duration, Instant};

use super::{Event, Outbox, Timer, TimerConfig, Timers, TransactionId};
use crate::message::{Method, Request, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClientState {
    /// INVITE sent, nothing heard (INVITE "Calling", non-INVITE "Trying").
    Calling,
    /// A provisional response arrived.
    Proceeding,
    /// A final non-2xx arrived (INVITE: ACK sent) or a final response (non-INVITE).
    Completed,
    /// A 2xx to an INVITE arrived (RFC 6026).
    Accepted,
    Terminated,
}

#[derive(Debug)]
pub(crate) struct ClientTransaction {
    pub(crate) id: TransactionId,
    pub(crate) state: ClientState,
    invite: bool,
    reliable: bool,
    pub(crate) request: Request,
    request_bytes: Vec<u8>,
    ack_bytes: Option<Vec<u8>>,
    interval: Duration,
    pub(crate) timers: Timers,
}

impl ClientTransaction {
    /// Starts the transaction: sends the request and arms the retransmit and timeout timers.
    pub(crate) fn start(
        id: TransactionId,
        request: Request,
        reliable: bool,
        config: &TimerConfig,
        now: Instant,
        out: &mut Outbox,
    ) -> ClientTransaction {
        let invite = request.method == Method::Invite;
        let request_bytes = request.to_bytes();
        out.send.push(request_bytes.clone());
        let mut tx = ClientTransaction {
            id,
            state: ClientState::Calling,
            invite,
            reliable,
            request,
            request_bytes,
            ack_bytes: None,
            interval: config.t1,
            timers: Timers::default(),
        };
        let (retransmit, timeout, after) = if invite {
            (Timer::A, Timer::B, config.timer_b)
        } else {
            (Timer::E, Timer::F, config.timer_f)
        };
        if !reliable {
            tx.timers.set(out, retransmit, now + config.t1);
        }
        tx.timers.set(out, timeout, now + after);
        tx
    }

    pub(crate) fn handle_response(
        &mut self,
        response: Response,
        config: &TimerConfig,
        now: Instant,
        out: &mut Outbox,
    ) {
        let status = response.status;
        match (self.state, status) {
            (ClientState::Calling | ClientState::Proceeding, 100..=199) => {
                if self.invite {
                    // RFC 3261 §17.1.1.2: a provisional stops INVITE retransmissions.
                    self.timers.cancel(Timer::A);
                    self.timers.cancel(Timer::B);
                } else if self.state == ClientState::Calling && !self.reliable {
                    // §17.1.2.2: in Proceeding, Timer E fires every T2.
                    self.interval = config.t2;
                }
                self.state = ClientState::Proceeding;
                self.deliver(response, out);
            }
            (ClientState::Calling | ClientState::Proceeding, 200..=299) if self.invite => {
                self.timers.clear();
                self.state = ClientState::Accepted;
                self.timers.set(out, Timer::M, now + config.accepted());
                self.deliver(response, out);
            }
            (ClientState::Calling | ClientState::Proceeding, _) => {
                self.timers.clear();
                self.state = ClientState::Completed;
                if self.invite {
                    let ack = ack_for(&self.request, &response).to_bytes();
                    out.send.push(ack.clone());
                    self.ack_bytes = Some(ack);
                    self.timers
                        .set(out, Timer::D, now + config.d(self.reliable));
                } else {
                    self.timers
                        .set(out, Timer::K, now + config.k(self.reliable));
                }
                self.deliver(response, out);
            }
            (ClientState::Accepted, 200..=299) => self.deliver(response, out),
            (ClientState::Completed, 300..=699) if self.invite => {
                // A retransmitted final response: our ACK was lost, send it again.
                if let Some(ack) = &self.ack_bytes {
                    out.send.push(ack.clone());
                }
            }
            // Everything else is a retransmission to absorb.
            _ => {}
        }
    }

    pub(crate) fn handle_timer(
        &mut self,
        timer: Timer,
        config: &TimerConfig,
        now: Instant,
        out: &mut Outbox,
    ) {
        match timer {
            Timer::A => {
                // INVITE intervals double without the T2 cap (§17.1.1.2); Timer B ends them.
                out.send.push(self.request_bytes.clone());
                self.interval *= 2;
                self.timers.set(out, Timer::A, now + self.interval);
            }
            Timer::E => {
                out.send.push(self.request_bytes.clone());
                self.interval = (self.interval * 2).min(config.t2);
                self.timers.set(out, Timer::E, now + self.interval);
            }
            Timer::B | Timer::F => {
                out.events.push(Event::Timeout { id: self.id, timer });
                self.terminate();
            }
            Timer::D | Timer::K | Timer::M => self.terminate(),
            _ => {}
        }
    }

    pub(crate) fn handle_transport_error(&mut self, out: &mut Outbox) {
        out.events.push(Event::TransportError { id: self.id });
        self.terminate();
    }

    fn deliver(&self, response: Response, out: &mut Outbox) {
        out.events.push(Event::Response {
            id: self.id,
            response,
        });
    }

    fn terminate(&mut self) {
        self.timers.clear();
        self.state = ClientState::Terminated;
    }
}

/// The ACK for a non-2xx final response (RFC 3261 §17.1.1.3): the INVITE's Request-URI,
/// top Via, From, Call-ID, CSeq number and Route, with the response's To (and its tag).
pub(crate) fn ack_for(invite: &Request, response: &Response) -> Request {
    let mut ack = Request::new(Method::Ack, invite.uri.clone());
    let (from, to) = (&invite.headers, &response.headers);
    if let Some(via) = from.get("Via") {
        ack.headers.push("Via", via);
    }
    ack.headers.push("Max-Forwards", "70");
    for name in ["From", "Call-ID"] {
        if let Some(v) = from.get(name) {
            ack.headers.push(name, v);
        }
    }
    if let Some(v) = to.get("To") {
        ack.headers.push("To", v);
    }
    if let Ok(cseq) = from.cseq() {
        ack.headers.push("CSeq", format!("{} ACK", cseq.seq));
    }
    for route in from.get_all("Route") {
        ack.headers.push("Route", route);
    }
    ack
}
