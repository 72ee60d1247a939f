//! A release `ferroswitch` started on a throw-away configuration and driven through its
//! console, for whole-system benches.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use crate::error::Error;

/// A running switch.
pub struct SwitchProcess {
    child: Child,
    stdin: ChildStdin,
    stdout: Receiver<String>,
    conf_dir: PathBuf,
    marker: u64,
}

impl SwitchProcess {
    /// Writes a configuration loading `modules` with `switch_params` and starts `binary` on it.
    pub fn start(
        binary: &Path,
        modules: &[&str],
        switch_params: &[(&str, &str)],
    ) -> Result<SwitchProcess, Error> {
        SwitchProcess::start_with_configs(binary, modules, switch_params, &[])
    }

    /// As [`start`](SwitchProcess::start), with more files in `autoload_configs/`: (file name,
    /// XML), such as `("event_socket.conf.xml", "<configuration name=...")`. A name with a
    /// directory (`dialplan/default.xml`) is written there instead, under the configuration
    /// directory; `dialplan/*.xml` make the dialplan section.
    pub fn start_with_configs(
        binary: &Path,
        modules: &[&str],
        switch_params: &[(&str, &str)],
        configs: &[(&str, String)],
    ) -> Result<SwitchProcess, Error> {
        let conf_dir = std::env::temp_dir().join(format!(
            "ferroswitch-bench-{}-{}",
            std::process::id(),
            unique()
        ));
        let autoload = conf_dir.join("autoload_configs");
        fs::create_dir_all(&autoload)
            .map_err(|error| bench_error(format!("{}: {error}", autoload.display())))?;
        let loads: String = modules
            .iter()
            .map(|name| format!("<load module=\"{name}\"/>"))
            .collect();
        let params: String = switch_params
            .iter()
            .map(|(name, value)| format!("<param name=\"{name}\" value=\"{value}\"/>"))
            .collect();
        fs::create_dir_all(conf_dir.join("dialplan"))
            .map_err(|error| bench_error(format!("{}: {error}", conf_dir.display())))?;
        write(&conf_dir.join("ferroswitch.xml"), "<document type=\"freeswitch/xml\"><section name=\"configuration\"><X-PRE-PROCESS cmd=\"include\" data=\"autoload_configs/*.xml\"/></section><section name=\"dialplan\"><X-PRE-PROCESS cmd=\"include\" data=\"dialplan/*.xml\"/></section></document>")?;
        write(
            &autoload.join("modules.conf.xml"),
            &format!(
                "<configuration name=\"modules.conf\"><modules>{loads}</modules></configuration>"
            ),
        )?;
        write(
            &autoload.join("switch.conf.xml"),
            &format!(
                "<configuration name=\"switch.conf\"><settings>{params}</settings></configuration>"
            ),
        )?;
        for (name, xml) in configs {
            let path = if name.contains('/') {
                conf_dir.join(name)
            } else {
                autoload.join(name)
            };
            write(&path, xml)?;
        }
        let mod_dir = binary.parent().unwrap_or(Path::new("."));
        let mut child = Command::new(binary)
            .arg("--conf")
            .arg(&conf_dir)
            .arg("--mod-dir")
            .arg(mod_dir)
            .arg("--log-dir")
            .arg(conf_dir.join("log"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|source| Error::Spawn {
                program: binary.display().to_string(),
                source,
            })?;
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| bench_error("no stdin pipe".into()))?;
        let out = child
            .stdout
            .take()
            .ok_or_else(|| bench_error("no stdout pipe".into()))?;
        let (sender, stdout) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut switch = SwitchProcess {
            child,
            stdin,
            stdout,
            conf_dir,
            marker: 0,
        };
        // Answering a command means the modules are loaded: only now is the memory baseline
        // meaningful.
        switch.api("status")?;
        Ok(switch)
    }

    /// Sends a console line without waiting for its output.
    pub fn send(&mut self, line: &str) -> Result<(), Error> {
        writeln!(self.stdin, "{line}")
            .map_err(|error| bench_error(format!("console closed: {error}")))
    }

    /// Runs an API command and returns its output (bounded wait).
    pub fn api(&mut self, command: &str) -> Result<String, Error> {
        self.marker += 1;
        let marker = format!("__bench_marker_{}__", self.marker);
        self.send(&format!("{command}\necho {marker}"))?;
        self.stdin
            .flush()
            .map_err(|error| bench_error(format!("console closed: {error}")))?;
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut lines = Vec::new();
        loop {
            let line = self
                .stdout
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .map_err(|_| bench_error(format!("no answer to `{command}`")))?;
            if line == marker {
                return Ok(lines.join("\n"));
            }
            // Replies to earlier `bgapi` lines arrive in between; they are not this output.
            if !line.starts_with("+OK Job-UUID") {
                lines.push(line);
            }
        }
    }

    /// (sessions since start-up, sessions alive) from `status`.
    pub fn session_counts(&mut self) -> Result<(u64, u64), Error> {
        let status = self.api("status")?;
        let number_before = |suffix: &str| {
            status
                .lines()
                .find(|line| line.contains(suffix))
                .and_then(|line| line.split_whitespace().next())
                .and_then(|number| number.parse::<u64>().ok())
        };
        match (
            number_before("session(s) since startup"),
            number_before("session(s) - peak"),
        ) {
            (Some(created), Some(alive)) => Ok((created, alive)),
            _ => Err(bench_error(format!(
                "cannot read session counts from status:\n{status}"
            ))),
        }
    }

    /// The process id, for [`process_usage`](super::process_usage) and `perf -p`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU time (user + system) the process used so far, in seconds.
    pub fn cpu_seconds(&self) -> Result<f64, Error> {
        super::process_usage::cpu_seconds(self.pid())
    }

    /// Resident memory of the process, in KiB.
    pub fn resident_kib(&self) -> Result<u64, Error> {
        super::process_usage::resident_kib(self.pid())
    }
}

impl Drop for SwitchProcess {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "shutdown");
        let _ = self.stdin.flush();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.conf_dir);
    }
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    fs::write(path, text).map_err(|error| bench_error(format!("{}: {error}", path.display())))
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or(0)
}

/// A bench that could not measure what it set out to.
pub fn bench_error(message: String) -> Error {
    Error::Bench(message)
}
