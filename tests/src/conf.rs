//! A configuration directory written for one test.

use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// A temporary `conf/`: `ferroswitch.xml` including `autoload_configs/*.xml`, a
/// `modules.conf` listing the test's modules, mod_logfile writing to `ferroswitch.log` and
/// the probe fixture recording events to `events.log` in the same directory.
pub struct TestConf {
    dir: TempDir,
    modules: Vec<String>,
}

impl TestConf {
    /// A configuration loading mod_logfile and mod_commands, plus what the test adds.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let conf = Self {
            dir,
            modules: vec!["mod_logfile".into(), "mod_commands".into()],
        };
        fs::create_dir_all(conf.path().join("autoload_configs")).expect("conf dir");
        conf.write(
            "ferroswitch.xml",
            r#"<document type="freeswitch/xml">
  <section name="configuration">
    <X-PRE-PROCESS cmd="include" data="autoload_configs/*.xml"/>
  </section>
  <section name="dialplan"/>
</document>
"#,
        );
        let dir = conf.path().display().to_string();
        conf.write(
            "autoload_configs/logfile.conf.xml",
            &format!(
                r#"<configuration name="logfile.conf">
  <profiles><profile name="default"><settings>
    <param name="logfile" value="{dir}/ferroswitch.log"/>
    <param name="loglevel" value="debug"/>
  </settings></profile></profiles>
</configuration>
"#
            ),
        );
        conf.write(
            "autoload_configs/fixture_probe.conf.xml",
            &format!(
                r#"<configuration name="fixture_probe.conf"><settings><param name="event-log" value="{dir}/events.log"/></settings></configuration>
"#
            ),
        );
        conf
    }

    /// Adds modules to load, after the ones already listed.
    #[must_use]
    pub fn modules(mut self, names: &[&str]) -> Self {
        self.modules
            .extend(names.iter().map(|name| (*name).to_owned()));
        self
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `relative` under the directory.
    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path().join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("conf subdirectory");
        }
        fs::write(&path, text)
            .unwrap_or_else(|error| panic!("writing {}: {error}", path.display()));
    }

    /// Gives the configuration a dialplan: `ferroswitch.xml` includes `dialplan/*.xml` in its
    /// dialplan section, and each `(name, text)` is written as `dialplan/<name>`.
    pub fn dialplan(&self, files: &[(&str, &str)]) {
        self.write(
            "ferroswitch.xml",
            r#"<document type="freeswitch/xml">
  <section name="configuration">
    <X-PRE-PROCESS cmd="include" data="autoload_configs/*.xml"/>
  </section>
  <section name="dialplan">
    <X-PRE-PROCESS cmd="include" data="dialplan/*.xml"/>
  </section>
  <section name="directory">
    <X-PRE-PROCESS cmd="include" data="directory/*.xml"/>
  </section>
</document>
"#,
        );
        for (name, text) in files {
            self.write(&format!("dialplan/{name}"), text);
        }
    }

    /// Gives the configuration a directory (call after [`Self::dialplan`], which writes the
    /// `ferroswitch.xml` including it): each `(name, text)` is written as `directory/<name>`.
    pub fn directory(&self, files: &[(&str, &str)]) {
        for (name, text) in files {
            self.write(&format!("directory/{name}"), text);
        }
    }

    /// Writes `event_socket.conf` listening on 127.0.0.1 at a free port with password
    /// `ClueCon`, plus `extra_params` (`<param .../>` elements); returns the port.
    pub fn event_socket(&self, extra_params: &str) -> u16 {
        let port = crate::free_port();
        self.write(
            "autoload_configs/event_socket.conf.xml",
            &format!(
                r#"<configuration name="event_socket.conf">
  <settings>
    <param name="listen-ip" value="127.0.0.1"/>
    <param name="listen-port" value="{port}"/>
    <param name="password" value="ClueCon"/>
    {extra_params}
  </settings>
</configuration>
"#
            ),
        );
        port
    }

    /// Writes `modules.conf` for the modules listed so far.
    pub fn write_modules(&self) {
        let loads: String = self
            .modules
            .iter()
            .map(|name| format!("    <load module=\"{name}\"/>\n"))
            .collect();
        self.write(
            "autoload_configs/modules.conf.xml",
            &format!("<configuration name=\"modules.conf\">\n  <modules>\n{loads}  </modules>\n</configuration>\n"),
        );
    }

    /// The log file mod_logfile writes.
    pub fn log_file(&self) -> PathBuf {
        self.path().join("ferroswitch.log")
    }

    /// The probe fixture's event log.
    pub fn event_file(&self) -> PathBuf {
        self.path().join("events.log")
    }

    /// What mod_logfile has written so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.log_file()).unwrap_or_default()
    }
}

impl Default for TestConf {
    fn default() -> Self {
        Self::new()
    }
}
