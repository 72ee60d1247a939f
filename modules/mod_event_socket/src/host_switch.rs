//! [`Switch`] over the core's [`Host`], and the `bgapi` jobs it starts on the core's thread
//! pool.

use ferroswitch_abi::{Error, Event, HangupCause, Host, LogLevel, Session};

use crate::command::{api_output, background_job_event};
use crate::switch::{Job, Switch};

/// The module's view of the switch.
#[derive(Clone)]
pub struct HostSwitch {
    host: Host,
}

impl HostSwitch {
    /// Wraps the module's host handle.
    pub fn new(host: Host) -> Self {
        Self { host }
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
        // The client's `event-uuid` becomes the application's UUID in its CHANNEL_EXECUTE
        // events, which clients such as modesl wait for.
        self.session(uuid)?
            .queue_application_with_uuid(name, arg, event_uuid.unwrap_or_default())
    }

    fn execute(
        &self,
        uuid: &str,
        name: &str,
        arg: &str,
        event_uuid: Option<&str>,
    ) -> Result<(), Error> {
        self.session(uuid)?
            .execute_with_uuid(name, arg, event_uuid.unwrap_or_default())
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
