//! Who the bus delivers to: the registered event handlers whose module has someone to pass
//! events to. A module says it has nobody (an event socket with no client) through
//! `event_handlers_active`; its handlers then count for nothing in [`Subscribers::wants`], so
//! events only they would take are never built.

use std::collections::HashSet;
use std::sync::Arc;

use ferroswitch_abi::{EventHandlerRecord, ModuleId};

use crate::registry::Registered;

/// One registered handler and the event names it asked for.
pub struct Subscriber {
    pub handler: Arc<Registered<EventHandlerRecord>>,
    all: bool,
    names: HashSet<String>,
}

impl Subscriber {
    pub fn new(handler: Arc<Registered<EventHandlerRecord>>) -> Self {
        let names: HashSet<String> = handler
            .record
            .desc
            .events
            .iter()
            .map(|name| name.to_string())
            .collect();
        Self {
            all: names.contains("ALL"),
            names,
            handler,
        }
    }

    /// Whether it asked for events named `name`.
    pub fn takes(&self, name: &str) -> bool {
        self.all || self.names.contains(name)
    }

    fn module(&self) -> ModuleId {
        self.handler.module.id
    }
}

/// A snapshot of the handlers, split by whether their module is active.
#[derive(Default)]
pub struct Subscribers {
    /// Every registered handler, active or not (kept to rebuild from when one changes).
    registered: Vec<Arc<Subscriber>>,
    /// The handlers events go to.
    pub active: Vec<Arc<Subscriber>>,
    any_all: bool,
    names: HashSet<String>,
}

impl Subscribers {
    /// The handlers in `registered`, less those of `inactive` modules.
    pub fn new(registered: Vec<Arc<Subscriber>>, inactive: &HashSet<ModuleId>) -> Self {
        let active: Vec<Arc<Subscriber>> = registered
            .iter()
            .filter(|subscriber| !inactive.contains(&subscriber.module()))
            .cloned()
            .collect();
        let any_all = active.iter().any(|subscriber| subscriber.all);
        let names = active
            .iter()
            .flat_map(|subscriber| subscriber.names.iter().cloned())
            .collect();
        Self {
            registered,
            active,
            any_all,
            names,
        }
    }

    /// The same handlers, with `inactive` modules' left out.
    pub fn with_inactive(&self, inactive: &HashSet<ModuleId>) -> Self {
        Self::new(self.registered.clone(), inactive)
    }

    /// Whether an active handler wants events named `name`.
    pub fn wants(&self, name: &str) -> bool {
        self.any_all || self.names.contains(name)
    }
}
