//! The console: connect, then run one command (`-x`) or read commands at a prompt.

pub mod args;
mod interactive;
mod render;

use std::process::ExitCode;
use std::time::Duration;

use ferroswitch_cli::client::{Client, ClientError};

use args::Options;

/// How long connecting and authenticating may take unless `-t` says otherwise.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Connects as `options` say and runs the console; the process's exit status.
pub fn run(options: &Options) -> ExitCode {
    let connect_timeout = options.timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
    let mut client = match Client::connect(
        &options.host,
        options.port,
        &options.password,
        connect_timeout,
    ) {
        Ok(client) => client,
        Err(error) => return fail(options, &error),
    };
    if let Err(error) = client.set_reply_timeout(options.timeout) {
        return fail(options, &error);
    }
    match &options.execute {
        Some(command) => execute(options, client, command),
        None => interactive::run(options, client),
    }
}

/// `-x`: one API command; its output on stdout; 1 when it starts with `-ERR`.
fn execute(options: &Options, mut client: Client, command: &str) -> ExitCode {
    match client.api(command) {
        Ok(output) => {
            print!("{}", render::with_newline(&output));
            if output.starts_with("-ERR") {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(error) => fail(options, &error),
    }
}

/// Reports `error` naming the address, as `ferroswitch-cli: 127.0.0.1:8021: <reason>`.
fn fail(options: &Options, error: &ClientError) -> ExitCode {
    eprintln!("ferroswitch-cli: {}: {error}", address(options));
    ExitCode::FAILURE
}

fn address(options: &Options) -> String {
    if options.host.contains(':') {
        format!("[{}]:{}", options.host, options.port)
    } else {
        format!("{}:{}", options.host, options.port)
    }
}
