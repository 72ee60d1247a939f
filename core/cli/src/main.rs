//! `ferroswitch-cli`: the operator's console over the event socket. See
//! [`console::args::USAGE`].

mod console;

use std::process::ExitCode;

use console::args::{self, Invocation, USAGE};

fn main() -> ExitCode {
    let args: Result<Vec<String>, _> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.into_string())
        .collect();
    let invocation = match args {
        Ok(args) => args::parse(&args),
        Err(arg) => Err(format!("argument {arg:?} is not valid UTF-8")),
    };
    match invocation {
        Ok(Invocation::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Invocation::Run(options)) => console::run(&options),
        Err(message) => {
            eprintln!("ferroswitch-cli: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
