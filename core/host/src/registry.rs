//! The interfaces modules registered, by kind and name. Each entry remembers its module, so
//! users take a lease on that module while they use the interface.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard};

use ferroswitch_abi::{
    ApiRecord, ApplicationRecord, CodecRecord, DialplanRecord, EndpointRecord, EventHandlerRecord,
    FormatRecord, InterfaceInfo, InterfaceKind, LoggerRecord, ModuleId, StateHandlerRecord,
    TimerRecord,
};

use crate::loader::{Lease, ModuleSlot};

/// A registered interface and the module that owns it.
pub struct Registered<R> {
    pub record: R,
    pub module: Arc<ModuleSlot>,
}

impl<R> Registered<R> {
    /// Marks the owning module as in use until the lease drops.
    pub fn lease(&self) -> Lease {
        self.module.lease()
    }
}

/// A record a module's `load` registered, before it is committed.
pub enum StagedRecord {
    Endpoint(EndpointRecord),
    Application(ApplicationRecord),
    Api(ApiRecord),
    Codec(CodecRecord),
    Dialplan(DialplanRecord),
    Format(FormatRecord),
    Logger(LoggerRecord),
    Timer(TimerRecord),
    StateHandler(StateHandlerRecord),
    EventHandler(EventHandlerRecord),
}

impl StagedRecord {
    /// The kind and name it registers.
    pub fn key(&self) -> (InterfaceKind, &str) {
        match self {
            Self::Endpoint(r) => (InterfaceKind::ENDPOINT, &r.desc.name),
            Self::Application(r) => (InterfaceKind::APPLICATION, &r.desc.name),
            Self::Api(r) => (InterfaceKind::API, &r.desc.name),
            Self::Codec(r) => (InterfaceKind::CODEC, &r.desc.name),
            Self::Dialplan(r) => (InterfaceKind::DIALPLAN, &r.desc.name),
            Self::Format(r) => (InterfaceKind::FORMAT, &r.desc.name),
            Self::Logger(r) => (InterfaceKind::LOGGER, &r.desc.name),
            Self::Timer(r) => (InterfaceKind::TIMER, &r.desc.name),
            Self::StateHandler(r) => (InterfaceKind::STATE_HANDLER, &r.desc.name),
            Self::EventHandler(r) => (InterfaceKind::EVENT_HANDLER, &r.desc.name),
        }
    }

    fn info(&self, module: &ModuleSlot) -> InterfaceInfo {
        let (kind, name) = self.key();
        let (description, syntax) = match self {
            Self::Application(r) => (r.desc.description.to_string(), r.desc.syntax.to_string()),
            Self::Api(r) => (r.desc.description.to_string(), r.desc.syntax.to_string()),
            _ => (String::new(), String::new()),
        };
        InterfaceInfo {
            kind,
            name: name.into(),
            description: description.into(),
            syntax: syntax.into(),
            module: module.name.as_str().into(),
            path: module.path.display().to_string().into(),
        }
    }
}

fn wrap<R>(record: R, module: &Arc<ModuleSlot>) -> Arc<Registered<R>> {
    Arc::new(Registered {
        record,
        module: Arc::clone(module),
    })
}

type Map<R> = HashMap<String, Arc<Registered<R>>>;

/// Every registered interface.
#[derive(Default)]
pub struct Interfaces {
    pub endpoints: Map<EndpointRecord>,
    pub applications: Map<ApplicationRecord>,
    pub apis: Map<ApiRecord>,
    /// Keyed by lower-case name: codec names compare case-insensitively.
    pub codecs: Map<CodecRecord>,
    pub dialplans: Map<DialplanRecord>,
    pub formats: Map<FormatRecord>,
    /// Lower-case file extension → format name.
    pub extensions: HashMap<String, String>,
    pub timers: Map<TimerRecord>,
    pub loggers: Vec<Arc<Registered<LoggerRecord>>>,
    pub state_handlers: Vec<Arc<Registered<StateHandlerRecord>>>,
    pub event_handlers: Vec<Arc<Registered<EventHandlerRecord>>>,
    /// What each interface is, for listings, in registration order.
    pub listing: Vec<(ModuleId, InterfaceInfo)>,
}

