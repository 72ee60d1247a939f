//! [`Switch`] over the core's [`Host`], and the `bgapi` jobs it starts on the core's thread
//! pool.

use std::sync::Arc;

use ferroswitch_abi::{Error, Event, HangupCause, Host, LogLevel, Session};

use crate::app_uuid::ApplicationUuids;
use crate::command::{api_output, background_job_event};
use crate::switch::{Job, Switch};

/// The module's view of the switch.
#[derive(Clone)]
pub struct HostSwitch {
    host: Host,
    application_uuids: Arc<ApplicationUuids>,
}

impl HostSwitch {
    /// Wraps the module's host handle; `application_uuids` links `event-uuid`s to the
    /// applications they name.
    pub fn new(host: Host, application_uuids: Arc<ApplicationUuids>) -> Self {
        Self {
            host,
            application_uuids,
        }
    }

    /// Runs `start` (queueing or executing `name` on `uuid`) with `event_uuid` expected on
    /// its events.
    fn with_event_uuid(
        &self,
        uuid: &str,
        name: &str,
        event_uuid: Option<&str>,
        start: impl FnOnce() -> Result<(), Error>,
    ) -> Result<(), Error> {
        if let Some(event_uuid) = event_uuid {
            self.application_uuids.expect(uuid, name, event_uuid);
        }
        let result = start();
        if result.is_err() && event_uuid.is_some() {
            self.application_uuids.forget_last(uuid);
        }
        result
    }

    fn session(&self, uuid: &str) -> Result<Session, Error> {
        self.host
            .locate(uuid)
            .ok_or_else(|| Error::not_found(format!("no channel {uuid}")))
    }

    /// Runs `job` on the core's thread pool and fires its BACKGROUND_JOB when it is done.
    pub fn start_job(&self, job: Job) {
        let host = self.host;
        let uuid = job.uuid.clone();
        let started = self.host.run_task(move || {
            let result = host.api(&job.command, job.args.as_deref().unwrap_or_default(), None);
            let output = api_output(&job.command, result);
            host.fire_event(background_job_event(&job, &output));
        });
        if let Err(error) = started {
            self.host.log(
                LogLevel::Err,
                &format!("bgapi: the core could not start job {uuid}: {error}"),
            );
        }
    }
}

impl Switch for HostSwitch {
    fn api(&self, command: &str, args: &str) -> Result<String, Error> {
        self.host.api(command, args, None)
    }

    fn exists(&self, uuid: &str) -> bool {
        !uuid.is_empty() && self.host.locate(uuid).is_some()
    }

    fn is_ready(&self, uuid: &str) -> bool {
        self.host
            .locate(uuid)
            .is_some_and(|session| session.is_ready())
    }

    fn channel_data(&self, uuid: &str) -> Option<Event> {
        self.host.locate(uuid)?.event_data()
    }

    fn variable(&self, uuid: &str, name: &str) -> Option<String> {
        self.host.locate(uuid)?.variable(name)
    }

    fn set_variable(&self, uuid: &str, name: &str, value: &str) -> Result<(), Error> {
        self.session(uuid)?.set_variable(name, Some(value))
    }

    fn queue_application(
        &self,
        uuid: &str,
        name: &str,
        arg: &str,
        event_uuid: Option<&str>,
    ) -> Result<(), Error> {
        let session = self.session(uuid)?;
        self.with_event_uuid(uuid, name, event_uuid, || {
            session.queue_application(name, arg)
        })
    }

    fn execute(
        &self,
        uuid: &str,
        name: &str,
        arg: &str,
        event_uuid: Option<&str>,
    ) -> Result<(), Error> {
        let session = self.session(uuid)?;
        self.with_event_uuid(uuid, name, event_uuid, || session.execute(name, arg))
    }

    fn hangup(&self, uuid: &str, cause: HangupCause) -> Result<(), Error> {
        self.session(uuid)?.hangup(cause)
    }

    fn fire(&self, event: Event) {
        self.host.fire_event(event);
    }

    fn new_uuid(&self) -> String {
        uuid::Uuid::new_v4().to_string()
    }

    fn log(&self, level: LogLevel, message: &str) {
        self.host.log(level, message);
    }
}
