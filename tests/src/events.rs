//! Reading what the probe fixture recorded.

use std::path::Path;

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedEvent {
    pub name: String,
    pub uuid: String,
    pub state: String,
    pub cause: String,
    pub application: String,
}

/// One line of the probe's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// An event the probe's event handler received.
    Event(RecordedEvent),
    /// A log line the probe's logger saw (those containing `[probe]`).
    Log(String),
    /// A call of one of the probe's state handlers.
    Handler {
        which: String,
        uuid: String,
        state: String,
    },
}

impl Recorded {
    /// Reads every record in `path` (none if the file does not exist yet).
    pub fn read_all(path: &Path) -> Vec<Recorded> {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        text.lines()
            .filter_map(|line| {
                let fields: Vec<&str> = line.split('|').collect();
                match fields.as_slice() {
                    ["EVENT", name, uuid, state, cause, application] => {
                        Some(Recorded::Event(RecordedEvent {
                            name: (*name).to_owned(),
                            uuid: (*uuid).to_owned(),
                            state: (*state).to_owned(),
                            cause: (*cause).to_owned(),
                            application: (*application).to_owned(),
                        }))
                    }
                    ["HANDLER", which, uuid, state] => Some(Recorded::Handler {
                        which: (*which).to_owned(),
                        uuid: (*uuid).to_owned(),
                        state: (*state).to_owned(),
                    }),
                    ["LOG", message] => Some(Recorded::Log((*message).to_owned())),
                    _ => None,
                }
            })
            .collect()
    }

    /// The `(which, state)` handler calls for channel `uuid`, in order.
    pub fn handlers_of(records: &[Recorded], uuid: &str) -> Vec<(String, String)> {
        records
            .iter()
            .filter_map(|record| match record {
                Recorded::Handler {
                    which,
                    uuid: of,
                    state,
                } if of == uuid => Some((which.clone(), state.clone())),
                _ => None,
            })
            .collect()
    }

    /// The events about channel `uuid`, in order.
    pub fn events_of(records: &[Recorded], uuid: &str) -> Vec<RecordedEvent> {
        records
            .iter()
            .filter_map(|record| match record {
                Recorded::Event(event) if event.uuid == uuid => Some(event.clone()),
                _ => None,
            })
            .collect()
    }
}
