//! The inbound side: listening on `listen-ip:listen-port`, checking each client against the
//! ACLs, and giving each a connection. Runs on the module's runtime thread until
//! [`Server::stop`].

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferroswitch_abi::{Error, LogLevel};

use crate::command::{Interpreter, Role};
use crate::connection::{Connection, Context, FIRST_COMMAND_LIMIT};
use crate::hub::Outgoing;
use crate::messages::{disconnect_notice, AUTH_REQUEST, GOODBYE, RUDE_REJECTION, SHUTTING_DOWN};
use crate::subscription::ListenerState;

/// How often binding is retried while the port is taken (a reloaded build waits for the old
/// one to let it go).
const BIND_RETRY: Duration = Duration::from_millis(100);
/// How long a stop waits for clients to read their notice before closing them anyway.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// The listening side of the module.
pub struct Server {
    context: Arc<Context>,
    stopping: AtomicBool,
    /// Where it listens, once bound (for the stop to wake the accept).
    bound: Mutex<Option<SocketAddr>>,
}

impl Server {
    /// A server that has not bound yet.
    pub fn new(context: Arc<Context>) -> Self {
        Self {
            context,
            stopping: AtomicBool::new(false),
            bound: Mutex::new(None),
        }
    }

    /// Binds (retrying while the port is taken, unless `stop-on-bind-error`) and accepts
    /// clients until [`stop`](Self::stop).
    pub fn run(&self) -> Result<(), Error> {
        let Some(listener) = self.bind()? else {
            return Ok(());
        };
        for stream in listener.incoming() {
            if self.stopping.load(Ordering::Acquire) {
                break;
            }
            match stream {
                Ok(stream) => self.accept(stream),
                Err(error) => {
                    self.context.host.log(
                        LogLevel::Err,
                        &format!("event socket: accept failed: {error}"),
                    );
                    std::thread::sleep(BIND_RETRY);
                }
            }
        }
        Ok(())
    }

    fn bind(&self) -> Result<Option<TcpListener>, Error> {
        let address = self.context.config.listen;
        let mut reported = false;
        loop {
            if self.stopping.load(Ordering::Acquire) {
                return Ok(None);
            }
            match TcpListener::bind(address) {
                Ok(listener) => {
                    let local = listener.local_addr().unwrap_or(address);
                    *self
                        .bound
                        .lock()
                        .unwrap_or_else(|poison| poison.into_inner()) = Some(local);
                    // A stop that looked before the address was recorded could not wake the
                    // accept loop: it must see the flag now instead.
                    if self.stopping.load(Ordering::Acquire) {
                        return Ok(None);
                    }
                    self.context.host.log(
                        LogLevel::Info,
                        &format!("event socket listening on {local}"),
                    );
                    return Ok(Some(listener));
                }
                Err(error) => {
                    let message = format!("Socket Error! Could not listen on {address}: {error}");
                    if self.context.config.stop_on_bind_error {
                        return Err(Error::failed(message));
                    }
                    if !reported {
                        self.context.host.log(
                            LogLevel::Err,
                            &format!("{message}; retrying until it is free"),
                        );
                        reported = true;
                    }
                    std::thread::sleep(BIND_RETRY);
                }
            }
        }
    }

    fn accept(&self, stream: TcpStream) {
        let peer = match stream.peer_addr() {
            Ok(peer) => peer,
            Err(error) => {
                self.context.host.log(
                    LogLevel::Err,
                    &format!("event socket: error initializing connection: {error}"),
                );
                return;
            }
        };
        if let Some(acl) = self.context.config.refusing_acl(peer.ip()) {
            self.context.host.log(
                LogLevel::Warning,
                &format!("IP {} Rejected by acl \"{}\"", peer.ip(), acl.name),
            );
            reject(stream);
            return;
        }
        let connection = match Connection::open(
            &self.context,
            stream,
            peer.to_string(),
            ListenerState::default(),
        ) {
            Ok(connection) => connection,
            Err(error) => {
                self.context.host.log(
                    LogLevel::Err,
                    &format!("event socket: cannot serve {peer}: {error}"),
                );
                return;
            }
        };
        connection
            .listener
            .push(Outgoing::Text(AUTH_REQUEST.to_owned()));
        let listener = Arc::clone(&connection.listener);
        let context = Arc::clone(&self.context);
        let spawned = std::thread::Builder::new()
            .name(format!("esl reader {}", listener.id))
            .spawn(move || {
                let interpreter = Interpreter::new(
                    Role::Inbound,
                    &context.config.password,
                    Arc::clone(&connection.listener.state),
                );
                connection.serve(&context, interpreter, Some(FIRST_COMMAND_LIMIT));
            });
        if let Err(error) = spawned {
            listener.close_socket();
            self.context.host.log(
                LogLevel::Err,
                &format!("event socket: cannot serve {peer}: {error}"),
            );
        }
    }

    /// Stops listening, says goodbye to every client and closes them (waiting a little for
    /// them to read it).
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::Release);
        let bound = *self
            .bound
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(bound) = bound {
            // The accept loop blocks in accept(): one connection wakes it to see the flag.
            let _ = TcpStream::connect_timeout(&wake_address(bound), Duration::from_secs(1));
        }
        self.context.hub.close_all(SHUTTING_DOWN);
        if !self.context.wait_idle(STOP_GRACE) {
            self.context.hub.shut_all();
            self.context.wait_idle(STOP_GRACE);
        }
    }
}

/// Where to connect to reach a listener bound to `bound` (any-address binds are reached on
/// loopback).
fn wake_address(bound: SocketAddr) -> SocketAddr {
    let ip = match bound.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, bound.port())
}

/// Tells a client the ACL refused it, then closes.
fn reject(mut stream: TcpStream) {
    // The client may not read: never let it hold the accept loop for long.
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = stream.write_all(RUDE_REJECTION.as_bytes());
    let _ = stream.write_all(disconnect_notice(None, GOODBYE).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_address_binds_are_woken_on_loopback() {
        let any4: SocketAddr = "0.0.0.0:8021".parse().unwrap();
        assert_eq!(wake_address(any4).to_string(), "127.0.0.1:8021");
        let any6: SocketAddr = "[::]:8021".parse().unwrap();
        assert_eq!(wake_address(any6).to_string(), "[::1]:8021");
        let specific: SocketAddr = "10.0.0.1:8021".parse().unwrap();
        assert_eq!(wake_address(specific), specific);
    }
}
