//! Sums the RTP packet counters each leg reports at hangup (`rtp_audio_in_packet_count` /
//! `rtp_audio_out_packet_count` on CHANNEL_HANGUP_COMPLETE), per call direction, from an
//! event-socket subscription read on its own thread.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::Error;

use super::switch_process::bench_error;

/// Packets counted by the legs of one direction.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LegPackets {
    pub legs: u64,
    /// Packets the legs received from their peer.
    pub received: u64,
    /// Packets the legs sent to their peer.
    pub sent: u64,
}

/// Totals for the caller-facing (`inbound`) and callee-facing (`outbound`) legs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub inbound: LegPackets,
    pub outbound: LegPackets,
}

/// The subscription; [`HangupCounters::totals`] reads what arrived so far.
pub struct HangupCounters {
    totals: Arc<Mutex<Totals>>,
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
}

impl HangupCounters {
    /// Connects to the event socket on `port`, authenticates and subscribes.
    pub fn subscribe(port: u16, password: &str) -> Result<HangupCounters, Error> {
        let fail = |step: &str, error: std::io::Error| {
            bench_error(format!("event socket 127.0.0.1:{port}: {step}: {error}"))
        };
        let stream =
            TcpStream::connect(("127.0.0.1", port)).map_err(|error| fail("connecting", error))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|error| fail("setting a timeout", error))?;
        let mut writer = stream.try_clone().map_err(|error| fail("cloning", error))?;
        let mut reader = BufReader::new(stream);
        read_message(&mut reader).map_err(|error| fail("greeting", error))?;
        for command in [
            format!("auth {password}"),
            "event plain CHANNEL_HANGUP_COMPLETE".into(),
        ] {
            writer
                .write_all(format!("{command}\n\n").as_bytes())
                .map_err(|error| fail("sending", error))?;
            let (headers, _) = read_message(&mut reader).map_err(|error| fail("reply", error))?;
            if !headers
                .get("Reply-Text")
                .is_some_and(|text| text.starts_with("+OK"))
            {
                return Err(bench_error(format!(
                    "event socket refused `{command}`: {headers:?}"
                )));
            }
        }
        // Short, so the reader notices `stop` soon after the bench is done.
        reader
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(200)))
            .map_err(|error| fail("setting a timeout", error))?;
        let totals = Arc::new(Mutex::new(Totals::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let reader = {
            let (totals, stop) = (totals.clone(), stop.clone());
            std::thread::spawn(move || tally(reader, &totals, &stop))
        };
        Ok(HangupCounters {
            totals,
            stop,
            reader: Some(reader),
        })
    }

    pub fn totals(&self) -> Totals {
        self.totals.lock().map(|totals| *totals).unwrap_or_default()
    }
}

impl Drop for HangupCounters {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

fn tally(mut reader: BufReader<TcpStream>, totals: &Mutex<Totals>, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        let body = match read_message(&mut reader) {
            Ok((_, body)) => body,
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue
            }
            Err(_) => return,
        };
        let event = parse_headers(&String::from_utf8_lossy(&body));
        let count = |name: &str| {
            event
                .get(name)
                .and_then(|value| value.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let Ok(mut totals) = totals.lock() else {
            return;
        };
        let leg = match event.get("Call-Direction").map(String::as_str) {
            Some("inbound") => &mut totals.inbound,
            Some("outbound") => &mut totals.outbound,
            _ => continue,
        };
        leg.legs += 1;
        leg.received += count("variable_rtp_audio_in_packet_count");
        leg.sent += count("variable_rtp_audio_out_packet_count");
    }
}

/// One event-socket message: its header block and its `Content-Length` body. A timeout in
/// the middle of a message would lose its start, so only a timeout before the first byte is
/// returned as one; later ones wait on.
fn read_message(
    reader: &mut BufReader<TcpStream>,
) -> std::io::Result<(HashMap<String, String>, Vec<u8>)> {
    let mut block = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the event socket closed",
                ))
            }
            Ok(_) => {}
            Err(error) if block.is_empty() && line.is_empty() => return Err(error),
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                block.push_str(&line);
                continue;
            }
            Err(error) => return Err(error),
        }
        if line == "\n" && !block.is_empty() {
            break;
        }
        if line != "\n" {
            block.push_str(&line);
        }
    }
    let headers = parse_headers(&block);
    let length = headers
        .get("Content-Length")
        .and_then(|length| length.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    let mut filled = 0;
    while filled < length {
        match reader.read(&mut body[filled..]) {
            Ok(0) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "the event socket closed mid-message",
                ))
            }
            Ok(read) => filled += read,
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(error) => return Err(error),
        }
    }
    Ok((headers, body))
}

/// `Name: value` lines; values of events in plain format are URL-encoded, but the ones this
/// bench reads (numbers, `inbound`/`outbound`) never need decoding.
fn parse_headers(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|line| line.split_once(": "))
        .map(|(name, value)| (name.to_owned(), value.trim().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_split_at_the_first_colon() {
        let headers = parse_headers("Call-Direction: inbound\nvariable_x: a: b\n");
        assert_eq!(headers["Call-Direction"], "inbound");
        assert_eq!(headers["variable_x"], "a: b");
    }
}
