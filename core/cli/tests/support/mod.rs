//! A scripted stand-in for the event socket: greets, checks the password `ClueCon`, records
//! each command and answers it with what the test's closure returns.

#![allow(dead_code, reason = "each test file uses part of the support")]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;

/// A fake event socket on a free loopback port, serving connections one after another.
pub struct FakeServer {
    pub port: u16,
    commands: Arc<Mutex<Vec<String>>>,
}

impl FakeServer {
    /// `respond` turns each command after `auth` into the bytes to send back.
    pub fn start(respond: impl Fn(&str) -> Vec<u8> + Send + Sync + 'static) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        let port = listener.local_addr().expect("bound address").port();
        let commands = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&commands);
        let respond = Arc::new(respond);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                let recorded = Arc::clone(&recorded);
                let respond = Arc::clone(&respond);
                thread::spawn(move || serve(stream, &recorded, &*respond));
            }
        });
        FakeServer { port, commands }
    }

    /// Every command received so far, without its ending empty line.
    pub fn commands(&self) -> Vec<String> {
        self.commands.lock().expect("commands").clone()
    }
}

fn serve(mut stream: TcpStream, recorded: &Mutex<Vec<String>>, respond: &dyn Fn(&str) -> Vec<u8>) {
    if stream.write_all(b"Content-Type: auth/request\n\n").is_err() {
        return;
    }
    let mut pending = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        while let Some(end) = pending.windows(2).position(|pair| pair == b"\n\n") {
            let command = String::from_utf8_lossy(&pending[..end]).into_owned();
            pending.drain(..end + 2);
            recorded.lock().expect("commands").push(command.clone());
            let answer = match command.strip_prefix("auth ") {
                Some("ClueCon") => reply("+OK accepted"),
                Some(_) => {
                    let _ = stream.write_all(&reply("-ERR invalid"));
                    return;
                }
                None => respond(&command),
            };
            if stream.write_all(&answer).is_err() {
                return;
            }
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(count) => pending.extend_from_slice(&buffer[..count]),
        }
    }
}

/// A `command/reply`.
pub fn reply(text: &str) -> Vec<u8> {
    format!("Content-Type: command/reply\nReply-Text: {text}\n\n").into_bytes()
}

/// An `api/response` with `body`.
pub fn api_response(body: &str) -> Vec<u8> {
    format!(
        "Content-Type: api/response\nContent-Length: {}\n\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A `text/event-plain` message; `headers` are written as given (already URL-encoded).
pub fn plain_event(headers: &[(&str, &str)]) -> Vec<u8> {
    let body: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\n"))
        .collect::<String>()
        + "\n";
    format!(
        "Content-Type: text/event-plain\nContent-Length: {}\n\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A `log/data` message.
pub fn log_data(level: u8, line: &str) -> Vec<u8> {
    format!(
        "Content-Type: log/data\nContent-Length: {}\nLog-Level: {level}\n\n{line}",
        line.len()
    )
    .into_bytes()
}

/// The built `ferroswitch-cli`.
pub fn cli() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ferroswitch-cli"))
}
