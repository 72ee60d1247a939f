//! A tiny raw event-socket client (and, for outbound tests, server) that speaks the protocol
//! by hand: it sends commands and reads whole messages — a header block and the body its
//! `Content-Length` announces — keeping the exact bytes for byte-for-byte comparisons.
//! Every read is bounded by [`WAIT_LIMIT`].

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use crate::WAIT_LIMIT;

/// One message from the server.
#[derive(Clone, Debug)]
pub struct Message {
    /// Exactly what was read: the header block, the empty line and the body.
    pub raw: String,
    /// The header block's `Name: value` lines.
    pub headers: Vec<(String, String)>,
    /// The body (empty without `Content-Length`).
    pub body: String,
}

impl Message {
    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }

    /// The `Content-Type`, or "".
    pub fn content_type(&self) -> &str {
        self.header("Content-Type").unwrap_or_default()
    }

    /// Whether it carries an event (`text/event-*`).
    pub fn is_event(&self) -> bool {
        self.content_type().starts_with("text/event-")
    }

    /// The event of a `text/event-plain` message, its values URL-decoded.
    pub fn plain_event(&self) -> PlainEvent {
        assert_eq!(self.content_type(), "text/event-plain", "{}", self.raw);
        PlainEvent::parse(&self.body)
    }
}

/// An event in the plain format.
#[derive(Clone, Debug)]
pub struct PlainEvent {
    /// Its headers, values URL-decoded.
    pub headers: Vec<(String, String)>,
    /// Its body, if it has one.
    pub body: String,
}

impl PlainEvent {
    /// Parses the plain format: `Name: url-encoded value` lines, an empty line, and a body
    /// when a `Content-Length` line announced one.
    pub fn parse(text: &str) -> Self {
        let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
        let headers = head
            .lines()
            .filter_map(|line| line.split_once(": "))
            .map(|(name, value)| (name.to_owned(), url_decode(value)))
            .collect();
        Self {
            headers,
            body: body.to_owned(),
        }
    }

    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }
}

fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(header, _)| header.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// Decodes `%XX` escapes.
pub fn url_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| text.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A connection speaking the event-socket protocol.
pub struct EslClient {
    stream: TcpStream,
    buffer: Vec<u8>,
    /// Messages read while looking for something else, oldest first.
    backlog: Vec<Message>,
}

