//! Misuse of the transaction layer by its caller.

use super::TransactionId;
use crate::message::HeaderError;

/// Why the transaction layer refused a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TransactionError {
    /// No transaction has this id (it never existed or has terminated).
    #[error("no transaction {0:?}")]
    Unknown(TransactionId),
    /// A response was given for a client transaction, or a request for a server one.
    #[error("transaction {0:?} is not a server transaction")]
    NotServer(TransactionId),
    /// The server transaction has already sent its final response.
    #[error("transaction {0:?} has already sent a final response")]
    AlreadyFinal(TransactionId),
    /// A 100 Trying or a response with a status outside 100..=699.
    #[error("status {0} cannot be sent by the TU")]
    Status(u16),
    /// ACK for a 2xx is not a transaction: send it with `send_stateless`.
    #[error("ACK is sent without a transaction")]
    AckTransaction,
    /// The request cannot be sent: a header the transaction layer needs is missing or bad.
    #[error("request unusable: {0}")]
    Header(#[from] HeaderError),
    /// A request with this branch and method is already in flight.
    #[error("a transaction with branch {0} already exists")]
    DuplicateBranch(String),
}
