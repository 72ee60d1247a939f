//! `execute_extension <extension> [<dialplan>] [<context>]`: hunts another extension and runs
//! its applications here, in place, then returns to the current one (unlike `transfer`).

use ferroswitch_abi::prelude::*;

use super::usage;
use crate::args::separate;

const SYNTAX: &str = "<extension> <dialplan> <context>";

/// Registers `execute_extension`.
pub fn register(registrar: &mut Registrar<'_>) -> Result<(), Error> {
    registrar.add_application(
        ApplicationDesc::new("execute_extension", "Execute an extension", SYNTAX)
            .with_flags(AppFlags::SUPPORT_NOMEDIA),
        ExecuteExtension,
    )
}

struct ExecuteExtension;

impl Application for ExecuteExtension {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let fields = separate(arg, ' ');
        let mut fields = fields.into_iter();
        let destination = fields
            .next()
            .filter(|destination| !destination.is_empty())
            .ok_or_else(|| usage("execute_extension", SYNTAX))?;
        let dialplan = fields.next().unwrap_or_default();
        let context = fields.next().unwrap_or_default();
        let Some(extension) = session.hunt(&destination, &dialplan, &context)? else {
            session.log(
                LogLevel::Warning,
                &format!("execute_extension: no extension matched {destination}"),
            );
            return Ok(());
        };
        for app in extension.applications.iter() {
            if !session.is_ready() {
                break;
            }
            // Each application's failure was reported by the core; the rest still run, as
            // they would in the extension itself.
            let _ = session.execute(&app.name, &app.arg);
        }
        Ok(())
    }
}
