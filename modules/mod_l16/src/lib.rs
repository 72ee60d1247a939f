//! mod_l16: the `L16` codec, linear 16-bit audio in network byte order (RFC 3551), at 8000,
//! 16000 and 48000 Hz mono and 48000 Hz stereo, in packets of 10 to 60 ms. See [`codec`].

pub mod codec;

use ferroswitch_abi::{Error, Host, Registrar};

fn load(_host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
    registrar.add_codec(codec::desc(), codec::L16)
}

fn shutdown(_host: Host) -> Result<(), Error> {
    // Encoders and decoders hold nothing but their channel count.
    Ok(())
}

ferroswitch_abi::export_module!(
    name: "mod_l16",
    description: "L16: linear 16-bit audio in network byte order",
    load: load,
    shutdown: shutdown,
);
