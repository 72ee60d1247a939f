//! `intercept [-bleg] <uuid>`: bridges the channel to an existing one, as FreeSWITCH's
//! `intercept` does for call pickup, and as an attended transfer joins the transferor's two
//! partners. The target (with `-bleg`, the leg bridged to `<uuid>`) leaves whatever it was
//! doing, alive; the leg it was bridged to is hung up with PICKED_OFF. A caller whose call
//! still rings is answered, and the legs it rang end with PICKED_OFF: call pickup. An
//! unknown or ending target is logged and the dialplan goes on.

use ferroswitch_abi::prelude::*;

use super::usage;

const INTERCEPT_SYNTAX: &str = "[-bleg] <uuid>";

/// Registers `intercept`.
pub fn register(registrar: &mut Registrar<'_>) -> Result<(), Error> {
    registrar.add_application(
        ApplicationDesc::new("intercept", "intercept", INTERCEPT_SYNTAX),
        Intercept,
    )
}

struct Intercept;

/// What `intercept` was asked: the UUID named, and whether its bridged leg is meant.
fn parse(arg: &str) -> Option<(&str, bool)> {
    let mut words = arg.split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some(flag), Some(uuid), None) if flag.eq_ignore_ascii_case("-bleg") => Some((uuid, true)),
        (Some(uuid), None, None) if !uuid.starts_with('-') => Some((uuid, false)),
        _ => None,
    }
}

impl Application for Intercept {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let (uuid, bleg) = parse(arg).ok_or_else(|| usage("intercept", INTERCEPT_SYNTAX))?;
        let host = session.host();
        let named = host.locate(uuid);
        let target = if bleg {
            named
                .and_then(|leg| leg.variable("bridge_uuid"))
                .and_then(|partner| host.locate(&partner))
        } else {
            named
        };
        let Some(target) = target.filter(|target| target.is_ready()) else {
            session.log(
                LogLevel::Warning,
                &format!(
                    "intercept: no channel {uuid}{} to intercept",
                    if bleg { " with a bridged leg" } else { "" }
                ),
            );
            return Ok(());
        };
        if !target.is_answered() && target.flags().contains(ChannelFlags::OUTBOUND) {
            // A leg that rings is the callee of someone's originate, which still owns it.
            session.log(
                LogLevel::Warning,
                &format!(
                    "intercept: {} is a ringing callee; intercept its caller instead",
                    target.uuid()
                ),
            );
            return Ok(());
        }
        if target.id() == session.id() {
            return Err(Error::invalid_argument(
                "intercept: a channel cannot intercept itself",
            ));
        }
        let old_partner = target
            .variable("bridge_uuid")
            .and_then(|partner| host.locate(&partner))
            .filter(|partner| partner.id() != session.id());
        // A new state takes the target out of its bridge without hanging it up; a caller
        // whose call still rings stops ringing the legs it dialled (they end PICKED_OFF).
        target.set_state(ChannelState::Park)?;
        if let Some(partner) = old_partner {
            let _ = partner.hangup(HangupCause::PICKED_OFF);
        }
        if !target.is_answered() {
            if let Err(error) = target.answer() {
                // Nobody else will take the caller now.
                let _ = target.hangup(HangupCause::NORMAL_CLEARING);
                return Err(error);
            }
        }
        session.answer()?;
        session.bridge(&target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_uuid_and_the_bleg_flag() {
        assert_eq!(parse("abc"), Some(("abc", false)));
        assert_eq!(parse(" -bleg abc "), Some(("abc", true)));
        assert_eq!(parse(""), None);
        assert_eq!(parse("-bleg"), None);
        assert_eq!(parse("-aleg abc"), None);
        assert_eq!(parse("abc def"), None);
    }
}
