//! mod_dialplan_xml: FreeSWITCH's XML dialplan (`XML`), and `route_test`, which shows how a
//! call would be routed without placing it.
//!
//! # The dialplan
//!
//! The `<section name="dialplan">` of the configuration holds `<context name="...">`
//! elements, each a list of `<extension>`s made of `<condition>`s, `<action>`s and
//! `<anti-action>`s, read exactly as FreeSWITCH reads them: the context named by the caller
//! profile (else the one named `global`), extensions in order, the first match ending the
//! hunt unless `continue="true"`, conditions on caller-profile fields or `${variables}`,
//! `$1`..`$9` captures, `break`, nested conditions and `require-nested`, `regex="all|any|xor"`,
//! `inline="true"`, `loop="N"` and the time attributes. The [`hunt`] module lists the order
//! and its quirks, [`time`] the time attributes, [`pattern`] the expression forms.
//!
//! The section is compiled (regular expressions included) once per configuration, at the
//! first hunt after a start or a `reloadxml`. Where FreeSWITCH would quietly read something it
//! does not understand as a default, compiling fails and names the file, line, element and
//! reason; every call into that context then fails with that error (the core logs it and
//! hangs up with `NO_ROUTE_DESTINATION`), and the errors are logged once when compiled.
//! Regular expressions are Rust's, not PCRE: backreferences and look-around are errors.
//!
//! # `route_test`
//!
//! ```text
//! route_test <context> <destination> [<caller_id_number>] [<name>=<value> ...]
//! ```
//!
//! Hunts for a call that is not placed and prints each step. `<name>=<value>` sets a
//! caller-profile field when `name` is one (`caller_id_name`, `network_addr`, `ani`, ...),
//! else a channel variable. The caller ID defaults to `ferroswitch <0000000000>`, as for
//! `originate`. Inline `set`, `unset` and `export` are simulated (later conditions see them);
//! other inline applications are not run. The output, one item per line, two spaces of
//! indent per level:
//!
//! ```text
//! route_test: context default, destination 1234, caller ferroswitch <1000>, time 2026-11-23 15:56:32 +0000
//! context default /etc/ferroswitch/dialplan/default.xml:2
//! extension one /etc/ferroswitch/dialplan/default.xml:3
//!   condition /etc/ferroswitch/dialplan/default.xml:4: destination_number "1234" =~ /^(\d+)$/ (true) => true
//!     action set dest=1234
//!     action log INFO ${caller_id_number} [inline: not simulated]
//!   condition /etc/ferroswitch/dialplan/default.xml:7: time wday="2-6" hour="9-17" (false) => false
//!     anti-action voicemail default
//!   break on-false
//!   => matched, the hunt stops
//! result: extension one, number 1234, 2 application(s)
//!   1. set dest=1234
//!   2. voicemail default
//! ```
//!
//! | line | meaning |
//! |---|---|
//! | `context <name> <file>:<line>` | the context hunted; `(no context <requested>)` follows when it is the `global` fallback |
//! | `no context <name> and no context global` | nothing to hunt |
//! | `auto_hunt: starting at extension <name>` | `auto_hunt` skipped the extensions before it |
//! | `extension <name> <file>:<line>` | an extension is tried |
//! | `condition <file>:<line>: <tests> => <true\|false>` | `true`: its actions apply; `false`: its anti-actions. `<tests>` is `time <attributes> (<bool>)`, `<field> "<value>" =~ /<expression>/ (<bool>)`, `regex="<mode>" <n> passed, <m> failed`, several joined by `; `, or `always` |
//! | `regex <file>:<line>: <tests> => <bool>` | one `<regex>` of a `regex="..."` condition |
//! | `action <app> <data>`, `anti-action <app> <data>` | queued, `$N` substituted, `${variables}` left for the core; `[inline: ran\|failed: <why>\|not simulated]` when inline |
//! | `break <mode>` | the condition's `break` skipped the extension's later conditions |
//! | `nested conditions => <bool>` | the result of a condition's nested conditions |
//! | `=> matched, the hunt stops` / `=> matched, continue="true": the hunt goes on` / `=> no match` | the extension's outcome |
//! | `result: extension <name>, number <n>, <k> application(s)` then `<i>. <app> <data>` | what the call would run, in order |
//! | `result: no route (NO_ROUTE_DESTINATION)` | nothing to run |
//!
//! A context that does not compile makes the command fail with the same error a call gets.
//! Values are printed on one line (`\n` for a newline).

pub mod dialplan;
pub mod driver;
pub mod hunt;
pub mod pattern;
pub mod route_test;
pub mod time;
pub mod zones;

use std::sync::Arc;

use ferroswitch_abi::prelude::*;

fn load(_host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
    let state = Arc::new(driver::State::new());
    registrar.add_dialplan(
        DialplanDesc { name: "XML".into() },
        driver::XmlDialplan {
            state: Arc::clone(&state),
        },
    )?;
    registrar.add_api(
        ApiDesc::new(
            "route_test",
            "Show how the XML dialplan routes a call, without placing it",
            route_test::SYNTAX,
        ),
        route_test::RouteTest { state },
    )
}

ferroswitch_abi::export_module!(
    name: "mod_dialplan_xml",
    description: "The XML dialplan and route_test",
    load: load,
);
