//! mod_loopback: the `loopback/<exten>[/<context>[/<dialplan>]]` endpoint, as FreeSWITCH's.
//!
//! Dialling `loopback/1000/default` creates two legs: the A leg, returned to whoever
//! originated it, and the B leg, an inbound call to `1000` in context `default` routed through
//! the dialplan. What one leg writes the other reads; when B answers (or rings, or sends early
//! media) A is marked so; when either hangs up, the other hangs up with the same cause.

mod dial;
mod media;
mod pair;

use ferroswitch_abi::prelude::*;

pub use dial::LoopbackTarget;
use pair::{LoopbackEndpoint, Pair};

fn load(host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
    registrar.add_endpoint(
        EndpointDesc {
            name: "loopback".into(),
        },
        LoopbackEndpoint { host },
    )
}

ferroswitch_abi::export_module!(
    name: "mod_loopback",
    description: "Loopback endpoint: a pair of legs, the far one routed through the dialplan",
    load: load,
);

#[doc(hidden)]
pub fn _assert_pair_is_send_sync() {
    fn check<T: Send + Sync>() {}
    check::<Pair>();
}
