//! The `console` API command: FreeSWITCH's `console loglevel [level]` and
//! `console colorize [on|off|toggle]`, changing the running console's settings.

use std::sync::Arc;

use ferroswitch_abi::{Api, Error, Host, LogLevel, Session};

use crate::logger::ConsoleSettings;

/// The command's syntax, for `show api`.
pub const SYNTAX: &str = "loglevel [level]|colorize [on|toggle|off]";

const USAGE: &str = "USAGE:\n\
console help\n\
console loglevel [[0-7] | <loglevel_string>]\n\
console colorize [on|off|toggle]\n";

/// The `console` command.
pub struct ConsoleCommand {
    settings: Arc<ConsoleSettings>,
}

impl ConsoleCommand {
    /// A command changing `settings`.
    pub fn new(settings: Arc<ConsoleSettings>) -> Self {
        Self { settings }
    }

    /// Runs `console <args>` and returns its output.
    pub fn run(&self, args: &str) -> Result<String, Error> {
        let mut words = args.split_whitespace();
        match words.next().map(str::to_ascii_lowercase).as_deref() {
            Some("loglevel") => {
                if let Some(word) = words.next() {
                    let level = LogLevel::parse(word).ok_or_else(|| {
                        Error::invalid_argument(format!("Invalid console loglevel ({word})!"))
                    })?;
                    self.settings.set_loglevel(level);
                }
                Ok(format!(
                    "+OK console log level set to {}\n",
                    self.settings.loglevel()
                ))
            }
            Some("colorize") => {
                match words.next().map(str::to_ascii_lowercase).as_deref() {
                    None => {}
                    Some("toggle") => self.settings.set_colorize(!self.settings.colorize()),
                    Some("on" | "true" | "yes" | "1") => self.settings.set_colorize(true),
                    Some(_) => self.settings.set_colorize(false),
                }
                let state = if self.settings.colorize() {
                    "enabled"
                } else {
                    "disabled"
                };
                Ok(format!("+OK console color {state}\n"))
            }
            _ => Ok(USAGE.to_owned()),
        }
    }
}

impl Api for ConsoleCommand {
    fn execute(&self, _host: Host, args: &str, _session: Option<Session>) -> Result<String, Error> {
        self.run(args)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::ConsoleConfig;

    use super::*;

    fn command() -> (ConsoleCommand, Arc<ConsoleSettings>) {
        let settings = Arc::new(ConsoleSettings::new(ConsoleConfig::default(), false));
        (ConsoleCommand::new(Arc::clone(&settings)), settings)
    }

    #[test]
    fn loglevel_reports_and_sets() {
        let (command, settings) = command();
        assert_eq!(
            command.run("loglevel").expect("report"),
            "+OK console log level set to INFO\n"
        );
        assert_eq!(
            command.run("loglevel 7").expect("set"),
            "+OK console log level set to DEBUG\n"
        );
        assert_eq!(settings.loglevel(), LogLevel::Debug);
        let error = command.run("loglevel loud").expect_err("no such level");
        assert!(error.message().contains("loud"), "{error}");
        assert_eq!(settings.loglevel(), LogLevel::Debug);
    }

    #[test]
    fn colorize_switches() {
        let (command, settings) = command();
        assert!(!settings.colorize());
        assert_eq!(
            command.run("colorize on").expect("on"),
            "+OK console color enabled\n"
        );
        assert_eq!(
            command.run("colorize toggle").expect("toggle"),
            "+OK console color disabled\n"
        );
        assert!(!settings.colorize());
    }

    #[test]
    fn anything_else_prints_usage() {
        let (command, _) = command();
        assert!(command.run("").expect("usage").starts_with("USAGE:"));
        assert!(command.run("bogus").expect("usage").starts_with("USAGE:"));
    }
}
