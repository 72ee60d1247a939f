//! One client's threads: a reader that frames and interprets its commands, and a writer that
//! drains its bounded queue (replies, events, log lines, notices) onto the socket.
//!
//! The writer owns the end of the connection: it writes the disconnect notice, shuts the
//! socket down (which also ends the reader's blocking read) and takes the client off the
//! hub. The reader only queues; so does the event bus, so no call ever waits on a socket.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use ferroswitch_abi::{Host, LogLevel};

use crate::command::{lock, Interpreter, Output};
use crate::config::EventSocketConfig;
use crate::framer::Framer;
use crate::host_switch::HostSwitch;
use crate::hub::{Hub, Listener, Outgoing};
use crate::messages::{disconnect_notice, linger_notice, log_data, GOODBYE};
use crate::subscription::{Linger, ListenerState};
use crate::switch::Switch;

/// How long a client has to send its first command (an inbound client its `auth`, an
/// outbound server its `connect`), as FreeSWITCH allows.
pub const FIRST_COMMAND_LIMIT: Duration = Duration::from_secs(25);

/// How much of a command line goes into the command log.
const MAX_LOGGED_COMMAND: usize = 256;

/// The most bytes one write to a client carries: large enough to amortise the system call,
/// small enough to keep the writer responsive.
const BATCH_BYTES: usize = 256 * 1024;

/// A write that carried at least this many items means events are streaming in ...
const BUSY_BATCH: usize = 16;
/// ... so the writer lets them gather this long before it looks again, instead of parking on
/// its queue. A parked writer costs every event's sender (a call's thread) a wake-up system
/// call and the machine a context switch; at tens of thousands of events a second that was a
/// large share of the event socket's CPU. Quiet connections never wait: their latency stays.
const BUSY_GATHER: Duration = Duration::from_millis(1);

/// What every connection shares: the host, the settings, the hub, and the count of live
/// connections (for a shutdown to wait on).
pub struct Context {
    pub host: Host,
    pub config: EventSocketConfig,
    pub hub: Arc<Hub>,
    live: Mutex<usize>,
    idle: Condvar,
}

impl Context {
    /// A context with no connection yet.
    pub fn new(host: Host, config: EventSocketConfig, hub: Arc<Hub>) -> Self {
        Self {
            host,
            config,
            hub,
            live: Mutex::new(0),
            idle: Condvar::new(),
        }
    }

    /// Waits up to `limit` until every connection has ended; true if they all have.
    pub fn wait_idle(&self, limit: Duration) -> bool {
        let live = self
            .live
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let (live, _) = self
            .idle
            .wait_timeout_while(live, limit, |live| *live > 0)
            .unwrap_or_else(|poison| poison.into_inner());
        *live == 0
    }

    fn enter(self: &Arc<Self>) -> LiveConnection {
        *self
            .live
            .lock()
            .unwrap_or_else(|poison| poison.into_inner()) += 1;
        LiveConnection(Arc::clone(self))
    }
}

/// Counts one connection as live until dropped.
struct LiveConnection(Arc<Context>);

impl Drop for LiveConnection {
    fn drop(&mut self) {
        let mut live = self
            .0
            .live
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        *live = live.saturating_sub(1);
        self.0.idle.notify_all();
    }
}

/// A registered client whose writer runs; [`serve`](Self::serve) reads its commands.
pub struct Connection {
    /// The client as the hub knows it.
    pub listener: Arc<Listener>,
    stream: TcpStream,
}

