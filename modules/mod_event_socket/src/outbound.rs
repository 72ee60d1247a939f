//! The `socket` application: `socket <host>[:<port>][/<path>] [async] [full]` connects the
//! call to an outside server, which then controls it with the outbound protocol (`connect`,
//! `myevents`, `linger`, `sendmsg`, and with `full` everything an inbound client may do).
//!
//! Without `async` the connection is served on the call's own thread and `sendmsg`
//! applications run at once; with it, the connection gets a thread of its own, `sendmsg`
//! applications are queued, and the call parks (running them) until it hangs up. Several
//! servers may be given as `a:8084|b:8084`: they are tried in order.

use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use ferroswitch_abi::{Application, Error, HangupCause, LogLevel, Session};

use crate::command::{Interpreter, Role};
use crate::connection::{Connection, Context, FIRST_COMMAND_LIMIT};
use crate::hub::Outgoing;
use crate::subscription::ListenerState;

/// FreeSWITCH's default port for `socket`.
pub const DEFAULT_PORT: u16 = 8084;
/// How long connecting to one server may take.
const CONNECT_LIMIT: Duration = Duration::from_secs(10);

/// What `socket`'s argument asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SocketTarget {
    /// The servers to try, in order: (host, port, path).
    pub servers: Vec<(String, u16, Option<String>)>,
    /// `async`.
    pub asynchronous: bool,
    /// `full`.
    pub full: bool,
}

impl SocketTarget {
    /// Parses `host[:port][/path][|host...] [async] [full]`.
    pub fn parse(arg: &str) -> Result<Self, String> {
        let mut words = arg.split(' ').filter(|word| !word.is_empty());
        let first = words
            .next()
            .ok_or_else(|| "socket: missing host (<ip>[:<port>] [async] [full])".to_owned())?;
        let mut servers = Vec::new();
        for spec in first.split('|').filter(|spec| !spec.is_empty()) {
            servers.push(parse_server(spec)?);
        }
        if servers.is_empty() {
            return Err("socket: missing host (<ip>[:<port>] [async] [full])".to_owned());
        }
        let mut target = Self {
            servers,
            asynchronous: false,
            full: false,
        };
        for word in words {
            if word.eq_ignore_ascii_case("async") {
                target.asynchronous = true;
            } else if word.eq_ignore_ascii_case("full") {
                target.full = true;
            }
        }
        Ok(target)
    }
}

/// `host[:port][/path]`; the port is after the last colon (`[::1]:8084` for IPv6).
fn parse_server(spec: &str) -> Result<(String, u16, Option<String>), String> {
    let (address, path) = match spec.split_once('/') {
        Some((address, path)) => (address, Some(path.to_owned())),
        None => (spec, None),
    };
    let bracketed = address.starts_with('[');
    let (host, port) = match address.rsplit_once(':') {
        Some((host, port)) if !bracketed || host.ends_with(']') => {
            let port = port
                .parse::<u16>()
                .map_err(|_| format!("socket: \"{port}\" is not a port in \"{spec}\""))?;
            (host, port)
        }
        _ => (address, DEFAULT_PORT),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(format!("socket: missing host in \"{spec}\""));
    }
    Ok((host.to_owned(), port, path))
}

/// The registered application.
pub struct SocketApp {
    context: Arc<Context>,
}

impl SocketApp {
    /// The application, sharing the module's context.
    pub fn new(context: Arc<Context>) -> Self {
        Self { context }
    }

    /// Connects to the first server that answers, recording `socket_host`/`socket_path`.
    fn connect(&self, session: &Session, target: &SocketTarget) -> Option<TcpStream> {
        for (host, port, path) in &target.servers {
            // Variables are informative; a failure to set one does not stop the call.
            if let Some(path) = path {
                let _ = session.set_variable("socket_path", Some(path));
            }
            let _ = session.set_variable("socket_host", Some(host));
            session.log(LogLevel::Notice, &format!("Trying host: {host}:{port}"));
            let addresses = match (host.as_str(), *port).to_socket_addrs() {
                Ok(addresses) => addresses,
                Err(error) => {
                    session.log(LogLevel::Err, &format!("Socket Error: {host}: {error}"));
                    continue;
                }
            };
            for address in addresses {
                match TcpStream::connect_timeout(&address, CONNECT_LIMIT) {
                    Ok(stream) => return Some(stream),
                    Err(error) => {
                        session.log(LogLevel::Err, &format!("Socket Error: {address}: {error}"))
                    }
                }
            }
        }
        None
    }
}

