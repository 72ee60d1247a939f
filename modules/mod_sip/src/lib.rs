//! mod_sip: the SIP endpoint, `sofia` to dial strings and APIs so that FreeSWITCH users
//! feel at home.
//!
//! - **Profiles** ([`config`]): `sip.conf` lists them (FreeSWITCH's `sofia.conf` shape,
//!   usually including `sip_profiles/*.xml`); each listens on UDP and TCP at
//!   `sip-ip:sip-port`.
//! - **Driver** ([`driver`]): one tokio task per profile, on a runtime this module owns (tokio
//!   never crosses the module boundary), feeds ferroswitch-sip's sans-IO transaction layer
//!   and executes its transmits, timers and events.
//! - **Registrar** ([`registrar`]): REGISTER with digest (MD5 and SHA-256, qop=auth, nonce
//!   expiry, replay protection) against the directory's passwords; several contacts per
//!   user; NAT-aware dial strings. `sofia_contact` turns a user into those dial strings,
//!   which is how `user/1000` reaches a phone.
//! - **Calls** ([`call`]): an INVITE becomes a session routed by the dialplan; the
//!   session's ring/progress/answer/respond/redirect become responses; `sofia/<profile>/<uri>`
//!   legs send INVITEs. SDP is ferroswitch-media's offer/answer; the RTP stream plugs into
//!   the [`media::MediaStream`] seam.
//! - **Gateways** ([`gateway`]): a profile's `<gateways>` (mod_sofia's parameters),
//!   registered when `register=true` (digest, refresh before expiry, FAIL_WAIT with
//!   back-off, unregister on shutdown, `sofia::gateway_state` events), dialled as
//!   `sofia/gateway/<name>/<number>`, listed by `sofia status gateway [<name>]`. Outbound
//!   legs follow 3xx redirects (see `driver::redirect`).

pub mod acl;
pub mod api;
pub mod call;
pub mod codecs;
pub mod config;
pub mod dial;
pub mod directory;
pub mod driver;
pub mod endpoint;
pub mod gateway;
pub mod media;
pub mod nat;
pub mod profile;
pub mod registrar;
pub mod rtp;
pub mod rtp_media;
pub mod transport;

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferroswitch_abi::{ApiDesc, EndpointDesc, Error, Host, LogLevel, Registrar};
use tokio::sync::{mpsc, watch};

use crate::api::{SofiaApi, SofiaContactApi};
use crate::call::Command;
use crate::config::{profiles_from_xml, ProfileConfig};
use crate::driver::{Driver, Sockets};
use crate::endpoint::{Profiles, SofiaEndpoint};
use crate::gateway::Gateway;
use crate::profile::Profile;
use crate::registrar::Registrations;

/// What `load` prepared for `runtime` to run, and how `shutdown` stops it. Each load maps
/// its own copy of the library, so each load has its own.
struct Module {
    pending: Vec<(Arc<Profile>, Sockets, mpsc::UnboundedReceiver<Command>)>,
    stop: watch::Sender<bool>,
    drivers: Arc<DriversDone>,
}

/// Whether the drivers have finished, so that `shutdown` can wait for them: the host exits
/// right after `shutdown` returns, and the drivers' last act is to unregister gateways.
#[derive(Default)]
struct DriversDone {
    /// `None` before `runtime` starts them, then whether they finished.
    finished: Mutex<Option<bool>>,
    changed: std::sync::Condvar,
}

impl DriversDone {
    fn set(&self, finished: bool) {
        *self
            .finished
            .lock()
            .unwrap_or_else(|poison| poison.into_inner()) = Some(finished);
        self.changed.notify_all();
    }

    /// Waits until running drivers finish, at most `limit`; returns at once if none run.
    fn wait(&self, limit: Duration) {
        let guard = self
            .finished
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let _ = self
            .changed
            .wait_timeout_while(guard, limit, |finished| *finished == Some(false));
    }
}

static MODULE: Mutex<Option<Module>> = Mutex::new(None);

fn module_slot() -> std::sync::MutexGuard<'static, Option<Module>> {
    MODULE.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// Opens a profile's sockets, naming the profile and address when one cannot be bound.
fn bind(config: &ProfileConfig) -> Result<Sockets, Error> {
    let address = std::net::SocketAddr::new(config.sip_ip, config.sip_port);
    let fail = |transport: &str, error: std::io::Error| {
        Error::failed(format!(
            "sofia profile {}: cannot listen on {transport} {address}: {error}",
            config.name
        ))
    };
    let udp = if config.udp {
        let socket = std::net::UdpSocket::bind(address).map_err(|e| fail("udp", e))?;
        socket.set_nonblocking(true).map_err(|e| fail("udp", e))?;
        enlarge_receive_buffer(&socket);
        Some(socket)
    } else {
        None
    };
    let tcp = if config.tcp {
        let listener = std::net::TcpListener::bind(address).map_err(|e| fail("tcp", e))?;
        listener.set_nonblocking(true).map_err(|e| fail("tcp", e))?;
        Some(listener)
    } else {
        None
    };
    Ok(Sockets { udp, tcp })
}

/// The receive buffer asked for a profile's UDP socket. The kernel's default (about 200 KB,
/// some 200 INVITEs) overflows when a burst of calls arrives while the driver is busy, and
/// every datagram lost costs a retransmission half a second later; the kernel caps the size
/// at `net.core.rmem_max`.
const UDP_RECEIVE_BUFFER: usize = 4 << 20;

