//! The driver's table of call legs, by Call-ID, with the transactions that belong to them.

use std::collections::HashMap;
use std::sync::{mpsc, Arc};

use ferroswitch_abi::Session;
use ferroswitch_media::sdp::{OfferAnswer, SessionDescription};
use ferroswitch_sip::dialog::Dialog;
use ferroswitch_sip::message::Request;
use ferroswitch_sip::transaction::{Peer, TransactionId};

use super::transaction_index::TransactionIndex;
use crate::call::{DeflectProgress, Direction};
use crate::dial::DialTarget;
use crate::gateway::Gateway;
use crate::media::MediaStream;

/// Where a leg stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LegState {
    /// Outbound, created but its INVITE not sent yet.
    Idle,
    /// INVITE sent or received, no final response.
    Proceeding,
    /// 2xx sent or received.
    Answered,
    /// Over: BYE, CANCEL or a final failure.
    Ended,
}

/// One call leg's SIP state.
pub struct Call {
    /// Inbound or outbound.
    pub direction: Direction,
    /// The session; `None` only while an inbound leg's session is being created.
    pub session: Option<Session>,
    /// The leg's media.
    pub media: Arc<dyn MediaStream>,
    /// Offer/answer state.
    pub offer_answer: OfferAnswer,
    /// Our answer to an inbound offer, sent in 183 and 200.
    pub local_sdp: Option<SessionDescription>,
    /// Whether the core can be told the negotiated codec (a codec module is loaded for it).
    pub codec_loaded: bool,
    /// The dialog, once one exists.
    pub dialog: Option<Dialog>,
    /// Our tag (To tag inbound, From tag outbound).
    pub local_tag: String,
    /// The INVITE: received (inbound) or last sent (outbound).
    pub invite: Option<Request>,
    /// The INVITE's transaction.
    pub invite_tx: Option<TransactionId>,
    /// Where in-dialog requests go.
    pub peer: Peer,
    /// The state.
    pub state: LegState,
    /// Outbound: where we dial.
    pub target: Option<DialTarget>,
    /// Outbound: caller ID for From.
    pub caller: (String, String),
    /// Outbound: digest answers given so far (one per challenge, then we give up).
    pub auth_attempts: u32,
    /// Outbound: a provisional response arrived, so a CANCEL may go.
    pub provisional: bool,
    /// Outbound: the session hung up before the answer; a late 2xx gets ACK then BYE.
    pub cancelled: bool,
    /// Outbound: the CANCEL went out.
    pub cancel_sent: bool,
    /// Outbound: the gateway it goes through.
    pub gateway: Option<Arc<Gateway>>,
    /// Outbound: 3xx responses followed so far.
    pub redirects: u32,
    /// Our re-INVITE in flight (hold or unhold); one at a time per dialog.
    pub reinvite: Option<Reinvite>,
    /// A hold (true) or unhold asked for while a re-INVITE was in flight; the latest wins.
    pub queued_hold: Option<bool>,
    /// Our REFER in flight or accepted (`deflect`).
    pub refer: Option<Refer>,
}

/// A re-INVITE we sent.
pub struct Reinvite {
    /// Its transaction.
    pub tx: TransactionId,
    /// Its CSeq, for the ACK of its 2xx.
    pub seq: u32,
    /// Whether it puts the peer on hold.
    pub hold: bool,
    /// Offer/answer as it was before, put back if the peer refuses.
    pub previous: OfferAnswer,
}

/// A REFER we sent to deflect the call.
pub struct Refer {
    /// Its transaction (cleared once answered).
    pub tx: Option<TransactionId>,
    /// Where the peer is asked to go.
    pub target: String,
    /// The session waiting in `deflect`.
    pub reply: mpsc::Sender<DeflectProgress>,
}

impl Call {
    /// A leg in its first state, with nothing in flight beyond its INVITE.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        direction: Direction,
        session: Option<Session>,
        media: Arc<dyn MediaStream>,
        offer_answer: OfferAnswer,
        codec_loaded: bool,
        local_tag: String,
        peer: Peer,
        state: LegState,
    ) -> Self {
        Call {
            direction,
            session,
            media,
            offer_answer,
            local_sdp: None,
            codec_loaded,
            dialog: None,
            local_tag,
            invite: None,
            invite_tx: None,
            peer,
            state,
            target: None,
            caller: (String::new(), String::new()),
            auth_attempts: 0,
            provisional: false,
            cancelled: false,
            cancel_sent: false,
            gateway: None,
            redirects: 0,
            reinvite: None,
            queued_hold: None,
            refer: None,
        }
    }
}

/// Every leg of one profile.
#[derive(Default)]
pub struct Calls {
    by_call_id: HashMap<String, Call>,
    transactions: TransactionIndex<TransactionId>,
}

impl Calls {
    /// Adds a leg.
    pub fn insert(&mut self, call_id: String, call: Call) {
        if let Some(tx) = call.invite_tx {
            self.transactions.bind(tx, &call_id);
        }
        self.by_call_id.insert(call_id, call);
    }

    /// The leg with `call_id`, to read.
    pub fn get(&self, call_id: &str) -> Option<&Call> {
        self.by_call_id.get(call_id)
    }

    /// The leg with `call_id`.
    pub fn get_mut(&mut self, call_id: &str) -> Option<&mut Call> {
        self.by_call_id.get_mut(call_id)
    }

    /// Whether a leg has `call_id`.
    pub fn contains(&self, call_id: &str) -> bool {
        self.by_call_id.contains_key(call_id)
    }

    /// Forgets a leg.
    pub fn remove(&mut self, call_id: &str) -> Option<Call> {
        let call = self.by_call_id.remove(call_id)?;
        self.transactions.forget_leg(call_id);
        Some(call)
    }

    /// Ties transaction `tx` to leg `call_id` (its INVITE, a re-sent INVITE).
    pub fn bind_transaction(&mut self, tx: TransactionId, call_id: &str) {
        self.transactions.bind(tx, call_id);
    }

    /// The leg transaction `tx` belongs to.
    pub fn call_of(&self, tx: TransactionId) -> Option<String> {
        self.transactions.leg_of(tx).map(str::to_owned)
    }

    /// A transaction ended.
    pub fn forget_transaction(&mut self, tx: TransactionId) {
        self.transactions.forget(tx);
    }

    /// Every leg, by Call-ID.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Call)> {
        self.by_call_id.iter()
    }

    /// Live legs.
    pub fn len(&self) -> usize {
        self.by_call_id.len()
    }

    /// Whether no leg is live.
    pub fn is_empty(&self) -> bool {
        self.by_call_id.is_empty()
    }
}
