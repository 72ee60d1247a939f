//! End-to-end test support: starts the real `ferroswitch` binary on a configuration written
//! for the test, loading real module files from disk, and drives it through its console.
//!
//! The binary and modules must be built first (`cargo xtask test` does it). Every wait is
//! bounded; a test that waits too long fails with what it was waiting for.

pub mod audio;
mod conf;
pub mod esl;
mod events;
pub mod sip;
mod switch;

pub use conf::TestConf;
pub use esl::{EslClient, EslServer};
pub use events::{Recorded, RecordedEvent};
pub use switch::Switch;

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long any single wait in a test may take before it fails.
pub const WAIT_LIMIT: Duration = Duration::from_secs(20);

/// `target/debug` (or the profile the tests were built with), where the binary and the module
/// files are.
pub fn build_dir() -> PathBuf {
    // The test executable lives in <target>/<profile>/deps/.
    let exe = std::env::current_exe().expect("the test knows its own path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("test binary is in <target>/<profile>/deps")
        .to_path_buf()
}

/// The built file of module `name` (cargo names it `lib<name>.so`).
pub fn module_file(name: &str) -> PathBuf {
    let path = build_dir().join(format!("lib{name}.so"));
    assert!(
        path.is_file(),
        "{} is missing: build the workspace first (cargo xtask test)",
        path.display()
    );
    path
}

/// Polls `condition` until it holds, failing the test with `what` after [`WAIT_LIMIT`].
pub fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT_LIMIT;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A loopback TCP port free at the time of the call (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}