impl Interfaces {
    /// The module that owns `name` of `kind`, if it is registered.
    pub fn owner(&self, kind: InterfaceKind, name: &str) -> Option<&Arc<ModuleSlot>> {
        fn find<'a, R>(map: &'a Map<R>, name: &str) -> Option<&'a Arc<ModuleSlot>> {
            map.get(name).map(|entry| &entry.module)
        }
        fn scan<'a, R>(
            list: &'a [Arc<Registered<R>>],
            name: &str,
            desc_name: impl Fn(&R) -> &str,
        ) -> Option<&'a Arc<ModuleSlot>> {
            list.iter()
                .find(|entry| desc_name(&entry.record) == name)
                .map(|entry| &entry.module)
        }
        match kind {
            InterfaceKind::ENDPOINT => find(&self.endpoints, name),
            InterfaceKind::APPLICATION => find(&self.applications, name),
            InterfaceKind::API => find(&self.apis, name),
            InterfaceKind::CODEC => find(&self.codecs, &name.to_ascii_lowercase()),
            InterfaceKind::DIALPLAN => find(&self.dialplans, name),
            InterfaceKind::FORMAT => find(&self.formats, name),
            InterfaceKind::TIMER => find(&self.timers, name),
            InterfaceKind::LOGGER => scan(&self.loggers, name, |r| &r.desc.name),
            InterfaceKind::STATE_HANDLER => scan(&self.state_handlers, name, |r| &r.desc.name),
            InterfaceKind::EVENT_HANDLER => scan(&self.event_handlers, name, |r| &r.desc.name),
            _ => None,
        }
    }

    fn insert(&mut self, record: StagedRecord, module: &Arc<ModuleSlot>) {
        self.listing.push((module.id, record.info(module)));
        match record {
            StagedRecord::Endpoint(r) => {
                self.endpoints
                    .insert(r.desc.name.to_string(), wrap(r, module));
            }
            StagedRecord::Application(r) => {
                self.applications
                    .insert(r.desc.name.to_string(), wrap(r, module));
            }
            StagedRecord::Api(r) => {
                self.apis.insert(r.desc.name.to_string(), wrap(r, module));
            }
            StagedRecord::Codec(r) => {
                self.codecs
                    .insert(r.desc.name.to_ascii_lowercase(), wrap(r, module));
            }
            StagedRecord::Dialplan(r) => {
                self.dialplans
                    .insert(r.desc.name.to_string(), wrap(r, module));
            }
            StagedRecord::Format(r) => {
                let name = r.desc.name.to_string();
                for extension in r.desc.extensions.iter() {
                    self.extensions
                        .insert(extension.to_ascii_lowercase(), name.clone());
                }
                self.formats.insert(name, wrap(r, module));
            }
            StagedRecord::Timer(r) => {
                self.timers.insert(r.desc.name.to_string(), wrap(r, module));
            }
            StagedRecord::Logger(r) => self.loggers.push(wrap(r, module)),
            StagedRecord::StateHandler(r) => self.state_handlers.push(wrap(r, module)),
            StagedRecord::EventHandler(r) => self.event_handlers.push(wrap(r, module)),
        }
    }

    fn remove_module(&mut self, module: ModuleId) {
        let owned_by_other = |entry_module: &Arc<ModuleSlot>| entry_module.id != module;
        self.endpoints
            .retain(|_, entry| owned_by_other(&entry.module));
        self.applications
            .retain(|_, entry| owned_by_other(&entry.module));
        self.apis.retain(|_, entry| owned_by_other(&entry.module));
        self.codecs.retain(|_, entry| owned_by_other(&entry.module));
        self.dialplans
            .retain(|_, entry| owned_by_other(&entry.module));
        self.formats
            .retain(|_, entry| owned_by_other(&entry.module));
        let formats = &self.formats;
        self.extensions.retain(|_, name| formats.contains_key(name));
        self.timers.retain(|_, entry| owned_by_other(&entry.module));
        self.loggers.retain(|entry| owned_by_other(&entry.module));
        self.state_handlers
            .retain(|entry| owned_by_other(&entry.module));
        self.event_handlers
            .retain(|entry| owned_by_other(&entry.module));
        self.listing.retain(|(owner, _)| *owner != module);
    }
}

/// The registry, shared by every thread.
#[derive(Default)]
pub struct Registry {
    inner: RwLock<Interfaces>,
}

impl Registry {
    /// Reads the registry.
    pub fn read(&self) -> RwLockReadGuard<'_, Interfaces> {
        self.inner
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Commits a module's staged records, replacing every interface of `replacing` (a reload)
    /// in the same step, so no caller ever sees neither build. `check` runs under the write
    /// lock and may refuse (e.g. while the module being replaced or unloaded is in use).
    pub fn commit(
        &self,
        module: &Arc<ModuleSlot>,
        records: Vec<StagedRecord>,
        replacing: Option<ModuleId>,
    ) -> Vec<InterfaceInfo> {
        let mut interfaces = self
            .inner
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(old) = replacing {
            interfaces.remove_module(old);
        }
        let infos = records.iter().map(|record| record.info(module)).collect();
        for record in records {
            interfaces.insert(record, module);
        }
        infos
    }

    /// Removes every interface of `module`, unless `refuse` (run under the write lock, so no
    /// new lease can be taken meanwhile) says no.
    pub fn remove_module<E>(
        &self,
        module: ModuleId,
        refuse: impl FnOnce() -> Result<(), E>,
    ) -> Result<Vec<InterfaceInfo>, E> {
        let mut interfaces = self
            .inner
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        refuse()?;
        let removed = interfaces
            .listing
            .iter()
            .filter(|(owner, _)| *owner == module)
            .map(|(_, info)| info.clone())
            .collect();
        interfaces.remove_module(module);
        Ok(removed)
    }

    /// Listing rows of one kind, or all.
    pub fn list(&self, kind: Option<InterfaceKind>) -> Vec<InterfaceInfo> {
        self.read()
            .listing
            .iter()
            .filter(|(_, info)| kind.is_none_or(|kind| info.kind == kind))
            .map(|(_, info)| info.clone())
            .collect()
    }
}
