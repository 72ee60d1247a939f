//! mod_opus: the `opus` codec (RFC 6716) through libopus, at 48 kHz in packets of 10, 20, 40
//! or 60 ms, mono by default and stereo on request.
//!
//! `opus.conf` ([`config`]) sets the encoder and the fmtp offered in SDP; each call's encoder
//! narrows that by the fmtp the far end negotiated ([`tuning`]). Decoders conceal lost
//! packets with libopus' packet-loss concealment. In-band FEC is sent when both sides want
//! it; using received FEC needs the next packet at concealment time, which the codec
//! interface does not offer yet.

pub mod codec;
pub mod config;
pub mod decoder;
pub mod encoder;
pub mod fmtp;
pub mod shape;
pub mod tuning;

use ferroswitch_abi::{Error, Host, LogLevel, Registrar};

use crate::codec::Opus;
use crate::config::OpusConfig;

fn load(host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
    let config = match host.configuration("opus.conf") {
        Some(conf) => {
            let (config, warnings) = OpusConfig::from_xml(&conf)
                .map_err(|error| Error::invalid_argument(error.to_string()))?;
            for warning in warnings {
                host.log(LogLevel::Warning, &warning);
            }
            config
        }
        None => OpusConfig::default(),
    };
    registrar.add_codec(codec::desc(&config), Opus::new(config))
}

fn shutdown(_host: Host) -> Result<(), Error> {
    // Each encoder and decoder owns its libopus state and frees it when its call drops it.
    Ok(())
}

ferroswitch_abi::export_module!(
    name: "mod_opus",
    description: "Opus codec (libopus)",
    load: load,
    shutdown: shutdown,
);
