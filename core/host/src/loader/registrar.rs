//! The registrar a module's `load` talks to: it stages records and refuses taken names, so
//! nothing is visible until `load` succeeds, and a failed `load` leaves no trace.

use std::sync::Arc;

use abi_stable::std_types::RResult;
use ferroswitch_abi::{
    ApiRecord, ApplicationRecord, CodecRecord, DialplanRecord, EndpointRecord, Error, ErrorKind,
    EventHandlerRecord, FfiRegistrar, FormatRecord, LoggerRecord, ModuleId, StateHandlerRecord,
    TimerRecord,
};

use crate::core::Core;
use crate::registry::StagedRecord;

use super::ModuleSlot;

/// Collects one module's registrations.
pub struct StagingRegistrar {
    core: Core,
    module: Arc<ModuleSlot>,
    replacing: Option<ModuleId>,
    records: Vec<StagedRecord>,
}

impl StagingRegistrar {
    pub fn new(core: Core, module: Arc<ModuleSlot>, replacing: Option<ModuleId>) -> Self {
        Self {
            core,
            module,
            replacing,
            records: Vec::new(),
        }
    }

    pub fn into_records(self) -> Vec<StagedRecord> {
        self.records
    }

    fn stage(&mut self, record: StagedRecord) -> RResult<(), Error> {
        let (kind, name) = record.key();
        let taken_by = if self
            .records
            .iter()
            .any(|staged| staged.key() == (kind, name))
        {
            Some(self.module.name.clone())
        } else {
            let interfaces = self.core.inner().registry.read();
            interfaces
                .owner(kind, name)
                .filter(|owner| Some(owner.id) != self.replacing)
                .map(|owner| owner.name.clone())
        };
        if let Some(owner) = taken_by {
            let message = format!(
                "{} '{name}' of {} is already registered by {owner}",
                kind.name(),
                self.module.name
            );
            return RResult::RErr(Error::new(ErrorKind::DUPLICATE, message));
        }
        self.records.push(record);
        RResult::ROk(())
    }
}

impl FfiRegistrar for StagingRegistrar {
    fn add_endpoint(&mut self, record: EndpointRecord) -> RResult<(), Error> {
        self.stage(StagedRecord::Endpoint(record))
    }
    fn add_application(&mut self, record: ApplicationRecord) -> RResult<(), Error> {
        self.stage(StagedRecord::Application(record))
    }
    fn add_api(&mut self, record: ApiRecord) -> RResult<(), Error> {
        self.stage(StagedRecord::Api(record))
    }
    fn add_codec(&mut self, record: CodecRecord) -> RResult<(), Error> {
        self.stage(StagedRecord::Codec(record))
    }
    fn add_dialplan(&mut self, record: DialplanRecord) -> RResult<(), Error> {
        self.stage(StagedRecord::Dialplan(record))
    }
    fn add_format(&mut self, record: FormatRecord) -> RResult<(), Error> {
        self.stage(StagedRecord::Format(record))
    }
    fn add_logger(&mut self, record: LoggerRecord) -> RResult<(), Error> {
        self.stage(StagedRecord::Logger(record))
    }
    fn add_timer(&mut self, record: TimerRecord) -> RResult<(), Error> {
        self.stage(StagedRecord::Timer(record))
    }
    fn add_state_handler(&mut self, record: StateHandlerRecord) -> RResult<(), Error> {
        self.stage(StagedRecord::StateHandler(record))
    }
    fn add_event_handler(&mut self, record: EventHandlerRecord) -> RResult<(), Error> {
        self.stage(StagedRecord::EventHandler(record))
    }
}
