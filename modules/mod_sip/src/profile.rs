//! A profile: one listening address, its settings, its registrations, and the queue of
//! commands its driver task executes. Shared (behind `Arc`) by the driver, the endpoint,
//! every call leg's I/O and the APIs.

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard};

use ferroswitch_abi::{Host, InterfaceKind};
use tokio::sync::mpsc::UnboundedSender;

use crate::call::Command;
use crate::config::ProfileConfig;
use crate::gateway::Gateway;
use crate::media::MediaStream;
use crate::registrar::Registrations;
use crate::rtp::{PortAllocator, RtpConfig, RtpStream};
use crate::rtp_media::RtpMedia;

/// One profile, shared.
pub struct Profile {
    /// The settings.
    pub config: ProfileConfig,
    /// The core.
    pub host: Host,
    /// Where the UDP socket is bound, if UDP is on.
    pub udp_addr: Option<SocketAddr>,
    /// Where the TCP listener is bound, if TCP is on.
    pub tcp_addr: Option<SocketAddr>,
    /// The registrar's bindings (the driver writes, the APIs read).
    pub registrations: Mutex<Registrations>,
    /// Commands for the driver. Unbounded on purpose: they come from session threads and
    /// from host callbacks that may run on the driver itself, where waiting for room would
    /// deadlock; each live call queues only a handful, so calls bound the queue.
    pub commands: UnboundedSender<Command>,
    /// Calls set up since start, for `sofia status`.
    pub calls_in: AtomicU64,
    /// See [`Self::calls_in`].
    pub calls_out: AtomicU64,
    /// The RTP ports of this profile's `rtp-start-port`..`rtp-end-port`, handed to legs.
    pub rtp_ports: Arc<PortAllocator>,
    /// The profile's gateways (its driver keeps their registrations).
    pub gateways: Vec<Arc<Gateway>>,
}

impl Profile {
    /// The profile's SIP port as others reach it.
    pub fn sip_port(&self) -> u16 {
        self.udp_addr
            .or(self.tcp_addr)
            .map_or(self.config.sip_port, |addr| addr.port())
    }

    /// `sip:mod_sofia@ip:port`, as `sofia status` shows a profile.
    pub fn url(&self) -> String {
        format!(
            "sip:mod_sofia@{}",
            SocketAddr::new(self.config.advertised_sip_ip(), self.sip_port())
        )
    }

    /// The Contact gateway `name` registers: `<sip:gw+name@ip:port;transport=udp;gw=name>`,
    /// mod_sofia's form, so that calls the provider sends to it can be told apart.
    pub fn gateway_contact(
        config: &ProfileConfig,
        sip_port: u16,
        name: &str,
        params: &str,
    ) -> String {
        let address = SocketAddr::new(config.advertised_sip_ip(), sip_port);
        let extra = if params.is_empty() {
            String::new()
        } else {
            format!(";{params}")
        };
        format!("<sip:gw+{name}@{address};transport=udp;gw={name}{extra}>")
    }

    /// The registrations, locked.
    pub fn registrations(&self) -> MutexGuard<'_, Registrations> {
        self.registrations
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Queues `command` for the driver; a stopped driver drops it (its calls are gone).
    pub fn send(&self, command: Command) {
        let _ = self.commands.send(command);
    }

    /// Names of the codecs the core has loaded.
    pub fn loaded_codecs(&self) -> Vec<String> {
        self.host
            .interfaces(Some(InterfaceKind::CODEC))
            .into_iter()
            .map(|info| info.name.to_string())
            .collect()
    }

    /// A new call leg's media: an RTP stream on this profile's RTP address, from its port
    /// range.
    pub fn open_media(&self) -> std::io::Result<Arc<dyn MediaStream>> {
        let config = RtpConfig {
            bind_ip: self.config.rtp_ip,
            port_min: self.config.rtp_port_min,
            port_max: self.config.rtp_port_max,
            media_timeout: self.config.media_timeout,
        };
        let stream = RtpStream::bind(&config, &self.rtp_ports)?;
        Ok(Arc::new(RtpMedia::new(stream)))
    }
}