/// When the server closes the socket, FreeSWITCH hangs the call up, unless the server sent
/// `resume` (`socket_resume=true`): then the call goes on with the rest of its extension,
/// which for an asynchronous socket means ending the park it waits in.
fn after_disconnect(session: Session, parked: bool) {
    if !session.is_ready() {
        return;
    }
    if session.variable("socket_resume").as_deref() == Some("true") {
        if parked {
            let _ = session.break_wait();
        }
    } else {
        let _ = session.hangup(HangupCause::NORMAL_CLEARING);
    }
}

impl Application for SocketApp {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let target = SocketTarget::parse(arg).map_err(Error::invalid_argument)?;
        let Some(stream) = self.connect(&session, &target) else {
            return Err(Error::failed(format!("socket: could not connect to {arg}")));
        };
        let peer = stream
            .peer_addr()
            .map_or_else(|_| "outbound".to_owned(), |peer| peer.to_string());
        let uuid = session.uuid();
        let state = ListenerState {
            controlled: Some(uuid),
            ..ListenerState::default()
        };
        let connection = Connection::open(&self.context, stream, peer, state)
            .map_err(|error| Error::failed(format!("socket: {error}")))?;
        let listener = Arc::clone(&connection.listener);
        if !session.is_ready() {
            listener.push(Outgoing::ChannelDown {
                channel_name: session.variable("channel_name").unwrap_or_default(),
            });
        }
        let role = Role::Outbound {
            full: target.full,
            asynchronous: target.asynchronous,
        };
        let interpreter = Interpreter::new(role, "", Arc::clone(&listener.state));
        if !target.asynchronous {
            connection.serve(&self.context, interpreter, Some(FIRST_COMMAND_LIMIT));
            after_disconnect(session, false);
            return Ok(());
        }
        let context = Arc::clone(&self.context);
        std::thread::Builder::new()
            .name(format!("esl outbound {}", listener.id))
            .spawn(move || {
                connection.serve(&context, interpreter, Some(FIRST_COMMAND_LIMIT));
                after_disconnect(session, true);
            })
            .map_err(|error| {
                listener.close_socket();
                Error::failed(format!(
                    "socket: cannot start the connection's thread: {error}"
                ))
            })?;
        // As FreeSWITCH does, the call parks only once the server said `connect` (or gave up).
        while session.is_ready() && !listener.wait_connected(Duration::from_millis(100)) {}
        // Parking ends when the call hangs up or is sent elsewhere; either way the
        // application is done, and the connection lives on (lingering) by itself.
        let _ = session.park();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_and_flags() {
        let target = SocketTarget::parse("127.0.0.1:8084 async full").expect("valid");
        assert_eq!(target.servers, vec![("127.0.0.1".to_owned(), 8084, None)]);
        assert!(target.asynchronous && target.full);
        let plain = SocketTarget::parse("example.com").expect("valid");
        assert_eq!(
            plain.servers,
            vec![("example.com".to_owned(), DEFAULT_PORT, None)]
        );
        assert!(!plain.asynchronous && !plain.full);
    }

    #[test]
    fn paths_alternatives_and_ipv6() {
        let target = SocketTarget::parse("10.0.0.1:9000/app|[::1]:9001 ASYNC").expect("valid");
        assert_eq!(
            target.servers,
            vec![
                ("10.0.0.1".to_owned(), 9000, Some("app".to_owned())),
                ("::1".to_owned(), 9001, None)
            ]
        );
        assert!(target.asynchronous);
        let bare_v6 = SocketTarget::parse("[::1]").expect("valid");
        assert_eq!(
            bare_v6.servers,
            vec![("::1".to_owned(), DEFAULT_PORT, None)]
        );
    }

    #[test]
    fn bad_arguments_say_why() {
        assert!(SocketTarget::parse("")
            .unwrap_err()
            .contains("missing host"));
        assert!(SocketTarget::parse(":8084")
            .unwrap_err()
            .contains("missing host"));
        assert!(SocketTarget::parse("h:http")
            .unwrap_err()
            .contains("not a port"));
    }
}
