//! mod_console: the console logger, as FreeSWITCH's mod_console.
//!
//! Registers the logger `console`, which writes every record it passes to standard output
//! as one line, `2026-11-23 15:09:24.123456 [INFO] mod_x: message` (prefixed by the
//! session's UUID when the record has one), coloured by level when standard output is a
//! terminal; and the API command `console loglevel [level]` / `console colorize
//! [on|off|toggle]` that changes those settings while the switch runs.
//!
//! Configuration: `console.conf` (see [`config`]); without one, the defaults apply.

pub mod api;
pub mod config;
pub use ferroswitch_log_format::levels;
pub use ferroswitch_log_format::line;
pub mod logger;

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use ferroswitch_abi::{ApiDesc, Error, Host, LogLevel, LoggerDesc, Registrar};

use crate::api::ConsoleCommand;
use crate::config::ConsoleConfig;
use crate::logger::{ConsoleLogger, ConsoleSettings};

fn load(host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
    let config = match host.configuration("console.conf") {
        Some(conf) => {
            let (config, warnings) = ConsoleConfig::from_xml(&conf)
                .map_err(|error| Error::invalid_argument(error.to_string()))?;
            for warning in warnings {
                host.log(LogLevel::Warning, &warning);
            }
            config
        }
        None => {
            host.log(
                LogLevel::Notice,
                "no console.conf configuration; using loglevel info, colorize true",
            );
            ConsoleConfig::default()
        }
    };
    let settings = Arc::new(ConsoleSettings::new(
        config,
        std::io::stdout().is_terminal(),
    ));
    registrar.add_logger(
        LoggerDesc {
            name: "console".into(),
        },
        ConsoleLogger::new(Arc::clone(&settings), std::io::stdout()),
    )?;
    registrar.add_api(
        ApiDesc::new("console", "Console", api::SYNTAX),
        ConsoleCommand::new(settings),
    )
}

fn shutdown(_host: Host) -> Result<(), Error> {
    // Every line is flushed as it is written; this only covers a write cut short.
    let _ = std::io::stdout().flush();
    Ok(())
}

ferroswitch_abi::export_module!(
    name: "mod_console",
    description: "Console logger: log lines on standard output",
    load: load,
    shutdown: shutdown,
);
