//! TCP for a profile: accepting connections, framing each byte stream into messages with
//! [`StreamFramer`], and writing what the driver sends back over the same connection.
//! UDP needs no helper: the driver reads and writes its socket itself.
//!
//! Queues are bounded: a connection's reader waits for room in the driver's queue (so one
//! fast sender slows only itself), and the driver never waits on a connection's write
//! queue (a peer that does not read loses its messages and, at worst, its connection).

use std::net::SocketAddr;

use ferroswitch_sip::message::StreamFramer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// The largest SIP message accepted over TCP.
pub const MAX_MESSAGE: usize = 64 * 1024;
/// Messages waiting to be written to one connection.
const WRITE_QUEUE: usize = 64;

/// What the TCP side tells the driver.
pub enum TcpEvent {
    /// A connection opened; writes to the peer go into the sender.
    Connected(SocketAddr, mpsc::Sender<Vec<u8>>),
    /// One framed message from the peer.
    Message(SocketAddr, Vec<u8>),
    /// The connection closed (or its framing broke, with the reason).
    Closed(SocketAddr, Option<String>),
}

/// Accepts connections until the listener fails or the driver is gone.
pub async fn accept(listener: TcpListener, events: mpsc::Sender<TcpEvent>) {
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        let (write_tx, write_rx) = mpsc::channel(WRITE_QUEUE);
        if events
            .send(TcpEvent::Connected(peer, write_tx))
            .await
            .is_err()
        {
            return;
        }
        tokio::spawn(connection(stream, peer, events.clone(), write_rx));
    }
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    events: mpsc::Sender<TcpEvent>,
    mut writes: mpsc::Receiver<Vec<u8>>,
) {
    let (mut reader, mut writer) = stream.into_split();
    let writer_task = tokio::spawn(async move {
        while let Some(bytes) = writes.recv().await {
            if writer.write_all(&bytes).await.is_err() {
                break;
            }
        }
    });
    let mut framer = StreamFramer::new(MAX_MESSAGE);
    let mut buf = vec![0u8; 8192];
    let reason = 'read: loop {
        let count = match reader.read(&mut buf).await {
            Ok(0) | Err(_) => break None,
            Ok(count) => count,
        };
        framer.handle_input(&buf[..count]);
        loop {
            match framer.poll_message() {
                Ok(Some(message)) => {
                    if events.send(TcpEvent::Message(peer, message)).await.is_err() {
                        break 'read None;
                    }
                }
                Ok(None) => break,
                Err(error) => break 'read Some(error.to_string()),
            }
        }
    };
    writer_task.abort();
    let _ = events.send(TcpEvent::Closed(peer, reason)).await;
}
