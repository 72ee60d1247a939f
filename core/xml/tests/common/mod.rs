//! On-disk fixtures shared by the integration tests.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use ferroswitch_xml::{load_config, ConfigError, Globals, LoadedConfig};

/// A temporary configuration directory, removed on drop.
pub struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory can be created"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes `content` to `relative`, creating parent directories.
    pub fn write(&self, relative: &str, content: &str) -> PathBuf {
        self.write_bytes(relative, content.as_bytes())
    }

    pub fn write_bytes(&self, relative: &str, content: &[u8]) -> PathBuf {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("fixture directories can be created");
        }
        fs::write(&path, content).expect("fixture files can be written");
        path
    }

    /// Loads `relative` with empty globals.
    pub fn load(&self, relative: &str) -> Result<LoadedConfig, ConfigError> {
        self.load_with(relative, &mut Globals::new())
    }

    pub fn load_with(
        &self,
        relative: &str,
        globals: &mut Globals,
    ) -> Result<LoadedConfig, ConfigError> {
        load_config(&self.path(relative), globals)
    }
}

/// Names of `node`'s children, in order.
pub fn child_names(node: &ferroswitch_xml::XmlNode) -> Vec<&str> {
    node.children
        .iter()
        .map(|child| child.name.as_str())
        .collect()
}
