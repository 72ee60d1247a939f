//! The switch the SIP benches drive: one SIP profile on 127.0.0.1 offering PCMA first, whose
//! `public` context bridges every call to a sipp callee, and an event socket for the per-leg
//! RTP counters. Its per-source INVITE limit (50/s by default, a flood guard) is lifted: every
//! call of the bench comes from one sipp.

use std::net::TcpListener;
use std::path::Path;

use crate::error::Error;

use super::sipp::free_udp_port;
use super::switch_process::{bench_error, SwitchProcess};

const MODULES: &[&str] = &[
    "mod_commands",
    "mod_soft_timer",
    "mod_g711",
    "mod_dialplan_xml",
    "mod_dptools",
    "mod_sip",
    "mod_event_socket",
];
pub const EVENT_SOCKET_PASSWORD: &str = "ClueCon";
/// FreeSWITCH's default range (as `conf/` ships it), ending below the kernel's ephemeral range
/// (32768 up), where sipp's `-mp` ports and the free SIP ports come from. Each leg of a call
/// holds an RTP/RTCP pair for the call's life, about 1.1 s in `sip_calls`: 8,192 pairs serve
/// 1,500 calls/s with room for a slow second. (10,000 ports ran out at 1,200 calls/s: 503 No
/// Media Port.)
const RTP_PORTS: (u16, u16) = (16_384, 32_767);

/// A running switch and the ports it listens on.
pub struct SipSwitch {
    pub process: SwitchProcess,
    pub sip_port: u16,
    pub event_socket_port: u16,
}

impl SipSwitch {
    /// Starts `binary` with a profile that bridges every call to the callee at
    /// 127.0.0.1:`callee_port`.
    pub fn start(binary: &Path, callee_port: u16) -> Result<SipSwitch, Error> {
        let sip_port = free_udp_port()?;
        let event_socket_port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|address| address.port())
            .map_err(|error| bench_error(format!("no free TCP port: {error}")))?;
        let (rtp_start, rtp_end) = RTP_PORTS;
        let sip_conf = format!(
            r#"<configuration name="sip.conf"><profiles><profile name="bench"><settings>
  <param name="sip-ip" value="127.0.0.1"/>
  <param name="sip-port" value="{sip_port}"/>
  <param name="rtp-start-port" value="{rtp_start}"/>
  <param name="rtp-end-port" value="{rtp_end}"/>
  <param name="context" value="public"/>
  <param name="codec-prefs" value="PCMA,PCMU"/>
  <param name="apply-inbound-acl" value="loopback.auto"/>
  <param name="max-invites-per-second-per-source" value="1000000"/>
</settings></profile></profiles></configuration>"#
        );
        let event_socket = format!(
            r#"<configuration name="event_socket.conf"><settings><param name="listen-ip" value="127.0.0.1"/><param name="listen-port" value="{event_socket_port}"/><param name="password" value="{EVENT_SOCKET_PASSWORD}"/></settings></configuration>"#
        );
        let dialplan = format!(
            r#"<include><context name="public">
  <extension name="bridge"><condition field="destination_number" expression="^bridge$">
    <action application="bridge" data="sofia/bench/uas@127.0.0.1:{callee_port}"/>
  </condition></extension>
</context></include>"#
        );
        let params = [
            ("max-sessions", "100000"),
            ("sessions-per-second", "0"),
            ("loglevel", "err"),
        ];
        let mut process = SwitchProcess::start_with_configs(
            binary,
            MODULES,
            &params,
            &[
                ("sip.conf.xml", sip_conf),
                ("event_socket.conf.xml", event_socket),
                ("dialplan/public.xml", dialplan),
            ],
        )?;
        let status = process.api("sofia status")?;
        if !status.contains("RUNNING") {
            return Err(bench_error(format!(
                "the bench's SIP profile does not run: {status}"
            )));
        }
        Ok(SipSwitch {
            process,
            sip_port,
            event_socket_port,
        })
    }
}
