//! Loading, unloading and reloading modules.
//!
//! Rules (see DESIGN.md): a library is never unmapped (abi_stable keeps pointers into it);
//! each load maps a private copy of the file, so rebuilding a module in place never touches
//! the running one; `unload` is refused while sessions use the module; `reload` loads the new
//! build beside the old one and routes new users to it while old calls finish on the old.

mod error;
mod library;
mod registrar;
mod slot;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ferroswitch_abi::{Event, InterfaceInfo, LogLevel, ModuleId};

pub use error::LoaderError;
pub use slot::{Lease, ModuleSlot};

use crate::core::Core;
use registrar::StagingRegistrar;

/// The loaded modules.
pub struct ModuleManager {
    mod_dir: PathBuf,
    /// Serialises load, unload and reload (a module's `load` may call back into the core,
    /// so this is not the lock that guards the lists).
    operation: Mutex<()>,
    state: Mutex<ManagerState>,
}

#[derive(Default)]
struct ManagerState {
    /// Active modules, in load order.
    active: Vec<Arc<ModuleSlot>>,
    /// Every build ever loaded, retired ones included (their calls may still run).
    every: Vec<Arc<ModuleSlot>>,
    next_id: u32,
}

impl ModuleManager {
    /// A manager finding modules in `mod_dir`.
    pub fn new(mod_dir: PathBuf) -> Self {
        Self {
            mod_dir,
            operation: Mutex::new(()),
            state: Mutex::new(ManagerState {
                active: Vec::new(),
                every: Vec::new(),
                next_id: 1,
            }),
        }
    }

