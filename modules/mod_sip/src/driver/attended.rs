//! Attended transfer: a phone with two calls through us (to A, on hold, and to C) sends a
//! REFER on the first whose Refer-To carries `Replaces` naming the second. The phone wants to
//! leave; A and C should talk. We join the partner of the referring leg (A's leg) to the
//! partner of the replaced leg (C's leg) with `intercept`, end the replaced leg with
//! ATTENDED_TRANSFER, and leave the referring leg to its bridge's end or its phone's BYE, as
//! the blind case does. mod_sofia does the same with `switch_ivr_uuid_bridge`. The replaced
//! call must be an answered call of the same profile, named by Call-ID and both tags; any
//! other Replaces gets a NOTIFY saying 403.

use ferroswitch_abi::{ChannelState, HangupCause, Session};
use ferroswitch_sip::message::Replaces;

use super::calls::LegState;
use super::transfer::TransferError;
use super::Driver;

impl Driver {
    /// Joins the leg bridged to `session` (which sent the REFER) to the leg bridged to the
    /// call `replaces` names.
    pub(super) fn join_partners(
        &self,
        session: &Session,
        replaces: &Replaces,
        refer_to: &str,
    ) -> Result<(), TransferError> {
        let replaced = self
            .calls
            .get(&replaces.call_id)
            .filter(|call| call.state == LegState::Answered && !replaces.early_only)
            .filter(|call| {
                call.dialog.as_ref().is_some_and(|dialog| {
                    replaces.names_dialog(
                        &dialog.id.call_id,
                        &dialog.id.local_tag,
                        &dialog.id.remote_tag,
                    )
                })
            })
            .and_then(|call| call.session)
            .filter(|replaced| replaced.id() != session.id())
            .ok_or(TransferError::NoReplacedCall)?;
        let partner_of = |leg: &Session| {
            leg.variable("bridge_uuid")
                .and_then(|uuid| self.profile.host.locate(&uuid))
                .ok_or(TransferError::NotBridged)
        };
        let staying = partner_of(session)?;
        let joining = partner_of(&replaced)?;
        if staying.id() == joining.id() || !staying.is_ready() {
            return Err(TransferError::PartnerGone);
        }
        // Out of its bridge first, alive: the replaced leg's hangup must not take it along.
        joining
            .set_state(ChannelState::Park)
            .map_err(TransferError::Refused)?;
        let _ = replaced.set_variable("endpoint_disposition", Some("ATTENDED_TRANSFER"));
        let _ = replaced.hangup(HangupCause::ATTENDED_TRANSFER);
        let _ = staying.set_variable("sip_refer_to", Some(refer_to));
        if let Err(error) = staying.transfer(&format!("intercept:{}", joining.uuid()), "inline", "")
        {
            // Nobody is left for the parked leg to talk to.
            let _ = joining.hangup(HangupCause::NORMAL_CLEARING);
            return Err(TransferError::Refused(error));
        }
        let _ = session.set_variable("endpoint_disposition", Some("ATTENDED_TRANSFER"));
        Ok(())
    }
}
