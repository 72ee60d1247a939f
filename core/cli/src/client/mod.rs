//! A small blocking event-socket client over [`TcpStream`].
//!
//! [`Client::connect`] dials, reads the `auth/request` greeting and authenticates. Then
//! [`Client::api`] runs one API command, [`Client::send_recv`] sends any command and waits
//! for its `command/reply` or `api/response` (events arriving meanwhile are kept for
//! [`Client::recv`], as FreeSWITCH's own library keeps them), and [`Client::into_split`]
//! hands the two directions to two threads, for a console that prints events while it
//! reads commands.

mod error;

pub use error::ClientError;

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::esl::{content_type, Framer, Message};

/// An authenticated connection to the event socket.
#[derive(Debug)]
pub struct Client {
    writer: CommandWriter,
    reader: MessageReader,
}

impl Client {
    /// Connects to `host:port` and authenticates with `password`. `timeout` bounds the
    /// connection and each wait of the greeting and the authentication; afterwards waits are
    /// unbounded until [`set_reply_timeout`](Client::set_reply_timeout).
    pub fn connect(
        host: &str,
        port: u16,
        password: &str,
        timeout: Duration,
    ) -> Result<Client, ClientError> {
        let stream = dial(host, port, timeout)?;
        // Commands are small and answered one at a time; Nagle would only add delay.
        stream.set_nodelay(true)?;
        let reader_stream = stream.try_clone()?;
        let mut client = Client {
            writer: CommandWriter { stream },
            reader: MessageReader {
                stream: reader_stream,
                framer: Framer::new(),
                queued: VecDeque::new(),
                timeout: None,
            },
        };
        client.set_reply_timeout(Some(timeout))?;
        let greeting = client.reader.read_message()?;
        match greeting.content_type() {
            Some(content_type::AUTH_REQUEST) => {}
            Some(content_type::DISCONNECT_NOTICE) => {
                return Err(ClientError::Disconnected {
                    notice: greeting.body_text().trim().to_owned(),
                })
            }
            other => {
                return Err(ClientError::NotAnEventSocket {
                    got: other.map_or("a message without Content-Type".to_owned(), |kind| {
                        format!("Content-Type {kind}")
                    }),
                })
            }
        }
        let reply = client.send_recv(&format!("auth {password}"))?;
        let text = reply.reply_text().unwrap_or_default();
        if !text.starts_with("+OK") {
            return Err(ClientError::AuthRejected {
                reply: if text.is_empty() {
                    "no Reply-Text".to_owned()
                } else {
                    text.to_owned()
                },
            });
        }
        client.set_reply_timeout(None)?;
        Ok(client)
    }

    /// Bounds every later wait for a message (`None`: wait as long as it takes).
    pub fn set_reply_timeout(&mut self, timeout: Option<Duration>) -> Result<(), ClientError> {
        self.reader.set_timeout(timeout)
    }

    /// Sends `command` (the lines of one command; the ending empty line is added).
    pub fn send_command(&mut self, command: &str) -> Result<(), ClientError> {
        self.writer.send_command(command)
    }

    /// The next message: first those kept while waiting for replies, then from the socket.
    pub fn recv(&mut self) -> Result<Message, ClientError> {
        self.reader.next_message()
    }

    /// Sends `command` and returns its `command/reply` or `api/response`; events and log lines
    /// that arrive first are kept for [`recv`](Client::recv).
    pub fn send_recv(&mut self, command: &str) -> Result<Message, ClientError> {
        self.writer.send_command(command)?;
        loop {
            let message = self.reader.read_message()?;
            match message.content_type() {
                Some(content_type::COMMAND_REPLY | content_type::API_RESPONSE) => {
                    return Ok(message)
                }
                Some(content_type::DISCONNECT_NOTICE) if !is_linger(&message) => {
                    return Err(ClientError::Disconnected {
                        notice: message.body_text().trim().to_owned(),
                    })
                }
                _ => self.reader.queued.push_back(message),
            }
        }
    }

    /// Runs the API command `command` (`status`, `show channels`, ...) and returns its output.
    pub fn api(&mut self, command: &str) -> Result<String, ClientError> {
        if command.contains(['\n', '\r']) {
            return Err(ClientError::LineBreakInCommand);
        }
        let reply = self.send_recv(&format!("api {command}"))?;
        Ok(reply.body_text().into_owned())
    }

    /// The sending and the receiving half, for two threads.
    pub fn into_split(self) -> (CommandWriter, MessageReader) {
        (self.writer, self.reader)
    }
}

/// The sending half of a connection.
#[derive(Debug)]
pub struct CommandWriter {
    stream: TcpStream,
}

impl CommandWriter {
    /// Sends `command` followed by the empty line that ends it.
    pub fn send_command(&mut self, command: &str) -> Result<(), ClientError> {
        let mut bytes = command.trim_end_matches(['\n', '\r']).as_bytes().to_vec();
        bytes.extend_from_slice(b"\n\n");
        self.stream.write_all(&bytes)?;
        Ok(())
    }

    /// Closes both directions, which also ends a [`MessageReader`] blocked in a read.
    pub fn shutdown(&self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

/// The receiving half of a connection.
#[derive(Debug)]
pub struct MessageReader {
    stream: TcpStream,
    framer: Framer,
    queued: VecDeque<Message>,
    timeout: Option<Duration>,
}

impl MessageReader {
    /// The next message: first those kept while waiting for replies, then from the socket.
    pub fn next_message(&mut self) -> Result<Message, ClientError> {
        match self.queued.pop_front() {
            Some(message) => Ok(message),
            None => self.read_message(),
        }
    }

    fn set_timeout(&mut self, timeout: Option<Duration>) -> Result<(), ClientError> {
        self.stream.set_read_timeout(timeout)?;
        self.timeout = timeout;
        Ok(())
    }

    /// The next message from the socket, ignoring the queue.
    fn read_message(&mut self) -> Result<Message, ClientError> {
        let mut buffer = [0u8; 16 * 1024];
        loop {
            if let Some(message) = self.framer.poll_message()? {
                return Ok(message);
            }
            let count = match self.stream.read(&mut buffer) {
                Ok(count) => count,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error)
                    if matches!(
                        error.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(ClientError::Timeout(self.timeout.unwrap_or_default()))
                }
                Err(error) => return Err(error.into()),
            };
            if count == 0 {
                return Err(if self.framer.is_idle() {
                    ClientError::Closed
                } else {
                    ClientError::ClosedMidMessage
                });
            }
            self.framer.handle_input(&buffer[..count]);
        }
    }
}

/// A disconnect notice with `Content-Disposition: linger` announces that the server will keep
/// sending the channel's remaining events before closing; it does not end the conversation.
pub fn is_linger(message: &Message) -> bool {
    message
        .header("Content-Disposition")
        .is_some_and(|disposition| disposition.eq_ignore_ascii_case("linger"))
}

/// Connects to the first address of `host` that accepts, reporting the last failure.
fn dial(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, ClientError> {
    let addresses: Vec<_> = (host, port)
        .to_socket_addrs()
        .map_err(ClientError::Resolve)?
        .collect();
    let mut last_error = io::Error::new(io::ErrorKind::NotFound, "the host has no address");
    for address in addresses {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(stream) => return Ok(stream),
            Err(error) => last_error = error,
        }
    }
    Err(ClientError::Connect(last_error))
}
