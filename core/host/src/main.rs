//! `ferroswitch`: starts the switch on a configuration directory and reads API commands from
//! standard input.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use ferroswitch_core::{Core, CoreOptions};

const USAGE: &str = "\
Usage: ferroswitch [--conf DIR] [--mod-dir DIR]

  --conf DIR      configuration directory holding ferroswitch.xml (default: conf)
  --mod-dir DIR   where modules are found (default: switch.conf's mod-dir, else the
                  directory of this executable)
  --log-dir DIR   the $${log_dir} global, where log files go (default: log/ beside conf/)
  --help          this text
  --version       the version

API commands (status, show modules, originate ..., shutdown) are read line by line from
standard input. SIGTERM or SIGINT hang up every call and exit.";

fn main() -> ExitCode {
    let mut options = CoreOptions {
        conf_dir: PathBuf::from("conf"),
        mod_dir: None,
        log_dir: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            "--version" => {
                println!("ferroswitch {}", env!("CARGO_PKG_VERSION"));
                return ExitCode::SUCCESS;
            }
            "--conf" | "-conf" | "--mod-dir" | "-mod" | "--log-dir" | "-log" => {
                let Some(value) = args.next() else {
                    eprintln!("ferroswitch: {arg} needs a directory\n\n{USAGE}");
                    return ExitCode::from(2);
                };
                let value = PathBuf::from(value);
                match arg.trim_start_matches('-') {
                    "conf" => options.conf_dir = value,
                    "mod-dir" | "mod" => options.mod_dir = Some(value),
                    _ => options.log_dir = Some(value),
                }
            }
            other => {
                eprintln!("ferroswitch: unknown argument {other}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }

    let core = match Core::new(options) {
        Ok(core) => core,
        Err(error) => {
            eprintln!("ferroswitch: cannot start: {error}");
            return ExitCode::from(1);
        }
    };
    core.load_configured_modules();
    core.log(
        ferroswitch_abi::LogLevel::Console,
        "ferroswitch started; type API commands (\"show modules\", \"shutdown\")",
    );

    if let Err(error) = watch_signals(core) {
        core.log(
            ferroswitch_abi::LogLevel::Warning,
            &format!("signals will not shut down cleanly: {error}"),
        );
    }
    ferroswitch_core::events::start_heartbeat(
        core,
        Duration::from_secs(core.inner().settings.heartbeat_interval_s),
    );
    let console = std::thread::Builder::new()
        .name("console".into())
        .spawn(move || ferroswitch_core::console::run(core, std::io::stdin().lock()));
    if let Err(error) = console {
        core.log(
            ferroswitch_abi::LogLevel::Err,
            &format!("no console: {error}"),
        );
    }

    core.wait_for_shutdown();
    core.log(ferroswitch_abi::LogLevel::Console, "Shutting down");
    core.shutdown();
    ExitCode::SUCCESS
}

/// SIGTERM and SIGINT shut down; SIGHUP is reported as FreeSWITCH reports it, a TRAP event
/// with `Trapped-Signal: HUP` (mod_logfile rotates its files on it).
fn watch_signals(core: Core) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                if signal == SIGHUP {
                    let mut event = ferroswitch_abi::Event::new("TRAP");
                    event.add_header("Trapped-Signal", "HUP");
                    core.inner().events.fire(core, event);
                    continue;
                }
                core.request_shutdown();
                break;
            }
        })?;
    Ok(())
}
