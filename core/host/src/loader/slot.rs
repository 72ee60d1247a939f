//! One loaded module build, and the leases that say who is using it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

use ferroswitch_abi::{FfiRegistrar_TO, Host, LogLevel, ModuleId, ModuleRef};

use crate::core::Core;

use super::registrar::StagingRegistrar;

/// A loaded module build. Never dropped while the process runs (its library stays mapped).
pub struct ModuleSlot {
    pub id: ModuleId,
    /// The name it was loaded as (`mod_console`).
    pub name: String,
    /// The name the module calls itself.
    pub declared_name: String,
    pub description: String,
    /// The file it was loaded from.
    pub path: PathBuf,
    root: ModuleRef,
    host: Host,
    users: AtomicU32,
    retired: AtomicBool,
    shut_down: AtomicBool,
}

impl ModuleSlot {
    pub(super) fn new(id: ModuleId, name: &str, path: &Path, root: ModuleRef, host: Host) -> Self {
        Self {
            id,
            name: name.to_owned(),
            declared_name: root.name().to_string(),
            description: root.description().to_string(),
            path: path.to_path_buf(),
            root,
            host,
            users: AtomicU32::new(0),
            retired: AtomicBool::new(false),
            shut_down: AtomicBool::new(false),
        }
    }

    pub(super) fn call_load(
        &self,
        staging: &mut StagingRegistrar,
    ) -> Result<(), ferroswitch_abi::Error> {
        let load = self.root.load();
        let registrar = FfiRegistrar_TO::from_ptr(staging, abi_stable::sabi_trait::TD_Opaque);
        load(self.host, registrar).into_result()
    }

    pub(super) fn start_runtime(&self, core: Core) {
        let Some(runtime) = self.root.runtime() else {
            return;
        };
        let host = self.host;
        let name = self.name.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("mod:{name}"))
            .spawn(move || {
                if let Err(error) = runtime(host).into_result() {
                    core.log(
                        LogLevel::Err,
                        &format!("{name} runtime ended with an error: {error}"),
                    );
                }
            });
        if let Err(error) = spawned {
            core.log(
                LogLevel::Err,
                &format!("{}: cannot start runtime thread: {error}", self.name),
            );
        }
    }

    /// Sessions (and other users) using the module's interfaces now.
    pub fn users(&self) -> u32 {
        self.users.load(Ordering::Acquire)
    }

    /// Whether this build was unloaded or replaced.
    pub fn is_retired(&self) -> bool {
        self.retired.load(Ordering::Acquire)
    }

    /// Marks the module as in use until the lease drops.
    pub fn lease(self: &Arc<Self>) -> Lease {
        self.users.fetch_add(1, Ordering::AcqRel);
        Lease {
            slot: Arc::clone(self),
        }
    }

    /// Retires the build: no new users reach it (its interfaces are gone from the registry);
    /// it is shut down now if unused, else when its last lease drops.
    pub(super) fn retire(&self, core: Core) {
        self.retired.store(true, Ordering::Release);
        if self.users() == 0 {
            self.shut_down(core);
        }
    }

    fn shut_down(&self, core: Core) {
        if self.shut_down.swap(true, Ordering::AcqRel) {
            return;
        }
        if let Some(shutdown) = self.root.shutdown() {
            if let Err(error) = shutdown(self.host).into_result() {
                core.log(
                    LogLevel::Err,
                    &format!("{} shutdown failed: {error}", self.name),
                );
            }
        }
    }

    /// The host handle this module received.
    pub fn host(&self) -> Host {
        self.host
    }
}

/// Proof that someone uses a module; the module cannot be unloaded while one exists.
pub struct Lease {
    slot: Arc<ModuleSlot>,
}

impl Lease {
    /// The module leased.
    pub fn module(&self) -> &Arc<ModuleSlot> {
        &self.slot
    }
}

impl Clone for Lease {
    fn clone(&self) -> Self {
        self.slot.lease()
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let before = self.slot.users.fetch_sub(1, Ordering::AcqRel);
        if before == 1 && self.slot.is_retired() {
            // The last call on a replaced build just ended: shut that build down now.
            // SAFETY: every host handle a module holds was made by the one leaked core.
            let core = unsafe { Core::from_ctx(self.slot.host.ctx()) };
            self.slot.shut_down(core);
        }
    }
}