impl Connection {
    /// Registers the client of `stream` with `state` and starts its writer thread.
    pub fn open(
        context: &Arc<Context>,
        stream: TcpStream,
        peer: String,
        state: ListenerState,
    ) -> std::io::Result<Self> {
        // Replies are small and should leave at once.
        stream.set_nodelay(true)?;
        let (listener, receiver) =
            context
                .hub
                .register(&stream, peer, state, context.config.queue_size)?;
        let writer_stream = stream.try_clone()?;
        let live = context.enter();
        let writer = Writer {
            context: Arc::clone(context),
            listener: Arc::clone(&listener),
            receiver,
            stream: writer_stream,
        };
        let spawned = std::thread::Builder::new()
            .name(format!("esl writer {}", listener.id))
            .stack_size(256 * 1024)
            .spawn(move || {
                let _live = live;
                writer.run();
            });
        if let Err(error) = spawned {
            listener.close_socket();
            context.hub.remove(listener.id);
            return Err(error);
        }
        Ok(Self { listener, stream })
    }

    /// Reads, frames and handles commands until the client leaves, says `exit`, or the
    /// writer closes the connection. With `first_command_limit`, the first command must
    /// arrive within it (an outbound client must `connect` in time).
    pub fn serve(
        self,
        context: &Context,
        mut interpreter: Interpreter,
        first_command_limit: Option<Duration>,
    ) {
        let Self {
            listener,
            mut stream,
        } = self;
        let switch = HostSwitch::new(context.host);
        let mut framer = Framer::default();
        let mut buffer = vec![0u8; 8192];
        let mut waiting_first = first_command_limit.is_some();
        if waiting_first {
            // A socket refusing a timeout is simply read without one.
            let _ = stream.set_read_timeout(first_command_limit);
        }
        'reading: loop {
            while let Some(framed) = framer.poll_command() {
                let command = match framed {
                    Ok(command) => command,
                    Err(error) => {
                        context.host.log(
                            LogLevel::Warning,
                            &format!("event socket client {}: {error}; closing", listener.peer),
                        );
                        break 'reading;
                    }
                };
                if waiting_first {
                    waiting_first = false;
                    let _ = stream.set_read_timeout(None);
                }
                log_command(context, &listener.peer, &command.line);
                for output in interpreter.handle(&command, &switch) {
                    if !carry_out(&listener, &switch, output) {
                        break 'reading;
                    }
                }
            }
            match stream.read(&mut buffer) {
                Ok(0) => break,
                Ok(count) => framer.handle_bytes(&buffer[..count]),
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) => {
                    if waiting_first
                        && matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
                    {
                        context.host.log(
                            LogLevel::Warning,
                            &format!(
                                "event socket client {} sent no command in time; closing",
                                listener.peer
                            ),
                        );
                    }
                    break;
                }
            }
        }
        if !listener.push(Outgoing::Close(GOODBYE)) {
            listener.close_socket();
        }
        // A call waiting for `connect` stops waiting.
        listener.set_connected();
    }
}

/// Carries out one of the interpreter's outputs; false when the connection should close.
fn carry_out(listener: &Listener, switch: &HostSwitch, output: Output) -> bool {
    match output {
        Output::Send(text) => {
            listener.push(Outgoing::Text(text));
        }
        Output::Background(job) => switch.start_job(job),
        Output::ChannelDown => {
            let channel_name = listener
                .controlled()
                .and_then(|uuid| switch.channel_data(&uuid))
                .and_then(|data| data.header("Channel-Name").map(str::to_owned))
                .unwrap_or_default();
            listener.push(Outgoing::ChannelDown { channel_name });
        }
        Output::Connected => listener.set_connected(),
        Output::Close => return false,
    }
    true
}

/// Logs a command at `command-log-level`, as FreeSWITCH does: the first line, printable
/// characters only, without passwords.
fn log_command(context: &Context, peer: &str, line: &str) {
    let Some(level) = context.config.command_log_level else {
        return;
    };
    let lower = line.get(..9).unwrap_or(line).to_ascii_lowercase();
    if lower.starts_with("auth ") || lower.starts_with("userauth ") {
        return;
    }
    let mut clean: String = line
        .chars()
        .filter(|ch| !ch.is_control() || *ch == '\t')
        .take(MAX_LOGGED_COMMAND)
        .collect();
    if line.chars().count() > MAX_LOGGED_COMMAND {
        clean.push('…');
    }
    if !clean.is_empty() {
        context
            .host
            .log(level, &format!("Event Socket Command from {peer}: {clean}"));
    }
}

