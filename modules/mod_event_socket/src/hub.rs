//! The hub: every connected client, and the one event handler and one logger through which
//! the core hands the module its events and log lines.
//!
//! The core delivers events synchronously on the thread that fired them — often a call's own
//! thread — so [`Hub::handle_event`] never blocks: it asks each client's [`ListenerState`]
//! whether it wants the event and `try_send`s it into that client's bounded queue. A client
//! whose queue is full does not read: its socket is shut down at once (which also frees its
//! writer thread if it was stuck in a write), and its writer logs the drop on its way out.
//! Calls and the other clients never wait for it.

use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use ferroswitch_abi::{Event, EventHandler, Host, LogLevel, LogRecord, Logger};

use crate::buffers::BufferPool;
use crate::command::lock;
use crate::subscription::ListenerState;

/// What a client's writer thread writes, in queue order.
#[derive(Debug)]
pub enum Outgoing {
    /// A reply, a notice: bytes as they are.
    Text(String),
    /// An event, in the format the client asked for.
    Event(Arc<EventMessage>),
    /// A log line.
    Log(Arc<LogLine>),
    /// The controlled channel hung up (after its hangup event, if the client wanted that).
    ChannelDown {
        /// Its `Channel-Name`, for the linger notice.
        channel_name: String,
    },
    /// Write the disconnect notice with this text and close.
    Close(&'static str),
}

/// An event's whole message (envelope and body) in one format, as every client that asked
/// for that format receives it.
///
/// It is written on the firing thread, once per format, into a buffer from the hub's
/// [`BufferPool`], and shared: the writer that drops it last hands the buffer back.
#[derive(Debug)]
pub struct EventMessage {
    buffer: String,
    /// Where the message starts in `buffer` (see [`crate::format::envelope_into`]).
    start: usize,
}

impl EventMessage {
    /// The message.
    pub fn text(&self) -> &str {
        &self.buffer[self.start..]
    }

    /// The buffer it was written in, to be given back.
    pub fn into_buffer(self) -> String {
        self.buffer
    }
}

/// A log record, owned, to be written later by a client's writer.
#[derive(Debug)]
pub struct LogLine {
    pub level: LogLevel,
    pub timestamp_us: u64,
    pub module: String,
    pub session_uuid: String,
    pub message: String,
}

impl LogLine {
    fn from_record(record: &LogRecord<'_>) -> Self {
        Self {
            level: record.level,
            timestamp_us: record.timestamp_us,
            module: record.module.to_string(),
            session_uuid: record.session_uuid.to_string(),
            message: record.message.to_string(),
        }
    }

    /// The record again, borrowed, for formatting.
    pub fn record(&self) -> LogRecord<'_> {
        LogRecord {
            level: self.level,
            timestamp_us: self.timestamp_us,
            module: self.module.as_str().into(),
            session_uuid: self.session_uuid.as_str().into(),
            message: self.message.as_str().into(),
        }
    }
}

/// One connected client, as the hub and its connection threads share it.
pub struct Listener {
    /// A number for log lines.
    pub id: u64,
    /// `ip:port` of the other end.
    pub peer: String,
    /// What it asked for.
    pub state: Arc<Mutex<ListenerState>>,
    queue: SyncSender<Outgoing>,
    /// A handle to the socket, to shut it down from any thread.
    socket: TcpStream,
    overflowed: AtomicBool,
    closed: AtomicBool,
    /// Outbound: `connect` arrived, or the connection ended (the call may stop waiting).
    connected: Latch,
}

impl Listener {
    /// Queues `item`. A full queue drops the client; returns whether it was queued.
    pub fn push(&self, item: Outgoing) -> bool {
        if self.closed.load(Ordering::Acquire) {
            return false;
        }
        match self.queue.try_send(item) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                if !self.overflowed.swap(true, Ordering::AcqRel) {
                    self.close_socket();
                }
                false
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    }

    /// Shuts the socket down: both connection threads stop, nothing more is queued.
    pub fn close_socket(&self) {
        self.closed.store(true, Ordering::Release);
        // Already closed or reset by the peer: nothing left to do.
        let _ = self.socket.shutdown(Shutdown::Both);
    }

    /// Whether it was dropped because its queue filled up.
    pub fn overflowed(&self) -> bool {
        self.overflowed.load(Ordering::Acquire)
    }

    /// The channel it follows, if any.
    pub fn controlled(&self) -> Option<String> {
        lock(&self.state).controlled.clone()
    }

    /// Marks `connect` as received (or the connection as over).
    pub fn set_connected(&self) {
        self.connected.open();
    }

    /// Waits up to `limit` for [`set_connected`](Self::set_connected); true if it happened.
    pub fn wait_connected(&self, limit: Duration) -> bool {
        self.connected.wait(limit)
    }
}

/// A one-way gate threads can wait on.
#[derive(Default)]
struct Latch {
    open: Mutex<bool>,
    signal: Condvar,
}

