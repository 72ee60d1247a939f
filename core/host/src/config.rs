//! The running configuration tree, and `reloadxml`: a new tree replaces the old one whole,
//! or not at all.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use ferroswitch_xml::{load_config, ConfigError, ConfigWarning, Globals, XmlNode};

/// One loaded configuration.
pub struct LoadedTree {
    /// The `<document>` root.
    pub root: XmlNode,
    /// The `$${global}` variables after preprocessing.
    pub globals: Globals,
    /// What the loader tolerated but reported.
    pub warnings: Vec<ConfigWarning>,
}

/// The configuration in force, swapped atomically by `reloadxml`.
pub struct ConfigStore {
    root_file: PathBuf,
    seed: Globals,
    current: RwLock<Arc<LoadedTree>>,
    generation: std::sync::atomic::AtomicU64,
}

impl ConfigStore {
    /// Loads `conf_dir/ferroswitch.xml`.
    pub fn load(
        conf_dir: &Path,
        log_dir: Option<&Path>,
        hostname: &str,
        core_uuid: &str,
    ) -> Result<Self, ConfigError> {
        let conf_dir = std::path::absolute(conf_dir).unwrap_or_else(|_| conf_dir.to_path_buf());
        let mut seed = Globals::new();
        seed.set("hostname", hostname);
        seed.set("switchname", hostname);
        seed.set("core_uuid", core_uuid);
        seed.set("conf_dir", conf_dir.display().to_string());
        let base_dir = conf_dir.parent().unwrap_or(&conf_dir).to_path_buf();
        seed.set("base_dir", base_dir.display().to_string());
        let log_dir = log_dir
            .map(Path::to_path_buf)
            .unwrap_or_else(|| base_dir.join("log"));
        seed.set("log_dir", log_dir.display().to_string());
        seed.set("sounds_dir", base_dir.join("sounds").display().to_string());
        seed.set(
            "recordings_dir",
            base_dir.join("recordings").display().to_string(),
        );
        seed.set("local_ip_v4", "127.0.0.1");
        let root_file = conf_dir.join("ferroswitch.xml");
        let tree = Self::read(&root_file, &seed)?;
        Ok(Self {
            root_file,
            seed,
            current: RwLock::new(Arc::new(tree)),
            generation: std::sync::atomic::AtomicU64::new(1),
        })
    }

    fn read(root_file: &Path, seed: &Globals) -> Result<LoadedTree, ConfigError> {
        let mut globals = seed.clone();
        let loaded = load_config(root_file, &mut globals)?;
        Ok(LoadedTree {
            root: loaded.root,
            globals,
            warnings: loaded.warnings,
        })
    }

    /// The tree in force.
    pub fn current(&self) -> Arc<LoadedTree> {
        Arc::clone(
            &self
                .current
                .read()
                .unwrap_or_else(|poison| poison.into_inner()),
        )
    }

    /// Reads the files again; on success the new tree replaces the old, on failure the old
    /// stays and the error says file, line and reason.
    pub fn reload(&self) -> Result<Arc<LoadedTree>, ConfigError> {
        let tree = Arc::new(Self::read(&self.root_file, &self.seed)?);
        *self
            .current
            .write()
            .unwrap_or_else(|poison| poison.into_inner()) = Arc::clone(&tree);
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        Ok(tree)
    }

    /// The XML text of `<configuration name="name">`.
    pub fn configuration_text(&self, name: &str) -> Option<String> {
        self.current()
            .root
            .find_configuration(name)
            .map(XmlNode::to_xml_string_with_origins)
    }

    /// How many times the configuration was loaded (1 at start-up).
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// The XML text of `<section name="name">`, with origins.
    pub fn section_text(&self, name: &str) -> Option<String> {
        self.current()
            .root
            .section(name)
            .map(XmlNode::to_xml_string_with_origins)
    }

    /// A `$${global}`.
    pub fn global(&self, name: &str) -> Option<String> {
        self.current().globals.get(name).map(str::to_owned)
    }

    /// The modules `modules.conf` lists, in order (`<load module="mod_x"/>`).
    pub fn module_list(&self) -> Vec<String> {
        let tree = self.current();
        let Some(modules) = tree.root.find_configuration("modules.conf") else {
            return Vec::new();
        };
        modules
            .children_named("modules")
            .flat_map(|list| list.children_named("load"))
            .filter_map(|load| load.attr("module"))
            .map(str::to_owned)
            .collect()
    }
}
