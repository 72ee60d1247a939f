//! `bridge <dial string>`: places the outbound legs (`,` ring all, `|` one after another,
//! `{}` and `[]` variables), bridges the first that answers, and reports the outcome in
//! FreeSWITCH's variables: `originate_disposition`, `DIALSTATUS`, `bridge_hangup_cause`,
//! `last_bridge_hangup_cause`. What happens after the bridge follows `hangup_after_bridge`,
//! `park_after_bridge` and `transfer_after_bridge`; after a failure, `continue_on_fail`.

use abi_stable::std_types::{ROption, RVec};
use ferroswitch_abi::prelude::*;
use ferroswitch_abi::OriginateRequest;

use super::transfer::parse_transfer;
use super::usage;

const BRIDGE_SYNTAX: &str = "<channel_url>";

/// Registers `bridge`.
pub fn register(registrar: &mut Registrar<'_>) -> Result<(), Error> {
    registrar.add_application(
        ApplicationDesc::new("bridge", "Bridge audio", BRIDGE_SYNTAX),
        Bridge,
    )
}

struct Bridge;

impl Application for Bridge {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        if arg.trim().is_empty() {
            return Err(usage("bridge", BRIDGE_SYNTAX));
        }
        let request = OriginateRequest {
            originator: ROption::RSome(session.id()),
            dial_string: arg.trim().into(),
            timeout_s: 0,
            variables: RVec::new(),
        };
        let state = session.state();
        let peer = match session.host().originate(request) {
            // Picked up just as a leg answered: the caller is elsewhere, the answer too late.
            Ok(peer) if session.state() != state => {
                let _ = peer.hangup(HangupCause::PICKED_OFF);
                return Ok(());
            }
            Ok(peer) => peer,
            // Picked up or transferred while the call rang: it is elsewhere now.
            Err(error) if error.cause == HangupCause::PICKED_OFF && session.is_ready() => {
                return Ok(())
            }
            Err(error) => return failed(&session, &error),
        };
        set(&session, "originate_disposition", "SUCCESS");
        set(&session, "DIALSTATUS", "SUCCESS");
        if let Err(error) = session.bridge(&peer) {
            session.log(
                LogLevel::Err,
                &format!("bridge to {} failed: {error}", peer.uuid()),
            );
            let _ = peer.hangup(HangupCause::NORMAL_CLEARING);
            return Ok(());
        }
        after_bridge(&session, &peer, state);
        Ok(())
    }
}

fn set(session: &Session, name: &str, value: &str) {
    let _ = session.set_variable(name, Some(value));
}

/// No leg answered: record why, then go on or hang up as `continue_on_fail` says.
fn failed(session: &Session, error: &Error) -> Result<(), Error> {
    let cause = if error.cause == HangupCause::NONE {
        HangupCause::DESTINATION_OUT_OF_ORDER
    } else {
        error.cause
    };
    session.log(
        LogLevel::Info,
        &format!("Originate failed with cause {}: {error}", cause.name()),
    );
    set(session, "originate_disposition", cause.name());
    set(session, "originate_failed_cause", cause.name());
    set(session, "DIALSTATUS", dial_status(cause));
    if !session.is_ready() {
        return Ok(());
    }
    let continue_on_fail = session.variable("continue_on_fail").unwrap_or_default();
    if continues(&continue_on_fail, cause) {
        return Ok(());
    }
    session.hangup(cause)
}

/// Asterisk's DIALSTATUS words, as FreeSWITCH sets them for scripts ported from it.
fn dial_status(cause: HangupCause) -> &'static str {
    match cause {
        HangupCause::USER_BUSY => "BUSY",
        HangupCause::NO_ANSWER | HangupCause::NO_USER_RESPONSE => "NOANSWER",
        HangupCause::ORIGINATOR_CANCEL => "CANCEL",
        HangupCause::NORMAL_CIRCUIT_CONGESTION => "CONGESTION",
        HangupCause::INVALID_NUMBER_FORMAT => "INVALIDARGS",
        _ => "CHANUNAVAIL",
    }
}

/// Whether `continue_on_fail` (`true`, or a comma list of cause names or Q.850 numbers)
/// keeps the dialplan going after a failure with `cause`.
fn continues(continue_on_fail: &str, cause: HangupCause) -> bool {
    let value = continue_on_fail.trim();
    if value.eq_ignore_ascii_case("true") || value == "1" || value.eq_ignore_ascii_case("yes") {
        return true;
    }
    value.split(',').map(str::trim).any(|entry| {
        entry.eq_ignore_ascii_case(cause.name()) || entry == cause.number().to_string()
    })
}

/// The bridge ended while the caller stays where it was (`state_before`): FreeSWITCH's after-bridge
/// variables, in its order (`park_after_bridge`, `transfer_after_bridge`, then
/// `hangup_after_bridge`). The last applies when the peer left the bridge, by hanging up
/// (with its cause) or by being transferred away (a REFER, `uuid_transfer`: NORMAL_CLEARING);
/// not when the caller's bridge was broken and the core hung the peer up.
fn after_bridge(session: &Session, peer: &Session, state_before: ChannelState) {
    if !session.is_ready() || session.state() != state_before {
        // Hung up, or moved on by a transfer of its own: the bridge is not how it ends.
        return;
    }
    let truthy = |name: &str| {
        session.variable(name).is_some_and(|value| {
            matches!(
                value.to_ascii_lowercase().as_str(),
                "true" | "yes" | "1" | "on"
            )
        })
    };
    let peer_hung_up = session.variable("bridge_hangup_cause").is_some();
    let peer_moved_on = peer.is_ready();
    if truthy("park_after_bridge") {
        let _ = session.park();
    } else if let Some(target) = session
        .variable("transfer_after_bridge")
        .filter(|value| !value.trim().is_empty())
    {
        // FreeSWITCH's form is `exten[:dialplan[:context]]`.
        let spaced = target.replace(':', " ");
        match parse_transfer(&spaced) {
            Ok(target) => {
                let _ = session.transfer(&target.destination, &target.dialplan, &target.context);
            }
            Err(error) => session.log(
                LogLevel::Err,
                &format!("transfer_after_bridge={target}: {error}"),
            ),
        }
    } else if (peer_hung_up || peer_moved_on) && truthy("hangup_after_bridge") {
        let cause = session
            .variable("last_bridge_hangup_cause")
            .filter(|_| peer_hung_up)
            .and_then(|name| HangupCause::parse(&name))
            .unwrap_or(HangupCause::NORMAL_CLEARING);
        let _ = session.hangup(cause);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_on_fail_takes_true_or_a_list_of_causes() {
        assert!(continues("true", HangupCause::USER_BUSY));
        assert!(continues("NO_ANSWER,USER_BUSY", HangupCause::USER_BUSY));
        assert!(continues("17", HangupCause::USER_BUSY));
        assert!(!continues("NO_ANSWER", HangupCause::USER_BUSY));
        assert!(!continues("", HangupCause::USER_BUSY));
        assert!(!continues("false", HangupCause::NO_ANSWER));
    }

    #[test]
    fn dial_status_speaks_asterisk() {
        assert_eq!(dial_status(HangupCause::USER_BUSY), "BUSY");
        assert_eq!(dial_status(HangupCause::NO_ANSWER), "NOANSWER");
        assert_eq!(dial_status(HangupCause::CALL_REJECTED), "CHANUNAVAIL");
    }
}
