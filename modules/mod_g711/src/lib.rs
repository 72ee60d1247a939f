//! mod_g711: the ITU-T G.711 codecs `PCMU` (µ-law, static payload type 0) and `PCMA` (A-law,
//! payload type 8), 8000 Hz mono at 64 kbit/s, in packets of 10, 20, 30, 40 or 60 ms.
//!
//! Each law is a pair of lookup tables built at compile time ([`ulaw`], [`alaw`]); the
//! per-call encoder and decoder ([`codec`]) only walk them, so a 20 ms frame (160 samples)
//! costs under 100 ns each way (`benches/g711.rs`).

pub mod alaw;
pub mod codec;
pub mod ulaw;

use ferroswitch_abi::{Error, Host, Registrar};

use crate::codec::{Law, G711};

fn load(_host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
    for law in [Law::MuLaw, Law::ALaw] {
        registrar.add_codec(law.desc(), G711(law))?;
    }
    Ok(())
}

fn shutdown(_host: Host) -> Result<(), Error> {
    // Encoders and decoders hold no resources beyond their own memory.
    Ok(())
}

ferroswitch_abi::export_module!(
    name: "mod_g711",
    description: "G.711 codecs: PCMU (µ-law) and PCMA (A-law)",
    load: load,
    shutdown: shutdown,
);