/// One client's writer thread.
struct Writer {
    context: Arc<Context>,
    listener: Arc<Listener>,
    receiver: Receiver<Outgoing>,
    stream: TcpStream,
}

impl Writer {
    fn run(mut self) {
        let farewell = self.drain();
        if let Some(message) = farewell {
            let notice = disconnect_notice(self.listener.controlled().as_deref(), message);
            // The client may be gone already; the notice is a courtesy.
            let _ = self.stream.write_all(notice.as_bytes());
        }
        self.listener.close_socket();
        self.context.hub.remove(self.listener.id);
        if self.listener.overflowed() {
            self.context.host.log(
                LogLevel::Warning,
                &format!(
                    "event socket client {} dropped: it does not read, and {} events and log lines were waiting for it",
                    self.listener.peer, self.context.config.queue_size
                ),
            );
        }
    }

    /// Writes queued items until the connection ends; returns the disconnect notice's text
    /// if the client should still get one. Everything already queued when the writer wakes
    /// goes out in one write (up to `BATCH_BYTES`): one system call per burst, not per event.
    fn drain(&mut self) -> Option<&'static str> {
        let mut linger_until: Option<Instant> = None;
        let mut batch = String::new();
        // Buffers of the event messages this writer was the last to hold.
        let mut finished = Vec::new();
        loop {
            let first = match linger_until {
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    match self.receiver.recv_timeout(left) {
                        Ok(item) => item,
                        Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                            return Some(GOODBYE)
                        }
                    }
                }
                None => match self.receiver.recv() {
                    Ok(item) => item,
                    Err(_) => return Some(GOODBYE),
                },
            };
            let mut next = Some(first);
            let mut end = None;
            let mut items = 0;
            let mut backlog = false;
            while let Some(item) = next.take() {
                items += 1;
                match self.render(item, &mut linger_until, &mut batch, &mut finished) {
                    Ok(()) if batch.len() < BATCH_BYTES => next = self.receiver.try_recv().ok(),
                    Ok(()) => backlog = true,
                    Err(notice) => end = Some(notice),
                }
            }
            self.context.hub.buffers.give(&mut finished);
            if !batch.is_empty() && self.stream.write_all(batch.as_bytes()).is_err() {
                return None;
            }
            batch.clear();
            if let Some(notice) = end {
                return notice;
            }
            // Behind (the batch filled before the queue emptied): write on at once.
            if items >= BUSY_BATCH && !backlog {
                std::thread::sleep(BUSY_GATHER);
            }
        }
    }

    /// Appends what `item` sends to `batch`; `Err` ends the connection (with the disconnect
    /// notice's text, if one is owed). The buffer of an event message no other client holds
    /// any more goes to `finished`.
    fn render(
        &self,
        item: Outgoing,
        linger_until: &mut Option<Instant>,
        batch: &mut String,
        finished: &mut Vec<String>,
    ) -> Result<(), Option<&'static str>> {
        match item {
            Outgoing::Text(text) => batch.push_str(&text),
            Outgoing::Event(message) => {
                batch.push_str(message.text());
                if let Some(message) = Arc::into_inner(message) {
                    finished.push(message.into_buffer());
                }
            }
            Outgoing::Log(line) => batch.push_str(&log_data(&line.record())),
            Outgoing::ChannelDown { channel_name } => {
                let linger = lock(&self.listener.state).linger;
                let (Some(linger), Some(uuid)) = (linger, self.listener.controlled()) else {
                    return Err(Some(GOODBYE));
                };
                *linger_until = match linger {
                    Linger::Seconds(seconds) => {
                        Some(Instant::now() + Duration::from_secs(u64::from(seconds)))
                    }
                    Linger::Forever => None,
                };
                batch.push_str(&linger_notice(&uuid, &channel_name, linger.seconds()));
            }
            Outgoing::Close(message) => return Err(Some(message)),
        }
        Ok(())
    }
}