impl Latch {
    fn open(&self) {
        *self
            .open
            .lock()
            .unwrap_or_else(|poison| poison.into_inner()) = true;
        self.signal.notify_all();
    }

    fn wait(&self, limit: Duration) -> bool {
        let open = self
            .open
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let (open, _) = self
            .signal
            .wait_timeout_while(open, limit, |open| !*open)
            .unwrap_or_else(|poison| poison.into_inner());
        *open
    }
}

/// Every connected client.
#[derive(Default)]
pub struct Hub {
    listeners: RwLock<Arc<[Arc<Listener>]>>,
    next_id: AtomicU64,
    /// Buffers for event messages.
    pub buffers: BufferPool,
    /// Told whether any client is connected, so that the core builds no events while
    /// nobody is there to read them.
    core: Option<Host>,
}

impl Hub {
    /// A hub with no client yet, which tells `host` whether it has any.
    pub fn reporting_to(host: Host) -> Self {
        host.set_event_handlers_active(false);
        Self {
            core: Some(host),
            ..Self::default()
        }
    }

    /// Tells the core whether events have anyone to go to. Called with the listener list
    /// still locked, so that reports reach the core in the order the list changed.
    fn report_clients(&self, clients: usize) {
        if let Some(host) = &self.core {
            host.set_event_handlers_active(clients > 0);
        }
    }

    /// Registers a client whose socket is `socket`, with a queue of `queue_size` items;
    /// returns it and the receiving end of its queue, for its writer thread.
    pub fn register(
        &self,
        socket: &TcpStream,
        peer: String,
        state: ListenerState,
        queue_size: usize,
    ) -> std::io::Result<(Arc<Listener>, Receiver<Outgoing>)> {
        let (queue, receiver) = std::sync::mpsc::sync_channel(queue_size);
        let listener = Arc::new(Listener {
            id: self.next_id.fetch_add(1, Ordering::Relaxed) + 1,
            peer,
            state: Arc::new(Mutex::new(state)),
            queue,
            socket: socket.try_clone()?,
            overflowed: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            connected: Latch::default(),
        });
        let mut listeners = self.write();
        let mut all: Vec<Arc<Listener>> = listeners.iter().cloned().collect();
        all.push(Arc::clone(&listener));
        self.report_clients(all.len());
        *listeners = all.into();
        Ok((listener, receiver))
    }

    /// Forgets client `id` (its writer calls this when it ends).
    pub fn remove(&self, id: u64) {
        let mut listeners = self.write();
        let kept: Vec<Arc<Listener>> = listeners
            .iter()
            .filter(|listener| listener.id != id)
            .cloned()
            .collect();
        self.report_clients(kept.len());
        *listeners = kept.into();
    }

