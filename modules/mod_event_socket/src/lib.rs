//! mod_event_socket: FreeSWITCH's event socket, so that programs written for FreeSWITCH's ESL
//! control ferroswitch unchanged.
//!
//! - **Inbound**: clients connect to `listen-ip:listen-port` (127.0.0.1:8021 by default, see
//!   [`config`]), are checked against the ACLs, get `Content-Type: auth/request`, and after
//!   `auth <password>` may run API commands (`api`, `bgapi` with its BACKGROUND_JOB),
//!   subscribe to events (`event plain|json|xml ...`, `filter`, `myevents`), read log lines
//!   (`log <level>`) and steer calls (`sendmsg`). Replies, events and notices are written
//!   byte for byte as FreeSWITCH writes them.
//! - **Outbound**: the `socket` application ([`outbound`]) connects a call to an outside
//!   server, which drives it with the same protocol.
//!
//! The protocol is sans-IO and unit-tested without sockets: [`framer`] frames commands,
//! [`command`] interprets them against the [`switch::Switch`] trait, [`format`](mod@format) and
//! [`messages`] write what goes back. The driver is plain threads: a listener thread (the
//! module runtime, [`server`]), and per connection a reader and a writer thread
//! ([`connection`]) fed by a bounded queue. Events arrive through one handler registered
//! for `ALL` and log lines through one logger ([`hub`]); both only `try_send` into the
//! queues, so a client that does not read is dropped and never slows a call down.

pub mod acl;
pub mod buffers;
pub mod command;
pub mod config;
pub mod connection;
pub mod event_names;
pub mod filter;
pub mod format;
pub mod framer;
pub mod host_switch;
pub mod hub;
pub mod messages;
pub mod outbound;
pub mod sendmsg;
pub mod server;
pub mod subscription;
pub mod switch;
pub mod urlencode;

use std::sync::{Arc, Mutex};

use ferroswitch_abi::{
    AppFlags, ApplicationDesc, Error, EventHandlerDesc, Host, LogLevel, LoggerDesc, Registrar,
};

use crate::config::EventSocketConfig;
use crate::connection::Context;
use crate::hub::{Hub, HubEvents, HubLogs};
use crate::outbound::SocketApp;
use crate::server::Server;

/// The running server, for `runtime` and `shutdown` (each load maps its own copy of the
/// library, so each load has its own).
static SERVER: Mutex<Option<Arc<Server>>> = Mutex::new(None);

fn server_slot() -> std::sync::MutexGuard<'static, Option<Arc<Server>>> {
    SERVER.lock().unwrap_or_else(|poison| poison.into_inner())
}

fn load(host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
    let config = match host.configuration("event_socket.conf") {
        Some(conf) => {
            let (config, warnings) = EventSocketConfig::from_xml(&conf)
                .map_err(|error| Error::invalid_argument(error.to_string()))?;
            for warning in warnings {
                host.log(LogLevel::Warning, &warning);
            }
            config
        }
        None => EventSocketConfig::default(),
    };
    let hub = Arc::new(Hub::reporting_to(host));
    let context = Arc::new(Context::new(host, config, Arc::clone(&hub)));
    registrar.add_event_handler(
        EventHandlerDesc {
            name: "mod_event_socket".into(),
            events: vec!["ALL".into()].into(),
        },
        HubEvents(Arc::clone(&hub)),
    )?;
    registrar.add_logger(
        LoggerDesc {
            name: "event_socket".into(),
        },
        HubLogs(hub),
    )?;
    registrar.add_application(
        ApplicationDesc::new("socket", "Connect to a socket", "<ip>[:<port>]")
            .with_flags(AppFlags::SUPPORT_NOMEDIA),
        SocketApp::new(Arc::clone(&context)),
    )?;
    *server_slot() = Some(Arc::new(Server::new(context)));
    Ok(())
}

fn runtime(_host: Host) -> Result<(), Error> {
    let server = server_slot().clone();
    match server {
        Some(server) => server.run(),
        None => Ok(()),
    }
}

fn shutdown(_host: Host) -> Result<(), Error> {
    let server = server_slot().take();
    if let Some(server) = server {
        server.stop();
    }
    Ok(())
}

ferroswitch_abi::export_module!(
    name: "mod_event_socket",
    description: "Event socket: ESL inbound control and the outbound socket application",
    load: load,
    shutdown: shutdown,
    runtime: runtime,
);