    /// Where modules are found.
    pub fn mod_dir(&self) -> &Path {
        &self.mod_dir
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ManagerState> {
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// The active modules in load order.
    pub fn list(&self) -> Vec<Arc<ModuleSlot>> {
        self.state().active.clone()
    }

    /// The module build with id `id`, active or retired.
    pub fn slot_by_id(&self, id: ModuleId) -> Option<Arc<ModuleSlot>> {
        self.state()
            .every
            .iter()
            .find(|slot| slot.id == id)
            .cloned()
    }

    /// The name of module `id` (`core` for the core itself), for log lines.
    pub fn name_of(&self, id: ModuleId) -> String {
        if id == ModuleId::CORE {
            return "core".to_owned();
        }
        self.slot_by_id(id)
            .map_or_else(|| format!("module#{}", id.0), |slot| slot.name.clone())
    }

    /// The active module named `name`.
    pub fn find(&self, name: &str) -> Option<Arc<ModuleSlot>> {
        let name = module_name(name);
        self.state()
            .active
            .iter()
            .find(|slot| slot.name == name)
            .cloned()
    }

    /// The file for module `name`: a path as given, else `<mod-dir>/<name>.so`, else
    /// `<mod-dir>/lib<name>.so` (cargo's naming).
    pub fn resolve(&self, name: &str) -> Result<PathBuf, LoaderError> {
        if name.contains('/') {
            let path = PathBuf::from(name);
            return if path.is_file() {
                Ok(path)
            } else {
                Err(LoaderError::NotFound {
                    name: name.to_owned(),
                    tried: path.display().to_string(),
                })
            };
        }
        let name = module_name(name);
        let candidates = [
            self.mod_dir.join(format!("{name}.so")),
            self.mod_dir.join(format!("lib{name}.so")),
        ];
        candidates
            .iter()
            .find(|path| path.is_file())
            .cloned()
            .ok_or_else(|| LoaderError::NotFound {
                name: name.to_owned(),
                tried: candidates
                    .iter()
                    .map(|path| path.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            })
    }

    /// Loads module `name`.
    pub fn load(&self, core: Core, name: &str) -> Result<Arc<ModuleSlot>, LoaderError> {
        let _operation = self
            .operation
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let name = module_name(name).to_owned();
        if self.find(&name).is_some() {
            return Err(LoaderError::AlreadyLoaded { name });
        }
        let slot = self.open_and_register(core, &name, None)?;
        self.state().active.push(Arc::clone(&slot));
        Ok(slot)
    }

    /// Unloads module `name`, refused while sessions use it.
    pub fn unload(&self, core: Core, name: &str) -> Result<(), LoaderError> {
        let _operation = self
            .operation
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let slot = self.find(name).ok_or_else(|| LoaderError::NotLoaded {
            name: module_name(name).to_owned(),
        })?;
        let removed = core
            .inner()
            .registry
            .remove_module(slot.id, || match slot.users() {
                0 => Ok(()),
                users => Err(LoaderError::InUse {
                    name: slot.name.clone(),
                    users,
                }),
            })?;
        core.inner().events.interfaces_changed(core);
        core.inner().logging.loggers_changed(core);
        self.state().active.retain(|active| active.id != slot.id);
        fire_module_events(core, "MODULE_UNLOAD", &removed);
        slot.retire(core);
        core.log(LogLevel::Notice, &format!("Unloaded module {}", slot.name));
        Ok(())
    }

    /// Reloads module `name` from its file: new users get the new build, sessions using the
    /// old one finish on it, and the old build is shut down when its last user goes.
    pub fn reload(&self, core: Core, name: &str) -> Result<Arc<ModuleSlot>, LoaderError> {
        let _operation = self
            .operation
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let Some(old) = self.find(name) else {
            drop(_operation);
            return self.load(core, name);
        };
        let slot = self.open_and_register(core, &old.name, Some(&old))?;
        self.state().active.iter_mut().for_each(|active| {
            if active.id == old.id {
                *active = Arc::clone(&slot);
            }
        });
        let users = old.users();
        old.retire(core);
        core.log(
            LogLevel::Notice,
            &format!(
                "Reloaded module {} (old build kept for {users} session(s) still using it)",
                slot.name
            ),
        );
        Ok(slot)
    }

    fn open_and_register(
        &self,
        core: Core,
        name: &str,
        replacing: Option<&Arc<ModuleSlot>>,
    ) -> Result<Arc<ModuleSlot>, LoaderError> {
        let path = self.resolve(name)?;
        let root = library::open(&path)?;
        let id = {
            let mut state = self.state();
            state.next_id += 1;
            ModuleId(state.next_id)
        };
        let slot = Arc::new(ModuleSlot::new(id, name, &path, root, core.host(id)));
        self.state().every.push(Arc::clone(&slot));
        if slot.declared_name != name {
            core.log(
                LogLevel::Warning,
                &format!(
                    "{}: loaded as {name} but calls itself {}",
                    path.display(),
                    slot.declared_name
                ),
            );
        }
        let mut staging =
            StagingRegistrar::new(core, Arc::clone(&slot), replacing.map(|old| old.id));
        let loaded = slot.call_load(&mut staging);
        let records = staging.into_records();
        if let Err(error) = loaded {
            drop(records);
            return Err(LoaderError::LoadFailed {
                path: path.display().to_string(),
                name: name.to_owned(),
                reason: error.to_string(),
            });
        }
        let infos = core
            .inner()
            .registry
            .commit(&slot, records, replacing.map(|old| old.id));
        core.inner().events.interfaces_changed(core);
        core.inner().logging.loggers_changed(core);
        fire_module_events(core, "MODULE_LOAD", &infos);
        slot.start_runtime(core);
        core.log(
            LogLevel::Console,
            &format!(
                "Loaded module {} ({} interface(s)) from {}",
                slot.name,
                infos.len(),
                path.display()
            ),
        );
        Ok(slot)
    }

    /// Shuts every active module down, in reverse load order.
    pub fn shutdown_all(&self, core: Core) {
        let active = std::mem::take(&mut self.state().active);
        for slot in active.iter().rev() {
            slot.retire(core);
        }
    }
}

/// `mod_x` from `mod_x`, `mod_x.so` or `libmod_x.so`.
fn module_name(name: &str) -> &str {
    let name = name.trim();
    let name = name.strip_suffix(".so").unwrap_or(name);
    name.strip_prefix("lib")
        .filter(|rest| rest.starts_with("mod_"))
        .unwrap_or(name)
}

fn fire_module_events(core: Core, event_name: &str, infos: &[InterfaceInfo]) {
    if !core.inner().events.wanted(event_name) {
        return;
    }
    for info in infos {
        let mut event = Event::new(event_name);
        event
            .add_header("type", info.kind.name())
            .add_header("name", &info.name)
            .add_header("description", &info.description)
            .add_header("syntax", &info.syntax)
            .add_header("key", &info.module)
            .add_header("filename", &info.path);
        core.inner().events.fire(core, event);
    }
}