    /// The clients connected now.
    pub fn listeners(&self) -> Arc<[Arc<Listener>]> {
        Arc::clone(
            &self
                .listeners
                .read()
                .unwrap_or_else(|poison| poison.into_inner()),
        )
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Arc<[Arc<Listener>]>> {
        self.listeners
            .write()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Offers `event` to every client; never blocks.
    pub fn handle_event(&self, event: &Event) {
        let listeners = self.listeners();
        // One message per format, made for the first client that wants it.
        let mut messages: [Option<Arc<EventMessage>>; 3] = Default::default();
        for listener in listeners.iter() {
            let route = lock(&listener.state).route(event);
            if let Some(format) = route.deliver {
                let message = messages[format as usize].get_or_insert_with(|| {
                    let mut buffer = self.buffers.take();
                    let start = crate::format::envelope_into(&mut buffer, format, event);
                    Arc::new(EventMessage { buffer, start })
                });
                listener.push(Outgoing::Event(Arc::clone(message)));
            }
            if route.channel_down {
                listener.push(Outgoing::ChannelDown {
                    channel_name: event.header("Channel-Name").unwrap_or_default().to_owned(),
                });
            }
        }
    }

    /// Offers a log line to every client that asked for lines of its level; never blocks.
    pub fn handle_log(&self, record: &LogRecord<'_>) {
        let listeners = self.listeners();
        let mut shared: Option<Arc<LogLine>> = None;
        for listener in listeners.iter() {
            if lock(&listener.state).wants_log(record.level) {
                let line = shared.get_or_insert_with(|| Arc::new(LogLine::from_record(record)));
                listener.push(Outgoing::Log(Arc::clone(line)));
            }
        }
    }

    /// Tells every client the module stops, and closes those that cannot be told.
    pub fn close_all(&self, message: &'static str) {
        for listener in self.listeners().iter() {
            if !listener.push(Outgoing::Close(message)) {
                listener.close_socket();
            }
        }
    }

    /// Shuts every remaining socket down.
    pub fn shut_all(&self) {
        for listener in self.listeners().iter() {
            listener.close_socket();
        }
    }
}

/// The event handler registered for `ALL`.
pub struct HubEvents(pub Arc<Hub>);

impl EventHandler for HubEvents {
    fn on_event(&self, event: &Event) {
        self.0.handle_event(event);
    }
}

/// The logger that feeds `log <level>` clients.
pub struct HubLogs(pub Arc<Hub>);

impl Logger for HubLogs {
    fn log(&self, record: &LogRecord<'_>) {
        self.0.handle_log(record);
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use super::*;

    /// A connected pair of loopback sockets: (the module's side, the client's side).
    fn socket_pair() -> (TcpStream, TcpStream) {
        let server = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let client = TcpStream::connect(server.local_addr().expect("bound")).expect("connects");
        let (accepted, _) = server.accept().expect("accepts");
        (accepted, client)
    }

    fn subscribed_all() -> ListenerState {
        let mut state = ListenerState::default();
        state.subscription.enabled = true;
        state.subscription.add("ALL");
        state
    }

    fn heartbeat() -> Event {
        let mut event = Event::new("HEARTBEAT");
        event.add_header("Event-Name", "HEARTBEAT");
        event
    }

    #[test]
    fn events_reach_the_clients_that_want_them() {
        let hub = Hub::default();
        let (socket, _client) = socket_pair();
        let (_all, all_queue) = hub
            .register(&socket, "a".into(), subscribed_all(), 10)
            .expect("registered");
        let (_none, none_queue) = hub
            .register(&socket, "b".into(), ListenerState::default(), 10)
            .expect("registered");
        hub.handle_event(&heartbeat());
        assert!(matches!(
            all_queue.try_recv(),
            Ok(Outgoing::Event(message)) if message.text().starts_with("Content-Length: ")
                && message.text().contains("text/event-plain")
                && message.text().contains("Event-Name: HEARTBEAT")
        ));
        assert!(none_queue.try_recv().is_err());
    }

    #[test]
    fn a_full_queue_drops_the_client_without_waiting() {
        let hub = Hub::default();
        let (socket, mut client) = socket_pair();
        let (listener, queue) = hub
            .register(&socket, "slow".into(), subscribed_all(), 2)
            .expect("registered");
        for _ in 0..5 {
            hub.handle_event(&heartbeat());
        }
        assert!(listener.overflowed());
        assert!(!listener.push(Outgoing::Text("late".into())));
        assert_eq!(queue.try_iter().count(), 2);
        // The socket was shut down: the client sees the end of the stream.
        let mut buffer = [0u8; 16];
        assert_eq!(
            std::io::Read::read(&mut client, &mut buffer).expect("reads"),
            0
        );
    }

    #[test]
    fn the_controlled_channel_going_down_is_queued_after_its_event() {
        let hub = Hub::default();
        let (socket, _client) = socket_pair();
        let mut state = subscribed_all();
        state.controlled = Some("u1".into());
        let (_listener, queue) = hub
            .register(&socket, "c".into(), state, 10)
            .expect("registered");
        let mut hangup = Event::new("CHANNEL_HANGUP");
        hangup
            .add_header("Unique-ID", "u1")
            .add_header("Channel-Name", "loopback/x-a");
        hub.handle_event(&hangup);
        assert!(matches!(queue.try_recv(), Ok(Outgoing::Event(..))));
        assert!(matches!(
            queue.try_recv(),
            Ok(Outgoing::ChannelDown { channel_name }) if channel_name == "loopback/x-a"
        ));
    }

    #[test]
    fn log_lines_reach_clients_by_level() {
        let hub = Hub::default();
        let (socket, _client) = socket_pair();
        let state = ListenerState {
            log_level: Some(LogLevel::Warning),
            ..ListenerState::default()
        };
        let (_listener, queue) = hub
            .register(&socket, "l".into(), state, 10)
            .expect("registered");
        let record = |level| LogRecord {
            level,
            timestamp_us: 1,
            module: "mod_x".into(),
            session_uuid: "".into(),
            message: "m".into(),
        };
        hub.handle_log(&record(LogLevel::Info));
        hub.handle_log(&record(LogLevel::Err));
        let lines: Vec<_> = queue.try_iter().collect();
        assert_eq!(lines.len(), 1);
        assert!(matches!(&lines[0], Outgoing::Log(line) if line.level == LogLevel::Err));
    }

    #[test]
    fn removed_clients_get_nothing_more() {
        let hub = Hub::default();
        let (socket, _client) = socket_pair();
        let (listener, queue) = hub
            .register(&socket, "r".into(), subscribed_all(), 10)
            .expect("registered");
        hub.remove(listener.id);
        hub.handle_event(&heartbeat());
        assert!(queue.try_recv().is_err());
        assert!(hub.listeners().is_empty());
    }

    #[test]
    fn the_connected_latch_wakes_waiters() {
        let hub = Hub::default();
        let (socket, _client) = socket_pair();
        let (listener, _queue) = hub
            .register(&socket, "o".into(), ListenerState::default(), 1)
            .expect("registered");
        assert!(!listener.wait_connected(Duration::from_millis(1)));
        let setter = Arc::clone(&listener);
        let thread = std::thread::spawn(move || setter.set_connected());
        assert!(listener.wait_connected(Duration::from_secs(5)));
        thread.join().expect("no panic");
    }
}