/// Asks for [`UDP_RECEIVE_BUFFER`]; a refusal leaves the kernel's default, which works.
fn enlarge_receive_buffer(socket: &std::net::UdpSocket) {
    let _ = nix::sys::socket::setsockopt(
        socket,
        nix::sys::socket::sockopt::RcvBuf,
        &UDP_RECEIVE_BUFFER,
    );
}

fn load(host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
    let configs = match host.configuration("sip.conf") {
        Some(conf) => {
            let (profiles, warnings) = profiles_from_xml(&conf)
                .map_err(|error| Error::invalid_argument(error.to_string()))?;
            for warning in warnings {
                host.log(LogLevel::Warning, &warning);
            }
            profiles
        }
        None => {
            host.log(
                LogLevel::Warning,
                "sip.conf is missing: no SIP profile, nothing listens",
            );
            Vec::new()
        }
    };
    let (stop, _) = watch::channel(false);
    let mut pending = Vec::new();
    let mut profiles = Vec::new();
    for config in configs {
        let sockets = bind(&config)?;
        let udp_addr = sockets.udp.as_ref().and_then(|s| s.local_addr().ok());
        let tcp_addr = sockets.tcp.as_ref().and_then(|s| s.local_addr().ok());
        let (commands, receiver) = mpsc::unbounded_channel();
        host.log(
            LogLevel::Info,
            &format!(
                "sofia profile {} listening on {}:{} ({})",
                config.name,
                config.sip_ip,
                config.sip_port,
                [("udp", config.udp), ("tcp", config.tcp)]
                    .iter()
                    .filter(|(_, on)| *on)
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        let rtp_ports = Arc::new(rtp::PortAllocator::new(
            config.rtp_port_min,
            config.rtp_port_max,
        ));
        let sip_port = udp_addr.or(tcp_addr).map_or(config.sip_port, |a| a.port());
        let now = std::time::Instant::now();
        let gateways = config
            .gateways
            .iter()
            .map(|gateway| {
                let contact = if gateway.register {
                    Profile::gateway_contact(
                        &config,
                        sip_port,
                        &gateway.name,
                        &gateway.contact_params,
                    )
                } else {
                    String::new()
                };
                Arc::new(Gateway::new(gateway.clone(), &config.name, contact, now))
            })
            .collect();
        let profile = Arc::new(Profile {
            config,
            host,
            udp_addr,
            tcp_addr,
            registrations: Mutex::new(Registrations::default()),
            commands,
            calls_in: AtomicU64::new(0),
            calls_out: AtomicU64::new(0),
            rtp_ports,
            gateways,
        });
        pending.push((Arc::clone(&profile), sockets, receiver));
        profiles.push(profile);
    }
    let profiles = Profiles(profiles);
    registrar.add_endpoint(
        EndpointDesc {
            name: "sofia".into(),
        },
        SofiaEndpoint {
            profiles: profiles.clone(),
        },
    )?;
    registrar.add_api(
        ApiDesc::new(
            "sofia",
            "Sofia SIP profiles",
            "status [profile <name> [reg] | gateway [<name>]]",
        ),
        SofiaApi {
            profiles: profiles.clone(),
        },
    )?;
    registrar.add_api(
        ApiDesc::new(
            "sofia_contact",
            "Dial strings of a user's registered contacts",
            "[profile/|*/]user@domain",
        ),
        SofiaContactApi { profiles },
    )?;
    *module_slot() = Some(Module {
        pending,
        stop,
        drivers: Arc::new(DriversDone::default()),
    });
    Ok(())
}

fn runtime(_host: Host) -> Result<(), Error> {
    let (pending, mut stopped, drivers_done) = {
        let mut slot = module_slot();
        let Some(module) = slot.as_mut() else {
            return Ok(());
        };
        module.drivers.set(false);
        (
            std::mem::take(&mut module.pending),
            module.stop.subscribe(),
            Arc::clone(&module.drivers),
        )
    };
    // One thread for every profile's driver: each driver is a single task anyway, and on a
    // multi-thread runtime the workers handed it back and forth, paying a wake-up and a
    // context switch for most messages. The name is for the blocking pool (gateway lookups).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .thread_name("mod_sip")
        .enable_all()
        .build()
        .map_err(|error| {
            drivers_done.set(true);
            Error::failed(format!("mod_sip cannot start its runtime: {error}"))
        })?;
    runtime.block_on(async {
        let mut drivers = Vec::new();
        for (profile, sockets, commands) in pending {
            let stop = stopped.clone();
            drivers.push(tokio::spawn(Driver::run(profile, sockets, commands, stop)));
        }
        // Wait for shutdown (or for the module state to be dropped).
        while !*stopped.borrow_and_update() {
            if stopped.changed().await.is_err() {
                break;
            }
        }
        // Let the drivers unregister their gateways; each bounds its own wait.
        let all = async {
            for driver in drivers {
                let _ = driver.await;
            }
        };
        let _ = tokio::time::timeout(driver::SHUTDOWN_GRACE * 2, all).await;
    });
    drivers_done.set(true);
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(())
}

fn shutdown(_host: Host) -> Result<(), Error> {
    let drivers = module_slot().as_ref().map(|module| {
        module.stop.send_replace(true);
        Arc::clone(&module.drivers)
    });
    // Bounded: the drivers bound their own wait for unregister answers.
    if let Some(drivers) = drivers {
        drivers.wait(driver::SHUTDOWN_GRACE * 2 + Duration::from_secs(1));
    }
    Ok(())
}

ferroswitch_abi::export_module!(
    name: "mod_sip",
    description: "SIP endpoint (sofia): profiles, registrar, calls in and out",
    load: load,
    shutdown: shutdown,
    runtime: runtime,
);
