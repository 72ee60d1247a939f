//! mod_dptools: the core applications (`answer`, `hangup`, `set`, `export`, `park`,
//! `transfer`, `respond`, `info`, ...) and the `inline` dialplan, with FreeSWITCH's names and
//! argument syntax.

mod apps;
mod args;
mod inline;
mod media;

use ferroswitch_abi::prelude::*;

pub use inline::parse_inline;

fn load(_host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
    registrar.add_dialplan(
        DialplanDesc {
            name: "inline".into(),
        },
        inline::InlineDialplan,
    )?;
    apps::register(registrar)
}

ferroswitch_abi::export_module!(
    name: "mod_dptools",
    description: "Dialplan tools: core applications and the inline dialplan",
    load: load,
);
