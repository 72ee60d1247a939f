//! What the core's benches share: a core on an empty configuration with real modules loaded
//! from the build the bench runs in (`target/release` under `cargo xtask bench`).

use ferroswitch_core::{Core, CoreOptions};

/// A core whose module directory is the bench's own build directory, with `modules` loaded.
pub fn core_with_modules(modules: &[&str]) -> Core {
    let build_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.parent()
                .and_then(|deps| deps.parent())
                .map(std::path::Path::to_path_buf)
        })
        .expect("the bench binary is in <target>/<profile>/deps");
    let conf = tempfile::tempdir().expect("conf dir");
    std::fs::write(
        conf.path().join("ferroswitch.xml"),
        "<document type=\"freeswitch/xml\"><section name=\"configuration\"/></document>",
    )
    .expect("conf written");
    let core = Core::new(CoreOptions {
        conf_dir: conf.path().to_path_buf(),
        mod_dir: Some(build_dir),
        log_dir: None,
    })
    .expect("core starts");
    for name in modules {
        core.inner()
            .modules
            .load(core, name)
            .unwrap_or_else(|error| {
                panic!("{name} is built (cargo build --release --workspace): {error}")
            });
    }
    core
}
