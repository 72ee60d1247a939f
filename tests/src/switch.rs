//! A running `ferroswitch` process driven through its console.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{build_dir, TestConf, WAIT_LIMIT};

/// A running switch.
pub struct Switch {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Receiver<String>,
    stderr: Arc<Mutex<String>>,
    marker: u64,
}

impl Switch {
    /// Starts the switch on `conf` (writing its modules.conf), finding modules in the build
    /// directory.
    pub fn start(conf: &TestConf) -> Switch {
        Self::start_with_mod_dir(conf, &build_dir())
    }

    /// A switch for loopback calls routed by the XML dialplan `default.xml` (context
    /// `default`), with the timer, loopback, dialplan, dptools and event-recording modules.
    pub fn with_loopback_dialplan(default_xml: &str) -> (TestConf, Switch) {
        let conf = TestConf::new().modules(&[
            "mod_soft_timer",
            "mod_loopback",
            "mod_dialplan_xml",
            "mod_dptools",
            "mod_fixture_probe",
        ]);
        conf.dialplan(&[("default.xml", default_xml)]);
        let switch = Switch::start(&conf);
        (conf, switch)
    }

    /// Starts the switch on `conf` with modules from `mod_dir`.
    pub fn start_with_mod_dir(conf: &TestConf, mod_dir: &Path) -> Switch {
        conf.write_modules();
        let mut child = Command::new(build_dir().join("ferroswitch"))
            .arg("--conf")
            .arg(conf.path())
            .arg("--mod-dir")
            .arg(mod_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the ferroswitch binary starts (build it first: cargo xtask test)");
        let (sender, stdout) = channel();
        let out = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("piped stderr");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(count) = err.read(&mut buf) {
                if count == 0 {
                    break;
                }
                sink.lock()
                    .expect("stderr sink")
                    .push_str(&String::from_utf8_lossy(&buf[..count]));
            }
        });
        let stdin = child.stdin.take();
        Switch {
            child,
            stdin,
            stdout,
            stderr,
            marker: 0,
        }
    }

    /// Runs an API command at the console and returns its output (without the trailing
    /// newline). Bounded by [`WAIT_LIMIT`].
    pub fn api(&mut self, command: &str) -> String {
        self.marker += 1;
        let marker = format!("__end_of_output_{}__", self.marker);
        let stdin = self.stdin.as_mut().expect("console still open");
        writeln!(stdin, "{command}\necho {marker}").expect("console accepts input");
        stdin.flush().expect("console accepts input");
        let deadline = Instant::now() + WAIT_LIMIT;
        let mut lines = Vec::new();
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(remaining) {
                Ok(line) if line == marker => break,
                Ok(line) => lines.push(line),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no answer to `{command}` within {WAIT_LIMIT:?}; got {lines:?}; stderr: {}",
                    self.stderr()
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "the switch exited while running `{command}`; got {lines:?}; stderr: {}",
                    self.stderr()
                ),
            }
        }
        lines.join("\n")
    }

    /// Sends `line` to the console without waiting for output.
    pub fn send(&mut self, line: &str) {
        if let Some(stdin) = self.stdin.as_mut() {
            let _ = writeln!(stdin, "{line}");
            let _ = stdin.flush();
        }
    }

    /// What the switch wrote to standard error so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr sink").clone()
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits (bounded) for the process to exit by itself.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + WAIT_LIMIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("process status") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the switch did not exit; stderr: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Originates `loopback/<dial>` and returns the A leg's UUID, failing on `-ERR`.
    pub fn originate(&mut self, dial: &str, then: &str) -> String {
        let output = self.api(&format!("originate {dial} {then}"));
        output
            .strip_prefix("+OK ")
            .map(|uuid| uuid.trim().to_owned())
            .unwrap_or_else(|| panic!("originate {dial} {then} failed: {output}"))
    }

    /// Waits (bounded) until channel `uuid` is running application `app`.
    pub fn wait_for_application(&mut self, uuid: &str, app: &str) {
        let column = format!(",{app},");
        crate::wait_until(&format!("{uuid} to run {app}"), || {
            self.api("show channels")
                .lines()
                .any(|row| row.starts_with(uuid) && row.contains(&column))
        });
    }

    /// Channel variable `name` of `uuid` (`_undef_` when unset, as FreeSWITCH prints it).
    pub fn var(&mut self, uuid: &str, name: &str) -> String {
        self.api(&format!("uuid_getvar {uuid} {name}"))
    }

    /// The far (B) leg of loopback leg `a`.
    pub fn far_leg(&mut self, a: &str) -> String {
        self.var(a, "other_loopback_leg_uuid")
    }

    /// Originates `loopback/<dial>` running `then` on the A leg, and returns the far (B) leg,
    /// which runs the dialplan.
    pub fn call_far_leg(&mut self, dial: &str, then: &str) -> String {
        let a = self.originate(dial, then);
        self.far_leg(&a)
    }

    /// Waits (bounded) until channel variable `name` of `uuid` is set, and returns it.
    pub fn wait_for_var(&mut self, uuid: &str, name: &str) -> String {
        let mut value = String::new();
        crate::wait_until(&format!("{uuid} to set {name}"), || {
            value = self.var(uuid, name);
            value != "_undef_"
        });
        value
    }

    /// Waits (bounded) until `show channels` lists a channel whose name starts with `prefix`,
    /// and returns its UUID.
    pub fn wait_for_channel_named(&mut self, prefix: &str) -> String {
        let mut uuid = String::new();
        crate::wait_until(&format!("a channel named {prefix}..."), || {
            let listing = self.api("show channels");
            // uuid,direction,created,created_epoch,name,...
            let row = listing.lines().find(|row| {
                row.split(',')
                    .nth(4)
                    .is_some_and(|name| name.starts_with(prefix))
            });
            if let Some(row) = row {
                uuid = row.split(',').next().unwrap_or_default().to_owned();
            }
            row.is_some()
        });
        uuid
    }

    /// Whether `show channels` lists `uuid`.
    pub fn has_channel(&mut self, uuid: &str) -> bool {
        self.api("show channels").contains(uuid)
    }
}

impl Drop for Switch {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.send("shutdown");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
