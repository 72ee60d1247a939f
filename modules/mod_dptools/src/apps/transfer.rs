//! `transfer <destination> [<dialplan> [<context>]]`: the channel hunts the dialplan again.

use ferroswitch_abi::prelude::*;

use super::usage;
use crate::args::separate;

const TRANSFER_SYNTAX: &str = "<exten> [<dialplan> [<context>]]";

/// Registers `transfer`.
pub fn register(registrar: &mut Registrar<'_>) -> Result<(), Error> {
    registrar.add_application(
        ApplicationDesc::new("transfer", "Transfer a channel", TRANSFER_SYNTAX)
            .with_flags(AppFlags::SUPPORT_NOMEDIA),
        Transfer,
    )
}

struct Transfer;

impl Application for Transfer {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let target = parse_transfer(arg)?;
        session.log(
            LogLevel::Notice,
            &format!(
                "Transfer {} to {}[{}@{}]",
                session.variable("channel_name").unwrap_or_default(),
                or_current(&target.dialplan),
                target.destination,
                or_current(&target.context),
            ),
        );
        session.transfer(&target.destination, &target.dialplan, &target.context)
    }
}

fn or_current(text: &str) -> &str {
    if text.is_empty() {
        "(current)"
    } else {
        text
    }
}

/// Where `transfer` sends the channel; an empty dialplan or context keeps the channel's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferTarget {
    pub destination: String,
    pub dialplan: String,
    pub context: String,
}

/// Parses `transfer`'s argument, split as FreeSWITCH splits it (spaces, with quotes).
/// FreeSWITCH's `-bleg` and `-both` transfer the bridged peer, which this switch cannot
/// have yet: they are refused rather than ignored.
pub fn parse_transfer(arg: &str) -> Result<TransferTarget, Error> {
    let fields = separate(arg, ' ');
    let mut fields = fields.into_iter();
    let destination = fields
        .next()
        .filter(|destination| !destination.is_empty())
        .ok_or_else(|| usage("transfer", TRANSFER_SYNTAX))?;
    if destination.eq_ignore_ascii_case("-bleg") || destination.eq_ignore_ascii_case("-both") {
        return Err(Error::new(
            ErrorKind::UNSUPPORTED,
            format!(
                "transfer {destination}: transfers the bridged leg, and channels cannot be \
                 bridged yet; use transfer {TRANSFER_SYNTAX} on the leg itself"
            ),
        ));
    }
    let dialplan = fields.next().unwrap_or_default();
    let context = fields.next().unwrap_or_default();
    if fields.next().is_some() {
        return Err(usage("transfer", TRANSFER_SYNTAX));
    }
    Ok(TransferTarget {
        destination,
        dialplan,
        context,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(destination: &str, dialplan: &str, context: &str) -> TransferTarget {
        TransferTarget {
            destination: destination.to_owned(),
            dialplan: dialplan.to_owned(),
            context: context.to_owned(),
        }
    }

    #[test]
    fn dialplan_and_context_are_optional() {
        assert_eq!(parse_transfer("1000"), Ok(target("1000", "", "")));
        assert_eq!(parse_transfer("1000 XML"), Ok(target("1000", "XML", "")));
        assert_eq!(
            parse_transfer("  1000   XML  other "),
            Ok(target("1000", "XML", "other"))
        );
        assert_eq!(
            parse_transfer("'set:a=b c,park' inline"),
            Ok(target("set:a=b c,park", "inline", ""))
        );
    }

    #[test]
    fn nothing_or_too_much_is_a_usage_error() {
        for arg in ["", "   ", "1000 XML default extra"] {
            let error = parse_transfer(arg).expect_err("refused");
            assert_eq!(error.kind, ErrorKind::INVALID_ARGUMENT, "{arg}");
        }
    }

    #[test]
    fn bridged_leg_forms_are_refused_clearly() {
        for arg in ["-bleg 1000", "-BOTH 1000 XML default"] {
            let error = parse_transfer(arg).expect_err("refused");
            assert_eq!(error.kind, ErrorKind::UNSUPPORTED);
            assert!(error.message().contains("bridged"), "{error}");
        }
    }
}