impl EslClient {
    /// Connects to the switch's event socket on `port`, retrying while it starts.
    pub fn connect(port: u16) -> Self {
        let deadline = Instant::now() + WAIT_LIMIT;
        loop {
            match TcpStream::connect(("127.0.0.1", port)) {
                Ok(stream) => return Self::from_stream(stream),
                Err(error) => {
                    assert!(
                        Instant::now() < deadline,
                        "the event socket on port {port} never accepted: {error}"
                    );
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
    }

    /// Connects, checks the auth request and authenticates with `password`.
    pub fn connect_authed(port: u16, password: &str) -> Self {
        let mut client = Self::connect(port);
        let request = client.read_message();
        assert_eq!(request.raw, "Content-Type: auth/request\n\n");
        let reply = client.command(&format!("auth {password}"));
        assert_eq!(
            reply.header("Reply-Text"),
            Some("+OK accepted"),
            "{}",
            reply.raw
        );
        client
    }

    /// Wraps a connected stream.
    pub fn from_stream(stream: TcpStream) -> Self {
        stream
            .set_read_timeout(Some(WAIT_LIMIT))
            .expect("a read timeout");
        Self {
            stream,
            buffer: Vec::new(),
            backlog: Vec::new(),
        }
    }

    /// Sends `text` followed by the empty line that ends a command.
    pub fn send(&mut self, text: &str) {
        self.send_raw(format!("{text}\n\n").as_bytes());
    }

    /// Sends bytes as they are.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stream
            .write_all(bytes)
            .expect("the server takes input");
    }

    /// Reads the next message from the socket (not from the backlog).
    pub fn read_message(&mut self) -> Message {
        loop {
            if let Some(message) = self.take_message() {
                return message;
            }
            self.fill();
        }
    }

    /// Sends a command and returns its reply (`command/reply` or `api/response`); messages
    /// read meanwhile (events, logs) go to the backlog.
    pub fn command(&mut self, text: &str) -> Message {
        self.send(text);
        self.next_matching(&format!("the reply to {text:?}"), |message| {
            matches!(message.content_type(), "command/reply" | "api/response")
        })
    }

    /// The next message, from the backlog first, that `wanted` accepts; others stay in the
    /// backlog.
    pub fn next_matching(
        &mut self,
        what: &str,
        mut wanted: impl FnMut(&Message) -> bool,
    ) -> Message {
        if let Some(index) = self.backlog.iter().position(&mut wanted) {
            return self.backlog.remove(index);
        }
        let deadline = Instant::now() + WAIT_LIMIT;
        loop {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            let message = self.read_message();
            if wanted(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// The next plain event `wanted` accepts.
    pub fn next_event(
        &mut self,
        what: &str,
        mut wanted: impl FnMut(&PlainEvent) -> bool,
    ) -> PlainEvent {
        let message = self.next_matching(what, |message| {
            message.content_type() == "text/event-plain" && wanted(&message.plain_event())
        });
        message.plain_event()
    }

    /// Everything read and not yet taken.
    pub fn backlog(&self) -> &[Message] {
        &self.backlog
    }

    /// Reads until the server closes the connection; returns the messages read meanwhile.
    pub fn read_until_closed(&mut self) -> Vec<Message> {
        let mut messages = std::mem::take(&mut self.backlog);
        loop {
            while let Some(message) = self.take_message() {
                messages.push(message);
            }
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(count) => self.buffer.extend_from_slice(&chunk[..count]),
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) if error.kind() == ErrorKind::ConnectionReset => break,
                Err(error) => panic!("waiting for the server to close: {error}"),
            }
        }
        assert!(
            self.buffer.is_empty(),
            "a partial message before the close: {:?}",
            String::from_utf8_lossy(&self.buffer)
        );
        messages
    }

    /// Reads and discards everything until the server closes the connection (which may
    /// cut a message short); returns how many bytes came.
    pub fn discard_until_closed(&mut self) -> usize {
        let mut total = self.buffer.len();
        self.buffer.clear();
        let mut chunk = [0u8; 65536];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return total,
                Ok(count) => total += count,
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) if error.kind() == ErrorKind::ConnectionReset => return total,
                Err(error) => panic!("waiting for the server to close: {error}"),
            }
        }
    }

    fn fill(&mut self) {
        let mut chunk = [0u8; 8192];
        match self.stream.read(&mut chunk) {
            Ok(0) => panic!(
                "the server closed the connection; unread: {:?}",
                String::from_utf8_lossy(&self.buffer)
            ),
            Ok(count) => self.buffer.extend_from_slice(&chunk[..count]),
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => panic!(
                "reading from the event socket: {error}; unread: {:?}",
                String::from_utf8_lossy(&self.buffer)
            ),
        }
    }

    /// A whole message from the buffer, if one is there.
    fn take_message(&mut self) -> Option<Message> {
        let end = self.buffer.windows(2).position(|pair| pair == b"\n\n")? + 2;
        let head = String::from_utf8_lossy(&self.buffer[..end]).into_owned();
        let headers: Vec<(String, String)> = head
            .lines()
            .filter_map(|line| line.split_once(": "))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        let length = find(&headers, "Content-Length").map_or(0, |value| {
            value.parse::<usize>().expect("a numeric Content-Length")
        });
        if self.buffer.len() < end + length {
            return None;
        }
        let body = String::from_utf8_lossy(&self.buffer[end..end + length]).into_owned();
        self.buffer.drain(..end + length);
        Some(Message {
            raw: format!("{head}{body}"),
            headers,
            body,
        })
    }
}

/// A server for outbound `socket` connections.
pub struct EslServer {
    listener: TcpListener,
}

impl EslServer {
    /// Listens on a free loopback port.
    pub fn bind() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        Self { listener }
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().expect("bound").port()
    }

    /// Waits (bounded) for the switch to connect.
    pub fn accept(&self) -> EslClient {
        let deadline = Instant::now() + WAIT_LIMIT;
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false).expect("a blocking stream");
                    return EslClient::from_stream(stream);
                }
                Err(error) if error.kind() == ErrorKind::WouldBlock => {
                    assert!(Instant::now() < deadline, "the switch never connected out");
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(error) => panic!("accepting the outbound connection: {error}"),
            }
        }
    }
}
