//! The console: API commands read line by line from standard input (a terminal or a pipe),
//! each result printed. `/exit`, `/quit` and `/bye` shut down, as in fs_cli.

use std::io::{BufRead, Write};

use crate::api::{execute, split_command};
use crate::core::Core;

/// Reads commands until end of input. At end of input the switch keeps running (it may
/// have been started with no terminal); it stops on `shutdown` or a signal.
pub fn run(core: Core, input: impl BufRead) {
    for line in input.lines() {
        let Ok(line) = line else { break };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if matches!(line, "/exit" | "/quit" | "/bye" | "...") {
            core.request_shutdown();
            break;
        }
        let (command, args) = split_command(line);
        let output = match execute(core, command, args, None) {
            Ok(text) => text,
            Err(error) if command == "shutdown" => {
                // Without mod_commands there is no `shutdown` API; the console still obeys.
                let _ = error;
                core.request_shutdown();
                "+OK".to_owned()
            }
            Err(error) => format!("-ERR {error}"),
        };
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(output.as_bytes());
        if !output.ends_with('\n') {
            let _ = stdout.write_all(b"\n");
        }
        let _ = stdout.flush();
        if core.shutdown_requested() {
            break;
        }
    }
}
