//! The `XML` dialplan on real sessions: fetches the dialplan section, compiles it once per
//! configuration, and hunts with the session as the [`Channel`] and the system clock.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use abi_stable::std_types::RVec;
use ferroswitch_abi::prelude::*;
use ferroswitch_abi::ErrorKind;

use crate::dialplan::Dialplan as Compiled;
use crate::hunt::trace::InlineOutcome;
use crate::hunt::{hunt, Channel, Clock, Found};
use crate::zones::Zones;

/// What the module keeps between hunts.
pub struct State {
    cache: RwLock<Option<Cached>>,
    zones: Zones,
}

/// The dialplan compiled from one configuration generation (`None`: it had no dialplan
/// section).
struct Cached {
    generation: u64,
    dialplan: Option<Arc<Compiled>>,
}

impl State {
    /// Empty; the system's time zone read now.
    pub fn new() -> State {
        State {
            cache: RwLock::new(None),
            zones: Zones::from_environment(),
        }
    }

    /// The time zones.
    pub fn zones(&self) -> &Zones {
        &self.zones
    }

    /// The compiled dialplan of the running configuration; `None` when it has no dialplan
    /// section. Compiles (and logs the errors and warnings) once per configuration
    /// generation, so a `reloadxml` takes effect at the next hunt.
    pub fn dialplan(&self, host: Host) -> Option<Arc<Compiled>> {
        let generation = host.config_generation();
        let cached = |cache: &Option<Cached>| {
            cache
                .as_ref()
                .filter(|cached| cached.generation == generation)
                .map(|cached| cached.dialplan.clone())
        };
        // A poisoned lock only means a compile panicked; the cached value is still whole.
        if let Some(hit) = cached(&self.cache.read().unwrap_or_else(PoisonError::into_inner)) {
            return hit;
        }
        let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
        // Another hunt may have compiled it while this one waited.
        if let Some(hit) = cached(&cache) {
            return hit;
        }
        let dialplan = host.section("dialplan").map(|section| {
            let dialplan = Arc::new(Compiled::compile(&section));
            report(host, &dialplan);
            dialplan
        });
        *cache = Some(Cached {
            generation,
            dialplan: dialplan.clone(),
        });
        dialplan
    }
}

impl Default for State {
    fn default() -> Self {
        State::new()
    }
}

/// Logs, once per configuration, what does not compile and what looks wrong.
fn report(host: Host, dialplan: &Compiled) {
    for context in dialplan.contexts() {
        if let Err(errors) = &context.extensions {
            for error in errors {
                host.log(
                    LogLevel::Err,
                    &format!(
                        "dialplan context \"{}\" will refuse every call: {error}",
                        context.name
                    ),
                );
            }
        }
    }
    for warning in dialplan.warnings() {
        host.log(LogLevel::Warning, &format!("dialplan: {warning}"));
    }
}

/// The registered `XML` dialplan.
pub struct XmlDialplan {
    pub state: Arc<State>,
}

impl Dialplan for XmlDialplan {
    fn hunt(
        &self,
        session: Session,
        caller: &CallerProfile,
        arg: &str,
    ) -> Result<Option<Extension>, Error> {
        if !arg.trim().is_empty() {
            return Err(Error::new(
                ErrorKind::UNSUPPORTED,
                format!("XML:{arg}: reading the dialplan from another file is not supported"),
            ));
        }
        let context = match caller.context.as_str() {
            "" => "default",
            name => name,
        };
        session.log(
            LogLevel::Info,
            &format!(
                "Processing {} <{}>->{} in context {context}",
                caller.caller_id_name, caller.caller_id_number, caller.destination_number
            ),
        );
        let Some(dialplan) = self.state.dialplan(session.host()) else {
            session.log(
                LogLevel::Warning,
                "the configuration has no dialplan section",
            );
            return Ok(None);
        };
        if dialplan.context(context).is_none() && dialplan.context("global").is_none() {
            session.log(LogLevel::Warning, &format!("Context {context} not found"));
            return Ok(None);
        }
        let system = self.state.zones.system();
        let zone = |name: &str| self.state.zones.named(name);
        let clock = Clock {
            now: now_seconds(),
            system: &system,
            zone: &zone,
        };
        let mut channel = SessionChannel { session };
        let found = hunt(&dialplan, caller, &mut channel, &clock, None)
            .map_err(|error| Error::failed(error.to_string()))?;
        Ok(found.map(into_extension))
    }
}

/// Seconds since the epoch, now.
pub fn now_seconds() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
}

fn into_extension(found: Found) -> Extension {
    Extension {
        name: found.name.into(),
        number: found.number.into(),
        applications: found
            .applications
            .into_iter()
            .map(|(name, arg)| ExtensionApp {
                name: name.into(),
                arg: arg.into(),
            })
            .collect::<RVec<_>>(),
    }
}

/// A live session as the hunt's channel.
struct SessionChannel {
    session: Session,
}

impl Channel for SessionChannel {
    fn variable(&self, name: &str) -> Option<String> {
        self.session.variable(name)
    }

    fn set_variable(&mut self, name: &str, value: Option<&str>) {
        // Fails only once the session is gone, and then nothing reads it any more.
        let _ = self.session.set_variable(name, value);
    }

    fn unset_variables_with_prefix(&mut self, prefix: &str) {
        for (name, _) in self.session.variables() {
            if name.starts_with(prefix) {
                let _ = self.session.set_variable(&name, None);
            }
        }
    }

    fn execute_inline(&mut self, application: &str, data: &str) -> InlineOutcome {
        // FreeSWITCH runs inline only applications flagged for it (SAF_ROUTING_EXEC): one
        // that blocks or needs media (park, playback) must not run during the hunt.
        let flags = self.session.host().application_flags(application);
        if flags.is_none_or(|flags| !flags.contains(AppFlags::ROUTING_EXEC)) {
            let reason = match flags {
                None => format!("no application named {application}"),
                Some(_) => format!("application {application} cannot be executed inline"),
            };
            return InlineOutcome::Failed(reason);
        }
        match self.session.execute(application, data) {
            Ok(()) => InlineOutcome::Ran,
            Err(error) => InlineOutcome::Failed(error.to_string()),
        }
    }
}
