//! SIP test support: a `sip.conf` profile on 127.0.0.1 at a free port, and sipp runs with
//! bounded duration whose errors come back in the failure message.

use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use crate::{Switch, TestConf};

/// A loopback port free for both UDP and TCP at the time of the call.
pub fn free_sip_port() -> u16 {
    loop {
        let port = crate::free_port();
        if UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// Writes `sip.conf` with profile `test` on 127.0.0.1 at a free port, plus `extra_params`
/// (`<param .../>` elements); returns the port.
pub fn sip_profile(conf: &TestConf, extra_params: &str) -> u16 {
    sip_profile_with_gateways(conf, extra_params, "")
}

/// The test profile's RTP ports: below the kernel's ephemeral range (32768 up), where
/// [`free_sip_port`] and sipp's media ports come from. Inside it, a switch of a test running in
/// parallel could bind a port between another test choosing it and binding it ("Address
/// already in use"). Switches sharing the range is fine: each skips pairs another one holds.
const RTP_PORTS: (u16, u16) = (20_000, 22_000);

/// [`sip_profile`] with `<gateways>` holding `gateways` (`<gateway>` elements).
pub fn sip_profile_with_gateways(conf: &TestConf, extra_params: &str, gateways: &str) -> u16 {
    let port = free_sip_port();
    sip_profile_at(conf, port, extra_params, gateways);
    port
}

/// [`sip_profile_with_gateways`] on `port`, which the caller chose.
pub fn sip_profile_at(conf: &TestConf, port: u16, extra_params: &str, gateways: &str) {
    let (rtp_start, rtp_end) = RTP_PORTS;
    conf.write(
        "autoload_configs/sip.conf.xml",
        &format!(
            r#"<configuration name="sip.conf">
  <profiles>
    <profile name="test">
      <settings>
        <param name="sip-ip" value="127.0.0.1"/>
        <param name="sip-port" value="{port}"/>
        <param name="rtp-start-port" value="{rtp_start}"/>
        <param name="rtp-end-port" value="{rtp_end}"/>
        <param name="context" value="public"/>
        {extra_params}
      </settings>
      <gateways>
        {gateways}
      </gateways>
    </profile>
  </profiles>
</configuration>
"#
        ),
    );
}

/// A profile (see [`sip_profile`]) that trusts 127.0.0.0/8 (`apply-inbound-acl`
/// `loopback.auto`), so test callers are not challenged; returns the port.
pub fn trusted_profile(conf: &TestConf) -> u16 {
    sip_profile(
        conf,
        r#"<param name="apply-inbound-acl" value="loopback.auto"/>"#,
    )
}

/// [`trusted_profile`] with `<gateways>` holding `gateways` (`<gateway>` elements).
pub fn trusted_profile_with_gateways(conf: &TestConf, gateways: &str) -> u16 {
    sip_profile_with_gateways(
        conf,
        r#"<param name="apply-inbound-acl" value="loopback.auto"/>"#,
        gateways,
    )
}

/// A `public` context whose extension `out` bridges to `dial_string`: a sipp caller dialling
/// `out` makes the switch call out.
pub fn bridge_out_to(conf: &TestConf, dial_string: &str) {
    conf.dialplan(&[(
        "public.xml",
        &format!(
            r#"<include>
  <context name="public">
    <extension name="out">
      <condition field="destination_number" expression="^out$">
        <action application="bridge" data="{dial_string}"/>
      </condition>
    </extension>
  </context>
</include>
"#
        ),
    )]);
}

/// Starts the switch and waits until its console answers, which is after every module
/// loaded: the SIP profile listens by then (a TCP peer connecting earlier would be refused).
pub fn start(conf: &TestConf) -> Switch {
    let mut switch = Switch::start(conf);
    let status = switch.api("sofia status");
    assert!(status.contains("RUNNING"), "no SIP profile runs: {status}");
    switch
}

/// The scenario files kept in tests/sipp.
pub fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sipp")
        .join(name)
}

/// A sipp command towards `127.0.0.1:<target>`, bounded: one call (`-m 1` unless `args`
/// says otherwise), a 20 s global timeout that counts as failure, errors traced to a file in
/// a temporary directory.
pub struct Sipp {
    command: Command,
    dir: tempfile::TempDir,
}

impl Sipp {
    /// sipp sending to 127.0.0.1:`target` from a free local port, with `args`.
    pub fn uac(target: u16, args: &[&str]) -> Sipp {
        let mut sipp = Sipp::bare(args);
        sipp.command.arg(format!("127.0.0.1:{target}"));
        sipp
    }

    /// A UAC running scenario file `name` of tests/sipp (see [`scenario`]), calling
    /// `service` at 127.0.0.1:`target`.
    pub fn uac_scenario(target: u16, name: &str, service: &str) -> Sipp {
        let file = scenario(name);
        let file = file.to_str().expect("a UTF-8 path");
        Sipp::uac(target, &["-sf", file, "-s", service])
    }

    /// sipp listening on 127.0.0.1:`port` (a UAS), with `args`.
    pub fn uas(port: u16, args: &[&str]) -> Sipp {
        let mut sipp = Sipp::bare(args);
        sipp.command.args(["-p", &port.to_string()]);
        sipp
    }

    fn bare(args: &[&str]) -> Sipp {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut command = Command::new("sipp");
        command
            .current_dir(dir.path())
            .args(["-i", "127.0.0.1", "-nostdin", "-trace_err"])
            .args(["-timeout", "20s", "-timeout_error"])
            .args(["-max_recv_loops", "1000"]);
        if !args.contains(&"-m") {
            command.args(["-m", "1"]);
        }
        if !args.contains(&"-p") {
            command.args(["-p", &free_sip_port().to_string()]);
        }
        command.args(args);
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Sipp { command, dir }
    }

    /// Runs to completion.
    pub fn run(mut self) -> SippResult {
        let output = self
            .command
            .output()
            .expect("sipp runs (install it: cargo xtask test installs sip-tester)");
        SippResult::new(output, &self.dir)
    }

    /// Starts in the background; [`SippRunning::wait`] collects the result.
    pub fn spawn(mut self) -> SippRunning {
        let child = self
            .command
            .spawn()
            .expect("sipp runs (install it: cargo xtask test installs sip-tester)");
        SippRunning {
            child,
            dir: self.dir,
        }
    }
}

/// A sipp started with [`Sipp::spawn`].
pub struct SippRunning {
    child: Child,
    dir: tempfile::TempDir,
}

impl SippRunning {
    /// Waits for sipp to end (its own -timeout bounds it).
    pub fn wait(self) -> SippResult {
        let output = self.child.wait_with_output().expect("sipp ends");
        SippResult::new(output, &self.dir)
    }
}

/// How a sipp run ended.
pub struct SippResult {
    /// Whether every call succeeded (exit status 0).
    pub success: bool,
    /// Exit status, standard output and error, and the unexpected-message trace.
    pub report: String,
    /// What the scenario's `<log>` actions wrote (sipp run with `-trace_logs`).
    pub logs: String,
}

impl SippResult {
    fn new(output: Output, dir: &tempfile::TempDir) -> SippResult {
        let mut report = format!(
            "exit: {}\nstdout tail:\n{}\nstderr:\n{}",
            output.status,
            tail(&String::from_utf8_lossy(&output.stdout), 30),
            String::from_utf8_lossy(&output.stderr)
        );
        let mut logs = String::new();
        if let Ok(entries) = std::fs::read_dir(dir.path()) {
            for entry in entries.flatten() {
                let path = entry.path();
                let name = path.to_string_lossy();
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                if name.ends_with("_errors.log") {
                    report.push_str(&format!("\n{}:\n{text}", path.display()));
                } else if name.ends_with("_logs.log") {
                    report.push_str(&format!("\n{}:\n{text}", path.display()));
                    logs.push_str(&text);
                }
            }
        }
        SippResult {
            success: output.status.success(),
            logs,
            report,
        }
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
