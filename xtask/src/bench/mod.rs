//! `cargo xtask bench`: criterion benches, then whole-system benches against the release build.
//!
//! System benches live in their own files in this directory and are registered in
//! [`registry::SYSTEM_BENCHES`].

mod alaw_tone;
mod event_socket;
mod event_subscriber;
mod hangup_counters;
mod loopback_calls;
mod media_calls;
mod process_usage;
mod registry;
mod sip_calls;
mod sip_media_concurrency;
mod sip_switch;
mod sipp;
mod switch_process;

use crate::build::build_workspace;
use crate::error::Error;
use crate::node_clients;
use crate::step;
use crate::system_packages::{self, Need};
use crate::workspace::{Profile, Workspace};

use registry::{Request, SystemBench, SYSTEM_BENCHES};

/// Runs what `args` asks for (see [`Request`]) and ends with a list of what ran.
pub fn bench(workspace: &Workspace, args: &[String]) -> Result<(), Error> {
    let request = Request::parse(args)?;
    if request == Request::List {
        print_list(SYSTEM_BENCHES);
        return Ok(());
    }
    // Check names before spending minutes on a release build.
    let chosen: Vec<&SystemBench> = match &request {
        Request::Only(names) => registry::select(SYSTEM_BENCHES, names)?,
        _ => SYSTEM_BENCHES.iter().collect(),
    };

    system_packages::ensure(&[Need::Build, Need::Tests])?;
    node_clients::ensure(workspace)?;
    build_workspace(workspace, Profile::Release)?;
    if request == Request::Everything {
        let mut cargo = workspace.cargo();
        cargo.args(["bench", "--workspace"]);
        step::run("running the criterion benches", &mut cargo)?;
    }

    let mut failed = Vec::new();
    let mut outcomes = Vec::new();
    for bench in chosen {
        println!("==> system bench {}: {}", bench.name, bench.description);
        let outcome = match (bench.run)(workspace) {
            Ok(()) => "ok".to_owned(),
            Err(error) => {
                failed.push(bench.name);
                format!("FAILED: {error}")
            }
        };
        outcomes.push((bench.name, outcome));
    }

    println!("==> bench summary");
    if request == Request::Everything {
        println!("  criterion (cargo bench --workspace): ok");
    }
    if outcomes.is_empty() {
        println!("  system benches: none registered");
    }
    for (name, outcome) in &outcomes {
        println!("  system bench {name}: {outcome}");
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::BenchesFailed(failed))
    }
}

fn print_list(table: &[SystemBench]) {
    if table.is_empty() {
        println!("no system benches are registered");
        return;
    }
    println!("system benches (run one with `cargo xtask bench -- NAME`):");
    let width = table
        .iter()
        .map(|bench| bench.name.len())
        .max()
        .unwrap_or(0);
    for bench in table {
        println!("  {:width$}  {}", bench.name, bench.description);
    }
}
